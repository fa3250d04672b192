package restjson

import (
	"net/http"
	"reflect"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/jsonshape"
	"github.com/unkai-cloud/unkai/internal/protocol/rest"
)

// EncodeError writes err as a rest-json error response.
func (c *Codec) EncodeError(w http.ResponseWriter, call *protocol.Call, err *awserr.Error) {
	if err == nil {
		err = awserr.Internal(nil)
	}
	status := err.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	h := w.Header()
	c.requestID(h, call)
	for k, vs := range err.Headers {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	if err.Fields != nil {
		_, _ = rest.EncodeBindings(h, err.Fields) // best effort: headers of the exception
	}
	h.Set("X-Amzn-Errortype", err.Code)
	writeJSON(w, status, c.errorBody(err))
}

// errorBody renders {"message": ..., <fields>}.
func (c *Codec) errorBody(err *awserr.Error) []byte {
	msgKey := jsonshape.MessageKey(err.Fields, c.svc, err.Code)
	if msgKey == "" {
		msgKey = "message"
	}
	b := make([]byte, 0, 128)
	b = append(b, '{')
	if err.Message != "" {
		b = jsonshape.AppendString(b, msgKey)
		b = append(b, ':')
		b = jsonshape.AppendString(b, err.Message)
	}
	n := len(b)
	b = jsonshape.AppendFields(b, err.Fields)
	if err.Fields == nil && c.hasTypeMember(err.Code) {
		b = append(b, `,"Type":`...)
		if err.Sender() {
			b = append(b, `"User"`...)
		} else {
			b = append(b, `"Service"`...)
		}
	}
	if err.Message == "" && len(b) > n {
		// No message: drop the comma the fields began with.
		b = append(b[:n], b[n+1:]...)
	}
	return append(b, '}')
}

// hasTypeMember reports whether the service's exception shape for code has
// a string member named Type (Lambda's User/Service fault marker).
func (c *Codec) hasTypeMember(code string) bool {
	es, ok := c.svc.Errors[code]
	if !ok || es.New == nil {
		return false
	}
	t := reflect.TypeOf(es.New())
	if t == nil {
		return false
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return false
	}
	m := protocol.StructOf(t).Member("Type")
	return m != nil && m.Location == "" && m.Type.Kind() == reflect.Pointer && m.Type.Elem().Kind() == reflect.String
}
