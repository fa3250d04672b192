// Package validate checks a decoded input against the constraints its
// generated shape declares in struct tags (required, min, max, pattern,
// enum; see internal/protocol/shape.go) and reports every violation in the
// order and wording AWS's Coral front end uses: member declaration order,
// depth first, e.g.
//
//	Value null at 'tableName' failed to satisfy constraint: Member must not be null
//
// Element constraints of lists and maps are not carried by the tag contract,
// so only the members themselves and the structures nested in them are
// checked.
package validate

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

var timeType = reflect.TypeFor[time.Time]()

// Struct returns the constraint violations of v, a pointer to a generated
// input structure (or the structure itself). svc supplies enum value sets
// (Service.Enums); with a nil svc enums are not checked. A nil v, or one that
// is not a structure, has no violations.
func Struct(v any, svc *protocol.Service) []Violation {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil
	}
	w := walker{svc: svc}
	w.structure(rv)
	return w.out
}

// walker collects violations during one Struct call. The path of the value
// being checked is kept as a stack of parts and rendered only when a
// violation is reported, so a valid input costs no string building.
type walker struct {
	svc  *protocol.Service
	out  []Violation
	path []pathPart
}

// pathPart is one step of a path: a member (rendered with its first letter
// lowered, as Coral does), a 1-based list position ("<n>.member") or a map
// key.
type pathPart struct {
	name  string
	index int // list position when > 0
	key   bool
}

// pathString renders the current path, joined by dots.
func (w *walker) pathString() string {
	var b strings.Builder
	for i, p := range w.path {
		if i > 0 {
			b.WriteByte('.')
		}
		switch {
		case p.index > 0:
			b.WriteString(strconv.Itoa(p.index))
			b.WriteString(".member")
		case p.key:
			b.WriteString(p.name)
		default:
			b.WriteString(lowerFirst(p.name))
		}
	}
	return b.String()
}

func (w *walker) add(v reflect.Value, constraint string) {
	w.out = append(w.out, Violation{Path: w.pathString(), Value: renderQuoted(v), Constraint: constraint})
}

// structure checks every member of struct value v.
func (w *walker) structure(v reflect.Value) {
	s := protocol.StructOf(v.Type())
	for i := range s.Members {
		m := &s.Members[i]
		w.path = append(w.path, pathPart{name: m.Name})
		w.member(m, v.Field(m.Field))
		w.path = w.path[:len(w.path)-1]
	}
}

// member checks one member's own constraints, then what it contains.
func (w *walker) member(m *protocol.Member, f reflect.Value) {
	if isNil(f) {
		if m.Required {
			w.out = append(w.out, Violation{Path: w.pathString(), Value: "null", Constraint: "Member must not be null"})
		}
		return
	}
	v := f
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	switch {
	case v.Kind() == reflect.String:
		w.length(m, v, utf8.RuneCountInString(v.String()))
		if m.Pattern != "" {
			if re := compiled(m.Pattern); re != nil && !re.MatchString(v.String()) {
				w.add(v, "Member must satisfy regular expression pattern: "+m.Pattern)
			}
		}
		if m.Enum != "" && w.svc != nil {
			if set, ok := w.svc.Enums[m.Enum]; ok && !slices.Contains(set, v.String()) {
				w.add(v, "Member must satisfy enum value set: ["+strings.Join(set, ", ")+"]")
			}
		}
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
		w.length(m, v, v.Len())
	case v.Kind() == reflect.Int64 || v.Kind() == reflect.Int || v.Kind() == reflect.Int32:
		w.value(m, v, float64(v.Int()))
	case v.Kind() == reflect.Float64 || v.Kind() == reflect.Float32:
		w.value(m, v, v.Float())
	case v.Kind() == reflect.Slice:
		w.length(m, v, v.Len())
		w.elements(v)
	case v.Kind() == reflect.Map:
		w.length(m, v, v.Len())
		w.elements(v)
	case v.Kind() == reflect.Struct && v.Type() != timeType:
		w.structure(v)
	}
}

// length checks a length or size against the member's min and max.
func (w *walker) length(m *protocol.Member, v reflect.Value, n int) {
	if m.HasMin && float64(n) < m.Min {
		w.add(v, "Member must have length greater than or equal to "+bound(m.Min))
	}
	if m.HasMax && float64(n) > m.Max {
		w.add(v, "Member must have length less than or equal to "+bound(m.Max))
	}
}

// value checks a number against the member's min and max.
func (w *walker) value(m *protocol.Member, v reflect.Value, x float64) {
	if m.HasMin && x < m.Min {
		w.add(v, "Member must have value greater than or equal to "+bound(m.Min))
	}
	if m.HasMax && x > m.Max {
		w.add(v, "Member must have value less than or equal to "+bound(m.Max))
	}
}

// elements descends into the structures held by a list or map value. List
// elements are addressed "<path>.<i>.member" (1-based), map values
// "<path>.<key>", in key order.
func (w *walker) elements(v reflect.Value) {
	if !holdsStructs(v.Type().Elem()) {
		return
	}
	if v.Kind() == reflect.Slice {
		for i := 0; i < v.Len(); i++ {
			w.path = append(w.path, pathPart{index: i + 1})
			w.element(v.Index(i))
			w.path = w.path[:len(w.path)-1]
		}
		return
	}
	keys := v.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
	for _, k := range keys {
		w.path = append(w.path, pathPart{name: k.String(), key: true})
		w.element(v.MapIndex(k))
		w.path = w.path[:len(w.path)-1]
	}
}

func (w *walker) element(e reflect.Value) {
	for e.Kind() == reflect.Pointer || e.Kind() == reflect.Interface {
		if e.IsNil() {
			return
		}
		e = e.Elem()
	}
	switch e.Kind() {
	case reflect.Struct:
		w.structure(e)
	case reflect.Slice, reflect.Map:
		w.elements(e)
	}
}

// holdsStructs reports whether values of type t can contain structures.
func holdsStructs(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		return t != timeType
	case reflect.Slice:
		return t.Elem().Kind() != reflect.Uint8 && holdsStructs(t.Elem())
	case reflect.Map:
		return holdsStructs(t.Elem())
	}
	return false
}

func isNil(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return v.IsNil()
	}
	return false
}

// bound renders a min/max bound as AWS does: "3", "0.5".
func bound(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// lowerFirst lowers the first letter only, as Coral does: "SSESpecification"
// becomes "sSESpecification".
func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}
