package logs

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// filterPattern is a parsed FilterLogEvents pattern of the term kind:
// every term in all must appear in a message, none of those in none may,
// and when any is not empty at least one of its terms must. A pattern
// written between percent signs is a regular expression instead.
type filterPattern struct {
	all, any, none []string
	re             *regexp.Regexp
}

var (
	errJSONPattern  = errors.New("JSON filter patterns ({ $.field = value }) are not supported by unkai yet")
	errSpacePattern = errors.New("space-delimited filter patterns ([field, ...]) are not supported by unkai yet")
	errBadPattern   = errors.New("invalid filter pattern")
)

// parseFilterPattern parses a pattern: empty (matches everything), terms
// and "quoted phrases" separated by spaces, each optionally marked "?"
// (any of these) or "-" (must not appear), or %regular expression%.
func parseFilterPattern(s string) (*filterPattern, error) {
	s = strings.TrimSpace(s)
	fp := &filterPattern{}
	switch {
	case s == "":
		return fp, nil
	case s[0] == '{':
		return nil, errJSONPattern
	case s[0] == '[':
		return nil, errSpacePattern
	case len(s) >= 2 && s[0] == '%' && s[len(s)-1] == '%':
		re, err := regexp.Compile(s[1 : len(s)-1])
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errBadPattern, err)
		}
		fp.re = re
		return fp, nil
	}
	for s != "" {
		var mark byte
		if s[0] == '?' || s[0] == '-' {
			mark, s = s[0], s[1:]
		}
		var term string
		if s != "" && s[0] == '"' {
			t, rest, err := quotedTerm(s)
			if err != nil {
				return nil, err
			}
			term, s = t, rest
			if s != "" && !isSpace(s[0]) {
				return nil, fmt.Errorf("%w: text right after a closing quote", errBadPattern)
			}
		} else {
			end := strings.IndexAny(s, " \t\r\n")
			if end < 0 {
				end = len(s)
			}
			term, s = s[:end], s[end:]
			if strings.Contains(term, `"`) {
				return nil, fmt.Errorf("%w: quote inside a term", errBadPattern)
			}
		}
		if term == "" && mark != 0 {
			return nil, fmt.Errorf("%w: %q without a term", errBadPattern, mark)
		}
		switch {
		case term == "":
		case mark == '?':
			fp.any = append(fp.any, term)
		case mark == '-':
			fp.none = append(fp.none, term)
		default:
			fp.all = append(fp.all, term)
		}
		s = strings.TrimLeft(s, " \t\r\n")
	}
	return fp, nil
}

// quotedTerm reads the quoted term at the start of s (which begins with a
// quote), honouring \" and \\ escapes, and returns it with the rest of s.
func quotedTerm(s string) (term, rest string, err error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), s[i+1:], nil
		case '\\':
			if i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
				i++
				b.WriteByte(s[i])
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return "", "", fmt.Errorf("%w: unterminated quote", errBadPattern)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// match reports whether msg matches the pattern.
func (fp *filterPattern) match(msg string) bool {
	if fp.re != nil {
		return fp.re.MatchString(msg)
	}
	for _, t := range fp.all {
		if !strings.Contains(msg, t) {
			return false
		}
	}
	for _, t := range fp.none {
		if strings.Contains(msg, t) {
			return false
		}
	}
	if len(fp.any) == 0 {
		return true
	}
	for _, t := range fp.any {
		if strings.Contains(msg, t) {
			return true
		}
	}
	return false
}
