package rest

import (
	"encoding/base64"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// EncodeBindings sets on h the headers of out's members bound to header and
// headers (prefix maps), and returns the status its statusCode member holds
// (0 when it has none or it is unset). out is a pointer to a generated
// structure.
func EncodeBindings(h http.Header, out any) (int, error) {
	v, err := structValue(out)
	if err != nil || !v.IsValid() {
		return 0, err
	}
	st := protocol.StructOf(v.Type())
	status := 0
	for i := range st.Members {
		m := &st.Members[i]
		fv := v.Field(m.Field)
		if isNil(fv) {
			continue
		}
		switch m.Location {
		case LocHeader:
			if s, ok := headerText(fv, m); ok {
				h.Set(m.WireName(), s)
			}
		case LocHeaders:
			if fv.Kind() != reflect.Map || fv.Type().Elem().Kind() != reflect.String {
				continue
			}
			iter := fv.MapRange()
			for iter.Next() {
				h.Set(m.LocationName+iter.Key().String(), iter.Value().String())
			}
		case LocStatusCode:
			e := reflect.Indirect(fv)
			if e.Kind() >= reflect.Int && e.Kind() <= reflect.Int64 {
				if s := e.Int(); s >= 100 && s <= 999 {
					status = int(s)
				}
			}
		}
	}
	return status, nil
}

// structValue returns the struct behind out, or an invalid Value for nil.
func structValue(out any) (reflect.Value, error) {
	v := reflect.ValueOf(out)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return reflect.Value{}, nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return reflect.Value{}, fmt.Errorf("rest: encode %T: want a struct", out)
	}
	return v, nil
}

// isNil reports whether a member value is unset.
func isNil(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return v.IsNil()
	}
	return false
}

// headerText renders a header member's value; lists are joined with ", ",
// quoting items that hold commas or quotes (HTTP dates are never quoted).
func headerText(fv reflect.Value, m *protocol.Member) (string, bool) {
	if fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() != reflect.Uint8 {
		parts := make([]string, 0, fv.Len())
		for i := 0; i < fv.Len(); i++ {
			s, ok := FormatScalar(fv.Index(i), m.TimestampFormat, HeaderTimestampFormat)
			if !ok {
				return "", false
			}
			if derefType(fv.Type().Elem()) != timeType && strings.ContainsAny(s, `,"`) {
				s = strconv.Quote(s)
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ", "), true
	}
	s, ok := FormatScalar(fv, m.TimestampFormat, HeaderTimestampFormat)
	if ok && m.JSONValue {
		s = base64.StdEncoding.EncodeToString([]byte(s))
	}
	return s, ok
}

// FormatScalar renders a scalar (or pointer to one) as REST bindings write
// it; timestamps use tsFormat, or def when it is empty. ok is false for
// nil pointers and non-scalar types.
func FormatScalar(v reflect.Value, tsFormat, def string) (string, bool) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "", false
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		return v.String(), true
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), true
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		switch {
		case math.IsNaN(f):
			return "NaN", true
		case math.IsInf(f, 1):
			return "Infinity", true
		case math.IsInf(f, -1):
			return "-Infinity", true
		}
		return strconv.FormatFloat(f, 'g', -1, v.Type().Bits()), true
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return base64.StdEncoding.EncodeToString(v.Bytes()), true
		}
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			return FormatTimestamp(t, tsFormat, def), true
		}
	}
	return "", false
}

// lener is a reader that knows how many bytes it has left.
type lener interface{ Len() int }

// WritePayload writes out's payload member as the raw body when it is a
// blob, a string or a stream, with status (200 when 0) and, when known, a
// Content-Length; headers must be set before. It reports false, writing
// nothing, when out has no payload member or a structure one: the body is
// then the caller's. A stream is copied without buffering and closed when
// it is an io.Closer. A Content-Type header left unset by bindings defaults
// to application/octet-stream for blobs and streams and text/plain for
// strings.
func WritePayload(w http.ResponseWriter, status int, out any) (bool, error) {
	v, err := structValue(out)
	if err != nil || !v.IsValid() {
		return false, err
	}
	m := protocol.StructOf(v.Type()).PayloadMember()
	if m == nil {
		return false, nil
	}
	if status == 0 {
		status = http.StatusOK
	}
	fv := v.Field(m.Field)
	h := w.Header()
	switch {
	case fv.Kind() == reflect.Interface:
		if fv.IsNil() {
			h.Set("Content-Length", "0")
			w.WriteHeader(status)
			return true, nil
		}
		r, ok := fv.Interface().(io.Reader)
		if !ok {
			return true, fmt.Errorf("rest: payload %s is %T, not an io.Reader", m.Name, fv.Interface())
		}
		if c, ok := r.(io.Closer); ok {
			defer c.Close()
		}
		if h.Get("Content-Length") == "" {
			if l, ok := r.(lener); ok {
				h.Set("Content-Length", strconv.Itoa(l.Len()))
			}
		}
		defaultContentType(h, "application/octet-stream")
		w.WriteHeader(status)
		if _, err := io.Copy(w, r); err != nil {
			return true, fmt.Errorf("rest: stream payload %s: %w", m.Name, err)
		}
		return true, nil
	case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Uint8:
		return true, writeRaw(w, status, fv.Bytes(), "application/octet-stream")
	case fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.String:
		if fv.IsNil() {
			return true, writeRaw(w, status, nil, "")
		}
		return true, writeRaw(w, status, []byte(fv.Elem().String()), "text/plain")
	}
	return false, nil
}

// writeRaw writes a buffered raw body.
func writeRaw(w http.ResponseWriter, status int, b []byte, contentType string) error {
	h := w.Header()
	if len(b) > 0 {
		defaultContentType(h, contentType)
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	if len(b) == 0 {
		return nil
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("rest: write payload: %w", err)
	}
	return nil
}

// defaultContentType sets Content-Type when bindings did not.
func defaultContentType(h http.Header, ct string) {
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", ct)
	}
}
