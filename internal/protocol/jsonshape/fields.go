package jsonshape

import (
	"reflect"
	"sync"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// structInfo is a generated structure with its JSON keys indexed.
type structInfo struct {
	*protocol.Struct
	byKey map[string]int // JSON key → index in Members
}

// infoCache maps reflect.Type to *structInfo. It holds only values derived
// from immutable types, so sharing it between servers is safe.
var infoCache sync.Map

// infoOf returns the JSON view of struct type t.
func infoOf(t reflect.Type) *structInfo {
	if s, ok := infoCache.Load(t); ok {
		return s.(*structInfo)
	}
	st := protocol.StructOf(t)
	s := &structInfo{Struct: st, byKey: make(map[string]int, len(st.Members))}
	for i := range st.Members {
		s.byKey[st.Members[i].WireName()] = i
	}
	actual, _ := infoCache.LoadOrStore(t, s)
	return actual.(*structInfo)
}

// HasBodyMembers reports whether struct type t has members that a rest-json
// body carries (members bound to no other location). Outputs with none are
// answered with an empty body.
func HasBodyMembers(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for _, m := range infoOf(t).Members {
		if m.Location == "" {
			return true
		}
	}
	return false
}
