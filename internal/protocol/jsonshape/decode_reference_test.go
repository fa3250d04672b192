package jsonshape

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// refDecode is the original token-stream decoder (encoding/json Token API),
// kept as the reference for the differential fuzz test. It reads one JSON object from r into v, a pointer to a generated
// structure. An empty body or null decodes as {}. Unknown keys are ignored.
// Errors are *Error for bad input, an error wrapping ErrTooLarge past the
// size bound, or the reader's error.
func refDecode(r io.Reader, v any, opt DecodeOptions) error {
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
	lr := &refLimitReader{r: r, left: opt.MaxBytes}
	d := &refDecoder{dec: json.NewDecoder(lr), maxDepth: opt.MaxDepth}
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
		if err != nil && !refIsSyntax(err) {
			return err
		}
		return &Error{Message: msgTrailing}
	}
	return nil
}

// refLimitReader fails with ErrTooLarge once more than left bytes are read.
type refLimitReader struct {
	r    io.Reader
	left int64
}

func (l *refLimitReader) Read(p []byte) (int, error) {
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

// refDecoder walks the token stream of one body.
type refDecoder struct {
	dec      *json.Decoder
	depth    int
	maxDepth int
}

// token returns the next token, mapping syntax errors to *Error.
func (d *refDecoder) token() (json.Token, error) {
	tok, err := d.dec.Token()
	if err == nil {
		return tok, nil
	}
	if errors.Is(err, ErrTooLarge) {
		return nil, fmt.Errorf("jsonshape: %w", ErrTooLarge)
	}
	if refIsSyntax(err) {
		return nil, &Error{Message: "Malformed JSON: " + err.Error(), Err: err}
	}
	if errors.Is(err, io.EOF) && d.depth > 0 {
		return nil, &Error{Message: "Malformed JSON: unexpected end of JSON input", Err: err}
	}
	return nil, err
}

// refIsSyntax reports whether err is a JSON syntax error (including a body that
// ends early).
func refIsSyntax(err error) bool {
	var se *json.SyntaxError
	return errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF)
}

// enter and leave track nesting.
func (d *refDecoder) enter() error {
	d.depth++
	if d.depth > d.maxDepth {
		return &Error{Message: msgTooDeep}
	}
	return nil
}

func (d *refDecoder) leave() { d.depth-- }

// object decodes the members of an object whose '{' was read into struct v.
func (d *refDecoder) object(v reflect.Value, bodyOnly bool) error {
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
func (d *refDecoder) skip(tok json.Token) error {
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
func (d *refDecoder) value(tok json.Token, kind string, v reflect.Value) error {
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
		return setNumber(string(tok), kind, v)
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
func (d *refDecoder) composite(delim json.Delim, kind string, v reflect.Value) error {
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
func (d *refDecoder) mapValue(v reflect.Value) error {
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
func (d *refDecoder) list(v reflect.Value) error {
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
