package jsonshape

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"time"

	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/rest"
)

// Default bounds of Decode.
const (
	// DefaultMaxBytes caps a JSON request body (16 MiB, DynamoDB's limit).
	DefaultMaxBytes = 16 << 20
	// DefaultMaxDepth caps the nesting of objects and arrays.
	DefaultMaxDepth = 128
)

// DecodeOptions tune Decode.
type DecodeOptions struct {
	// MaxBytes bounds the body; 0 means DefaultMaxBytes.
	MaxBytes int64
	// MaxDepth bounds nesting; 0 means DefaultMaxDepth.
	MaxDepth int
	// BodyOnly skips top-level members bound to a location other than the
	// body (rest-json: uri, querystring, header ...); their keys are ignored.
	BodyOnly bool
}

// Decode reads one JSON object from r into v, a pointer to a generated
// structure. An empty body or null decodes as {}. Unknown keys are ignored.
// Errors are *Error for bad input, an error wrapping ErrTooLarge past the
// size bound, or the reader's error.
//
// The body is read into memory (up to the bound) and scanned in one pass
// straight into v.
func Decode(r io.Reader, v any, opt DecodeOptions) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("jsonshape: decode into %T: want a pointer to a struct", v)
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	if opt.MaxDepth <= 0 {
		opt.MaxDepth = DefaultMaxDepth
	}
	buf, tail := readBody(r, opt.MaxBytes)
	d := &decoder{scanner: scanner{buf: buf, tail: tail}, maxDepth: opt.MaxDepth}
	err := d.next()
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return err
	}
	switch d.kind {
	case tkNull:
	case tkObjStart:
		if err := d.object(rv.Elem(), opt.BodyOnly); err != nil {
			return err
		}
	default:
		return d.value("structure", rv.Elem())
	}
	if err := d.next(); !errors.Is(err, io.EOF) {
		if err != nil && !isSyntax(err) {
			return err
		}
		return &Error{Message: msgTrailing}
	}
	return nil
}

// readBody reads r through the size bound until the first error, which it
// returns with the bytes read (io.EOF for a complete body).
func readBody(r io.Reader, maxBytes int64) ([]byte, error) {
	lr := &limitReader{r: r, left: maxBytes}
	size := int64(1024)
	if l, ok := r.(interface{ Len() int }); ok {
		size = int64(l.Len()) + 1
	}
	buf := make([]byte, 0, max(min(size, maxBytes+1), 64))
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			return buf, err
		}
	}
}

// limitReader fails with ErrTooLarge once more than left bytes are read.
type limitReader struct {
	r    io.Reader
	left int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, ErrTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, ErrTooLarge
	}
	return n, err
}

// decoder decodes the tokens of one body into reflect values.
type decoder struct {
	scanner
	maxDepth int
}

// enter and leave track nesting.
func (d *decoder) enter() error {
	d.depth++
	if d.depth > d.maxDepth {
		return &Error{Message: msgTooDeep}
	}
	return nil
}

func (d *decoder) leave() { d.depth-- }

// object decodes the members of an object whose '{' was read into struct v.
func (d *decoder) object(v reflect.Value, bodyOnly bool) error {
	if err := d.enter(); err != nil {
		return err
	}
	defer d.leave()
	info := infoOf(v.Type())
	for {
		if err := d.next(); err != nil {
			return err
		}
		if d.kind == tkObjEnd {
			return nil
		}
		i, ok := info.byKey[string(d.text())]
		if err := d.next(); err != nil {
			return err
		}
		if !ok || (bodyOnly && info.Members[i].Location != "") {
			if err := d.skip(); err != nil {
				return err
			}
			continue
		}
		m := &info.Members[i]
		if err := d.value(m.Kind, v.Field(m.Field)); err != nil {
			return err
		}
	}
}

// skip consumes the value whose first token was read.
func (d *decoder) skip() error {
	if d.kind != tkObjStart && d.kind != tkArrStart {
		return nil
	}
	for depth := 1; depth > 0; {
		if err := d.next(); err != nil {
			return err
		}
		switch d.kind {
		case tkObjStart, tkArrStart:
			depth++
		case tkObjEnd, tkArrEnd:
			depth--
		}
	}
	return nil
}

