package xmlshape

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sync"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// MaxDepth bounds element nesting in documents read by Decode.
const MaxDepth = 128

// ErrNoRoot is returned by Decode for a document without a root element
// (an empty or whitespace-only body).
var ErrNoRoot = errors.New("xmlshape: no root element")

// Decode reads one XML document from r and fills v, a pointer to a generated
// structure, from its root element: the root's attributes and child
// elements map to v's members by their XML names. The root's own name is not
// checked. Unknown elements are skipped; members bound to a location are
// not filled. DTDs are refused. The caller bounds r's size.
func Decode(r io.Reader, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("xmlshape: decode target %T is not a pointer to a struct", v)
	}
	d := xml.NewDecoder(r)
	d.Strict = true
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return ErrNoRoot
		}
		if err != nil {
			return fmt.Errorf("xmlshape: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := decodeStruct(d, t, rv.Elem(), 1); err != nil {
				return err
			}
			return trailer(d)
		case xml.Directive:
			return errors.New("xmlshape: DTDs are not allowed")
		case xml.CharData, xml.Comment, xml.ProcInst:
		}
	}
}

// trailer checks that only whitespace, comments and processing
// instructions follow the root element.
func trailer(d *xml.Decoder) error {
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("xmlshape: %w", err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return errors.New("xmlshape: text after the root element")
			}
		case xml.Comment, xml.ProcInst:
		default:
			return errors.New("xmlshape: content after the root element")
		}
	}
}

// index maps XML names to the members of one structure type.
type index struct {
	st    *protocol.Struct
	elems map[string]int
	attrs map[string]int
}

// indexCache maps reflect.Type to *index; it holds only data derived from
// immutable types.
var indexCache sync.Map

func indexOf(t reflect.Type) *index {
	if ix, ok := indexCache.Load(t); ok {
		return ix.(*index)
	}
	st := protocol.StructOf(t)
	ix := &index{st: st, elems: map[string]int{}, attrs: map[string]int{}}
	for i := range st.Members {
		m := &st.Members[i]
		switch {
		case m.Location != "":
		case m.XMLAttribute:
			ix.attrs[localName(m.WireName())] = i
		default:
			ix.elems[localName(ElementName(m))] = i
		}
	}
	actual, _ := indexCache.LoadOrStore(t, ix)
	return actual.(*index)
}

// decodeStruct fills struct value v from element start and its content.
func decodeStruct(d *xml.Decoder, start xml.StartElement, v reflect.Value, depth int) error {
	if depth > MaxDepth {
		return errors.New("xmlshape: document nested too deeply")
	}
	ix := indexOf(v.Type())
	for _, a := range start.Attr {
		if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
			continue
		}
		i, ok := ix.attrs[a.Name.Local]
		if !ok {
			continue
		}
		m := &ix.st.Members[i]
		if err := SetScalar(v.Field(m.Field), a.Value, m.TimestampFormat); err != nil {
			return fmt.Errorf("xmlshape: attribute %s: %w", m.WireName(), err)
		}
	}
	for {
		tok, err := d.Token()
		if err != nil {
			return fmt.Errorf("xmlshape: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			i, ok := ix.elems[t.Name.Local]
			if !ok {
				if err := d.Skip(); err != nil {
					return fmt.Errorf("xmlshape: %w", err)
				}
				continue
			}
			if err := decodeMember(d, t, &ix.st.Members[i], v.Field(ix.st.Members[i].Field), depth+1); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		case xml.Directive:
			return errors.New("xmlshape: DTDs are not allowed")
		}
	}
}

func decodeMember(d *xml.Decoder, start xml.StartElement, m *protocol.Member, fv reflect.Value, depth int) error {
	t := fv.Type()
	switch {
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
		if m.Flattened {
			item := reflect.New(t.Elem()).Elem()
			if err := decodeValue(d, start, item, m.TimestampFormat, depth); err != nil {
				return err
			}
			fv.Set(reflect.Append(fv, item))
			return nil
		}
		return decodeList(d, fv, depth)
	case t.Kind() == reflect.Map:
		if fv.IsNil() {
			fv.Set(reflect.MakeMap(t))
		}
		if m.Flattened {
			return decodeEntry(d, fv, m.MapKeyName(), m.MapValueName(), depth)
		}
		return decodeMap(d, fv, m.MapKeyName(), m.MapValueName(), depth)
	}
	return decodeValue(d, start, fv, m.TimestampFormat, depth)
}

