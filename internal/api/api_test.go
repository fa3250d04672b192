package api_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// TestDescriptors checks every generated descriptor: operations sorted and
// unique, constructors returning parseable structures, errors and enums
// consistent.
func TestDescriptors(t *testing.T) {
	if len(generated) == 0 {
		t.Fatal("no generated packages")
	}
	for _, g := range generated {
		d := g.descriptor
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			if d.Name == "" || d.Protocol == "" || d.SigningName == "" || d.APIVersion == "" {
				t.Errorf("incomplete metadata: %+v", d)
			}
			if len(d.Operations) == 0 {
				t.Fatal("no operations")
			}
			names := make([]string, len(d.Operations))
			for i, op := range d.Operations {
				names[i] = op.Name
			}
			if !slices.IsSorted(names) || len(slices.Compact(slices.Clone(names))) != len(names) {
				t.Error("operations are not sorted and unique")
			}
			for _, op := range d.Operations {
				if d.Operation(op.Name) != op {
					t.Errorf("Operation(%q) does not find it", op.Name)
				}
				if op.HTTPMethod == "" || op.RequestURI == "" || op.ResponseCode == 0 {
					t.Errorf("%s: incomplete http trait: %+v", op.Name, op)
				}
				checkShape(t, d, op.Name+" input", op.NewInput())
				checkShape(t, d, op.Name+" output", op.NewOutput())
			}
			for code, e := range d.Errors {
				if e.Code != code || e.Shape == "" || e.Status < 400 || e.Status > 599 {
					t.Errorf("error %s: %+v", code, e)
				}
				checkShape(t, d, "error "+code, e.New())
			}
			for name, values := range d.Enums {
				if len(values) == 0 {
					t.Errorf("enum %s has no values", name)
				}
			}
		})
	}
}

// checkShape checks that v is a pointer to a struct StructOf parses, and
// walks every structure reachable from it checking member types and tags.
func checkShape(t *testing.T, d *protocol.Service, what string, v any) {
	t.Helper()
	rt := reflect.TypeOf(v)
	if rt == nil || rt.Kind() != reflect.Pointer || rt.Elem().Kind() != reflect.Struct {
		t.Errorf("%s: constructor returns %T, want a pointer to a struct", what, v)
		return
	}
	seen := map[reflect.Type]bool{}
	var walk func(rt reflect.Type)
	walk = func(rt reflect.Type) {
		if seen[rt] {
			return
		}
		seen[rt] = true
		s := protocol.StructOf(rt)
		if s.Payload != "" && s.PayloadMember() == nil {
			t.Errorf("%s: %s: payload %q is not a member", what, rt, s.Payload)
		}
		for i := range s.Members {
			m := &s.Members[i]
			if m.Enum != "" && d.Enums[m.Enum] == nil {
				t.Errorf("%s: %s.%s: enum %q not in Enums", what, rt, m.Name, m.Enum)
			}
			if !kindMatches(m.Kind, m.Type, m.Streaming) {
				t.Errorf("%s: %s.%s: type tag %q does not fit Go type %s", what, rt, m.Name, m.Kind, m.Type)
			}
			for _, st := range structsIn(m.Type) {
				walk(st)
			}
		}
	}
	walk(rt.Elem())
}

var timeType = reflect.TypeFor[time.Time]()

// kindMatches reports whether Go type t is the contract's type for kind.
func kindMatches(kind string, t reflect.Type, streaming bool) bool {
	switch kind {
	case "string", "character":
		return t == reflect.TypeFor[*string]()
	case "integer", "long", "byte", "short":
		return t == reflect.TypeFor[*int64]()
	case "float", "double":
		return t == reflect.TypeFor[*float64]()
	case "boolean":
		return t == reflect.TypeFor[*bool]()
	case "timestamp":
		return t == reflect.PointerTo(timeType)
	case "blob":
		if streaming {
			return t.Kind() == reflect.Interface
		}
		return t == reflect.TypeFor[[]byte]()
	case "structure":
		return t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct && t.Elem() != timeType
	case "list":
		return t.Kind() == reflect.Slice && t != reflect.TypeFor[[]byte]()
	case "map":
		return t.Kind() == reflect.Map && t.Key().Kind() == reflect.String
	}
	return false
}

// structsIn returns the generated struct types inside t (through pointers,
// slices and map values).
func structsIn(t reflect.Type) []reflect.Type {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map:
		return structsIn(t.Elem())
	case reflect.Struct:
		if t == timeType {
			return nil
		}
		return []reflect.Type{t}
	}
	return nil
}

// TestHandlers checks the registries: an empty one serves nothing, and a set
// field is found and adapted.
func TestHandlers(t *testing.T) {
	for _, g := range generated {
		d := g.descriptor
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			h := g.handlers()
			for _, op := range d.Operations {
				if f := h.Lookup(op.Name); f != nil {
					t.Errorf("empty Handlers: Lookup(%q) is not nil", op.Name)
				}
			}
			if h.Lookup("NoSuchOperation") != nil {
				t.Error("Lookup of an unknown operation is not nil")
			}
			impl := h.(interface{ Implemented() []string })
			if got := impl.Implemented(); len(got) != 0 {
				t.Errorf("empty Handlers: Implemented() = %v", got)
			}
			// Set every field to a handler failing with errBoom, and check
			// each adapter returns a nil interface with the error.
			hv := reflect.ValueOf(h).Elem()
			for i := 0; i < hv.NumField(); i++ {
				f := hv.Field(i)
				f.Set(reflect.MakeFunc(f.Type(), func([]reflect.Value) []reflect.Value {
					return []reflect.Value{reflect.Zero(f.Type().Out(0)), reflect.ValueOf(&errBoom).Elem()}
				}))
			}
			for _, op := range d.Operations {
				f := h.Lookup(op.Name)
				if f == nil {
					t.Errorf("Lookup(%q) is nil with its field set", op.Name)
					continue
				}
				out, err := f(context.Background(), op.NewInput())
				if out != nil || !errors.Is(err, errBoom) {
					t.Errorf("%s: got (%#v, %v), want (nil, errBoom)", op.Name, out, err)
				}
				if _, err := f(context.Background(), struct{}{}); err == nil {
					t.Errorf("%s: wrong input type accepted", op.Name)
				}
			}
			if got := impl.Implemented(); len(got) != len(d.Operations) {
				t.Errorf("Implemented() lists %d operations, want %d", len(got), len(d.Operations))
			}
		})
	}
}

var errBoom = errors.New("boom")

// TestNilOutput checks that a handler returning neither output nor error
// yields an empty output, not a typed nil.
func TestNilOutput(t *testing.T) {
	for _, g := range generated {
		h := g.handlers()
		op := g.descriptor.Operations[0]
		f := reflect.ValueOf(h).Elem().FieldByName(op.Name)
		f.Set(reflect.MakeFunc(f.Type(), func([]reflect.Value) []reflect.Value {
			return []reflect.Value{reflect.Zero(f.Type().Out(0)), reflect.Zero(f.Type().Out(1))}
		}))
		out, err := h.Lookup(op.Name)(context.Background(), op.NewInput())
		if err != nil || out == nil || reflect.ValueOf(out).IsNil() {
			t.Errorf("%s %s: got (%#v, %v), want an empty output", g.descriptor.Name, op.Name, out, err)
		}
	}
}
