package logs

import (
	"strings"
	"unicode/utf8"
)

// tokenKind classifies the tokens of a Logs Insights query.
type tokenKind uint8

const (
	tkEOF      tokenKind = iota
	tkIdent              // a field, command, keyword or function name
	tkNumber             // 12, 1.5, 1e3
	tkDuration           // 5m, 1h, 30s: a number with a time unit
	tkString             // "text" or 'text'
	tkRegex              // /pattern/
	tkPunct              // operators and | , ( ) [ ]
)

// token is one lexeme with its byte offsets in the query.
type token struct {
	kind       tokenKind
	text       string // identifier name, literal value or operator
	start, end int
}

// queryError is a malformed query: a message in AWS's form (which already
// names the line and position) and the offsets it points at.
type queryError struct {
	msg        string
	start, end int
}

func (e *queryError) Error() string { return e.msg }

// lexer splits a query into tokens. A slash starts a regular expression
// where an operand is expected and is the division operator elsewhere, as
// in the query language itself.
type lexer struct {
	src  string
	pos  int
	prev tokenKind
	// prevText is the previous token's text, to tell ")" from "(".
	prevText string
}

// operandEnd reports whether the previous token ends an operand, making a
// following slash a division.
func (l *lexer) operandEnd() bool {
	switch l.prev {
	case tkIdent, tkNumber, tkDuration, tkString, tkRegex:
		return true
	case tkPunct:
		return l.prevText == ")" || l.prevText == "]"
	}
	return false
}

// durationUnits are the time units of bin and the date functions.
var durationUnits = []string{"ms", "mo", "s", "m", "h", "d", "w", "q", "y"}

func isIdentStart(c byte) bool {
	return c == '_' || c == '@' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentPart(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9' || c == '.'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// next returns the next token, skipping spaces and # comments.
func (l *lexer) next() (token, error) {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		if c == '#' {
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
			continue
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			l.pos++
			continue
		}
		break
	}
	t, err := l.scan()
	if err == nil {
		l.prev, l.prevText = t.kind, t.text
	}
	return t, err
}

func (l *lexer) scan() (token, error) {
	start := l.pos
	if l.pos >= len(l.src) {
		return token{kind: tkEOF, start: start, end: start}, nil
	}
	c := l.src[l.pos]
	switch {
	case isIdentStart(c):
		for l.pos < len(l.src) && isIdentPart(l.src[l.pos]) {
			l.pos++
		}
		name := strings.TrimRight(l.src[start:l.pos], ".")
		l.pos = start + len(name)
		if !utf8.ValidString(name) {
			return token{}, l.unexpected(start, l.pos)
		}
		return token{kind: tkIdent, text: name, start: start, end: l.pos}, nil
	case c == '`':
		end := strings.IndexByte(l.src[start+1:], '`')
		if end < 0 {
			return token{}, l.unexpected(start, start+1)
		}
		l.pos = start + 1 + end + 1
		name := l.src[start+1 : l.pos-1]
		if name == "" {
			return token{}, l.unexpected(start, l.pos)
		}
		return token{kind: tkIdent, text: name, start: start, end: l.pos}, nil
	case isDigit(c) || c == '.' && l.pos+1 < len(l.src) && isDigit(l.src[l.pos+1]):
		return l.number(start), nil
	case c == '"' || c == '\'':
		return l.quoted(start, c)
	case c == '/' && !l.operandEnd():
		return l.regex(start)
	}
	for _, op := range []string{"!=", "<=", ">=", "=~", "==", "|", ",", "(", ")", "[", "]", "=", "<", ">", "+", "-", "*", "/", "%", "^"} {
		if strings.HasPrefix(l.src[l.pos:], op) {
			l.pos += len(op)
			return token{kind: tkPunct, text: op, start: start, end: l.pos}, nil
		}
	}
	_, size := utf8.DecodeRuneInString(l.src[l.pos:])
	return token{}, l.unexpected(start, start+size)
}

// number reads a number, or a duration when a time unit follows it.
func (l *lexer) number(start int) token {
	for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
		l.pos++
	}
	if l.pos < len(l.src) && l.src[l.pos] == '.' && l.pos+1 < len(l.src) && isDigit(l.src[l.pos+1]) {
		l.pos++
		for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
			l.pos++
		}
	}
	if l.pos+1 < len(l.src) && (l.src[l.pos] == 'e' || l.src[l.pos] == 'E') {
		j := l.pos + 1
		if l.src[j] == '+' || l.src[j] == '-' {
			j++
		}
		if j < len(l.src) && isDigit(l.src[j]) {
			for j < len(l.src) && isDigit(l.src[j]) {
				j++
			}
			l.pos = j
		}
	}
	for _, u := range durationUnits {
		if strings.HasPrefix(l.src[l.pos:], u) {
			after := l.pos + len(u)
			if after == len(l.src) || !isIdentPart(l.src[after]) {
				l.pos = after
				return token{kind: tkDuration, text: l.src[start:l.pos], start: start, end: l.pos}
			}
		}
	}
	return token{kind: tkNumber, text: l.src[start:l.pos], start: start, end: l.pos}
}

// quoted reads a string literal; a backslash escapes the next character.
func (l *lexer) quoted(start int, q byte) (token, error) {
	var b strings.Builder
	for i := start + 1; i < len(l.src); i++ {
		c := l.src[i]
		switch {
		case c == q:
			l.pos = i + 1
			return token{kind: tkString, text: b.String(), start: start, end: l.pos}, nil
		case c == '\\' && i+1 < len(l.src):
			i++
			switch e := l.src[i]; e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
		}
	}
	l.pos = len(l.src)
	return token{}, l.unexpected(len(l.src), len(l.src))
}

// regex reads /pattern/; "\/" stands for a slash inside the pattern.
func (l *lexer) regex(start int) (token, error) {
	var b strings.Builder
	for i := start + 1; i < len(l.src); i++ {
		c := l.src[i]
		switch {
		case c == '/':
			l.pos = i + 1
			return token{kind: tkRegex, text: b.String(), start: start, end: l.pos}, nil
		case c == '\\' && i+1 < len(l.src) && l.src[i+1] == '/':
			i++
			b.WriteByte('/')
		case c == '\\' && i+1 < len(l.src):
			b.WriteByte(c)
			i++
			b.WriteByte(l.src[i])
		default:
			b.WriteByte(c)
		}
	}
	l.pos = len(l.src)
	return token{}, l.unexpected(len(l.src), len(l.src))
}

// unexpected reports the symbol at [start, end) (or the end of the query).
func (l *lexer) unexpected(start, end int) *queryError {
	sym := "<EOF>"
	if start < len(l.src) {
		sym = l.src[start:min(end, len(l.src))]
	}
	return errAt(l.src, start, end, "unexpected symbol found %s", sym)
}

// lineCol returns the 1-based line and 0-based position of offset off.
func lineCol(src string, off int) (line, col int) {
	off = min(off, len(src))
	line = 1 + strings.Count(src[:off], "\n")
	col = off - (strings.LastIndexByte(src[:off], '\n') + 1)
	return line, col
}
