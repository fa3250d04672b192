package s3

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// A statement's Condition block: operators, each over keys, each with one
// or more values. Every operator and every key must hold (AND); a key
// holds when the request's value matches any of the policy's values (OR),
// or for a negated operator, none of them.
//
// A key the request does not have fails a positive operator and satisfies
// a negated one (StringNotEquals, NotIpAddress, ...), as IAM documents;
// ...IfExists makes an absent key hold; Null tests presence alone.
// ForAnyValue: and ForAllValues: compare multi-valued keys: any request
// value matching, or every one (vacuously true when the key is absent).

// condition is one operator applied to one key.
type condition struct {
	op     condOp
	negate bool
	// ifExists holds when the key is absent.
	ifExists bool
	// set is the set qualifier: 0, 'any' (ForAnyValue) or 'all'
	// (ForAllValues).
	set    byte
	key    string
	values []string
	// invalid marks a condition unkai cannot read: it never holds.
	invalid bool
}

// condOp compares one request value with one policy value.
type condOp int

// The operator families.
const (
	opString condOp = iota
	opStringIgnoreCase
	opStringLike
	opNumericEq
	opNumericLt
	opNumericLe
	opNumericGt
	opNumericGe
	opDateEq
	opDateLt
	opDateLe
	opDateGt
	opDateGe
	opBool
	opBinary
	opIP
	opArnLike
	opNull
)

// operator returns the family of an operator name (without IfExists and
// set qualifiers) and whether it is negated; false for an unknown name.
func operator(name string) (op condOp, negate, ok bool) {
	switch name {
	case "StringEquals", "StringNotEquals":
		return opString, name == "StringNotEquals", true
	case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase":
		return opStringIgnoreCase, name == "StringNotEqualsIgnoreCase", true
	case "StringLike", "StringNotLike":
		return opStringLike, name == "StringNotLike", true
	case "NumericEquals", "NumericNotEquals":
		return opNumericEq, name == "NumericNotEquals", true
	case "NumericLessThan":
		return opNumericLt, false, true
	case "NumericLessThanEquals":
		return opNumericLe, false, true
	case "NumericGreaterThan":
		return opNumericGt, false, true
	case "NumericGreaterThanEquals":
		return opNumericGe, false, true
	case "DateEquals", "DateNotEquals":
		return opDateEq, name == "DateNotEquals", true
	case "DateLessThan":
		return opDateLt, false, true
	case "DateLessThanEquals":
		return opDateLe, false, true
	case "DateGreaterThan":
		return opDateGt, false, true
	case "DateGreaterThanEquals":
		return opDateGe, false, true
	case "Bool":
		return opBool, false, true
	case "BinaryEquals":
		return opBinary, false, true
	case "IpAddress", "NotIpAddress":
		return opIP, name == "NotIpAddress", true
	case "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike":
		return opArnLike, name == "ArnNotEquals" || name == "ArnNotLike", true
	case "Null":
		return opNull, false, true
	}
	return 0, false, false
}

// decodeConditions reads a Condition element. Malformed blocks compile to
// one condition that never holds.
func decodeConditions(raw json.RawMessage) []condition {
	if raw == nil {
		return nil
	}
	var block map[string]map[string]json.RawMessage
	if err := json.Unmarshal(raw, &block); err != nil {
		return []condition{{invalid: true}}
	}
	var out []condition
	for _, name := range sortedKeys(block) {
		c := parseOperator(name)
		for _, key := range sortedKeys(block[name]) {
			kc := c
			kc.key = key
			vals, ok := conditionValues(block[name][key])
			if !ok {
				kc.invalid = true
			}
			kc.values = vals
			out = append(out, kc)
		}
		if len(block[name]) == 0 {
			out = append(out, condition{invalid: true})
		}
	}
	return out
}

// parseOperator reads an operator name with its qualifiers.
func parseOperator(name string) condition {
	var c condition
	rest := name
	if r, ok := strings.CutPrefix(rest, "ForAnyValue:"); ok {
		c.set, rest = 'a', r
	} else if r, ok := strings.CutPrefix(rest, "ForAllValues:"); ok {
		c.set, rest = 'A', r
	}
	if r, ok := strings.CutSuffix(rest, "IfExists"); ok && r != "Null" {
		c.ifExists, rest = true, r
	}
	var ok bool
	if c.op, c.negate, ok = operator(rest); !ok {
		c.invalid = true
	}
	return c
}

