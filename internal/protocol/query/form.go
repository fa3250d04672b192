package query

import (
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/xmlshape"
)

// Naming selects how member names appear in form keys.
type Naming int

const (
	// QueryNaming is the query protocol's: a member is keyed by its
	// locationName, else its name; lists are Name.member.N (or Name.N when
	// flattened), maps Name.entry.N.key / Name.entry.N.value (or Name.N.key
	// when flattened).
	QueryNaming Naming = iota
	// EC2Naming is the ec2 protocol's: a member is keyed by its queryName,
	// else its locationName capitalised, else its name; every list is
	// flattened (Name.N).
	EC2Naming
)

// ParamError reports a form parameter whose value does not parse as its
// member's type.
type ParamError struct {
	// Param is the full form key, e.g. "Filter.1.MaxResults".
	Param string
	// Value is the value sent.
	Value string
	// Err is the parse failure.
	Err error
}

// Error implements error.
func (e *ParamError) Error() string {
	return fmt.Sprintf("query: parameter %s: %v", e.Param, e.Err)
}

// Unwrap returns the parse failure.
func (e *ParamError) Unwrap() error { return e.Err }

// node is one dotted key segment of a form: its value, if the key itself
// was sent, and the segments below it.
type node struct {
	val  string
	set  bool
	kids map[string]*node
}

func (n *node) child(seg string) *node {
	if n == nil {
		return nil
	}
	return n.kids[seg]
}

// MaxKeySegments bounds the dotted segments of a form key; deeper keys are
// ignored, which bounds the decoder's recursion on recursive shapes.
const MaxKeySegments = 64

// tree builds the segment tree of vals; the first value of a repeated key
// wins, as AWS's services do.
func tree(vals url.Values) *node {
	root := &node{}
	for key, vs := range vals {
		if strings.Count(key, ".") >= MaxKeySegments {
			continue
		}
		n := root
		for seg := range strings.SplitSeq(key, ".") {
			if n.kids == nil {
				n.kids = map[string]*node{}
			}
			c := n.kids[seg]
			if c == nil {
				c = &node{}
				n.kids[seg] = c
			}
			n = c
		}
		if len(vs) > 0 && !n.set {
			n.val, n.set = vs[0], true
		}
	}
	return root
}

// Decode fills in, a pointer to a generated input structure, from form
// values (Action and Version are ignored as members do not carry those
// names). Unknown keys are ignored. A value that does not parse gives a
// *ParamError.
func Decode(vals url.Values, in any, naming Naming) error {
	v := reflect.ValueOf(in)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("query: decode target %T is not a pointer to a struct", in)
	}
	d := decoder{naming: naming}
	return d.structure(tree(vals), "", v.Elem())
}

type decoder struct {
	naming Naming
}

