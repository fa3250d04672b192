package jsonshape

import (
	"encoding/base64"
	"encoding/json"
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
	lr := &limitReader{r: r, left: opt.MaxBytes}
	d := &decoder{dec: json.NewDecoder(lr), maxDepth: opt.MaxDepth}
	d.dec.UseNumber()
	tok, err := d.token()
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return err
	}
	switch tok {
	case nil:
	case json.Delim('{'):
		if err := d.object(rv.Elem(), opt.BodyOnly); err != nil {
			return err
		}
	default:
		return d.value(tok, "structure", rv.Elem())
	}
	if _, err := d.token(); !errors.Is(err, io.EOF) {
		if err != nil && !isSyntax(err) {
			return err
		}
		return &Error{Message: msgTrailing}
	}
	return nil
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

// decoder walks the token stream of one body.
type decoder struct {
	dec      *json.Decoder
	depth    int
	maxDepth int
}

// token returns the next token, mapping syntax errors to *Error.
func (d *decoder) token() (json.Token, error) {
	tok, err := d.dec.Token()
	if err == nil {
		return tok, nil
	}
	if errors.Is(err, ErrTooLarge) {
		return nil, fmt.Errorf("jsonshape: %w", ErrTooLarge)
	}
	if isSyntax(err) {
		return nil, &Error{Message: "Malformed JSON: " + err.Error(), Err: err}
	}
	if errors.Is(err, io.EOF) && d.depth > 0 {
		return nil, &Error{Message: "Malformed JSON: unexpected end of JSON input", Err: err}
	}
	return nil, err
}

// isSyntax reports whether err is a JSON syntax error (including a body that
// ends early).
func isSyntax(err error) bool {
	var se *json.SyntaxError
	return errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF)
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
		tok, err := d.token()
		if err != nil {
			return err
		}
		if tok == json.Delim('}') {
			return nil
		}
		key, _ := tok.(string)
		tok, err = d.token()
		if err != nil {
			return err
		}
		i, ok := info.byKey[key]
		if !ok || (bodyOnly && info.Members[i].Location != "") {
			if err := d.skip(tok); err != nil {
				return err
			}
			continue
		}
		m := &info.Members[i]
		if err := d.value(tok, m.Kind, v.Field(m.Field)); err != nil {
			return err
		}
	}
}

// skip consumes the value that starts with tok.
func (d *decoder) skip(tok json.Token) error {
	if tok != json.Delim('{') && tok != json.Delim('[') {
		return nil
	}
	depth := 1
	for depth > 0 {
		t, err := d.token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// value decodes the value starting with tok into v, a settable value of a
// member whose model type is kind. Timestamps are read in any format.
func (d *decoder) value(tok json.Token, kind string, v reflect.Value) error {
	if tok == nil {
		v.SetZero()
		return nil
	}
	t := v.Type()
	if t.Kind() == reflect.Interface {
		// Streaming members never come from a JSON body.
		return d.skip(tok)
	}
	if kind == "" {
		kind = protocol.KindOf(t)
	}
	switch tok := tok.(type) {
	case json.Delim:
		return d.composite(tok, kind, v)
	case string:
		return setString(tok, kind, v)
	case json.Number:
		return setNumber(tok, kind, v)
	case bool:
		if e := deref(t); e.Kind() != reflect.Bool {
			if tok {
				return mismatch("TRUE", kind)
			}
			return mismatch("FALSE", kind)
		}
		alloc(v).SetBool(tok)
		return nil
	}
	return &Error{Message: "Unexpected token received from parser."}
}

// composite decodes an object or array whose opening delimiter was read.
func (d *decoder) composite(delim json.Delim, kind string, v reflect.Value) error {
	e := deref(v.Type())
	switch {
	case delim == '{' && e.Kind() == reflect.Struct && e != timeType:
		return d.object(alloc(v), false)
	case delim == '{' && e.Kind() == reflect.Map && e.Key().Kind() == reflect.String:
		return d.mapValue(v)
	case delim == '[' && e.Kind() == reflect.Slice && e.Elem().Kind() != reflect.Uint8:
		return d.list(v)
	case delim == '{':
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
	for {
		tok, err := d.token()
		if err != nil {
			return err
		}
		if tok == json.Delim('}') {
			return nil
		}
		key, _ := tok.(string)
		tok, err = d.token()
		if err != nil {
			return err
		}
		ev := reflect.New(mt.Elem()).Elem()
		if err := d.value(tok, "", ev); err != nil {
			return err
		}
		mv.SetMapIndex(reflect.ValueOf(key).Convert(mt.Key()), ev)
	}
}

// list decodes an array whose '[' was read into slice v.
func (d *decoder) list(v reflect.Value) error {
	if err := d.enter(); err != nil {
		return err
	}
	defer d.leave()
	sv := alloc(v)
	out := reflect.MakeSlice(sv.Type(), 0, 0)
	for {
		tok, err := d.token()
		if err != nil {
			return err
		}
		if tok == json.Delim(']') {
			sv.Set(out)
			return nil
		}
		ev := reflect.New(sv.Type().Elem()).Elem()
		if err := d.value(tok, "", ev); err != nil {
			return err
		}
		out = reflect.Append(out, ev)
	}
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
func setNumber(n json.Number, kind string, v reflect.Value) error {
	e := deref(v.Type())
	switch {
	case e == timeType:
		t, ok := rest.ParseEpoch(string(n))
		if !ok {
			return &Error{Message: "Unable to parse date value: " + string(n)}
		}
		alloc(v).Set(reflect.ValueOf(t))
	case e.Kind() >= reflect.Int && e.Kind() <= reflect.Int64:
		i, err := parseInt(string(n))
		if err != nil || !fitsKind(i, kind, e) {
			return &Error{Message: "Numeric value (" + string(n) + ") out of range of " + typeName(kind), Err: err}
		}
		alloc(v).SetInt(i)
	case e.Kind() == reflect.Float64 || e.Kind() == reflect.Float32:
		f, err := strconv.ParseFloat(string(n), 64)
		if err != nil {
			return &Error{Message: "Numeric value (" + string(n) + ") out of range of " + typeName(kind), Err: err}
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
