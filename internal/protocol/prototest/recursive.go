package prototest

import (
	"fmt"
	"reflect"
	"strconv"
)

// Recursive shapes.
//
// reflect.StructOf cannot build a type that refers to itself, yet generated
// code is full of them (DynamoDB's AttributeValue holds lists and maps of
// AttributeValue), and a codec must handle a real type cycle: walk it lazily,
// not expand it. So the harness does not approximate a recursive shape (by
// unrolling it to the depth a case needs, say, which would hand codecs
// acyclic types and hide exactly the cycle-handling they must get right).
// Instead it keeps declared Go types for the recursive shape families the
// protocol tests use, and gives a recursive structure one of them only when
// that type is, field for field and tag for tag, the type the builder would
// have made if reflect could express the cycle:
//
//   - same field names in declaration order, and a `_` head field;
//   - the same struct tags, compared key by key (order aside), computed by
//     the same code (headTag, fieldTag) that tags the built types;
//   - the same Go type constructors (pointer, slice, map[string]) down to
//     identical scalar types, with structure shapes matched to struct types
//     coinductively: a (type, shape) pair under comparison is assumed equal
//     when met again, which decides equality of the infinite unfoldings.
//
// A declared type is thus chosen by the structure of the shapes (member
// names, traits, types), never by case id or shape name; a family with any
// other name or trait matches no declared type and its cases skip with
// ErrRecursive. Supporting a new family is declaring its type below and
// listing it in declaredRecursive.

// recursiveStruct is the family of every "Recursive shapes" suite (json,
// query, rest-json, rest-xml input): a structure holding a string, itself, a
// list of itself and a map of string to itself, with no traits.
type recursiveStruct struct {
	_               struct{}                   `type:"structure"`
	NoRecurse       *string                    `type:"string"`
	RecursiveStruct *recursiveStruct           `type:"structure"`
	RecursiveList   []recursiveStruct          `type:"list"`
	RecursiveMap    map[string]recursiveStruct `type:"map"`
}

// declaredRecursive lists the declared recursive types; the struct types
// they reach are candidates too, so a family of several mutually recursive
// structures needs only one entry.
func declaredRecursive() []reflect.Type {
	return []reflect.Type{reflect.TypeFor[recursiveStruct]()}
}

// onCycle reports whether structure shape name reaches itself through
// structure members, list members and map values (the references that
// become Go types; map keys are always strings).
func (b *builder) onCycle(name string) bool {
	seen := map[string]bool{}
	var reaches func(from string) bool
	reaches = func(from string) bool {
		sh, ok := b.shapes[from]
		if !ok {
			return false
		}
		var next []string
		switch sh.Type {
		case "structure":
			for _, m := range sh.Members {
				next = append(next, m.Shape)
			}
		case "list":
			if sh.Member != nil {
				next = append(next, sh.Member.Shape)
			}
		case "map":
			if sh.Value != nil {
				next = append(next, sh.Value.Shape)
			}
		}
		for _, n := range next {
			if n == name {
				return true
			}
			if !seen[n] {
				seen[n] = true
				if reaches(n) {
					return true
				}
			}
		}
		return false
	}
	return reaches(name)
}

// declaredType returns the declared type that is exactly structure shape
// name's, or an error wrapping ErrRecursive that says why the closest
// candidate differs.
func (b *builder) declaredType(name string) (reflect.Type, error) {
	var why error
	for _, t := range structsReached(declaredRecursive()) {
		m := matcher{b: b, assumed: map[matchKey]bool{}}
		err := m.structure(t, name)
		if err == nil {
			return t, nil
		}
		if why == nil {
			why = err
		}
	}
	return nil, fmt.Errorf("shape %s: %w: no declared type fits (%v)", name, ErrRecursive, why)
}

