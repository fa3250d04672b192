package attr

import (
	"bytes"
	"maps"
	"slices"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

// Item is a DynamoDB item: attribute names to values.
type Item = map[string]dynamodbapi.AttributeValue

// Type names, as DynamoDB spells them in AttributeValue members.
const (
	TypeS    = "S"
	TypeN    = "N"
	TypeB    = "B"
	TypeSS   = "SS"
	TypeNS   = "NS"
	TypeBS   = "BS"
	TypeM    = "M"
	TypeL    = "L"
	TypeNULL = "NULL"
	TypeBOOL = "BOOL"
)

// TypeOf returns v's type name ("S", "N", "B", "SS", "NS", "BS", "M", "L",
// "NULL" or "BOOL"), or "" when no type is set. When several are set (an
// invalid value) it names the first in that order.
func TypeOf(v dynamodbapi.AttributeValue) string {
	switch {
	case v.S != nil:
		return TypeS
	case v.N != nil:
		return TypeN
	case v.B != nil:
		return TypeB
	case v.SS != nil:
		return TypeSS
	case v.NS != nil:
		return TypeNS
	case v.BS != nil:
		return TypeBS
	case v.M != nil:
		return TypeM
	case v.L != nil:
		return TypeL
	case v.NULL != nil:
		return TypeNULL
	case v.BOOL != nil:
		return TypeBOOL
	}
	return ""
}

// typeCount returns how many of v's type members are set.
func typeCount(v *dynamodbapi.AttributeValue) int {
	n := 0
	for _, set := range [...]bool{
		v.S != nil, v.N != nil, v.B != nil, v.SS != nil, v.NS != nil,
		v.BS != nil, v.M != nil, v.L != nil, v.NULL != nil, v.BOOL != nil,
	} {
		if set {
			n++
		}
	}
	return n
}

// Clone returns a deep copy of it; a nil item gives nil.
func Clone(it Item) Item {
	if it == nil {
		return nil
	}
	out := make(Item, len(it))
	for k, v := range it {
		out[k] = CloneValue(v)
	}
	return out
}

// CloneValue returns a deep copy of v, keeping nil and empty members apart.
func CloneValue(v dynamodbapi.AttributeValue) dynamodbapi.AttributeValue {
	var c dynamodbapi.AttributeValue
	if v.S != nil {
		s := *v.S
		c.S = &s
	}
	if v.N != nil {
		s := *v.N
		c.N = &s
	}
	if v.B != nil {
		c.B = bytes.Clone(v.B)
		if c.B == nil {
			c.B = []byte{}
		}
	}
	if v.SS != nil {
		c.SS = slices.Clone(v.SS)
	}
	if v.NS != nil {
		c.NS = slices.Clone(v.NS)
	}
	if v.BS != nil {
		c.BS = make([][]byte, len(v.BS))
		for i, b := range v.BS {
			if b != nil {
				c.BS[i] = append([]byte{}, b...)
			}
		}
	}
	if v.M != nil {
		c.M = make(map[string]dynamodbapi.AttributeValue, len(v.M))
		for k, e := range v.M {
			c.M[k] = CloneValue(e)
		}
	}
	if v.L != nil {
		c.L = make([]dynamodbapi.AttributeValue, len(v.L))
		for i, e := range v.L {
			c.L[i] = CloneValue(e)
		}
	}
	if v.NULL != nil {
		b := *v.NULL
		c.NULL = &b
	}
	if v.BOOL != nil {
		b := *v.BOOL
		c.BOOL = &b
	}
	return c
}

// Normalize rewrites every number in v (N, NS members, and inside M and L)
// to DynamoDB's canonical text, e.g. "1.50" → "1.5", "1e2" → "100",
// "-0" → "0". Invalid numbers are left as they are. v's maps and lists are
// updated in place; a changed N or NS gets a new string or slice rather
// than being written through.
func Normalize(v *dynamodbapi.AttributeValue) {
	if v.N != nil {
		if n, err := parseNumber(*v.N); err == nil {
			if s := n.String(); s != *v.N {
				v.N = &s
			}
		}
	}
	if v.NS != nil {
		var out []string
		for i, m := range v.NS {
			n, err := parseNumber(m)
			if err != nil {
				continue
			}
			if s := n.String(); s != m {
				if out == nil {
					out = slices.Clone(v.NS)
				}
				out[i] = s
			}
		}
		if out != nil {
			v.NS = out
		}
	}
	for k, e := range v.M {
		if needsNormalize(e) {
			Normalize(&e)
			v.M[k] = e
		}
	}
	for i := range v.L {
		Normalize(&v.L[i])
	}
}

// NormalizeItem normalizes every value of it in place.
func NormalizeItem(it Item) {
	for k, v := range it {
		if needsNormalize(v) {
			Normalize(&v)
			it[k] = v
		}
	}
}

// needsNormalize reports whether v holds any number, M or L (cheap filter
// that spares rewriting map entries holding only strings and binaries).
func needsNormalize(v dynamodbapi.AttributeValue) bool {
	return v.N != nil || v.NS != nil || v.M != nil || v.L != nil
}

// Equal reports whether a and b are the same DynamoDB value: same type,
// numbers equal numerically, sets equal as sets, lists element-wise and
// maps key-wise. Invalid numbers compare as text.
func Equal(a, b dynamodbapi.AttributeValue) bool {
	ta := TypeOf(a)
	if ta != TypeOf(b) {
		return false
	}
	switch ta {
	case TypeS:
		return *a.S == *b.S
	case TypeN:
		return numEqual(*a.N, *b.N)
	case TypeB:
		return bytes.Equal(a.B, b.B)
	case TypeSS:
		return setEqual(a.SS, b.SS, strings.Compare)
	case TypeNS:
		if len(a.NS) != len(b.NS) {
			return false
		}
		return setEqual(canonicalNums(a.NS), canonicalNums(b.NS), strings.Compare)
	case TypeBS:
		return setEqual(a.BS, b.BS, bytes.Compare)
	case TypeM:
		if len(a.M) != len(b.M) {
			return false
		}
		for k, av := range a.M {
			bv, ok := b.M[k]
			if !ok || !Equal(av, bv) {
				return false
			}
		}
		return true
	case TypeL:
		return slices.EqualFunc(a.L, b.L, Equal)
	case TypeNULL:
		return *a.NULL == *b.NULL
	case TypeBOOL:
		return *a.BOOL == *b.BOOL
	}
	return true // both empty
}

// EqualItems reports whether two items hold the same attributes with Equal
// values.
func EqualItems(a, b Item) bool {
	return maps.EqualFunc(a, b, Equal)
}

func numEqual(a, b string) bool {
	if a == b {
		return true
	}
	na, ea := parseNumber(a)
	nb, eb := parseNumber(b)
	if ea != nil || eb != nil {
		return false
	}
	return na == nb
}

// canonicalNums returns the canonical text of each number (invalid ones as
// given).
func canonicalNums(ns []string) []string {
	out := make([]string, len(ns))
	for i, s := range ns {
		if n, err := parseNumber(s); err == nil {
			out[i] = n.String()
		} else {
			out[i] = s
		}
	}
	return out
}

// setEqual compares two sets (which may hold duplicates when unvalidated)
// by sorting copies.
func setEqual[E any](a, b []E, cmp func(E, E) int) bool {
	if len(a) != len(b) {
		return false
	}
	sa, sb := slices.Clone(a), slices.Clone(b)
	slices.SortFunc(sa, cmp)
	slices.SortFunc(sb, cmp)
	return slices.EqualFunc(sa, sb, func(x, y E) bool { return cmp(x, y) == 0 })
}

// Compare orders two scalar values of the same type as DynamoDB does:
// S by UTF-8 bytes, N numerically, B as unsigned bytes. ok is false for
// other types, mixed types and invalid numbers.
func Compare(a, b dynamodbapi.AttributeValue) (int, bool) {
	ta := TypeOf(a)
	if ta != TypeOf(b) {
		return 0, false
	}
	switch ta {
	case TypeS:
		return strings.Compare(*a.S, *b.S), true
	case TypeN:
		na, ea := parseNumber(*a.N)
		nb, eb := parseNumber(*b.N)
		if ea != nil || eb != nil {
			return 0, false
		}
		return na.Cmp(nb), true
	case TypeB:
		return bytes.Compare(a.B, b.B), true
	}
	return 0, false
}
