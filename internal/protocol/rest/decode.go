package rest

import (
	"encoding/base64"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// Member locations, as the `location` tag spells them.
const (
	LocURI         = "uri"
	LocQueryString = "querystring"
	LocHeader      = "header"
	LocHeaders     = "headers"
	LocStatusCode  = "statusCode"
)

// BindingError is an input member bound to the URI, query string or a header
// whose text does not fit the member's type. Codecs answer it with their
// protocol's serialization error.
type BindingError struct {
	// Location is the member's location (LocURI, LocQueryString, LocHeader).
	Location string
	// Name is the wire name: label, query key or header name.
	Name string
	// Value is the offending text.
	Value string
	// Err is the parse error.
	Err error
}

// Error implements error.
func (e *BindingError) Error() string {
	return fmt.Sprintf("rest: %s %q: value %q: %v", e.Location, e.Name, e.Value, e.Err)
}

// Unwrap returns the parse error.
func (e *BindingError) Unwrap() error { return e.Err }

// DecodeBindings fills the members of in, a pointer to a generated
// structure, that are bound to the URI (from labels), the query string, a
// header or a header-prefix map. Body members and the payload are left
// alone. Errors are *BindingError.
//
// Query maps (members of map type bound to the query string) receive every
// query parameter not bound to another member. Header-prefix maps receive
// each header starting with the prefix (case-insensitively), keyed by the
// rest of its name in lower case, as S3 stores user metadata; a map with no
// prefix receives every header under its canonical name.
func DecodeBindings(r *http.Request, labels Labels, in any) error {
	v := reflect.ValueOf(in)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("rest: decode bindings into %T: want a pointer to a struct", in)
	}
	v = v.Elem()
	st := protocol.StructOf(v.Type())
	var query map[string][]string
	for i := range st.Members {
		m := &st.Members[i]
		fv := v.Field(m.Field)
		var err error
		switch m.Location {
		case LocURI:
			if s, ok := labels[m.WireName()]; ok {
				err = bindText(fv, m, s, LocURI)
			}
		case LocQueryString:
			if query == nil {
				query = r.URL.Query()
			}
			err = bindQuery(fv, m, st, query)
		case LocHeader:
			if vs := r.Header.Values(m.WireName()); len(vs) > 0 {
				err = bindHeader(fv, m, vs)
			}
		case LocHeaders:
			bindHeaderMap(fv, m, r.Header)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// bindQuery fills a querystring member.
func bindQuery(fv reflect.Value, m *protocol.Member, st *protocol.Struct, q map[string][]string) error {
	t := fv.Type()
	switch t.Kind() {
	case reflect.Map:
		bound := map[string]bool{}
		for _, o := range st.Members {
			if o.Location == LocQueryString && o.Type.Kind() != reflect.Map {
				bound[o.WireName()] = true
			}
		}
		mv := reflect.MakeMap(t)
		for k, vs := range q {
			if bound[k] || len(vs) == 0 {
				continue
			}
			switch t.Elem().Kind() {
			case reflect.String:
				mv.SetMapIndex(reflect.ValueOf(k), reflect.ValueOf(vs[0]))
			case reflect.Slice:
				mv.SetMapIndex(reflect.ValueOf(k), reflect.ValueOf(append([]string(nil), vs...)))
			}
		}
		if mv.Len() > 0 {
			fv.Set(mv)
		}
		return nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			break
		}
		vs, ok := q[m.WireName()]
		if !ok {
			return nil
		}
		return bindList(fv, m, vs, LocQueryString)
	}
	if vs := q[m.WireName()]; len(vs) > 0 {
		return bindText(fv, m, vs[0], LocQueryString)
	}
	return nil
}

// bindHeader fills a header member from the header's values.
func bindHeader(fv reflect.Value, m *protocol.Member, vs []string) error {
	t := fv.Type()
	if t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 {
		isTime := derefType(t.Elem()) == timeType
		var items []string
		for _, v := range vs {
			items = append(items, SplitHeaderList(v, isTime)...)
		}
		return bindList(fv, m, items, LocHeader)
	}
	s := vs[0]
	if m.JSONValue {
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
		if err != nil {
			return &BindingError{Location: LocHeader, Name: m.WireName(), Value: s, Err: err}
		}
		s = string(b)
	}
	return bindText(fv, m, s, LocHeader)
}

// bindHeaderMap fills a header-prefix map member.
func bindHeaderMap(fv reflect.Value, m *protocol.Member, h http.Header) {
	t := fv.Type()
	if t.Kind() != reflect.Map || t.Key().Kind() != reflect.String || t.Elem().Kind() != reflect.String {
		return
	}
	prefix := m.LocationName
	mv := reflect.MakeMap(t)
	for name, vs := range h {
		if len(name) < len(prefix) || !strings.EqualFold(name[:len(prefix)], prefix) {
			continue
		}
		key := name
		if prefix != "" {
			key = strings.ToLower(name[len(prefix):])
			if key == "" {
				continue
			}
		}
		mv.SetMapIndex(reflect.ValueOf(key), reflect.ValueOf(strings.Join(vs, ",")))
	}
	if mv.Len() > 0 {
		fv.Set(mv)
	}
}

// bindList fills a list member from its items' texts.
func bindList(fv reflect.Value, m *protocol.Member, items []string, loc string) error {
	out := reflect.MakeSlice(fv.Type(), len(items), len(items))
	for i, s := range items {
		if err := bindText(out.Index(i), m, s, loc); err != nil {
			return err
		}
	}
	fv.Set(out)
	return nil
}

// bindText parses s into fv (a scalar member or list element).
func bindText(fv reflect.Value, m *protocol.Member, s, loc string) error {
	t := derefType(fv.Type())
	v, err := ParseScalar(t, m.Kind, s)
	if err != nil {
		return &BindingError{Location: loc, Name: m.WireName(), Value: s, Err: err}
	}
	if !v.IsValid() {
		return nil
	}
	for fv.Kind() == reflect.Pointer {
		fv.Set(reflect.New(fv.Type().Elem()))
		fv = fv.Elem()
	}
	fv.Set(v)
	return nil
}

// ParseScalar parses the text form of a scalar of Go type t (not a pointer)
// and model type kind, as REST bindings write scalars: strings as is,
// numbers in decimal (floats also NaN, Infinity, -Infinity), booleans as
// true/false, blobs in base64, timestamps in any format. The result is
// invalid (zero Value) for types that have no text form.
func ParseScalar(t reflect.Type, kind, s string) (reflect.Value, error) {
	switch {
	case t == timeType:
		ts, err := ParseTimestamp(s)
		if err != nil {
			return reflect.Value{}, err
		}
		return reflect.ValueOf(ts), nil
	case t.Kind() == reflect.String:
		return reflect.ValueOf(s).Convert(t), nil
	case t.Kind() == reflect.Bool:
		switch s {
		case "true":
			return reflect.ValueOf(true).Convert(t), nil
		case "false":
			return reflect.ValueOf(false).Convert(t), nil
		}
		return reflect.Value{}, fmt.Errorf("parse boolean %q: want true or false", s)
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		bits := t.Bits()
		if kind == "integer" {
			bits = 32
		}
		i, err := strconv.ParseInt(strings.TrimSpace(s), 10, bits)
		if err != nil {
			return reflect.Value{}, fmt.Errorf("parse integer: %w", err)
		}
		return reflect.ValueOf(i).Convert(t), nil
	case t.Kind() == reflect.Float64 || t.Kind() == reflect.Float32:
		var f float64
		switch s = strings.TrimSpace(s); s {
		case "NaN":
			f = math.NaN()
		case "Infinity":
			f = math.Inf(1)
		case "-Infinity":
			f = math.Inf(-1)
		default:
			var err error
			if f, err = strconv.ParseFloat(s, t.Bits()); err != nil {
				return reflect.Value{}, fmt.Errorf("parse number: %w", err)
			}
		}
		return reflect.ValueOf(f).Convert(t), nil
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return reflect.Value{}, fmt.Errorf("parse base64: %w", err)
		}
		return reflect.ValueOf(b).Convert(t), nil
	}
	return reflect.Value{}, nil
}

// SplitHeaderList splits a list header value at commas, trimming spaces and
// unquoting double-quoted items (which may hold commas). With httpDates,
// the comma after a weekday ("Tue, 29 Apr 2014 ...") does not split.
func SplitHeaderList(s string, httpDates bool) []string {
	var items []string
	for len(s) > 0 {
		s = strings.TrimLeft(s, " \t")
		var item string
		if strings.HasPrefix(s, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
			}
			item = b.String()
			s = s[min(i+1, len(s)):]
			if j := strings.IndexByte(s, ','); j >= 0 {
				s = s[j+1:]
			} else {
				s = ""
			}
		} else {
			j := strings.IndexByte(s, ',')
			if httpDates && j == 3 {
				if k := strings.IndexByte(s[j+1:], ','); k >= 0 {
					j += 1 + k
				} else {
					j = -1
				}
			}
			if j < 0 {
				item, s = s, ""
			} else {
				item, s = s[:j], s[j+1:]
			}
			item = strings.TrimSpace(item)
		}
		items = append(items, item)
	}
	return items
}

var timeType = reflect.TypeFor[time.Time]()

// derefType strips pointers from t.
func derefType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}
