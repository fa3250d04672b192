package jsonshape

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// tokState is where the tokenizer is in the document, mirroring the states
// of encoding/json's Decoder.Token so that the same inputs fail the same way.
type tokState uint8

const (
	stTopValue tokState = iota
	stArrayStart
	stArrayValue
	stArrayComma
	stObjectStart
	stObjectKey
	stObjectColon
	stObjectValue
	stObjectComma
)

// tokKind is the class of the current token.
type tokKind uint8

const (
	tkObjStart tokKind = iota + 1
	tkObjEnd
	tkArrStart
	tkArrEnd
	tkString
	tkNumber
	tkTrue
	tkFalse
	tkNull
)

// scanner tokenizes a whole body held in memory. After next, kind is the
// token read; for strings and numbers start:end is its text (strings
// without the quotes) and plain says a string needs no unquoting.
type scanner struct {
	buf   []byte
	pos   int
	tail  error // what reading past buf reports: io.EOF or the read error
	state tokState
	stack []tokState
	depth int // nesting of decoded (not skipped) composites

	kind       tokKind
	start, end int
	plain      bool
}

// syntaxError is malformed JSON; its text is what encoding/json reports
// for the same input.
type syntaxError struct{ msg string }

func (e *syntaxError) Error() string { return e.msg }

// isSyntax reports whether err is a JSON syntax error (including a body that
// ends early).
func isSyntax(err error) bool {
	var se *syntaxError
	var je *json.SyntaxError
	return errors.As(err, &se) || errors.As(err, &je) || errors.Is(err, io.ErrUnexpectedEOF)
}

// fail maps a tokenizer or read error to what Decode reports.
func (s *scanner) fail(err error) error {
	if err == io.EOF && s.depth == 0 {
		return err // the common end of a body: skip the error-chain walks
	}
	if errors.Is(err, ErrTooLarge) {
		return fmt.Errorf("jsonshape: %w", ErrTooLarge)
	}
	if isSyntax(err) {
		return &Error{Message: "Malformed JSON: " + err.Error(), Err: err}
	}
	if errors.Is(err, io.EOF) && s.depth > 0 {
		return &Error{Message: "Malformed JSON: unexpected end of JSON input", Err: err}
	}
	return err
}

// quoteChar formats c for a syntax error message.
func quoteChar(c byte) string {
	switch c {
	case '\'':
		return `'\''`
	case '"':
		return `'"'`
	}
	q := strconv.Quote(string(rune(c)))
	return "'" + q[1:len(q)-1] + "'"
}

