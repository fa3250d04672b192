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
	w.structure(rv, "")
	return w.out
}

// walker collects violations during one Struct call.
type walker struct {
	svc *protocol.Service
	out []Violation
}

func (w *walker) add(path string, v reflect.Value, constraint string) {
	w.out = append(w.out, Violation{Path: path, Value: renderQuoted(v), Constraint: constraint})
}

// structure checks every member of struct value v, whose path is prefix.
func (w *walker) structure(v reflect.Value, prefix string) {
	s := protocol.StructOf(v.Type())
	for i := range s.Members {
		m := &s.Members[i]
		w.member(m, v.Field(m.Field), join(prefix, lowerFirst(m.Name)))
	}
}

// member checks one member's own constraints, then what it contains.
func (w *walker) member(m *protocol.Member, f reflect.Value, path string) {
	if isNil(f) {
		if m.Required {
			w.out = append(w.out, Violation{Path: path, Value: "null", Constraint: "Member must not be null"})
		}
		return
	}
	v := f
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	switch {
	case v.Kind() == reflect.String:
		w.length(m, v, path, utf8.RuneCountInString(v.String()))
		if m.Pattern != "" {
			if re := compiled(m.Pattern); re != nil && !re.MatchString(v.String()) {
				w.add(path, v, "Member must satisfy regular expression pattern: "+m.Pattern)
			}
		}
		if m.Enum != "" && w.svc != nil {
			if set, ok := w.svc.Enums[m.Enum]; ok && !slices.Contains(set, v.String()) {
				w.add(path, v, "Member must satisfy enum value set: ["+strings.Join(set, ", ")+"]")
			}
		}
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
		w.length(m, v, path, v.Len())
	case v.Kind() == reflect.Int64 || v.Kind() == reflect.Int || v.Kind() == reflect.Int32:
		w.value(m, v, path, float64(v.Int()))
	case v.Kind() == reflect.Float64 || v.Kind() == reflect.Float32:
		w.value(m, v, path, v.Float())
	case v.Kind() == reflect.Slice:
		w.length(m, v, path, v.Len())
		w.elements(v, path)
	case v.Kind() == reflect.Map:
		w.length(m, v, path, v.Len())
		w.elements(v, path)
	case v.Kind() == reflect.Struct && v.Type() != timeType:
		w.structure(v, path)
	}
}

// length checks a length or size against the member's min and max.
func (w *walker) length(m *protocol.Member, v reflect.Value, path string, n int) {
	if m.HasMin && float64(n) < m.Min {
		w.add(path, v, "Member must have length greater than or equal to "+bound(m.Min))
	}
	if m.HasMax && float64(n) > m.Max {
		w.add(path, v, "Member must have length less than or equal to "+bound(m.Max))
	}
}

// value checks a number against the member's min and max.
func (w *walker) value(m *protocol.Member, v reflect.Value, path string, x float64) {
	if m.HasMin && x < m.Min {
		w.add(path, v, "Member must have value greater than or equal to "+bound(m.Min))
	}
	if m.HasMax && x > m.Max {
		w.add(path, v, "Member must have value less than or equal to "+bound(m.Max))
	}
}

// elements descends into the structures held by a list or map value. List
// elements are addressed "<path>.<i>.member" (1-based), map values
// "<path>.<key>", in key order.
func (w *walker) elements(v reflect.Value, path string) {
	if !holdsStructs(v.Type().Elem()) {
		return
	}
	if v.Kind() == reflect.Slice {
		for i := 0; i < v.Len(); i++ {
			w.element(v.Index(i), path+"."+strconv.Itoa(i+1)+".member")
		}
		return
	}
	keys := v.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
	for _, k := range keys {
		w.element(v.MapIndex(k), path+"."+k.String())
	}
}

func (w *walker) element(e reflect.Value, path string) {
	for e.Kind() == reflect.Pointer || e.Kind() == reflect.Interface {
		if e.IsNil() {
			return
		}
		e = e.Elem()
	}
	switch e.Kind() {
	case reflect.Struct:
		w.structure(e, path)
	case reflect.Slice, reflect.Map:
		w.elements(e, path)
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

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// lowerFirst lowers the first letter only, as Coral does: "SSESpecification"
// becomes "sSESpecification".
func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}
