package expr

import (
	"strconv"
	"strings"
)

// PathElem is one step of a document path: an attribute or map key name, or
// a list index.
type PathElem struct {
	// Name is the attribute or map key; empty for a list index.
	Name string
	// Index is the list index when IsIndex is set.
	Index int
	// IsIndex marks a list index step ("[2]").
	IsIndex bool
}

// Path is a document path such as a.b[2].c.
type Path []PathElem

// String formats p as DynamoDB does in error messages: "[a, b, [2]]".
func (p Path) String() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, e := range p {
		if i > 0 {
			b.WriteString(", ")
		}
		if e.IsIndex {
			b.WriteString("[" + strconv.Itoa(e.Index) + "]")
		} else {
			b.WriteString(e.Name)
		}
	}
	b.WriteByte(']')
	return b.String()
}

// equalPath reports whether a and b are the same path.
func equalPath(a, b Path) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkOverlap returns the overlap or conflict message for two paths of one
// update or projection, or "" when they are independent.
func checkOverlap(a, b Path) (overlap, conflict string) {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i].IsIndex != b[i].IsIndex {
			return "", formatMsg(msgConflict, a, b)
		}
		if a[i] != b[i] {
			return "", ""
		}
	}
	return formatMsg(msgOverlap, a, b), ""
}

// formatMsg formats a two-path message.
func formatMsg(format string, a, b Path) string {
	return strings.Replace(strings.Replace(format, "%s", a.String(), 1), "%s", b.String(), 1)
}

// lookup returns the value at p in item, and whether it exists.
func lookup(item map[string]av, p Path) (av, bool) {
	if len(p) == 0 || p[0].IsIndex {
		return av{}, false
	}
	v, ok := item[p[0].Name]
	if !ok {
		return av{}, false
	}
	for _, e := range p[1:] {
		if e.IsIndex {
			if v.L == nil || e.Index >= len(v.L) {
				return av{}, false
			}
			v = v.L[e.Index]
		} else {
			if v.M == nil {
				return av{}, false
			}
			if v, ok = v.M[e.Name]; !ok {
				return av{}, false
			}
		}
	}
	return v, true
}

// itoa formats a non-negative int.
func itoa(n int) string { return strconv.Itoa(n) }
