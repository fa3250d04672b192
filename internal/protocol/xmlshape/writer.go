package xmlshape

import (
	"reflect"
	"slices"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// Header is the XML declaration AWS puts before its documents.
const Header = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// Attr is one attribute written on an opening tag.
type Attr struct {
	Name, Value string
}

// Namespace is an XML namespace declaration: xmlns="URI", or
// xmlns:Prefix="URI" when Prefix is set. The zero value declares nothing.
type Namespace struct {
	URI, Prefix string
}

// Writer appends an XML document to a byte slice. Elements are written as
// they come; the caller closes what it opens. The zero value is ready.
type Writer struct {
	b []byte
}

// NewWriter returns a writer that appends to buf (which may be nil).
func NewWriter(buf []byte) *Writer { return &Writer{b: buf} }

// Bytes returns the document written so far.
func (w *Writer) Bytes() []byte { return w.b }

// Len returns the number of bytes written so far.
func (w *Writer) Len() int { return len(w.b) }

// Raw appends s as is.
func (w *Writer) Raw(s string) { w.b = append(w.b, s...) }

// Open writes the opening tag of name with ns declared and attrs.
func (w *Writer) Open(name string, ns Namespace, attrs ...Attr) {
	w.b = append(w.b, '<')
	w.b = append(w.b, name...)
	w.ns(ns)
	for _, a := range attrs {
		w.attr(a.Name, a.Value)
	}
	w.b = append(w.b, '>')
}

// Close writes the closing tag of name.
func (w *Writer) Close(name string) {
	w.b = append(w.b, '<', '/')
	w.b = append(w.b, name...)
	w.b = append(w.b, '>')
}

// Leaf writes <name>text</name>, escaping text.
func (w *Writer) Leaf(name, text string) {
	w.b = append(w.b, '<')
	w.b = append(w.b, name...)
	w.b = append(w.b, '>')
	w.b = appendEscaped(w.b, text, false)
	w.Close(name)
}

// Struct writes v, a generated structure or a pointer to one, as the element
// name. ns is declared on it when set, else the structure's own namespace
// trait. A nil pointer writes nothing.
func (w *Writer) Struct(name string, ns Namespace, v reflect.Value) {
	v, ok := deref(v)
	if !ok || v.Kind() != reflect.Struct {
		return
	}
	w.structElem(name, ns, v)
}

// Members writes the members of v, a generated structure or a pointer to
// one, without a wrapping element. Members bound to a location (header,
// uri, querystring, ...) and XML attributes are left out.
func (w *Writer) Members(v reflect.Value) {
	v, ok := deref(v)
	if !ok || v.Kind() != reflect.Struct {
		return
	}
	w.members(protocol.StructOf(v.Type()), v)
}

func deref(v reflect.Value) (reflect.Value, bool) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return v, false
		}
		v = v.Elem()
	}
	return v, v.IsValid()
}

func (w *Writer) ns(ns Namespace) {
	if ns.URI == "" {
		return
	}
	if ns.Prefix != "" {
		w.b = append(w.b, " xmlns:"...)
		w.b = append(w.b, ns.Prefix...)
		w.b = append(w.b, `="`...)
	} else {
		w.b = append(w.b, ` xmlns="`...)
	}
	w.b = appendEscaped(w.b, ns.URI, true)
	w.b = append(w.b, '"')
}

func (w *Writer) attr(name, value string) {
	w.b = append(w.b, ' ')
	w.b = append(w.b, name...)
	w.b = append(w.b, '=', '"')
	w.b = appendEscaped(w.b, value, true)
	w.b = append(w.b, '"')
}

// structElem writes struct value v (not a pointer) as element name.
func (w *Writer) structElem(name string, ns Namespace, v reflect.Value) {
	st := protocol.StructOf(v.Type())
	if ns.URI == "" {
		ns = Namespace{URI: st.XMLNamespace, Prefix: st.XMLPrefix}
	}
	w.b = append(w.b, '<')
	w.b = append(w.b, name...)
	w.ns(ns)
	for i := range st.Members {
		m := &st.Members[i]
		if !m.XMLAttribute || m.Location != "" {
			continue
		}
		text, ok := AppendScalar(nil, v.Field(m.Field), m.TimestampFormat)
		if !ok {
			continue
		}
		w.attr(m.WireName(), string(text))
	}
	w.b = append(w.b, '>')
	w.members(st, v)
	w.Close(name)
}

