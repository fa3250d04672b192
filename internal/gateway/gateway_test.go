package gateway_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/api/stsapi"
	"github.com/unkai-cloud/unkai/internal/gateway"
	"github.com/unkai-cloud/unkai/internal/gateway/detect"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/query"
	"github.com/unkai-cloud/unkai/internal/protocol/restxml"
	"github.com/unkai-cloud/unkai/internal/scope"
)

func newGateway(t *testing.T, logs *bytes.Buffer) *gateway.Gateway {
	t.Helper()
	sts := &stsapi.Handlers{
		GetCallerIdentity: func(ctx context.Context, _ *stsapi.GetCallerIdentityRequest) (*stsapi.GetCallerIdentityResponse, error) {
			acct := scope.From(ctx).Account
			return &stsapi.GetCallerIdentityResponse{Account: &acct}, nil
		},
		GetSessionToken: func(context.Context, *stsapi.GetSessionTokenRequest) (*stsapi.GetSessionTokenResponse, error) {
			panic("handler bug")
		},
	}
	s3 := &s3api.Handlers{
		ListBuckets: func(context.Context, *s3api.ListBucketsRequest) (*s3api.ListBucketsOutput, error) {
			panic("handler bug")
		},
	}
	descs := []*protocol.Service{stsapi.Descriptor, s3api.Descriptor}
	g, err := gateway.New(gateway.Config{
		Routes:   []gateway.Route{{Service: stsapi.Descriptor, Handlers: sts}, {Service: s3api.Descriptor, Handlers: s3}},
		Codecs:   map[string]protocol.NewCodec{protocol.Query: query.New, protocol.RESTXML: restxml.New},
		Detector: detect.New(descs, detect.Options{Fallback: "s3"}),
		Auth:     gateway.NewOpenAuth(),
		Logger:   slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func stsRequest(action string) *http.Request {
	r := httptest.NewRequest("POST", "/", strings.NewReader("Action="+action+"&Version=2011-06-15"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=111122223333/20260101/eu-west-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature="+strings.Repeat("0", 64))
	r.Header.Set("X-Amz-Date", "20260101T000000Z")
	return r
}

func TestDispatchAndLogLine(t *testing.T) {
	var logs bytes.Buffer
	g := newGateway(t, &logs)
	w := httptest.NewRecorder()
	g.ServeHTTP(w, stsRequest("GetCallerIdentity"))
	if w.Code != 200 || !strings.Contains(w.Body.String(), "<Account>111122223333</Account>") {
		t.Fatalf("GetCallerIdentity: %d %s", w.Code, w.Body)
	}
	id := w.Header().Get("X-Amzn-Requestid")
	if len(id) != 36 || !strings.Contains(w.Body.String(), "<RequestId>"+id+"</RequestId>") {
		t.Errorf("request id header %q does not match the body %s", id, w.Body)
	}
	line := logs.String()
	for _, want := range []string{"service=sts", "operation=GetCallerIdentity", "status=200", "latency=", "request_id=" + id, "account=111122223333", "region=eu-west-1"} {
		if !strings.Contains(line, want) {
			t.Errorf("log line %q lacks %q", line, want)
		}
	}
}

func TestPanicBecomesInternalError(t *testing.T) {
	var logs bytes.Buffer
	g := newGateway(t, &logs)

	w := httptest.NewRecorder()
	g.ServeHTTP(w, stsRequest("GetSessionToken"))
	if w.Code != 500 || !strings.Contains(w.Body.String(), "<Code>InternalFailure</Code>") || strings.Contains(w.Body.String(), "handler bug") {
		t.Errorf("query panic: %d %s", w.Code, w.Body)
	}

	w = httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature="+strings.Repeat("0", 64))
	r.Header.Set("X-Amz-Date", "20260101T000000Z")
	g.ServeHTTP(w, r)
	if w.Code != 500 || !strings.Contains(w.Body.String(), "<Code>InternalError</Code>") || strings.Contains(w.Body.String(), "handler bug") {
		t.Errorf("s3 panic: %d %s", w.Code, w.Body)
	}
	if len(w.Header().Get("X-Amz-Request-Id")) != 16 || w.Header().Get("X-Amz-Id-2") == "" {
		t.Errorf("s3 request id headers: %v", w.Header())
	}
	// The panic's text is for the operator at debug level only, never in
	// the info-level request line.
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "level=INFO") || strings.Contains(line, "level=ERROR") {
			if strings.Contains(line, "handler bug") {
				t.Errorf("request line leaks the cause: %s", line)
			}
		}
	}
	if !strings.Contains(logs.String(), "handler bug") {
		t.Error("the cause is not logged at debug level")
	}
}

func TestNotImplemented(t *testing.T) {
	g := newGateway(t, &bytes.Buffer{})
	w := httptest.NewRecorder()
	g.ServeHTTP(w, stsRequest("AssumeRole"))
	if w.Code != 501 || !strings.Contains(w.Body.String(), "sts:AssumeRole") {
		t.Errorf("unserved operation: %d %s", w.Code, w.Body)
	}
}

func TestCORS(t *testing.T) {
	g := newGateway(t, &bytes.Buffer{})
	pre := httptest.NewRequest("OPTIONS", "/", nil)
	pre.Header.Set("Origin", "http://app.example")
	pre.Header.Set("Access-Control-Request-Method", "POST")
	pre.Header.Set("Access-Control-Request-Headers", "authorization,x-amz-date,x-amz-target")
	w := httptest.NewRecorder()
	g.ServeHTTP(w, pre)
	h := w.Header()
	if w.Code != 200 || h.Get("Access-Control-Allow-Origin") != "http://app.example" ||
		!strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") ||
		h.Get("Access-Control-Allow-Headers") != "authorization,x-amz-date,x-amz-target" {
		t.Errorf("preflight: %d %v", w.Code, h)
	}

	r := stsRequest("GetCallerIdentity")
	r.Header.Set("Origin", "http://app.example")
	w = httptest.NewRecorder()
	g.ServeHTTP(w, r)
	if w.Code != 200 || !strings.Contains(w.Header().Get("Access-Control-Expose-Headers"), "x-amzn-RequestId") {
		t.Errorf("actual request: %d %v", w.Code, w.Header())
	}
}
