package prototest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// The generic form is what encoding/json gives for `any`: map[string]any,
// []any, string, float64, bool, nil. Typed values are converted to and from
// it with these rules (the same ones the protocol tests' params and result
// use):
//
//   - structures are objects keyed by model member name;
//   - timestamps are epoch seconds (float64, fractions kept);
//   - blobs and streaming payloads are their raw bytes as a string;
//   - all numbers are float64;
//   - jsonvalue strings are the JSON value they hold, not the text.

// errNullElement reports a null list element or map value, which generated
// Go types cannot hold.
var errNullElement = errors.New("null list element or map value")

// toGeneric converts a typed value to the generic form. jsonValue marks
// strings holding JSON text (for list and map elements, the trait of the
// member holding them).
func toGeneric(v reflect.Value, jsonValue bool) (any, error) {
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil, nil
		}
		if r, ok := v.Interface().(io.Reader); ok {
			data, err := io.ReadAll(r)
			if err != nil {
				return nil, fmt.Errorf("read streaming member: %w", err)
			}
			return string(data), nil
		}
		v = v.Elem()
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, nil
		}
		v = v.Elem()
	}
	switch {
	case v.Type() == timePtr.Elem():
		t := v.Interface().(time.Time)
		return float64(t.Unix()) + float64(t.Nanosecond())/1e9, nil
	case v.Kind() == reflect.String:
		if jsonValue {
			var g any
			if err := json.Unmarshal([]byte(v.String()), &g); err != nil {
				return nil, fmt.Errorf("jsonvalue %q: %w", v.String(), err)
			}
			return g, nil
		}
		return v.String(), nil
	case v.Kind() == reflect.Bool:
		return v.Bool(), nil
	case v.Kind() == reflect.Int64 || v.Kind() == reflect.Int || v.Kind() == reflect.Int32:
		return float64(v.Int()), nil
	case v.Kind() == reflect.Float64 || v.Kind() == reflect.Float32:
		return v.Float(), nil
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
		if v.IsNil() {
			return nil, nil
		}
		return string(v.Bytes()), nil
	case v.Kind() == reflect.Slice:
		if v.IsNil() {
			return nil, nil
		}
		out := make([]any, v.Len())
		for i := range out {
			e, err := toGeneric(v.Index(i), jsonValue)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	case v.Kind() == reflect.Map:
		if v.IsNil() {
			return nil, nil
		}
		out := make(map[string]any, v.Len())
		it := v.MapRange()
		for it.Next() {
			e, err := toGeneric(it.Value(), jsonValue)
			if err != nil {
				return nil, err
			}
			out[it.Key().String()] = e
		}
		return out, nil
	case v.Kind() == reflect.Struct:
		s := protocol.StructOf(v.Type())
		out := map[string]any{}
		for i := range s.Members {
			m := &s.Members[i]
			e, err := toGeneric(v.Field(m.Field), m.JSONValue)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", m.Name, err)
			}
			if e != nil {
				out[m.Name] = e
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported Go type %s", v.Type())
}

// fromGeneric converts a generic value to Go type t.
func fromGeneric(g any, t reflect.Type, jsonValue bool) (reflect.Value, error) {
	if g == nil {
		return reflect.Zero(t), nil
	}
	if t == readerTyp {
		s, ok := g.(string)
		if !ok {
			return reflect.Value{}, fmt.Errorf("streaming payload: want a string, got %T", g)
		}
		return reflect.ValueOf(io.Reader(strings.NewReader(s))), nil
	}
	if t.Kind() == reflect.Pointer {
		e, err := fromGeneric(g, t.Elem(), jsonValue)
		if err != nil {
			return reflect.Value{}, err
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(e)
		return p, nil
	}
	v := reflect.New(t).Elem()
	switch {
	case t == timePtr.Elem():
		f, ok := g.(float64)
		if !ok {
			return v, fmt.Errorf("timestamp: want epoch seconds, got %T", g)
		}
		sec, frac := math.Modf(f)
		v.Set(reflect.ValueOf(time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC()))
	case t.Kind() == reflect.String:
		if jsonValue {
			data, err := json.Marshal(g)
			if err != nil {
				return v, fmt.Errorf("jsonvalue: %w", err)
			}
			v.SetString(string(data))
			break
		}
		s, ok := g.(string)
		if !ok {
			return v, fmt.Errorf("want a string, got %T", g)
		}
		v.SetString(s)
	case t.Kind() == reflect.Bool:
		b, ok := g.(bool)
		if !ok {
			return v, fmt.Errorf("want a boolean, got %T", g)
		}
		v.SetBool(b)
	case t.Kind() == reflect.Int64:
		f, ok := g.(float64)
		if !ok {
			return v, fmt.Errorf("want a number, got %T", g)
		}
		v.SetInt(int64(f))
	case t.Kind() == reflect.Float64:
		f, ok := g.(float64)
		if !ok {
			return v, fmt.Errorf("want a number, got %T", g)
		}
		v.SetFloat(f)
	case t == bytesType:
		s, ok := g.(string)
		if !ok {
			return v, fmt.Errorf("blob: want a string, got %T", g)
		}
		v.SetBytes([]byte(s))
	case t.Kind() == reflect.Slice:
		list, ok := g.([]any)
		if !ok {
			return v, fmt.Errorf("list: want an array, got %T", g)
		}
		v.Set(reflect.MakeSlice(t, len(list), len(list)))
		for i, e := range list {
			if e == nil {
				return v, errNullElement
			}
			ev, err := fromGeneric(e, t.Elem(), jsonValue)
			if err != nil {
				return v, fmt.Errorf("[%d]: %w", i, err)
			}
			v.Index(i).Set(ev)
		}
	case t.Kind() == reflect.Map:
		obj, ok := g.(map[string]any)
		if !ok {
			return v, fmt.Errorf("map: want an object, got %T", g)
		}
		v.Set(reflect.MakeMapWithSize(t, len(obj)))
		for k, e := range obj {
			if e == nil {
				return v, errNullElement
			}
			ev, err := fromGeneric(e, t.Elem(), jsonValue)
			if err != nil {
				return v, fmt.Errorf("[%q]: %w", k, err)
			}
			v.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), ev)
		}
	case t.Kind() == reflect.Struct:
		obj, ok := g.(map[string]any)
		if !ok {
			return v, fmt.Errorf("structure: want an object, got %T", g)
		}
		s := protocol.StructOf(t)
		for k, e := range obj {
			m := s.Member(k)
			if m == nil {
				return v, fmt.Errorf("structure %s has no member %q", t, k)
			}
			ev, err := fromGeneric(e, m.Type, m.JSONValue)
			if err != nil {
				return v, fmt.Errorf("%s: %w", k, err)
			}
			v.Field(m.Field).Set(ev)
		}
	default:
		return v, fmt.Errorf("unsupported Go type %s", t)
	}
	return v, nil
}

// canon normalizes a generic value of Go type t for comparison:
//
//   - null members are absent;
//   - a structure member with no members set is absent (a server cannot
//     tell `{}` or `<Foo/>` from a missing payload in every protocol);
//   - an empty list or map member is absent (generated types do not keep
//     the difference, and AWS services treat both alike);
//   - header and headers-map values and keys are trimmed of surrounding
//     white space, which HTTP does not preserve.
func canon(g any, t reflect.Type) any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if t == timePtr.Elem() {
			return g
		}
		obj, ok := g.(map[string]any)
		if !ok {
			return g
		}
		s := protocol.StructOf(t)
		out := map[string]any{}
		for k, e := range obj {
			m := s.Member(k)
			if m == nil {
				out[k] = e
				continue
			}
			if c := canonMember(e, m); c != nil {
				out[k] = c
			}
		}
		return out
	case reflect.Slice:
		list, ok := g.([]any)
		if !ok || t.Elem().Kind() == reflect.Uint8 {
			return g
		}
		out := make([]any, len(list))
		for i, e := range list {
			out[i] = canon(e, t.Elem())
		}
		return out
	case reflect.Map:
		obj, ok := g.(map[string]any)
		if !ok {
			return g
		}
		out := make(map[string]any, len(obj))
		for k, e := range obj {
			out[k] = canon(e, t.Elem())
		}
		return out
	}
	return g
}

func canonMember(e any, m *protocol.Member) any {
	if e == nil || m.JSONValue {
		return e
	}
	c := canon(e, m.Type)
	switch x := c.(type) {
	case map[string]any:
		if len(x) == 0 {
			return nil
		}
		if m.Location == "headers" {
			trimmed := make(map[string]any, len(x))
			for k, v := range x {
				if s, ok := v.(string); ok {
					v = strings.TrimSpace(s)
				}
				trimmed[strings.TrimSpace(k)] = v
			}
			return trimmed
		}
	case []any:
		if len(x) == 0 {
			return nil
		}
	case string:
		if m.Location == "header" {
			return strings.TrimSpace(x)
		}
	}
	return c
}
