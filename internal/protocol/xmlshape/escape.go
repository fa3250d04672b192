package xmlshape

import "unicode/utf8"

// appendEscaped appends s escaped for XML character data, or for a
// double-quoted attribute value when attr is true. Quotes are escaped in
// both, as S3 writes its ETags. Characters XML 1.0 cannot
// carry are replaced with U+FFFD.
func appendEscaped(b []byte, s string, attr bool) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '&' && c != '<' && c != '>' && c != '"' {
			i++
			continue
		}
		var esc string
		width := 1
		switch c {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&quot;"
		case '\r':
			esc = "&#xD;"
		case '\n':
			if !attr {
				i++
				continue
			}
			esc = "&#xA;"
		case '\t':
			if !attr {
				i++
				continue
			}
			esc = "&#x9;"
		default:
			r, w := utf8.DecodeRuneInString(s[i:])
			width = w
			if isXMLChar(r) && (r != utf8.RuneError || w != 1) {
				i += w
				continue
			}
			esc = "\uFFFD"
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		i += width
		last = i
	}
	return append(b, s[last:]...)
}

// isXMLChar reports whether r may appear in an XML 1.0 document.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
