package gateway_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/gateway"
	"github.com/unkai-cloud/unkai/internal/gateway/detect"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/restxml"
	"github.com/unkai-cloud/unkai/internal/service"
)

// echoHost answers every request with what the gateway handed it.
type echoHost struct{}

func (echoHost) HostKinds() []string { return []string{service.HostS3Website} }

func (echoHost) ServeHost(w http.ResponseWriter, r *http.Request, h service.HostRequest) {
	fmt.Fprintf(w, "%s %s %s %s %s", h.Kind, h.Name, h.Region, r.Method, r.URL.Path)
}

// TestHostServers checks that website hosts go to their provider, signed
// or not and in strict mode too, with S3's request id headers.
func TestHostServers(t *testing.T) {
	s3 := &s3api.Handlers{
		ListBuckets: func(ctx context.Context, in *s3api.ListBucketsRequest) (*s3api.ListBucketsOutput, error) {
			return &s3api.ListBucketsOutput{}, nil
		},
	}
	auth, err := gateway.NewStrictAuth([]gateway.Key{{AccessKeyID: "AKIDSTRICT", SecretAccessKey: "s"}}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	g, err := gateway.New(gateway.Config{
		Routes:   []gateway.Route{{Service: s3api.Descriptor, Handlers: s3}},
		Codecs:   map[string]protocol.NewCodec{protocol.RESTXML: restxml.New},
		Detector: detect.New([]*protocol.Service{s3api.Descriptor}, detect.Options{Fallback: "s3"}),
		Auth:     auth,
		Hosts:    map[string]service.HostServer{service.HostS3Website: echoHost{}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, method, host, path, auth string
		status                         int
		body                           string
	}{
		{"website", "GET", "site.s3-website-eu-west-1.localhost:4566", "/docs/", "", 200, "s3-website site eu-west-1 GET /docs/"},
		{"website dot form, HEAD", "HEAD", "site.s3-website.us-east-2.localhost", "/", "", 200, ""},
		{"website signed", "GET", "site.s3-website-us-east-1.localhost", "/a", "AWS4-HMAC-SHA256 Credential=AKIDSTRICT/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00", 200, "s3-website site us-east-1 GET /a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.path, nil)
			r.Host = tc.host
			if tc.auth != "" {
				r.Header.Set("Authorization", tc.auth)
			}
			w := httptest.NewRecorder()
			g.ServeHTTP(w, r)
			if w.Code != tc.status || (tc.body != "" && !strings.Contains(w.Body.String(), tc.body)) {
				t.Fatalf("got %d %q, want %d %q", w.Code, w.Body.String(), tc.status, tc.body)
			}
			if tc.status == 200 && (w.Header().Get("X-Amz-Request-Id") == "" || w.Header().Get("X-Amz-Id-2") == "") {
				t.Errorf("S3 request id headers missing: %v", w.Header())
			}
		})
	}
}
