package main

import (
	"fmt"
	"strconv"
	"strings"
)

// tag is one key of a struct tag.
type tag struct{ key, value string }

// tagLiteral renders tags as a Go string literal for a struct field: each
// value quoted as reflect.StructTag expects, the whole a raw string unless a
// value holds a backquote.
func tagLiteral(tags []tag) string {
	parts := make([]string, 0, len(tags))
	for _, t := range tags {
		parts = append(parts, t.key+":"+strconv.Quote(t.value))
	}
	s := strings.Join(parts, " ")
	if strings.ContainsRune(s, '`') {
		return strconv.Quote(s)
	}
	return "`" + s + "`"
}

// goType returns the Go type of a reference: a pointer for scalars and
// structures at member level (elem false), the bare type as a list element or
// map value (elem true). seen guards against lists and maps that contain
// themselves without a structure in between, which Go cannot express.
func (g *generator) goType(ref *Ref, elem bool, seen map[string]bool) (string, error) {
	s, ok := g.model.Shapes[ref.Shape]
	if !ok {
		return "", fmt.Errorf("unknown shape %q", ref.Shape)
	}
	ptr := "*"
	if elem {
		ptr = ""
	}
	switch s.Type {
	case "string", "character":
		return ptr + "string", nil
	case "integer", "long", "byte", "short":
		return ptr + "int64", nil
	case "float", "double":
		return ptr + "float64", nil
	case "boolean":
		return ptr + "bool", nil
	case "timestamp":
		g.imports["time"] = true
		return ptr + "time.Time", nil
	case "blob":
		if !elem && (s.Streaming || ref.Streaming) {
			g.imports["io"] = true
			return "io.Reader", nil
		}
		return "[]byte", nil
	case "structure":
		return ptr + g.typeNames[ref.Shape], nil
	case "list", "map":
		if seen[ref.Shape] {
			return "", fmt.Errorf("shape %q contains itself", ref.Shape)
		}
		seen[ref.Shape] = true
		defer delete(seen, ref.Shape)
		if s.Type == "list" {
			if s.Member == nil {
				return "", fmt.Errorf("list %q has no member", ref.Shape)
			}
			e, err := g.goType(s.Member, true, seen)
			if err != nil {
				return "", err
			}
			return "[]" + e, nil
		}
		if s.Key == nil || s.Value == nil {
			return "", fmt.Errorf("map %q has no key or value", ref.Shape)
		}
		if k, ok := g.model.Shapes[s.Key.Shape]; !ok || (k.Type != "string" && k.Type != "character") {
			return "", fmt.Errorf("map %q: key is not a string", ref.Shape)
		}
		v, err := g.goType(s.Value, true, seen)
		if err != nil {
			return "", err
		}
		return "map[string]" + v, nil
	}
	return "", fmt.Errorf("shape %q: unknown type %q", ref.Shape, s.Type)
}

// memberTags returns the struct tags of member m of structure owner, in the
// order the contract in internal/protocol/shape.go lists them.
func (g *generator) memberTags(owner string, st *Shape, m *Member, field string) []tag {
	s := g.model.Shapes[m.Shape]
	var tags []tag
	add := func(k, v string) {
		if v != "" {
			tags = append(tags, tag{k, v})
		}
	}
	flag := func(k string, b bool) {
		if b {
			tags = append(tags, tag{k, "true"})
		}
	}
	add("type", s.Type)
	if field != m.Name {
		add("name", m.Name)
	}
	add("location", m.Location)
	add("locationName", m.LocationName)
	add("queryName", m.QueryName)
	flag("required", contains(st.Required, m.Name))
	if s.Min != nil {
		add("min", s.Min.String())
	}
	if s.Max != nil {
		add("max", s.Max.String())
	}
	add("pattern", s.Pattern)
	switch {
	case len(m.Enum) > 0:
		add("enum", memberEnumName(owner, m.Name))
	case len(s.Enum) > 0:
		add("enum", m.Shape)
	}
	flag("flattened", m.Flattened || ((s.Type == "list" || s.Type == "map") && s.Flattened))
	flag("xmlAttribute", m.XMLAttribute)
	if m.XMLNamespace != nil {
		add("xmlNamespace", m.XMLNamespace.URI)
		add("xmlPrefix", m.XMLNamespace.Prefix)
	}
	if s.Type == "timestamp" {
		f := m.TimestampFormat
		if f == "" {
			f = s.TimestampFormat
		}
		add("timestampFormat", f)
	}
	flag("jsonvalue", m.JSONValue || s.JSONValue)
	flag("streaming", s.Type == "blob" && (m.Streaming || s.Streaming))
	flag("idempotencyToken", m.IdempotencyToken)
	flag("hostLabel", m.HostLabel)
	switch s.Type {
	case "list":
		if s.Member != nil && s.Member.LocationName != "" {
			add("locationNameList", s.Member.LocationName)
		} else {
			add("locationNameList", s.LocationName)
		}
	case "map":
		if s.Key != nil {
			add("locationNameKey", s.Key.LocationName)
		}
		if s.Value != nil {
			add("locationNameValue", s.Value.LocationName)
		}
	}
	return tags
}

// structTags returns the tags of a structure's blank "_" field.
func structTags(s *Shape) []tag {
	tags := []tag{{"type", "structure"}}
	if s.Payload != "" {
		tags = append(tags, tag{"payload", s.Payload})
	}
	if s.XMLNamespace != nil {
		if s.XMLNamespace.URI != "" {
			tags = append(tags, tag{"xmlNamespace", s.XMLNamespace.URI})
		}
		if s.XMLNamespace.Prefix != "" {
			tags = append(tags, tag{"xmlPrefix", s.XMLNamespace.Prefix})
		}
	}
	if s.LocationName != "" {
		tags = append(tags, tag{"locationName", s.LocationName})
	}
	return tags
}

// memberEnumName names the enum table of a member that declares its values
// inline instead of through an enum shape. The dot keeps it apart from every
// shape name.
func memberEnumName(owner, member string) string { return owner + "." + member }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