// decodeValue fills v (settable; a pointer is allocated) from element start.
// Lists and maps take their non-flattened form with default names.
func decodeValue(d *xml.Decoder, start xml.StartElement, v reflect.Value, format string, depth int) error {
	if depth > MaxDepth {
		return errors.New("xmlshape: document nested too deeply")
	}
	t := v.Type()
	switch {
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct && t.Elem() != timeType:
		p := reflect.New(t.Elem())
		if err := decodeStruct(d, start, p.Elem(), depth); err != nil {
			return err
		}
		v.Set(p)
		return nil
	case t.Kind() == reflect.Struct && t != timeType:
		return decodeStruct(d, start, v, depth)
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
		return decodeList(d, v, depth)
	case t.Kind() == reflect.Map:
		if v.IsNil() {
			v.Set(reflect.MakeMap(t))
		}
		return decodeMap(d, v, "key", "value", depth)
	case t.Kind() == reflect.Interface:
		return d.Skip()
	}
	text, err := readText(d)
	if err != nil {
		return err
	}
	if err := SetScalar(v, text, format); err != nil {
		return fmt.Errorf("xmlshape: element %s: %w", start.Name.Local, err)
	}
	return nil
}

// decodeList reads a wrapped list: every child element is one item,
// whatever its name.
func decodeList(d *xml.Decoder, v reflect.Value, depth int) error {
	if v.IsNil() {
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
	}
	for {
		tok, err := d.Token()
		if err != nil {
			return fmt.Errorf("xmlshape: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			item := reflect.New(v.Type().Elem()).Elem()
			if err := decodeValue(d, t, item, "", depth+1); err != nil {
				return err
			}
			v.Set(reflect.Append(v, item))
		case xml.EndElement:
			return nil
		}
	}
}

// decodeMap reads a wrapped map: each child element is an entry.
func decodeMap(d *xml.Decoder, v reflect.Value, keyName, valueName string, depth int) error {
	for {
		tok, err := d.Token()
		if err != nil {
			return fmt.Errorf("xmlshape: %w", err)
		}
		switch tok.(type) {
		case xml.StartElement:
			if err := decodeEntry(d, v, keyName, valueName, depth+1); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// decodeEntry reads the key and value children of one map entry element.
func decodeEntry(d *xml.Decoder, v reflect.Value, keyName, valueName string, depth int) error {
	if depth > MaxDepth {
		return errors.New("xmlshape: document nested too deeply")
	}
	if v.Type().Key().Kind() != reflect.String {
		return fmt.Errorf("xmlshape: map key type %s is not a string", v.Type().Key())
	}
	var key string
	hasKey := false
	val := reflect.New(v.Type().Elem()).Elem()
	for {
		tok, err := d.Token()
		if err != nil {
			return fmt.Errorf("xmlshape: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case keyName:
				if key, err = readText(d); err != nil {
					return err
				}
				hasKey = true
			case valueName:
				if err := decodeValue(d, t, val, "", depth+1); err != nil {
					return err
				}
			default:
				if err := d.Skip(); err != nil {
					return fmt.Errorf("xmlshape: %w", err)
				}
			}
		case xml.EndElement:
			if !hasKey {
				return errors.New("xmlshape: map entry without a key")
			}
			v.SetMapIndex(reflect.ValueOf(key).Convert(v.Type().Key()), val)
			return nil
		}
	}
}

// readText returns the character data of the current element up to its end.
func readText(d *xml.Decoder) (string, error) {
	var buf []byte
	for {
		tok, err := d.Token()
		if err != nil {
			return "", fmt.Errorf("xmlshape: %w", err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			buf = append(buf, t...)
		case xml.StartElement:
			return "", fmt.Errorf("xmlshape: unexpected element %s in a value", t.Name.Local)
		case xml.EndElement:
			return string(buf), nil
		}
	}
}
