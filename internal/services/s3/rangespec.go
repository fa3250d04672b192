package s3

import (
	"strconv"
	"strings"
)

// byteRange is a satisfiable range of an object's bytes, both ends inclusive.
type byteRange struct{ first, last int64 }

// parseRange interprets a Range header against an object of size bytes.
// It returns ok=false when the header is absent, malformed or names several
// ranges (S3 then sends the whole object), and unsatisfiable=true for a
// well-formed range no byte of the object falls in.
func parseRange(h string, size int64) (r byteRange, ok, unsatisfiable bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return byteRange{}, false, false
	}
	a, b, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return byteRange{}, false, false
	}
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if a == "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n < 0 || b[0] == '+' {
			return byteRange{}, false, false
		}
		if n == 0 || size == 0 {
			return byteRange{}, false, true
		}
		return byteRange{first: max(size-n, 0), last: size - 1}, true, false
	}
	first, err := strconv.ParseInt(a, 10, 64)
	if err != nil || first < 0 || a[0] == '+' {
		return byteRange{}, false, false
	}
	last := size - 1
	if b != "" {
		l, err := strconv.ParseInt(b, 10, 64)
		if err != nil || l < 0 || b[0] == '+' || l < first {
			return byteRange{}, false, false
		}
		last = min(l, size-1)
	}
	if first >= size {
		return byteRange{}, false, true
	}
	return byteRange{first: first, last: last}, true, false
}
