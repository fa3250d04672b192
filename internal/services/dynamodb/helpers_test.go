package dynamodb

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

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
	p   *Provider
	clk *clock.Fake
	ctx context.Context
	// codecs are the codecs of the provider's APIs, by APIs() index.
	codecs []protocol.Codec
	// strict runs the provider's Authorize before each handler, as the
	// gateway does in strict auth mode.
	strict bool
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
	f := &fixture{p: prov.(*Provider), clk: clk, ctx: ctx}
	for _, a := range f.p.APIs() {
		f.codecs = append(f.codecs, awsjson.New(a.Descriptor))
	}
	return f
}

// call sends one JSON request through the codec and the handler and
// returns the status and body a client would see.
func (f *fixture) call(tb testing.TB, op, body string) (int, string) {
	return f.callAPI(tb, 0, "DynamoDB_20120810.", op, body)
}

// callAPI sends one JSON request to the provider's API number api (0:
// DynamoDB, 1: DynamoDB Streams) through that API's codec and handler.
func (f *fixture) callAPI(tb testing.TB, api int, targetPrefix, op, body string) (int, string) {
	tb.Helper()
	a, codec := f.p.APIs()[api], f.codecs[api]
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body)).WithContext(f.ctx)
	r.Header.Set("X-Amz-Target", targetPrefix+op)
	r.Header.Set("Content-Type", "application/x-amz-json-1.0")
	w := httptest.NewRecorder()
	c := &protocol.Call{Service: a.Descriptor, RequestID: "req"}
	o, err := codec.Resolve(r)
	if err != nil {
		tb.Fatalf("resolve %s: %v", op, err)
	}
	c.Operation = o
	in := o.NewInput()
	if err := codec.Decode(r, c, in); err != nil {
		codec.EncodeError(w, c, awserr.From(err))
		return w.Code, w.Body.String()
	}
	h := a.Handlers.Lookup(op)
	if h == nil {
		tb.Fatalf("no handler for %s", op)
	}
	ctx := f.ctx
	if f.strict {
		if ctx, err = f.p.Authorize(ctx, service.AuthRequest{Operation: op, Input: in}); err != nil {
			codec.EncodeError(w, c, awserr.From(err))
			return w.Code, w.Body.String()
		}
	}
	out, err := h(ctx, in)
	if err != nil {
		codec.EncodeError(w, c, awserr.From(err))
	} else if err := codec.Encode(w, c, out); err != nil {
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
	runCases(t, f.call, cases)
}

// runCases runs cases in order through call.
func runCases(t *testing.T, call func(tb testing.TB, op, body string) (int, string), cases []wireCase) {
	t.Helper()
	for i, tt := range cases {
		status, body := call(t, tt.op, tt.body)
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
