package restjson

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/prototest"
)

// FuzzDecode feeds bodies and query strings to operations with a JSON body
// and with a structure payload: any request must decode or give a client
// error, never a panic.
func FuzzDecode(f *testing.F) {
	for _, b := range prototest.Bodies(f, "rest-json") {
		f.Add(b, "dryRun=true")
	}
	f.Add([]byte(`{"FunctionName":"f","Timeout":3,"Tags":{"a":"b"},"Env":{"Variables":{"K":"V"}}}`), "dryRun=false")
	f.Add([]byte(`{"Version":"2012-10-17"}`), "")
	svc := testService()
	c := NewWithOptions(svc, Options{MaxBodyBytes: 1 << 16})
	ops := []*protocol.Operation{svc.Operation("CreateFunction"), svc.Operation("PutPolicy")}
	targets := []string{"/2015-03-31/functions", "/policies/p"}
	f.Fuzz(func(t *testing.T, body []byte, query string) {
		for i, op := range ops {
			r := httptest.NewRequest(op.HTTPMethod, targets[i], bytes.NewReader(body))
			r.URL.RawQuery = query
			err := c.Decode(r, &protocol.Call{Operation: op}, op.NewInput())
			if err == nil {
				continue
			}
			var ae *awserr.Error
			if !errors.As(err, &ae) || ae.Status < 400 || ae.Status >= 500 {
				t.Fatalf("Decode error %v is not a client error", err)
			}
		}
	})
}