// value decodes the value whose first token was read into v, a settable
// value of a member whose model type is kind. Timestamps are read in any
// format.
func (d *decoder) value(kind string, v reflect.Value) error {
	if d.kind == tkNull {
		v.SetZero()
		return nil
	}
	t := v.Type()
	if t.Kind() == reflect.Interface {
		// Streaming members never come from a JSON body.
		return d.skip()
	}
	if kind == "" {
		kind = protocol.KindOf(t)
	}
	switch d.kind {
	case tkObjStart, tkArrStart:
		return d.composite(kind, v)
	case tkString:
		return setText(d.text(), kind, v)
	case tkNumber:
		return setNumber(string(d.buf[d.start:d.end]), kind, v)
	case tkTrue, tkFalse:
		on := d.kind == tkTrue
		if e := deref(t); e.Kind() != reflect.Bool {
			if on {
				return mismatch("TRUE", kind)
			}
			return mismatch("FALSE", kind)
		}
		alloc(v).SetBool(on)
		return nil
	}
	return &Error{Message: "Unexpected token received from parser."}
}

// composite decodes an object or array whose opening delimiter was read.
func (d *decoder) composite(kind string, v reflect.Value) error {
	e := deref(v.Type())
	obj := d.kind == tkObjStart
	switch {
	case obj && e.Kind() == reflect.Struct && e != timeType:
		return d.object(alloc(v), false)
	case obj && e.Kind() == reflect.Map && e.Key().Kind() == reflect.String:
		return d.mapValue(v)
	case !obj && e.Kind() == reflect.Slice && e.Elem().Kind() != reflect.Uint8:
		return d.list(v)
	case obj:
		return &Error{Message: msgUnexpectedObject}
	default:
		return &Error{Message: msgUnexpectedArray}
	}
}

// mapValue decodes an object whose '{' was read into map v.
func (d *decoder) mapValue(v reflect.Value) error {
	if err := d.enter(); err != nil {
		return err
	}
	defer d.leave()
	mv := alloc(v)
	mt := mv.Type()
	if mv.IsNil() {
		mv.Set(reflect.MakeMap(mt))
	}
	kv := reflect.New(mt.Key()).Elem()
	ev := reflect.New(mt.Elem()).Elem()
	for {
		if err := d.next(); err != nil {
			return err
		}
		if d.kind == tkObjEnd {
			return nil
		}
		kv.SetString(string(d.text()))
		if err := d.next(); err != nil {
			return err
		}
		ev.SetZero()
		if err := d.value("", ev); err != nil {
			return err
		}
		mv.SetMapIndex(kv, ev)
	}
}

// list decodes an array whose '[' was read into slice v.
func (d *decoder) list(v reflect.Value) error {
	if err := d.enter(); err != nil {
		return err
	}
	defer d.leave()
	sv := alloc(v)
	out := reflect.New(sv.Type()).Elem()
	out.Set(reflect.MakeSlice(sv.Type(), 0, 0))
	for {
		if err := d.next(); err != nil {
			return err
		}
		if d.kind == tkArrEnd {
			sv.Set(out)
			return nil
		}
		n := out.Len()
		out.Grow(1)
		out.SetLen(n + 1)
		if err := d.value("", out.Index(n)); err != nil {
			return err
		}
	}
}

// setText stores the content of a JSON string into v.
func setText(b []byte, kind string, v reflect.Value) error {
	e := deref(v.Type())
	switch {
	case e.Kind() == reflect.String:
		alloc(v).SetString(string(b))
		return nil
	case e.Kind() == reflect.Slice && e.Elem().Kind() == reflect.Uint8:
		out, err := decodeBase64Bytes(b)
		if err != nil {
			return &Error{Message: "Base64 encoded value is not valid", Err: err}
		}
		alloc(v).SetBytes(out)
		return nil
	case e != timeType && e.Kind() != reflect.Float64 && e.Kind() != reflect.Float32:
		return mismatch("STRING", kind)
	}
	return setString(string(b), kind, v)
}