func (w *Writer) members(st *protocol.Struct, v reflect.Value) {
	for i := range st.Members {
		m := &st.Members[i]
		if m.Location != "" || m.XMLAttribute {
			continue
		}
		w.member(m, v.Field(m.Field))
	}
}

func (w *Writer) member(m *protocol.Member, fv reflect.Value) {
	if fv.Kind() == reflect.Interface {
		// A stream is only ever a payload, written raw by the REST layer.
		return
	}
	fv, ok := deref(fv)
	if !ok || (fv.Kind() == reflect.Slice || fv.Kind() == reflect.Map) && fv.IsNil() {
		return
	}
	ns := Namespace{URI: m.XMLNamespace, Prefix: m.XMLPrefix}
	switch {
	case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() != reflect.Uint8:
		if m.Flattened {
			name := ElementName(m)
			for i := 0; i < fv.Len(); i++ {
				w.value(name, ns, fv.Index(i), m.TimestampFormat)
			}
			return
		}
		w.b = append(w.b, '<')
		w.b = append(w.b, m.WireName()...)
		w.ns(ns)
		w.b = append(w.b, '>')
		item := m.ListMemberName()
		for i := 0; i < fv.Len(); i++ {
			w.value(item, Namespace{}, fv.Index(i), "")
		}
		w.Close(m.WireName())
	case fv.Kind() == reflect.Map:
		w.mapValue(m.WireName(), ns, fv, m.Flattened, m.MapKeyName(), m.MapValueName())
	default:
		w.value(m.WireName(), ns, fv, m.TimestampFormat)
	}
}

// value writes any value as element name: scalars as text, structures with
// their members, lists and maps in their non-flattened form.
func (w *Writer) value(name string, ns Namespace, v reflect.Value, format string) {
	v, ok := deref(v)
	if !ok {
		return
	}
	switch {
	case v.Kind() == reflect.Struct && v.Type() != timeType:
		w.structElem(name, ns, v)
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() != reflect.Uint8:
		w.Open(name, ns)
		for i := 0; i < v.Len(); i++ {
			w.value("member", Namespace{}, v.Index(i), "")
		}
		w.Close(name)
	case v.Kind() == reflect.Map:
		w.mapValue(name, ns, v, false, "key", "value")
	default:
		w.b = append(w.b, '<')
		w.b = append(w.b, name...)
		w.ns(ns)
		w.b = append(w.b, '>')
		start := len(w.b)
		text, ok := AppendScalar(w.b, v, format)
		if !ok {
			w.b = w.b[:start]
		} else if needsEscape(text[start:]) {
			raw := string(text[start:])
			w.b = appendEscaped(text[:start], raw, false)
		} else {
			w.b = text
		}
		w.Close(name)
	}
}

func (w *Writer) mapValue(name string, ns Namespace, v reflect.Value, flattened bool, keyName, valueName string) {
	keys := v.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int {
		switch {
		case a.String() < b.String():
			return -1
		case a.String() > b.String():
			return 1
		}
		return 0
	})
	if !flattened {
		w.Open(name, ns)
	}
	for _, k := range keys {
		if flattened {
			w.Open(name, ns)
		} else {
			w.Raw("<entry>")
		}
		w.Leaf(keyName, k.String())
		w.value(valueName, Namespace{}, v.MapIndex(k), "")
		if flattened {
			w.Close(name)
		} else {
			w.Raw("</entry>")
		}
	}
	if !flattened {
		w.Close(name)
	}
}

// needsEscape reports whether b holds a byte appendEscaped would change in
// character data (it errs on the side of yes for non-ASCII).
func needsEscape(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= 0x80 || c == '&' || c == '<' || c == '>' || c == '"' {
			return true
		}
	}
	return false
}

// ErrorMembers writes the members of v, a generated exception structure or
// a pointer to one, except its code and message (which error documents
// carry in their own elements). A nil v writes nothing.
func (w *Writer) ErrorMembers(v any) {
	if v == nil {
		return
	}
	rv, ok := deref(reflect.ValueOf(v))
	if !ok || rv.Kind() != reflect.Struct {
		return
	}
	st := protocol.StructOf(rv.Type())
	for i := range st.Members {
		m := &st.Members[i]
		if m.Location != "" || m.XMLAttribute || isCodeOrMessage(m.Name) {
			continue
		}
		w.member(m, rv.Field(m.Field))
	}
}

func isCodeOrMessage(name string) bool {
	switch name {
	case "message", "Message", "code", "Code":
		return true
	}
	return false
}

// Text writes s as escaped character data.
func (w *Writer) Text(s string) { w.b = appendEscaped(w.b, s, false) }
