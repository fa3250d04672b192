package jsonshape

import (
	"encoding/base64"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/rest"
)

// EncodeOptions tune Append.
type EncodeOptions struct {
	// BodyOnly leaves out top-level members bound to a location other than
	// the body (rest-json: header, headers, statusCode ...).
	BodyOnly bool
	// Skip, when set, leaves out top-level members for which it returns
	// true (error encoders use it to drop code and message members).
	Skip func(m *protocol.Member) bool
}

// Append appends v, a pointer to a generated structure (or the structure),
// as a JSON object to dst. Nil pointers, slices and maps are left out;
// empty non-nil lists and maps are written. Map keys are written sorted.
func Append(dst []byte, v any, opt EncodeOptions) ([]byte, error) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return append(dst, "{}"...), nil
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return dst, fmt.Errorf("jsonshape: encode %T: want a struct", v)
	}
	return appendStruct(dst, rv, &opt), nil
}

// appendStruct writes struct v; opt applies at the top level only.
func appendStruct(b []byte, v reflect.Value, opt *EncodeOptions) []byte {
	info := infoOf(v.Type())
	b = append(b, '{')
	first := true
	for i := range info.Members {
		m := &info.Members[i]
		if opt != nil && ((opt.BodyOnly && m.Location != "") || (opt.Skip != nil && opt.Skip(m))) {
			continue
		}
		fv := v.Field(m.Field)
		if isAbsent(fv) || fv.Kind() == reflect.Interface {
			// Unset, or a stream (which has no JSON form).
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendString(b, m.WireName())
		b = append(b, ':')
		b = appendValue(b, fv, m.TimestampFormat)
	}
	return append(b, '}')
}

// isAbsent reports whether a member value is unset.
func isAbsent(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return v.IsNil()
	}
	return false
}

// appendValue writes one value; tsFormat applies to timestamps.
func appendValue(b []byte, v reflect.Value, tsFormat string) []byte {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return append(b, "null"...)
		}
		if v.Kind() == reflect.Interface {
			// Streaming readers have no JSON form.
			return append(b, "null"...)
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		return appendString(b, v.String())
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, v.Int(), 10)
	case reflect.Float32, reflect.Float64:
		return appendFloat(b, v.Float(), v.Type().Bits())
	case reflect.Struct:
		if v.Type() == timeType {
			return appendTime(b, v, tsFormat)
		}
		return appendStruct(b, v, nil)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b = append(b, '"')
			b = base64.StdEncoding.AppendEncode(b, v.Bytes())
			return append(b, '"')
		}
		b = append(b, '[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendValue(b, v.Index(i), "")
		}
		return append(b, ']')
	case reflect.Map:
		keys := v.MapKeys()
		slices.SortFunc(keys, func(x, y reflect.Value) int {
			switch a, c := x.String(), y.String(); {
			case a < c:
				return -1
			case a > c:
				return 1
			}
			return 0
		})
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k.String())
			b = append(b, ':')
			b = appendValue(b, v.MapIndex(k), "")
		}
		return append(b, '}')
	}
	return append(b, "null"...)
}

// appendTime writes a timestamp in its format (epoch seconds by default).
func appendTime(b []byte, v reflect.Value, format string) []byte {
	t := v.Interface().(time.Time)
	if format == "" || format == protocol.TimestampUnix {
		return rest.AppendEpoch(b, t)
	}
	return appendString(b, rest.FormatTimestamp(t, format, rest.JSONTimestampFormat))
}

// appendFloat writes f as a JSON number, or as the strings "NaN",
// "Infinity" and "-Infinity" that AWS's JSON protocols use.
func appendFloat(b []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(b, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(b, `"-Infinity"`...)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	return strconv.AppendFloat(b, f, format, -1, bits)
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string, replacing invalid UTF-8 with
// U+FFFD and escaping what JSON and JavaScript parsers need escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// AppendString appends s as a JSON string literal.
func AppendString(b []byte, s string) []byte { return appendString(b, s) }