// decodeBase64Bytes is decodeBase64 on bytes.
func decodeBase64Bytes(b []byte) ([]byte, error) {
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(b)))
	n, err := base64.StdEncoding.Decode(out, b)
	if err != nil {
		n, err = base64.RawStdEncoding.Decode(out, b)
	}
	if err != nil {
		return nil, fmt.Errorf("decode base64: %w", err)
	}
	return out[:n], nil
}

// setString stores a JSON string into v.
func setString(s, kind string, v reflect.Value) error {
	e := deref(v.Type())
	switch {
	case e == timeType:
		t, err := rest.ParseTimestamp(s)
		if err != nil {
			return &Error{Message: "Unable to parse date value: " + strconv.Quote(s), Err: err}
		}
		alloc(v).Set(reflect.ValueOf(t))
	case e.Kind() == reflect.String:
		alloc(v).SetString(s)
	case e.Kind() == reflect.Slice && e.Elem().Kind() == reflect.Uint8:
		b, err := decodeBase64(s)
		if err != nil {
			return &Error{Message: "Base64 encoded value is not valid", Err: err}
		}
		alloc(v).SetBytes(b)
	case e.Kind() == reflect.Float64 || e.Kind() == reflect.Float32:
		var f float64
		switch s {
		case "NaN":
			f = math.NaN()
		case "Infinity":
			f = math.Inf(1)
		case "-Infinity":
			f = math.Inf(-1)
		default:
			return mismatch("STRING", kind)
		}
		alloc(v).SetFloat(f)
	default:
		return mismatch("STRING", kind)
	}
	return nil
}

// decodeBase64 accepts padded and unpadded standard base64.
func decodeBase64(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(s)
	}
	if err != nil {
		return nil, fmt.Errorf("decode base64: %w", err)
	}
	return b, nil
}

// setNumber stores a JSON number into v.
func setNumber(n string, kind string, v reflect.Value) error {
	e := deref(v.Type())
	switch {
	case e == timeType:
		t, ok := rest.ParseEpoch(n)
		if !ok {
			return &Error{Message: "Unable to parse date value: " + n}
		}
		alloc(v).Set(reflect.ValueOf(t))
	case e.Kind() >= reflect.Int && e.Kind() <= reflect.Int64:
		i, err := parseInt(n)
		if err != nil || !fitsKind(i, kind, e) {
			return &Error{Message: "Numeric value (" + n + ") out of range of " + typeName(kind), Err: err}
		}
		alloc(v).SetInt(i)
	case e.Kind() == reflect.Float64 || e.Kind() == reflect.Float32:
		f, err := strconv.ParseFloat(n, 64)
		if err != nil {
			return &Error{Message: "Numeric value (" + n + ") out of range of " + typeName(kind), Err: err}
		}
		alloc(v).SetFloat(f)
	default:
		return mismatch("NUMBER", kind)
	}
	return nil
}

// parseInt reads an integer, accepting integral values written with a
// fraction or exponent (1.0, 1e3) as AWS's services do.
func parseInt(s string) (int64, error) {
	i, err := strconv.ParseInt(s, 10, 64)
	if err == nil {
		return i, nil
	}
	f, ferr := strconv.ParseFloat(s, 64)
	if ferr != nil || f != math.Trunc(f) || f >= 1<<63 || f < -(1<<63) {
		return 0, fmt.Errorf("parse integer %q: %w", s, err)
	}
	return int64(f), nil
}

// fitsKind reports whether i is in range of the member's model type and Go type.
func fitsKind(i int64, kind string, t reflect.Type) bool {
	switch kind {
	case "integer":
		if i < math.MinInt32 || i > math.MaxInt32 {
			return false
		}
	case "short":
		if i < math.MinInt16 || i > math.MaxInt16 {
			return false
		}
	case "byte":
		if i < math.MinInt8 || i > math.MaxInt8 {
			return false
		}
	}
	return !reflect.Zero(t).OverflowInt(i)
}

var timeType = reflect.TypeFor[time.Time]()

// deref strips pointers from t.
func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// alloc returns the settable non-pointer value behind v, allocating
// pointers on the way.
func alloc(v reflect.Value) reflect.Value {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	return v
}
