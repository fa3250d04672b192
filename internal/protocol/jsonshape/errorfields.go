package jsonshape

import (
	"reflect"
	"strings"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// MessageKey is the spelling of the message member ("message" or
// "Message") of the exception: from fields when set, else from the shape
// the service models for code. It is "" when neither says.
func MessageKey(fields any, svc *protocol.Service, code string) string {
	if fields == nil && svc != nil {
		if es, ok := svc.Errors[code]; ok && es.New != nil {
			fields = es.New()
		}
	}
	if fields == nil {
		return ""
	}
	st := structOf(fields)
	if st == nil {
		return ""
	}
	for i := range st.Members {
		if n := st.Members[i].WireName(); isMessageKey(n) {
			return n
		}
	}
	return ""
}

// AppendFields appends ",<member>:<value>..." for the set members of
// fields (a pointer to a generated exception structure), leaving out the
// message, code and __type members the caller writes itself.
func AppendFields(b []byte, fields any) []byte {
	if fields == nil || structOf(fields) == nil {
		return b
	}
	obj, err := Append(nil, fields, EncodeOptions{
		BodyOnly: true,
		Skip: func(m *protocol.Member) bool {
			n := m.WireName()
			return isMessageKey(n) || n == "__type" || strings.EqualFold(n, "code")
		},
	})
	if err != nil || len(obj) <= 2 {
		return b
	}
	b = append(b, ',')
	return append(b, obj[1:len(obj)-1]...)
}

// isMessageKey reports whether a member name is the exception's message.
func isMessageKey(n string) bool { return strings.EqualFold(n, "message") }

// structOf returns the shape of v, or nil when v is no (pointer to a) struct.
func structOf(v any) *protocol.Struct {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	return protocol.StructOf(t)
}
