package validate

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// renderQuoted renders v as AWS shows an offending value: the Java toString
// of the value in single quotes. Strings and numbers render as themselves;
// lists as "[a, b]"; maps as "{k=v, ...}" in key order; structures as
// "TypeName(member=value, ...)" listing set members with lowerCamel names
// (anonymous types omit the name); blobs as Java's ByteBuffer does,
// "java.nio.HeapByteBuffer[pos=0 lim=N cap=N]"; timestamps in RFC 3339.
func renderQuoted(v reflect.Value) string {
	var b strings.Builder
	b.WriteByte('\'')
	render(&b, v, 0)
	b.WriteByte('\'')
	return b.String()
}

// maxRenderDepth bounds rendering of deeply nested values.
const maxRenderDepth = 16

func render(b *strings.Builder, v reflect.Value, depth int) {
	if depth > maxRenderDepth {
		b.WriteString("...")
		return
	}
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			b.WriteString("null")
			return
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		b.WriteString(v.String())
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Float32, reflect.Float64:
		b.WriteString(strconv.FormatFloat(v.Float(), 'g', -1, 64))
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			n := strconv.Itoa(v.Len())
			b.WriteString("java.nio.HeapByteBuffer[pos=0 lim=" + n + " cap=" + n + "]")
			return
		}
		b.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			render(b, v.Index(i), depth+1)
		}
		b.WriteByte(']')
	case reflect.Map:
		keys := v.MapKeys()
		slices.SortFunc(keys, func(x, y reflect.Value) int { return strings.Compare(x.String(), y.String()) })
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k.String())
			b.WriteByte('=')
			render(b, v.MapIndex(k), depth+1)
		}
		b.WriteByte('}')
	case reflect.Struct:
		if v.Type() == timeType {
			b.WriteString(v.Interface().(time.Time).UTC().Format(time.RFC3339Nano))
			return
		}
		renderStruct(b, v, depth)
	default:
		b.WriteString(v.Kind().String())
	}
}

func renderStruct(b *strings.Builder, v reflect.Value, depth int) {
	t := v.Type()
	b.WriteString(t.Name())
	if t.Name() == "" {
		b.WriteByte('{')
	} else {
		b.WriteByte('(')
	}
	first := true
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || isNil(v.Field(i)) {
			continue
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		name := f.Name
		if n := f.Tag.Get("name"); n != "" {
			name = n
		}
		b.WriteString(lowerFirst(name))
		b.WriteByte('=')
		render(b, v.Field(i), depth+1)
	}
	if t.Name() == "" {
		b.WriteByte('}')
	} else {
		b.WriteByte(')')
	}
}
