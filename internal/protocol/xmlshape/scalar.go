package xmlshape

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// ErrNotScalar is returned by the scalar helpers for a value that is not a
// string, number, boolean, timestamp or blob.
var ErrNotScalar = errors.New("xmlshape: not a scalar")

var timeType = reflect.TypeFor[time.Time]()

// ISO 8601 layouts written by AWS: whole seconds, or milliseconds.
const (
	iso8601      = "2006-01-02T15:04:05Z"
	iso8601Milli = "2006-01-02T15:04:05.000Z"
	rfc822       = "Mon, 02 Jan 2006 15:04:05 GMT"
)

// AppendTimestamp appends t in the given timestampFormat trait ("" means
// iso8601, the XML and query default).
func AppendTimestamp(b []byte, t time.Time, format string) []byte {
	t = t.UTC()
	switch format {
	case protocol.TimestampUnix:
		if t.Nanosecond() == 0 {
			return strconv.AppendInt(b, t.Unix(), 10)
		}
		return strconv.AppendFloat(b, float64(t.UnixMilli())/1000, 'f', -1, 64)
	case protocol.TimestampRFC822:
		return t.AppendFormat(b, rfc822)
	}
	if t.Nanosecond() == 0 {
		return t.AppendFormat(b, iso8601)
	}
	return t.AppendFormat(b, iso8601Milli)
}

// ParseTimestamp parses s as a timestamp. The declared format is tried
// first; the others are accepted too, because clients differ.
func ParseTimestamp(s, format string) (time.Time, error) {
	s = strings.TrimSpace(s)
	tryUnix := func() (time.Time, bool) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e13 {
			return time.Time{}, false
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(math.Round(frac*1e3))*1e6).UTC(), true
	}
	if format == protocol.TimestampUnix {
		if t, ok := tryUnix(); ok {
			return t, nil
		}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", rfc822, time.RFC1123, time.RFC1123Z} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	if t, ok := tryUnix(); ok {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("xmlshape: invalid timestamp %q", s)
}

// AppendFloat appends f as AWS writes floating-point values, with the
// special values spelled NaN, Infinity and -Infinity.
func AppendFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	}
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		return strconv.AppendFloat(b, f, 'E', -1, 64)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// ParseFloat parses a floating-point value, accepting AWS's spellings of
// the special values.
func ParseFloat(s string) (float64, error) {
	switch s {
	case "NaN":
		return math.NaN(), nil
	case "Infinity":
		return math.Inf(1), nil
	case "-Infinity":
		return math.Inf(-1), nil
	}
	return strconv.ParseFloat(s, 64)
}

// IsScalar reports whether values of type t are written as text: strings,
// numbers, booleans, timestamps and blobs, behind any pointers.
func IsScalar(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	case reflect.Slice:
		return t.Elem().Kind() == reflect.Uint8
	case reflect.Struct:
		return t == timeType
	}
	return false
}

// AppendScalar appends the wire text of scalar v (behind any pointers;
// format is the timestampFormat trait). It reports false when v is nil or
// not a scalar.
func AppendScalar(b []byte, v reflect.Value, format string) ([]byte, bool) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return b, false
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		return append(b, v.String()...), true
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool()), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, v.Int(), 10), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.AppendUint(b, v.Uint(), 10), true
	case reflect.Float32, reflect.Float64:
		return AppendFloat(b, v.Float()), true
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.Uint8 {
			return b, false
		}
		return base64.StdEncoding.AppendEncode(b, v.Bytes()), true
	case reflect.Struct:
		if v.Type() != timeType {
			return b, false
		}
		if v.CanAddr() {
			// Through the pointer, to not copy the time to the heap.
			return AppendTimestamp(b, *v.Addr().Interface().(*time.Time), format), true
		}
		return AppendTimestamp(b, v.Interface().(time.Time), format), true
	}
	return b, false
}

// SetScalar parses text into v, a settable scalar or pointer to one
// (allocating the pointer). format is the timestampFormat trait.
func SetScalar(v reflect.Value, text, format string) error {
	if v.Kind() == reflect.Pointer {
		p := reflect.New(v.Type().Elem())
		if err := SetScalar(p.Elem(), text, format); err != nil {
			return err
		}
		v.Set(p)
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(text)
	case reflect.Bool:
		switch strings.TrimSpace(text) {
		case "true", "True", "TRUE":
			v.SetBool(true)
		case "false", "False", "FALSE":
			v.SetBool(false)
		default:
			return fmt.Errorf("xmlshape: invalid boolean %q", text)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(strings.TrimSpace(text), 10, v.Type().Bits())
		if err != nil {
			return fmt.Errorf("xmlshape: invalid integer %q: %w", text, err)
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(strings.TrimSpace(text), 10, v.Type().Bits())
		if err != nil {
			return fmt.Errorf("xmlshape: invalid integer %q: %w", text, err)
		}
		v.SetUint(n)
	case reflect.Float32, reflect.Float64:
		f, err := ParseFloat(strings.TrimSpace(text))
		if err != nil {
			return fmt.Errorf("xmlshape: invalid number %q: %w", text, err)
		}
		v.SetFloat(f)
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.Uint8 {
			return ErrNotScalar
		}
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
		if err != nil {
			return fmt.Errorf("xmlshape: invalid base64: %w", err)
		}
		v.SetBytes(b)
	case reflect.Struct:
		if v.Type() != timeType {
			return ErrNotScalar
		}
		t, err := ParseTimestamp(text, format)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(t))
	default:
		return ErrNotScalar
	}
	return nil
}
