package prototest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
)

// fakeJSON is a deliberately small JSON 1.1 codec that exercises the
// harness: X-Amz-Target routing, body members, timestamps, blobs, lists,
// maps and structures.
type fakeJSON struct {
	svc *protocol.Service
	// drop, when set, names a member Decode forgets (to prove failures show).
	drop string
}

func newFakeJSON(svc *protocol.Service) *fakeJSON { return &fakeJSON{svc: svc} }

func (f *fakeJSON) Resolve(r *http.Request) (*protocol.Operation, error) {
	target := r.Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, f.svc.TargetPrefix+".")
	if op := f.svc.Operation(name); ok && op != nil {
		return op, nil
	}
	return nil, awserr.New("UnknownOperationException", 400, "")
}

func (f *fakeJSON) Decode(r *http.Request, _ *protocol.Call, in any) error {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	if len(data) == 0 {
		return nil
	}
	var g map[string]any
	if err := json.Unmarshal(data, &g); err != nil {
		return err
	}
	return f.decodeStruct(reflect.ValueOf(in).Elem(), g)
}

func (f *fakeJSON) decodeStruct(v reflect.Value, g map[string]any) error {
	s := protocol.StructOf(v.Type())
	for i := range s.Members {
		m := &s.Members[i]
		e, ok := g[m.WireName()]
		if !ok || m.Name == f.drop {
			continue
		}
		fv, err := f.decodeValue(e, m.Type, m)
		if err != nil {
			return err
		}
		v.Field(m.Field).Set(fv)
	}
	return nil
}

func (f *fakeJSON) decodeValue(e any, t reflect.Type, m *protocol.Member) (reflect.Value, error) {
	if t.Kind() == reflect.Pointer {
		inner, err := f.decodeValue(e, t.Elem(), m)
		if err != nil {
			return inner, err
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(inner)
		return p, nil
	}
	v := reflect.New(t).Elem()
	switch {
	case t == reflect.TypeFor[time.Time]():
		switch x := e.(type) {
		case float64:
			v.Set(reflect.ValueOf(time.Unix(int64(x), 0).UTC()))
		case string:
			tm, err := time.Parse(time.RFC1123, x)
			if err != nil {
				if tm, err = time.Parse(time.RFC3339, x); err != nil {
					return v, err
				}
			}
			v.Set(reflect.ValueOf(tm))
		}
	case t == reflect.TypeFor[[]byte]():
		b, err := base64.StdEncoding.DecodeString(e.(string))
		if err != nil {
			return v, err
		}
		v.SetBytes(b)
	case t.Kind() == reflect.String:
		v.SetString(fmt.Sprint(e))
	case t.Kind() == reflect.Int64:
		v.SetInt(int64(e.(float64)))
	case t.Kind() == reflect.Float64:
		v.SetFloat(e.(float64))
	case t.Kind() == reflect.Bool:
		v.SetBool(e.(bool))
	case t.Kind() == reflect.Slice:
		list := e.([]any)
		v.Set(reflect.MakeSlice(t, len(list), len(list)))
		for i, x := range list {
			ev, err := f.decodeValue(x, t.Elem(), m)
			if err != nil {
				return v, err
			}
			v.Index(i).Set(ev)
		}
	case t.Kind() == reflect.Map:
		v.Set(reflect.MakeMap(t))
		for k, x := range e.(map[string]any) {
			ev, err := f.decodeValue(x, t.Elem(), m)
			if err != nil {
				return v, err
			}
			v.SetMapIndex(reflect.ValueOf(k), ev)
		}
	case t.Kind() == reflect.Struct:
		return v, f.decodeStruct(v, e.(map[string]any))
	}
	return v, nil
}

func (f *fakeJSON) Encode(w http.ResponseWriter, _ *protocol.Call, out any) error {
	g := f.encodeValue(reflect.ValueOf(out), nil)
	data, err := json.Marshal(g)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_, err = w.Write(data)
	return err
}

func (f *fakeJSON) encodeValue(v reflect.Value, m *protocol.Member) any {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch {
	case v.Type() == reflect.TypeFor[time.Time]():
		t := v.Interface().(time.Time)
		switch m.TimestampFormat {
		case protocol.TimestampRFC822:
			return t.UTC().Format(http.TimeFormat)
		case protocol.TimestampISO8601:
			return t.UTC().Format(time.RFC3339)
		}
		return t.Unix()
	case v.Type() == reflect.TypeFor[[]byte]():
		return base64.StdEncoding.EncodeToString(v.Bytes())
	case v.Kind() == reflect.Slice:
		out := []any{}
		for i := 0; i < v.Len(); i++ {
			out = append(out, f.encodeValue(v.Index(i), m))
		}
		return out
	case v.Kind() == reflect.Map:
		out := map[string]any{}
		for it := v.MapRange(); it.Next(); {
			out[it.Key().String()] = f.encodeValue(it.Value(), m)
		}
		return out
	case v.Kind() == reflect.Struct:
		s := protocol.StructOf(v.Type())
		out := map[string]any{}
		for i := range s.Members {
			fv := v.Field(s.Members[i].Field)
			if (fv.Kind() == reflect.Pointer || fv.Kind() == reflect.Slice || fv.Kind() == reflect.Map) && fv.IsNil() {
				continue
			}
			out[s.Members[i].WireName()] = f.encodeValue(fv, &s.Members[i])
		}
		return out
	}
	return v.Interface()
}

func (f *fakeJSON) EncodeError(w http.ResponseWriter, _ *protocol.Call, err *awserr.Error) {
	w.WriteHeader(err.Status)
}

var _ protocol.Codec = (*fakeJSON)(nil)