// conditionValues reads a condition's value: a string, number or boolean,
// or a list of them, as text.
func conditionValues(raw json.RawMessage) ([]string, bool) {
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		list = []json.RawMessage{raw}
	}
	out := make([]string, 0, len(list))
	for _, v := range list {
		v = bytes.TrimSpace(v)
		var s string
		if json.Unmarshal(v, &s) == nil {
			out = append(out, s)
			continue
		}
		if len(v) == 0 || v[0] == '{' || v[0] == '[' || string(v) == "null" {
			return nil, false
		}
		out = append(out, string(v)) // a number or a boolean
	}
	return out, len(out) > 0
}

// holds evaluates the condition for req.
func (c *condition) holds(req *evalRequest) bool {
	if c.invalid {
		return false
	}
	got, present := req.key(c.key)
	if present && len(got) == 0 && c.set == 0 {
		present = false
	}
	if c.op == opNull {
		want := strings.EqualFold(c.values[0], "true")
		return want != present
	}
	switch c.set {
	case 'a':
		if !present || len(got) == 0 {
			return c.ifExists
		}
		for _, g := range got {
			if c.matchOne(g) {
				return true
			}
		}
		return false
	case 'A':
		for _, g := range got {
			if !c.matchOne(g) {
				return false
			}
		}
		return true
	}
	if !present {
		return c.ifExists || c.negate
	}
	for _, g := range got {
		if c.matchOne(g) {
			return true
		}
	}
	return false
}

// matchOne compares one request value with the policy's values: true when
// any matches, or for a negated operator, when none does.
func (c *condition) matchOne(got string) bool {
	hit := false
	for _, want := range c.values {
		if compareCond(c.op, got, want) {
			hit = true
			break
		}
	}
	return hit != c.negate
}

// compareCond applies op to a request value and a policy value. Values
// that do not parse as the operator's type never match.
func compareCond(op condOp, got, want string) bool {
	switch op {
	case opString:
		return got == want
	case opStringIgnoreCase:
		return strings.EqualFold(got, want)
	case opStringLike:
		return globMatch(want, got)
	case opNumericEq, opNumericLt, opNumericLe, opNumericGt, opNumericGe:
		g, ok1 := parseNumber(got)
		w, ok2 := parseNumber(want)
		return ok1 && ok2 && ordered(op-opNumericEq, g.Cmp(w))
	case opDateEq, opDateLt, opDateLe, opDateGt, opDateGe:
		g, ok1 := parseDate(got)
		w, ok2 := parseDate(want)
		return ok1 && ok2 && ordered(op-opDateEq, g.Compare(w))
	case opBool:
		return strings.EqualFold(got, want)
	case opBinary:
		w, err := base64.StdEncoding.DecodeString(want)
		return err == nil && got == string(w)
	case opIP:
		return ipMatch(got, want)
	case opArnLike:
		return arnMatch(want, got)
	}
	return false
}

// ordered applies the comparison rel (0 equals, 1 less than, 2 less or
// equal, 3 greater than, 4 greater or equal) to a comparison result.
func ordered(rel condOp, cmp int) bool {
	switch rel {
	case 0:
		return cmp == 0
	case 1:
		return cmp < 0
	case 2:
		return cmp <= 0
	case 3:
		return cmp > 0
	case 4:
		return cmp >= 0
	}
	return false
}

// parseNumber reads an integer or decimal number exactly.
func parseNumber(s string) (*big.Rat, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

// parseDate reads an ISO 8601 date or date-time (with or without
// fractional seconds and zone), or seconds since the epoch.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 && n < 1<<40 {
		return time.Unix(n, 0), true
	}
	return time.Time{}, false
}

// ipMatch reports whether the address got lies in want, a CIDR block or a
// single address.
func ipMatch(got, want string) bool {
	addr, err := netip.ParseAddr(strings.TrimSpace(got))
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	want = strings.TrimSpace(want)
	if !strings.Contains(want, "/") {
		w, err := netip.ParseAddr(want)
		return err == nil && w.Unmap() == addr
	}
	pfx, err := netip.ParsePrefix(want)
	if err != nil {
		return false
	}
	if pfx.Addr().Is4In6() {
		bits := pfx.Bits() - 96
		if bits < 0 {
			return false
		}
		pfx = netip.PrefixFrom(pfx.Addr().Unmap(), bits)
	}
	return pfx.Masked().Contains(addr)
}

// arnMatch compares ARNs component by component (partition, service,
// region, account, resource), each component a wildcard pattern.
func arnMatch(pattern, arn string) bool {
	pp := strings.SplitN(pattern, ":", 6)
	ap := strings.SplitN(arn, ":", 6)
	if len(pp) != 6 || len(ap) != 6 {
		return pattern == "*" || globMatch(pattern, arn)
	}
	for i := range pp {
		if !globMatch(pp[i], ap[i]) {
			return false
		}
	}
	return true
}
