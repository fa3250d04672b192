package awsjson

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/prototest"
)

// FuzzDecode feeds bodies to a PutItem-like operation: any body must give
// a decoded input or an *awserr.Error with a client status, never a panic.
func FuzzDecode(f *testing.F) {
	for _, b := range prototest.Bodies(f, "json") {
		f.Add(b)
	}
	f.Add([]byte(putItemBody))
	f.Add([]byte(`{"TableName":"t","Item":{"a":{"L":[{"M":{"b":{"NULL":true}}}]}}}`))
	c := NewWithOptions(testService("1.0"), Options{MaxBodyBytes: 1 << 16})
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		in := &putItemInput{}
		err := c.Decode(r, &protocol.Call{Service: c.svc}, in)
		if err == nil {
			return
		}
		var ae *awserr.Error
		if !errors.As(err, &ae) || ae.Status < 400 || ae.Status >= 500 {
			t.Fatalf("Decode error %v is not a client error", err)
		}
	})
}