// invalid is the syntax error for byte c in context ctx.
func invalid(c byte, ctx string) error {
	return &syntaxError{"invalid character " + quoteChar(c) + ctx}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func (s *scanner) valueAllowed() bool {
	switch s.state {
	case stTopValue, stArrayStart, stArrayValue, stObjectValue:
		return true
	}
	return false
}

func (s *scanner) valueEnd() {
	switch s.state {
	case stArrayStart, stArrayValue:
		s.state = stArrayComma
	case stObjectValue:
		s.state = stObjectComma
	}
}

// tokenError is the error for delimiter or value byte c out of place.
func (s *scanner) tokenError(c byte) error {
	var ctx string
	switch s.state {
	case stTopValue, stArrayStart, stArrayValue, stObjectValue:
		ctx = " looking for beginning of value"
	case stArrayComma:
		ctx = " after array element"
	case stObjectKey:
		ctx = " looking for beginning of object key string"
	case stObjectColon:
		ctx = " after object key"
	case stObjectComma:
		ctx = " after object key:value pair"
	}
	return s.fail(invalid(c, ctx))
}

// next reads the next token into s.kind (and its span).
func (s *scanner) next() error {
	for {
		for s.pos < len(s.buf) && isSpace(s.buf[s.pos]) {
			s.pos++
		}
		if s.pos == len(s.buf) {
			return s.fail(s.tail)
		}
		c := s.buf[s.pos]
		switch c {
		case '[', '{':
			if !s.valueAllowed() {
				return s.tokenError(c)
			}
			s.pos++
			s.stack = append(s.stack, s.state)
			if c == '[' {
				s.state, s.kind = stArrayStart, tkArrStart
			} else {
				s.state, s.kind = stObjectStart, tkObjStart
			}
			return nil
		case ']', '}':
			if c == ']' && s.state != stArrayStart && s.state != stArrayComma ||
				c == '}' && s.state != stObjectStart && s.state != stObjectComma {
				return s.tokenError(c)
			}
			s.pos++
			s.state = s.stack[len(s.stack)-1]
			s.stack = s.stack[:len(s.stack)-1]
			s.valueEnd()
			s.kind = tkArrEnd
			if c == '}' {
				s.kind = tkObjEnd
			}
			return nil
		case ':':
			if s.state != stObjectColon {
				return s.tokenError(c)
			}
			s.pos++
			s.state = stObjectValue
			continue
		case ',':
			switch s.state {
			case stArrayComma:
				s.state = stArrayValue
			case stObjectComma:
				s.state = stObjectKey
			default:
				return s.tokenError(c)
			}
			s.pos++
			continue
		case '"':
			if s.state == stObjectStart || s.state == stObjectKey {
				if err := s.scalar(); err != nil {
					return s.fail(err)
				}
				s.state = stObjectColon
				return nil
			}
		}
		if !s.valueAllowed() {
			return s.tokenError(c)
		}
		if err := s.scalar(); err != nil {
			return s.fail(err)
		}
		s.valueEnd()
		return nil
	}
}

// Scalar scanning states: those that may end the value are marked.
const (
	scStr     = iota // inside a string
	scStrEsc         // after a backslash
	scStrU           // in \u, hex digits counted separately
	scNeg            // after '-'
	scInt0           // after a leading 0 (may end)
	scInt            // in integer digits (may end)
	scDot            // after '.'
	scFrac           // in fraction digits (may end)
	scExp            // after 'e'
	scExpSign        // after the exponent sign
	scExpDig         // in exponent digits (may end)
	scLit            // in true/false/null, matching lit
	scDone           // value complete, waiting for the next byte
)

// scalar scans the string, number or literal at s.pos, as encoding/json's
// Decoder reads one value: a value is complete only once the byte after it
// (or the end of the body) is seen.
func (s *scanner) scalar() error {
	b := s.buf
	i := s.pos
	c := b[i]
	var st, hex int
	var lit string
	var litName string
	s.plain = true
	switch {
	case c == '"':
		st = scStr
		s.kind = tkString
	case c == '-':
		st = scNeg
		s.kind = tkNumber
	case c == '0':
		st = scInt0
		s.kind = tkNumber
	case '1' <= c && c <= '9':
		st = scInt
		s.kind = tkNumber
	case c == 't':
		st, lit, litName, s.kind = scLit, "true", "true", tkTrue
	case c == 'f':
		st, lit, litName, s.kind = scLit, "false", "false", tkFalse
	case c == 'n':
		st, lit, litName, s.kind = scLit, "null", "null", tkNull
	default:
		return invalid(c, " looking for beginning of value")
	}
	first := i
	i++
	lit = lit[min(1, len(lit)):]
	if st == scStr {
		// Fast path: plain ASCII runs.
		for i < len(b) {
			c := b[i]
			if c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
				break
			}
			i++
		}
	}
	for ; i < len(b); i++ {
		c := b[i]
		switch st {
		case scStr:
			switch {
			case c == '"':
				st = scDone
				s.start, s.end = first+1, i
				continue
			case c == '\\':
				st = scStrEsc
				s.plain = false
			case c < 0x20:
				return invalid(c, " in string literal")
			case c >= utf8.RuneSelf:
				s.plain = false
			}
		case scStrEsc:
			switch c {
			case 'b', 'f', 'n', 'r', 't', '\\', '/', '"':
				st = scStr
			case 'u':
				st, hex = scStrU, 0
			default:
				return invalid(c, " in string escape code")
			}
		case scStrU:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return invalid(c, ` in \u hexadecimal character escape`)
			}
			if hex++; hex == 4 {
				st = scStr
			}
		case scNeg:
			switch {
			case c == '0':
				st = scInt0
			case '1' <= c && c <= '9':
				st = scInt
			default:
				return invalid(c, " in numeric literal")
			}
		case scInt, scInt0:
			switch {
			case st == scInt && '0' <= c && c <= '9':
			case c == '.':
				st = scDot
			case c == 'e' || c == 'E':
				st = scExp
			default:
				return s.endScalar(first, i)
			}
		case scDot:
			if c < '0' || c > '9' {
				return invalid(c, " after decimal point in numeric literal")
			}
			st = scFrac
		case scFrac:
			switch {
			case '0' <= c && c <= '9':
			case c == 'e' || c == 'E':
				st = scExp
			default:
				return s.endScalar(first, i)
			}
		case scExp, scExpSign:
			switch {
			case st == scExp && (c == '+' || c == '-'):
				st = scExpSign
			case '0' <= c && c <= '9':
				st = scExpDig
			default:
				return invalid(c, " in exponent of numeric literal")
			}
		case scExpDig:
			if c < '0' || c > '9' {
				return s.endScalar(first, i)
			}
		case scLit:
			if c != lit[0] {
				return invalid(c, " in literal "+litName+" (expecting "+quoteChar(lit[0])+")")
			}
			if lit = lit[1:]; lit == "" {
				st = scDone
			}
		case scDone:
			return s.endScalar(first, i)
		}
	}
	// The body ended inside or right after the value.
	if s.tail != io.EOF {
		return s.tail
	}
	switch st {
	case scDone, scInt0, scInt, scFrac, scExpDig:
		return s.endScalar(first, i)
	}
	return io.ErrUnexpectedEOF
}

// endScalar records a complete scalar that ends before end.
func (s *scanner) endScalar(first, end int) error {
	if s.kind != tkString {
		s.start, s.end = first, end
	}
	s.pos = end
	return nil
}

// text returns the content of the current string token, unquoted: a slice
// of the body when it needs no unquoting, else a fresh buffer.
func (s *scanner) text() []byte {
	t := s.buf[s.start:s.end]
	if s.plain {
		return t
	}
	return unquote(t)
}
