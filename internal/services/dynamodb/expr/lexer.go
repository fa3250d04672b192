package expr

import "unicode/utf8"

// tokKind classifies a token.
type tokKind uint8

const (
	tEOF    tokKind = iota
	tWord           // identifier or keyword: [A-Za-z][A-Za-z0-9_]*
	tNumber         // [0-9]+ (list indexes only)
	tName           // #name
	tValue          // :value
	tPunct          // = <> < <= > >= ( ) [ ] , . + -
	tBad            // any other character, or a bare '#' or ':'
)

// token is one lexical token with its byte span in the source.
type token struct {
	kind     tokKind
	text     string
	pos, end int
}

// isWordByte reports whether c may appear in a name after its first byte.
func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// lex splits src into tokens, ending with a tEOF token. It never fails:
// characters outside the language become tBad tokens for the parser to
// report with their context.
func lex(src string) []token {
	toks := make([]token, 0, len(src)/3+2)
	i := 0
	for i < len(src) {
		c := src[i]
		start := i
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c >= '0' && c <= '9':
			for i < len(src) && src[i] >= '0' && src[i] <= '9' {
				i++
			}
			toks = append(toks, token{tNumber, src[start:i], start, i})
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			for i < len(src) && isWordByte(src[i]) {
				i++
			}
			toks = append(toks, token{tWord, src[start:i], start, i})
		case c == '#' || c == ':':
			i++
			for i < len(src) && isWordByte(src[i]) {
				i++
			}
			k := tName
			if c == ':' {
				k = tValue
			}
			if i == start+1 {
				k = tBad
			}
			toks = append(toks, token{k, src[start:i], start, i})
		case c == '<' || c == '>':
			i++
			if i < len(src) && (src[i] == '=' || c == '<' && src[i] == '>') {
				i++
			}
			toks = append(toks, token{tPunct, src[start:i], start, i})
		case c == '=' || c == '(' || c == ')' || c == '[' || c == ']' || c == ',' || c == '.' || c == '+' || c == '-':
			i++
			toks = append(toks, token{tPunct, src[start:i], start, i})
		default:
			_, n := utf8.DecodeRuneInString(src[i:])
			i += n
			toks = append(toks, token{tBad, src[start:i], start, i})
		}
	}
	return append(toks, token{tEOF, "<EOF>", len(src), len(src)})
}