// structsReached lists the struct types reachable from roots through
// pointers, slices, maps and fields, each once, roots first.
func structsReached(roots []reflect.Type) []reflect.Type {
	var out []reflect.Type
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || t == timePtr.Elem() || seen[t] {
			return
		}
		seen[t] = true
		out = append(out, t)
		for i := 0; i < t.NumField(); i++ {
			walk(t.Field(i).Type)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	return out
}

// matchKey is a (Go type, structure shape) pair under comparison.
type matchKey struct {
	t     reflect.Type
	shape string
}

// matcher compares Go types with the types the builder would make of
// shapes, assuming pairs already under comparison equal.
type matcher struct {
	b       *builder
	assumed map[matchKey]bool
}

// structure compares struct type t with structure shape name.
func (m *matcher) structure(t reflect.Type, name string) error {
	k := matchKey{t, name}
	if m.assumed[k] {
		return nil
	}
	m.assumed[k] = true
	sh, err := m.b.shape(name)
	if err != nil {
		return err
	}
	if sh.Type != "structure" {
		return fmt.Errorf("shape %s is a %s, not a structure", name, sh.Type)
	}
	if t.Kind() != reflect.Struct {
		return fmt.Errorf("shape %s: %s is not a struct", name, t)
	}
	if t.NumField() != len(sh.Members)+1 {
		return fmt.Errorf("shape %s: %s has %d fields, want %d", name, t, t.NumField(), len(sh.Members)+1)
	}
	head := t.Field(0)
	if head.Name != "_" || head.Type != emptyType {
		return fmt.Errorf("shape %s: %s has no `_ struct{}` head field", name, t)
	}
	if err := sameTag(head.Tag, m.b.headTag(name, sh)); err != nil {
		return fmt.Errorf("shape %s: head: %w", name, err)
	}
	required := map[string]bool{}
	for _, r := range sh.Required {
		required[r] = true
	}
	for i, mem := range sh.Members {
		f := t.Field(i + 1)
		msh, goName, err := m.b.memberShape(mem)
		if err != nil {
			return fmt.Errorf("shape %s: %w", name, err)
		}
		if f.Name != goName {
			return fmt.Errorf("shape %s: field %d is %s, want %s", name, i+1, f.Name, goName)
		}
		if err := sameTag(f.Tag, m.b.fieldTag(mem, msh, required[mem.Name])); err != nil {
			return fmt.Errorf("shape %s: member %s: %w", name, mem.Name, err)
		}
		if err := m.member(f.Type, mem.Ref, msh); err != nil {
			return fmt.Errorf("shape %s: member %s: %w", name, mem.Name, err)
		}
	}
	return nil
}

// member compares field type t with the type of member ref, of shape sh.
func (m *matcher) member(t reflect.Type, ref Ref, sh Shape) error {
	switch sh.Type {
	case "structure":
		if t.Kind() != reflect.Pointer {
			return fmt.Errorf("%s is not a pointer to a struct", t)
		}
		return m.structure(t.Elem(), ref.Shape)
	case "list", "map":
		return m.elem(t, ref.Shape)
	}
	want, err := m.b.memberType(ref, sh)
	if err != nil {
		return err
	}
	return sameType(t, want)
}

// elem compares t with the element type of shape name (see elemType).
func (m *matcher) elem(t reflect.Type, name string) error {
	sh, err := m.b.shape(name)
	if err != nil {
		return err
	}
	switch sh.Type {
	case "structure":
		return m.structure(t, name)
	case "list":
		if sh.Member == nil {
			return fmt.Errorf("list %s has no member", name)
		}
		if t.Kind() != reflect.Slice {
			return fmt.Errorf("list %s: %s is not a slice", name, t)
		}
		return m.elem(t.Elem(), sh.Member.Shape)
	case "map":
		if sh.Value == nil {
			return fmt.Errorf("map %s has no value", name)
		}
		if t.Kind() != reflect.Map || t.Key() != stringPtr.Elem() {
			return fmt.Errorf("map %s: %s is not a map keyed by string", name, t)
		}
		return m.elem(t.Elem(), sh.Value.Shape)
	}
	want, err := m.b.elemType(name)
	if err != nil {
		return err
	}
	return sameType(t, want)
}

func sameType(got, want reflect.Type) error {
	if got != want {
		return fmt.Errorf("type %s, want %s", got, want)
	}
	return nil
}

// sameTag compares two struct tags key by key.
func sameTag(got, want reflect.StructTag) error {
	g, err := parseTag(got)
	if err != nil {
		return err
	}
	w, err := parseTag(want)
	if err != nil {
		return err
	}
	for k, v := range w {
		if gv, ok := g[k]; !ok || gv != v {
			return fmt.Errorf("tag %s = %q, want %q (tag `%s`)", k, gv, v, got)
		}
	}
	for k, v := range g {
		if _, ok := w[k]; !ok {
			return fmt.Errorf("tag %s = %q not wanted (tag `%s`)", k, v, got)
		}
	}
	return nil
}

// parseTag splits a struct tag in the conventional `key:"value" ...` form
// (the one reflect.StructTag.Get reads) into its keys and values.
func parseTag(tag reflect.StructTag) (map[string]string, error) {
	out := map[string]string{}
	s := string(tag)
	for {
		for s != "" && s[0] == ' ' {
			s = s[1:]
		}
		if s == "" {
			return out, nil
		}
		i := 0
		for i < len(s) && s[i] > ' ' && s[i] != ':' && s[i] != '"' && s[i] != 0x7f {
			i++
		}
		if i == 0 || i+1 >= len(s) || s[i] != ':' || s[i+1] != '"' {
			return nil, fmt.Errorf("malformed struct tag `%s`", tag)
		}
		key := s[:i]
		s = s[i+1:]
		j := 1
		for j < len(s) && s[j] != '"' {
			if s[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(s) {
			return nil, fmt.Errorf("malformed struct tag `%s`", tag)
		}
		v, err := strconv.Unquote(s[:j+1])
		if err != nil {
			return nil, fmt.Errorf("malformed struct tag `%s`: %w", tag, err)
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("struct tag `%s` repeats %s", tag, key)
		}
		out[key] = v
		s = s[j+1:]
	}
}
