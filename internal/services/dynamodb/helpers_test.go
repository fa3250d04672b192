package dynamodb

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/clock"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/awsjson"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage/memory"
)

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

const (
	testAccount = "111122223333"
	testRegion  = "eu-west-1"
)

type fixture struct {
	p     *Provider
	clk   *clock.Fake
	ctx   context.Context
	codec protocol.Codec
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	st := memory.New()
	tb.Cleanup(func() { st.Close() })
	clk := clock.NewFake(epoch)
	prov, err := Factory().New(service.Deps{Store: st, Clock: clk})
	if err != nil {
		tb.Fatal(err)
	}
	ctx := scope.With(context.Background(), scope.Scope{Account: testAccount, Region: testRegion})
	return &fixture{p: prov.(*Provider), clk: clk, ctx: ctx, codec: awsjson.New(dynamodbapi.Descriptor)}
}

// call sends one JSON request through the codec and the handler and
// returns the status and body a client would see.
func (f *fixture) call(tb testing.TB, op, body string) (int, string) {
	tb.Helper()
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body)).WithContext(f.ctx)
	r.Header.Set("X-Amz-Target", "DynamoDB_20120810."+op)
	r.Header.Set("Content-Type", "application/x-amz-json-1.0")
	w := httptest.NewRecorder()
	c := &protocol.Call{Service: dynamodbapi.Descriptor, RequestID: "req"}
	o, err := f.codec.Resolve(r)
	if err != nil {
		tb.Fatalf("resolve %s: %v", op, err)
	}
	c.Operation = o
	in := o.NewInput()
	if err := f.codec.Decode(r, c, in); err != nil {
		f.codec.EncodeError(w, c, awserr.From(err))
		return w.Code, w.Body.String()
	}
	h := f.p.APIs()[0].Handlers.Lookup(op)
	if h == nil {
		tb.Fatalf("no handler for %s", op)
	}
	out, err := h(f.ctx, in)
	if err != nil {
		f.codec.EncodeError(w, c, awserr.From(err))
	} else if err := f.codec.Encode(w, c, out); err != nil {
		tb.Fatal(err)
	}
	return w.Code, w.Body.String()
}

// wireCase is one request and what its answer must hold.
type wireCase struct {
	op, body string
	status   int
	contains []string
	lacks    []string
}

// run runs cases in order against one fixture.
func (f *fixture) run(t *testing.T, cases []wireCase) {
	t.Helper()
	for i, tt := range cases {
		status, body := f.call(t, tt.op, tt.body)
		if status != tt.status {
			t.Fatalf("#%d %s %s: status %d, want %d: %s", i, tt.op, tt.body, status, tt.status, body)
		}
		for _, want := range tt.contains {
			if !strings.Contains(body, want) {
				t.Fatalf("#%d %s %s: body %s lacks %s", i, tt.op, tt.body, body, want)
			}
		}
		for _, bad := range tt.lacks {
			if strings.Contains(body, bad) {
				t.Fatalf("#%d %s %s: body %s has %s", i, tt.op, tt.body, body, bad)
			}
		}
	}
}

// mustCall fails the test unless the call succeeds.
func (f *fixture) mustCall(tb testing.TB, op, body string) string {
	tb.Helper()
	status, out := f.call(tb, op, body)
	if status != http.StatusOK {
		tb.Fatalf("%s %s: %d %s", op, body, status, out)
	}
	return out
}
