package ec2query

import (
	"reflect"
	"strconv"
	"time"

	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/query"
)

var timeType = reflect.TypeFor[time.Time]()

// missing returns the form key of the first required member absent from v
// (a pointer to a generated structure), depth first in declaration order,
// or "" when every required member is present. Structures inside lists
// are checked with their 1-based index in the key, as EC2 names them.
func missing(v reflect.Value, prefix string) string {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct || v.Type() == timeType {
		return ""
	}
	st := protocol.StructOf(v.Type())
	for i := range st.Members {
		m := &st.Members[i]
		key := query.MemberKey(m, query.EC2Naming)
		if prefix != "" {
			key = prefix + "." + key
		}
		f := v.Field(m.Field)
		if isNil(f) {
			if m.Required {
				return key
			}
			continue
		}
		if p := below(f, key); p != "" {
			return p
		}
	}
	return ""
}

// below checks structures held by f, a member value or list element.
func below(f reflect.Value, key string) string {
	switch f.Kind() {
	case reflect.Pointer, reflect.Struct:
		return missing(f, key)
	case reflect.Slice:
		if f.Type().Elem().Kind() == reflect.Uint8 {
			return ""
		}
		for j := 0; j < f.Len(); j++ {
			if p := below(f.Index(j), key+"."+strconv.Itoa(j+1)); p != "" {
				return p
			}
		}
	}
	return ""
}

func isNil(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		return v.IsNil()
	}
	return false
}
