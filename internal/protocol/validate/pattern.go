package validate

import (
	"regexp"
	"strings"
	"sync"
)

// patternCache maps a model pattern to its compiled full-match regexp, or to
// a nil *regexp.Regexp when RE2 cannot express it. It holds only values
// derived from immutable model text, so servers in one process may share it.
var patternCache sync.Map

// compiled returns the full-match regexp of a model pattern, or nil when the
// pattern cannot be translated to RE2 (such patterns are not enforced).
func compiled(pattern string) *regexp.Regexp {
	if re, ok := patternCache.Load(pattern); ok {
		return re.(*regexp.Regexp)
	}
	var re *regexp.Regexp
	if src, ok := translate(pattern); ok {
		re, _ = regexp.Compile(src)
	}
	actual, _ := patternCache.LoadOrStore(pattern, re)
	return actual.(*regexp.Regexp)
}

// posixClasses maps Java's \p{Name} POSIX classes to RE2 class names.
var posixClasses = map[string]string{
	"Lower": "lower", "Upper": "upper", "ASCII": "ascii", "Alpha": "alpha",
	"Digit": "digit", "Alnum": "alnum", "Punct": "punct", "Graph": "graph",
	"Print": "print", "Blank": "blank", "Cntrl": "cntrl", "XDigit": "xdigit",
	"Space": "space",
}

// javaProperties maps Java-only Unicode property spellings to RE2's.
var javaProperties = map[string]string{
	"IsAlphabetic": `\pL`, "IsLetter": `\pL`, "IsDigit": `\p{Nd}`,
	"IsLatin": `\p{Latin}`, "IsWhite_Space": `\s`, "IsPunctuation": `\pP`,
}

// translate rewrites a Java (java.util.regex) pattern as an RE2 pattern that
// must match the whole input, as Java's Matcher.matches does. It rewrites
// POSIX \p{Alnum}-style classes, \uXXXX escapes, \Z, and possessive
// quantifiers (dropped: for a full match they rarely change the result).
// It reports false for constructs RE2 lacks that cannot be rewritten
// (nested classes, class intersection "&&"); look-arounds and back-references simply fail
// to compile later.
func translate(p string) (string, bool) {
	var b strings.Builder
	b.WriteString(`^(?:`)
	inClass := 0
	quantified := false // the previous token was a quantifier
	for i := 0; i < len(p); i++ {
		c := p[i]
		wasQuantified := quantified
		quantified = false
		switch {
		case c == '\\' && i+1 < len(p):
			n := p[i+1]
			switch {
			case (n == 'p' || n == 'P') && i+2 < len(p) && p[i+2] == '{':
				end := strings.IndexByte(p[i+3:], '}')
				if end < 0 {
					return "", false
				}
				name := p[i+3 : i+3+end]
				b.WriteString(property(name, n == 'P', inClass > 0))
				i += 3 + end
			case n == 'u' && i+5 < len(p) && isHex(p[i+2:i+6]):
				b.WriteString(`\x{` + p[i+2:i+6] + `}`)
				i += 5
			case n == 'Z':
				b.WriteString(`\z`)
				i++
			default:
				b.WriteByte(c)
				b.WriteByte(n)
				i++
			}
		case c == '[':
			if inClass > 0 {
				// Java's nested classes (unions) have no RE2 form.
				return "", false
			}
			inClass++
			b.WriteByte(c)
			if i+1 < len(p) && p[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(p) && p[i+1] == ']' {
				b.WriteString(`\]`)
				i++
			}
		case c == ']' && inClass > 0:
			inClass--
			b.WriteByte(c)
		case c == '&' && inClass > 0 && i+1 < len(p) && p[i+1] == '&':
			return "", false
		case c == '+' && wasQuantified:
			// A possessive quantifier: keep the greedy one before it.
		case inClass == 0 && (c == '*' || c == '+' || c == '?'):
			b.WriteByte(c)
			quantified = true
		case inClass == 0 && c == '{':
			end := strings.IndexByte(p[i:], '}')
			if end < 0 || !isRepeat(p[i+1:i+end]) {
				b.WriteByte(c)
				continue
			}
			b.WriteString(p[i : i+end+1])
			i += end
			quantified = true
		default:
			b.WriteByte(c)
		}
	}
	b.WriteString(`)$`)
	return b.String(), true
}

// property renders Java's \p{name} (or \P{name} when negated) for RE2.
func property(name string, negated, inClass bool) string {
	if cls, ok := posixClasses[name]; ok {
		neg := ""
		if negated {
			neg = "^"
		}
		if inClass {
			return "[:" + neg + cls + ":]"
		}
		return "[[:" + neg + cls + ":]]"
	}
	if alt, ok := javaProperties[name]; ok {
		if negated {
			if inClass {
				// No simple negated form inside a class; keep Java's and let
				// the compile decide.
				return `\P{` + name + `}`
			}
			return `[^` + alt + `]`
		}
		return alt
	}
	name = strings.TrimPrefix(name, "In")
	if negated {
		return `\P{` + name + `}`
	}
	return `\p{` + name + `}`
}

// isRepeat reports whether s is the inside of a {n}, {n,} or {n,m} quantifier.
func isRepeat(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && s[i] != ',' {
			return false
		}
	}
	return s[0] != ','
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
