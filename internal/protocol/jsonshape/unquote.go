package jsonshape

import (
	"unicode/utf16"
	"unicode/utf8"
)

// unquote decodes the escapes of string content t (scanned as valid JSON),
// replacing invalid UTF-8 and unpaired surrogates with U+FFFD, as
// encoding/json does.
func unquote(t []byte) []byte {
	i := 0
	for i < len(t) {
		c := t[i]
		if c == '\\' {
			break
		}
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(t[i:])
		if r == utf8.RuneError && n == 1 {
			break
		}
		i += n
	}
	if i == len(t) {
		return t
	}
	out := make([]byte, i, len(t)+utf8.UTFMax)
	copy(out, t[:i])
	for i < len(t) {
		c := t[i]
		switch {
		case c == '\\':
			e := t[i+1]
			i += 2
			switch e {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r := hex4(t[i:])
				i += 4
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if i+1 < len(t) && t[i] == '\\' && t[i+1] == 'u' {
						r2 = hex4(t[i+2:])
					}
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r = d
						i += 6
					} else {
						r = utf8.RuneError
					}
				}
				out = utf8.AppendRune(out, r)
			default: // '"', '\\', '/'
				out = append(out, e)
			}
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, n := utf8.DecodeRune(t[i:])
			out = utf8.AppendRune(out, r)
			i += n
		}
	}
	return out
}

// hex4 reads the four hex digits at the start of t, or returns -1.
func hex4(t []byte) rune {
	if len(t) < 4 {
		return -1
	}
	var r rune
	for _, c := range t[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}
