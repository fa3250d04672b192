package partiql

import (
	"strings"
)

// tokKind is the lexical class of a token.
type tokKind int

const (
	tEOF    tokKind = iota
	tIdent          // unquoted identifier or keyword
	tQIdent         // "double-quoted identifier"
	tString         // 'single-quoted string'
	tNumber         // 12, 1.5, 1e3
	tParam          // ?
	tPunct          // operators and punctuation: ( ) [ ] { } , . * : ; = <> != < <= > >= << >> + -
)

// token is one lexeme; text holds the unescaped content of quoted tokens.
type token struct {
	kind tokKind
	text string
	pos  int
}

// is reports whether t is the punctuation p.
func (t token) is(p string) bool { return t.kind == tPunct && t.text == p }

// isKeyword reports whether t is the unquoted word kw (case-insensitive).
func (t token) isKeyword(kw string) bool { return t.kind == tIdent && strings.EqualFold(t.text, kw) }

// lex splits a statement into tokens, ending with a tEOF token.
func lex(s string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return nil, malformed(detUnterminated)
			}
			i += end + 4
		case c == '\'' || c == '"':
			text, n, ok := quoted(s[i:], c)
			if !ok {
				return nil, malformed(detUnterminated)
			}
			k := tString
			if c == '"' {
				k = tQIdent
			}
			toks = append(toks, token{kind: k, text: text, pos: i})
			i += n
		case isDigit(c) || (c == '.' && i+1 < len(s) && isDigit(s[i+1])):
			n, ok := number(s[i:])
			if !ok {
				return nil, malformed(detInvalidNumber)
			}
			toks = append(toks, token{kind: tNumber, text: s[i : i+n], pos: i})
			i += n
		case isIdentStart(c):
			j := i + 1
			for j < len(s) && isIdentPart(s[j]) {
				j++
			}
			toks = append(toks, token{kind: tIdent, text: s[i:j], pos: i})
			i = j
		case c == '?':
			toks = append(toks, token{kind: tParam, text: "?", pos: i})
			i++
		default:
			p := punct(s[i:])
			if p == "" {
				return nil, malformed(detInvalidChar)
			}
			toks = append(toks, token{kind: tPunct, text: p, pos: i})
			i += len(p)
		}
	}
	return append(toks, token{kind: tEOF, pos: len(s)}), nil
}

// quoted reads a literal opened by q, where a doubled q stands for itself.
// It returns the content, the bytes consumed and whether it was closed.
func quoted(s string, q byte) (string, int, bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != q {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == q {
			b.WriteByte(q)
			i++
			continue
		}
		return b.String(), i + 1, true
	}
	return "", 0, false
}

// number returns the length of the numeric literal at the start of s.
func number(s string) (int, bool) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		start := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == start {
			return 0, false
		}
	}
	if i < len(s) && isIdentPart(s[i]) {
		return 0, false
	}
	return i, true
}

// punctuation lists multi-byte operators before their prefixes.
var punctuation = []string{"<<", ">>", "<=", ">=", "<>", "!=", "(", ")", "[", "]", "{", "}", ",", ".", "*", ":", ";", "=", "<", ">", "+", "-"}

func punct(s string) string {
	for _, p := range punctuation {
		if strings.HasPrefix(s, p) {
			return p
		}
	}
	return ""
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) }
