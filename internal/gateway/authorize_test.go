package gateway_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/api/stsapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/gateway"
	"github.com/unkai-cloud/unkai/internal/gateway/detect"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/query"
	"github.com/unkai-cloud/unkai/internal/protocol/restxml"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
)

// keyAuthorizer allows anonymous reads of keys starting with "pub/", as
// the bucket's owner 111122223333.
type keyAuthorizer struct{ seen []service.AuthRequest }

func (a *keyAuthorizer) Authorize(ctx context.Context, req service.AuthRequest) (context.Context, error) {
	a.seen = append(a.seen, req)
	in, ok := req.Input.(*s3api.GetObjectRequest)
	if !ok || !scope.From(ctx).Anonymous || !strings.HasPrefix(*in.Key, "pub/") {
		return nil, awserr.New("AccessDenied", http.StatusForbidden, "Access Denied")
	}
	sc := scope.From(ctx)
	sc.Account = "111122223333"
	return scope.With(ctx, sc), nil
}

// TestStrictAnonymous checks that strict mode serves unsigned requests as
// anonymous to services with an authorizer, which decides them, and still
// refuses them elsewhere.
func TestStrictAnonymous(t *testing.T) {
	var logs bytes.Buffer
	authz := &keyAuthorizer{}
	s3 := &s3api.Handlers{
		GetObject: func(ctx context.Context, in *s3api.GetObjectRequest) (*s3api.GetObjectOutput, error) {
			sc := scope.From(ctx)
			return &s3api.GetObjectOutput{Body: strings.NewReader(sc.Account + " " + *in.Key)}, nil
		},
	}
	auth, err := gateway.NewStrictAuth([]gateway.Key{{AccessKeyID: "AKIDSTRICT", SecretAccessKey: "s"}}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	descs := []*protocol.Service{stsapi.Descriptor, s3api.Descriptor}
	g, err := gateway.New(gateway.Config{
		Routes:      []gateway.Route{{Service: stsapi.Descriptor, Handlers: &stsapi.Handlers{}}, {Service: s3api.Descriptor, Handlers: s3}},
		Codecs:      map[string]protocol.NewCodec{protocol.Query: query.New, protocol.RESTXML: restxml.New},
		Detector:    detect.New(descs, detect.Options{Fallback: "s3"}),
		Auth:        auth,
		Logger:      slog.New(slog.NewTextHandler(&logs, nil)),
		Authorizers: map[*protocol.Service]service.Authorizer{s3api.Descriptor: authz},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, method, path string
		status             int
		body               string
	}{
		{"allowed", "GET", "/bkt/pub/a.txt", 200, "111122223333 pub/a.txt"},
		{"refused by the authorizer", "GET", "/bkt/private/a.txt", 403, "<Code>AccessDenied</Code>"},
		{"no authorizer", "GET", "/?Action=GetCallerIdentity&Version=2011-06-15", 403, "<Code>MissingAuthenticationToken</Code>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.path, nil)
			r.RemoteAddr = "192.0.2.9:4000"
			w := httptest.NewRecorder()
			g.ServeHTTP(w, r)
			if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.body) {
				t.Errorf("%s %s = %d %s", tc.method, tc.path, w.Code, w.Body)
			}
		})
	}
	if len(authz.seen) != 2 || authz.seen[0].Operation != "GetObject" || authz.seen[0].SourceIP.String() != "192.0.2.9" || authz.seen[0].Secure {
		t.Errorf("authorizer saw %+v", authz.seen)
	}
	if !strings.Contains(logs.String(), "account=anonymous") {
		t.Errorf("log lines do not say anonymous: %s", logs.String())
	}
}