// MemberKey is the form key segment of member m under naming.
func MemberKey(m *protocol.Member, naming Naming) string {
	if naming == EC2Naming {
		switch {
		case m.QueryName != "":
			return m.QueryName
		case m.LocationName != "":
			return capitalise(m.LocationName)
		}
		return m.Name
	}
	if m.Kind == "list" && m.Flattened {
		return xmlshape.ElementName(m)
	}
	return m.WireName()
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func join(prefix, seg string) string {
	if prefix == "" {
		return seg
	}
	return prefix + "." + seg
}

func (d *decoder) structure(n *node, prefix string, v reflect.Value) error {
	st := protocol.StructOf(v.Type())
	for i := range st.Members {
		m := &st.Members[i]
		if m.Location != "" {
			continue
		}
		key := MemberKey(m, d.naming)
		c := n.child(key)
		if c == nil {
			continue
		}
		if err := d.member(c, join(prefix, key), m, v.Field(m.Field)); err != nil {
			return err
		}
	}
	return nil
}

func (d *decoder) member(n *node, path string, m *protocol.Member, fv reflect.Value) error {
	t := fv.Type()
	switch {
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
		if d.naming == QueryNaming && !m.Flattened {
			if c := n.child(m.ListMemberName()); c != nil {
				return d.list(c, join(path, m.ListMemberName()), fv)
			}
			if n.set && len(n.kids) == 0 {
				fv.Set(reflect.MakeSlice(t, 0, 0))
			}
			return nil
		}
		return d.list(n, path, fv)
	case t.Kind() == reflect.Map:
		keyName, valueName := m.MapKeyName(), m.MapValueName()
		if d.naming == QueryNaming && !m.Flattened {
			c := n.child("entry")
			if c == nil {
				if n.set && len(n.kids) == 0 {
					fv.Set(reflect.MakeMap(t))
				}
				return nil
			}
			return d.mapEntries(c, join(path, "entry"), fv, keyName, valueName)
		}
		return d.mapEntries(n, path, fv, keyName, valueName)
	}
	return d.value(n, path, fv, m.TimestampFormat)
}

// value decodes any value: scalars from n's value, structures from its
// children, nested lists and maps in their non-flattened query form.
func (d *decoder) value(n *node, path string, v reflect.Value, format string) error {
	t := v.Type()
	switch {
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct && !xmlshape.IsScalar(t):
		p := reflect.New(t.Elem())
		if err := d.structure(n, path, p.Elem()); err != nil {
			return err
		}
		v.Set(p)
		return nil
	case t.Kind() == reflect.Struct && !xmlshape.IsScalar(t):
		return d.structure(n, path, v)
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
		if d.naming == QueryNaming {
			if c := n.child("member"); c != nil {
				return d.list(c, join(path, "member"), v)
			}
		}
		return d.list(n, path, v)
	case t.Kind() == reflect.Map:
		if d.naming == QueryNaming {
			if c := n.child("entry"); c != nil {
				return d.mapEntries(c, join(path, "entry"), v, "key", "value")
			}
		}
		return d.mapEntries(n, path, v, "key", "value")
	case t.Kind() == reflect.Interface:
		return nil
	}
	if !n.set {
		return nil
	}
	if err := xmlshape.SetScalar(v, n.val, format); err != nil {
		return &ParamError{Param: path, Value: n.val, Err: err}
	}
	return nil
}

// indexed returns n's children keyed by positive decimal indexes, in index
// order.
func indexed(n *node) []int {
	idx := make([]int, 0, len(n.kids))
	for seg := range n.kids {
		i, err := strconv.Atoi(seg)
		if err != nil || i < 1 || seg[0] == '0' || seg[0] == '+' {
			continue
		}
		idx = append(idx, i)
	}
	slices.Sort(idx)
	return idx
}

func (d *decoder) list(n *node, path string, v reflect.Value) error {
	idx := indexed(n)
	s := reflect.MakeSlice(v.Type(), len(idx), len(idx))
	for j, i := range idx {
		seg := strconv.Itoa(i)
		if err := d.value(n.kids[seg], join(path, seg), s.Index(j), ""); err != nil {
			return err
		}
	}
	v.Set(s)
	return nil
}

func (d *decoder) mapEntries(n *node, path string, v reflect.Value, keyName, valueName string) error {
	idx := indexed(n)
	t := v.Type()
	if t.Key().Kind() != reflect.String {
		return fmt.Errorf("query: map key type %s is not a string", t.Key())
	}
	mv := reflect.MakeMapWithSize(t, len(idx))
	for _, i := range idx {
		seg := strconv.Itoa(i)
		e := n.kids[seg]
		k := e.child(keyName)
		if k == nil || !k.set {
			continue
		}
		val := reflect.New(t.Elem()).Elem()
		if c := e.child(valueName); c != nil {
			if err := d.value(c, join(path, seg+"."+valueName), val, ""); err != nil {
				return err
			}
		}
		mv.SetMapIndex(reflect.ValueOf(k.val).Convert(t.Key()), val)
	}
	v.Set(mv)
	return nil
}
