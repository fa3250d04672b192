package s3

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage/memory"
)

// siteHost is the website host the tests send requests to.
const siteHost = "bkt.s3-website-us-east-1.localhost:4566"

// siteObject is an object the website tests store.
type siteObject struct {
	key, body, contentType, redirect string
	meta                             map[string]string
}

var siteObjects = []siteObject{
	{key: "index.html", body: "<h1>home</h1>", contentType: "text/html"},
	{key: "docs/index.html", body: "docs index", contentType: "text/html"},
	{key: "about.html", body: "about us", contentType: "text/html", meta: map[string]string{"owner": "me"}},
	{key: "error.html", body: "<p>oops</p>", contentType: "text/html"},
	{key: "old.html", body: "", redirect: "/new.html"},
	{key: "ext.html", body: "gone", redirect: "https://example.com/x"},
	{key: "big.txt", body: "0123456789", contentType: "text/plain"},
	{key: "private/secret.txt", body: "secret", contentType: "text/plain"},
	{key: "a b/c+d.txt", body: "spaced", contentType: "text/plain"},
}

// newSiteProvider returns a provider whose bucket "bkt" holds siteObjects
// (as blob files) and has website configuration cfg (none when nil), and
// a bucket "plain" that is not a website.
func newSiteProvider(t testing.TB, cfg *s3api.WebsiteConfiguration) (*Provider, context.Context) {
	t.Helper()
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	p := New(service.Deps{Store: st, BlobDir: t.TempDir()})
	p.maxInline = -1
	ctx := scope.With(context.Background(), scope.Scope{Account: scope.DefaultAccount, Region: "us-east-1"})
	if _, err := p.createBucket(ctx, &s3api.CreateBucketRequest{Bucket: ptr("bkt")}); err != nil {
		t.Fatal(err)
	}
	for _, o := range siteObjects {
		in := &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr(o.key), Body: strings.NewReader(o.body),
			ContentType: nonEmpty(o.contentType), WebsiteRedirectLocation: nonEmpty(o.redirect), Metadata: o.meta}
		if o.key == "about.html" {
			in.CacheControl = ptr("max-age=60")
		}
		if _, err := p.putObject(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	if cfg != nil {
		if _, err := p.putBucketWebsite(ctx, &s3api.PutBucketWebsiteRequest{Bucket: ptr("bkt"), WebsiteConfiguration: cfg}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.createBucket(ctx, &s3api.CreateBucketRequest{Bucket: ptr("plain")}); err != nil {
		t.Fatal(err)
	}
	return p, ctx
}

// siteCall is one request to a website endpoint.
type siteCall struct {
	method, target string
	header         http.Header
	// host is the host's bucket ("bkt" when empty) and region.
	bucket, region string
	anonymous      bool
}

func serveSite(p *Provider, c siteCall) *httptest.ResponseRecorder {
	method := c.method
	if method == "" {
		method = http.MethodGet
	}
	bucket, region := c.bucket, c.region
	if bucket == "" {
		bucket = "bkt"
	}
	if region == "" {
		region = "us-east-1"
	}
	r := httptest.NewRequest(method, "http://"+siteHost+c.target, nil)
	for k, v := range c.header {
		r.Header[k] = v
	}
	if c.anonymous {
		r = r.WithContext(scope.With(r.Context(), scope.Scope{Region: "us-east-1", Anonymous: true}))
	}
	w := httptest.NewRecorder()
	w.Header().Set("X-Amz-Request-Id", "REQ123")
	w.Header().Set("X-Amz-Id-2", "HOST456")
	p.ServeHost(w, r, service.HostRequest{Kind: service.HostS3Website, Name: bucket, Region: region})
	return w
}

// indexSite is a website with an index and an error document.
func indexSite() *s3api.WebsiteConfiguration {
	return &s3api.WebsiteConfiguration{IndexDocument: &s3api.IndexDocument{Suffix: ptr("index.html")},
		ErrorDocument: &s3api.ErrorDocument{Key: ptr("error.html")}}
}

// indexOnly is a website without an error document.
func indexOnly() *s3api.WebsiteConfiguration {
	return &s3api.WebsiteConfiguration{IndexDocument: &s3api.IndexDocument{Suffix: ptr("index.html")}}
}

func withRules(rules ...s3api.RoutingRule) *s3api.WebsiteConfiguration {
	c := indexOnly()
	c.RoutingRules = rules
	return c
}

// siteWant is what a website response must hold.
type siteWant struct {
	status int
	// body is the exact body when set; contains lists what it must hold.
	body     string
	contains []string
	header   map[string]string
	noBody   bool
}

func checkSite(t *testing.T, w *httptest.ResponseRecorder, want siteWant) {
	t.Helper()
	if w.Code != want.status {
		t.Fatalf("status %d, want %d\n%s", w.Code, want.status, w.Body)
	}
	got := w.Body.String()
	if want.body != "" && got != want.body {
		t.Errorf("body %q, want %q", got, want.body)
	}
	if want.noBody && got != "" {
		t.Errorf("body %q, want none", got)
	}
	for _, s := range want.contains {
		if !strings.Contains(got, s) {
			t.Errorf("body lacks %q:\n%s", s, got)
		}
	}
	for k, v := range want.header {
		if g := w.Header().Get(k); g != v {
			t.Errorf("header %s = %q, want %q", k, g, v)
		}
	}
	if strings.Contains(got, "s3:") || strings.Contains(got, "InternalFailure") {
		t.Errorf("page leaks internals:\n%s", got)
	}
}

// page lists the lines of an error page.
func page(status string, lines ...string) []string {
	out := []string{"<title>" + status + "</title>", "<h1>" + status + "</h1>"}
	for _, l := range lines {
		out = append(out, "<li>"+l+"</li>")
	}
	return append(out, "<li>RequestId: REQ123</li>", "<li>HostId: HOST456</li>")
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

const docErrHeading = "<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>"

func TestWebsiteServe(t *testing.T) {
	etag := `"` + md5hex("0123456789") + `"`
	for _, tc := range []struct {
		name string
		cfg  *s3api.WebsiteConfiguration
		call siteCall
		want siteWant
	}{
		{name: "root serves the index", cfg: indexSite(), call: siteCall{target: "/"},
			want: siteWant{status: 200, body: "<h1>home</h1>", header: map[string]string{"Content-Type": "text/html", "Content-Length": "13",
				"ETag": `"` + md5hex("<h1>home</h1>") + `"`, "X-Amz-Request-Id": "REQ123"}}},
		{name: "folder serves its index", cfg: indexSite(), call: siteCall{target: "/docs/"},
			want: siteWant{status: 200, body: "docs index"}},
		{name: "folder without slash redirects", cfg: indexSite(), call: siteCall{target: "/docs"},
			want: siteWant{status: 302, noBody: true, header: map[string]string{"Location": "/docs/"}}},
		{name: "object with its headers", cfg: indexSite(), call: siteCall{target: "/about.html"},
			want: siteWant{status: 200, body: "about us", header: map[string]string{"X-Amz-Meta-Owner": "me",
				"Cache-Control": "max-age=60", "Accept-Ranges": "bytes", "Content-Type": "text/html"}}},
		{name: "escaped key", cfg: indexSite(), call: siteCall{target: "/a%20b/c+d.txt"},
			want: siteWant{status: 200, body: "spaced"}},
		{name: "head", cfg: indexSite(), call: siteCall{method: "HEAD", target: "/about.html"},
			want: siteWant{status: 200, noBody: true, header: map[string]string{"Content-Length": "8", "X-Amz-Meta-Owner": "me"}}},
		{name: "range", cfg: indexSite(), call: siteCall{target: "/big.txt", header: http.Header{"Range": {"bytes=2-4"}}},
			want: siteWant{status: 206, body: "234", header: map[string]string{"Content-Range": "bytes 2-4/10", "Content-Length": "3"}}},
		{name: "suffix range", cfg: indexSite(), call: siteCall{target: "/big.txt", header: http.Header{"Range": {"bytes=-3"}}},
			want: siteWant{status: 206, body: "789", header: map[string]string{"Content-Range": "bytes 7-9/10"}}},
		{name: "unsatisfiable range", cfg: indexOnly(), call: siteCall{target: "/big.txt", header: http.Header{"Range": {"bytes=20-30"}}},
			want: siteWant{status: 416, contains: page("416 Requested Range Not Satisfiable", "Code: InvalidRange",
				"Message: The requested range is not satisfiable")}},
		{name: "if-none-match", cfg: indexSite(), call: siteCall{target: "/big.txt", header: http.Header{"If-None-Match": {etag}}},
			want: siteWant{status: 304, noBody: true, header: map[string]string{"ETag": etag}}},
		{name: "if-modified-since", cfg: indexSite(), call: siteCall{target: "/big.txt",
			header: http.Header{"If-Modified-Since": {time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}}},
			want: siteWant{status: 304, noBody: true}},
		{name: "if-match fails", cfg: indexOnly(), call: siteCall{target: "/big.txt", header: http.Header{"If-Match": {`"nope"`}}},
			want: siteWant{status: 412, contains: page("412 Precondition Failed", "Code: PreconditionFailed")}},
		{name: "if-match holds", cfg: indexOnly(), call: siteCall{target: "/big.txt", header: http.Header{"If-Match": {etag}}},
			want: siteWant{status: 200, body: "0123456789"}},
		{name: "missing key, error document", cfg: indexSite(), call: siteCall{target: "/missing.html"},
			want: siteWant{status: 404, body: "<p>oops</p>", header: map[string]string{"Content-Type": "text/html"}}},
		{name: "missing key, head, error document", cfg: indexSite(), call: siteCall{method: "HEAD", target: "/missing.html"},
			want: siteWant{status: 404, noBody: true, header: map[string]string{"Content-Length": "11"}}},
		{name: "missing key", cfg: indexOnly(), call: siteCall{target: "/missing.html"},
			want: siteWant{status: 404, contains: page("404 Not Found", "Code: NoSuchKey",
				"Message: The specified key does not exist.", "Key: missing.html"), header: map[string]string{"Content-Type": "text/html; charset=utf-8"}}},
		{name: "missing index", cfg: indexOnly(), call: siteCall{target: "/nodir/"},
			want: siteWant{status: 404, contains: page("404 Not Found", "Code: NoSuchKey", "Key: nodir/index.html")}},
		{name: "missing key, missing error document",
			cfg:  &s3api.WebsiteConfiguration{IndexDocument: &s3api.IndexDocument{Suffix: ptr("index.html")}, ErrorDocument: &s3api.ErrorDocument{Key: ptr("nope.html")}},
			call: siteCall{target: "/missing.html"},
			want: siteWant{status: 404, contains: append(page("404 Not Found", "Code: NoSuchKey", "Key: missing.html"),
				docErrHeading, "<li>Key: nope.html</li>")}},
		{name: "key is escaped in the page", cfg: indexOnly(), call: siteCall{target: "/%3Cb%3E.html"},
			want: siteWant{status: 404, contains: []string{"<li>Key: &lt;b&gt;.html</li>"}}},
		{name: "post", cfg: indexSite(), call: siteCall{method: "POST", target: "/"},
			want: siteWant{status: 405, contains: page("405 Method Not Allowed", "Code: MethodNotAllowed",
				"Message: The specified method is not allowed against this resource.", "Method: POST", "ResourceType: OBJECT")}},
		{name: "delete", cfg: indexSite(), call: siteCall{method: "DELETE", target: "/index.html"},
			want: siteWant{status: 405, contains: []string{"Method: DELETE"}}},
		{name: "not a website", call: siteCall{target: "/"},
			want: siteWant{status: 404, contains: page("404 Not Found", "Code: NoSuchWebsiteConfiguration",
				"Message: The specified bucket does not have a website configuration", "BucketName: bkt")}},
		{name: "no such bucket", cfg: indexSite(), call: siteCall{target: "/", bucket: "nosuch"},
			want: siteWant{status: 404, contains: page("404 Not Found", "Code: NoSuchBucket",
				"Message: The specified bucket does not exist", "BucketName: nosuch")}},
		{name: "other region", cfg: indexSite(), call: siteCall{target: "/", region: "eu-west-1"},
			want: siteWant{status: 400, contains: page("400 Bad Request", "Code: IncorrectEndpoint")}},
		{name: "object redirect", cfg: indexSite(), call: siteCall{target: "/old.html"},
			want: siteWant{status: 301, noBody: true, header: map[string]string{"Location": "/new.html"}}},
		{name: "object redirect elsewhere", cfg: indexSite(), call: siteCall{target: "/ext.html"},
			want: siteWant{status: 301, header: map[string]string{"Location": "https://example.com/x"}}},
		{name: "redirect all requests",
			cfg:  &s3api.WebsiteConfiguration{RedirectAllRequestsTo: &s3api.RedirectAllRequestsTo{HostName: ptr("example.com"), Protocol: ptr("https")}},
			call: siteCall{target: "/a/b%20c.html?x=1"},
			want: siteWant{status: 301, header: map[string]string{"Location": "https://example.com/a/b%20c.html"}}},
		{name: "redirect all requests, request's protocol",
			cfg:  &s3api.WebsiteConfiguration{RedirectAllRequestsTo: &s3api.RedirectAllRequestsTo{HostName: ptr("example.com")}},
			call: siteCall{target: "/"},
			want: siteWant{status: 301, header: map[string]string{"Location": "http://example.com/"}}},
		{name: "rule replaces a prefix",
			cfg: withRules(s3api.RoutingRule{Condition: &s3api.Condition{KeyPrefixEquals: ptr("docs/")},
				Redirect: &s3api.Redirect{ReplaceKeyPrefixWith: ptr("documents/")}}),
			call: siteCall{target: "/docs/a%20b.html"},
			want: siteWant{status: 301, header: map[string]string{"Location": "http://" + siteHost + "/documents/a%20b.html"}}},
		{name: "rule replaces the key",
			cfg: withRules(s3api.RoutingRule{Condition: &s3api.Condition{KeyPrefixEquals: ptr("about")},
				Redirect: &s3api.Redirect{ReplaceKeyWith: ptr("new.html"), HostName: ptr("example.org"), Protocol: ptr("https"), HttpRedirectCode: ptr("302")}}),
			call: siteCall{target: "/about.html"},
			want: siteWant{status: 302, header: map[string]string{"Location": "https://example.org/new.html"}}},
		{name: "rule does not match",
			cfg: withRules(s3api.RoutingRule{Condition: &s3api.Condition{KeyPrefixEquals: ptr("docs/")},
				Redirect: &s3api.Redirect{ReplaceKeyPrefixWith: ptr("documents/")}}),
			call: siteCall{target: "/about.html"},
			want: siteWant{status: 200, body: "about us"}},
		{name: "first rule wins",
			cfg: withRules(
				s3api.RoutingRule{Condition: &s3api.Condition{KeyPrefixEquals: ptr("a")}, Redirect: &s3api.Redirect{HostName: ptr("first.example")}},
				s3api.RoutingRule{Condition: &s3api.Condition{KeyPrefixEquals: ptr("ab")}, Redirect: &s3api.Redirect{HostName: ptr("second.example")}}),
			call: siteCall{target: "/about.html"},
			want: siteWant{status: 301, header: map[string]string{"Location": "http://first.example/about.html"}}},
		{name: "rule without condition",
			cfg:  withRules(s3api.RoutingRule{Redirect: &s3api.Redirect{HostName: ptr("all.example"), Protocol: ptr("https")}}),
			call: siteCall{target: "/x"},
			want: siteWant{status: 301, header: map[string]string{"Location": "https://all.example/x"}}},
		{name: "error rule redirects a 404",
			cfg: withRules(s3api.RoutingRule{Condition: &s3api.Condition{HttpErrorCodeReturnedEquals: ptr("404")},
				Redirect: &s3api.Redirect{HostName: ptr("errors.example"), ReplaceKeyPrefixWith: ptr("report-404/")}}),
			call: siteCall{target: "/missing.html"},
			want: siteWant{status: 301, header: map[string]string{"Location": "http://errors.example/report-404/missing.html"}}},
		{name: "error rule leaves objects alone",
			cfg: withRules(s3api.RoutingRule{Condition: &s3api.Condition{HttpErrorCodeReturnedEquals: ptr("404")},
				Redirect: &s3api.Redirect{HostName: ptr("errors.example")}}),
			call: siteCall{target: "/about.html"},
			want: siteWant{status: 200, body: "about us"}},
		{name: "error rule needs both conditions",
			cfg: withRules(s3api.RoutingRule{Condition: &s3api.Condition{HttpErrorCodeReturnedEquals: ptr("404"), KeyPrefixEquals: ptr("images/")},
				Redirect: &s3api.Redirect{HostName: ptr("errors.example")}}),
			call: siteCall{target: "/missing.html"},
			want: siteWant{status: 404, contains: []string{"Code: NoSuchKey"}}},
		{name: "error rule with both conditions",
			cfg: withRules(s3api.RoutingRule{Condition: &s3api.Condition{HttpErrorCodeReturnedEquals: ptr("404"), KeyPrefixEquals: ptr("images/")},
				Redirect: &s3api.Redirect{HostName: ptr("errors.example"), HttpRedirectCode: ptr("307")}}),
			call: siteCall{target: "/images/x.png"},
			want: siteWant{status: 307, header: map[string]string{"Location": "http://errors.example/images/x.png"}}},
		{name: "error rule for another code",
			cfg: withRules(s3api.RoutingRule{Condition: &s3api.Condition{HttpErrorCodeReturnedEquals: ptr("403")},
				Redirect: &s3api.Redirect{HostName: ptr("errors.example")}}),
			call: siteCall{target: "/missing.html"},
			want: siteWant{status: 404}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := newSiteProvider(t, tc.cfg)
			checkSite(t, serveSite(p, tc.call), tc.want)
		})
	}
}

// TestWebsiteStrict serves anonymous requests as strict mode does: the
// bucket policy decides.
func TestWebsiteStrict(t *testing.T) {
	publicRead := `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`
	publicList := `{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt"}`
	denyPrivate := `{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/private/*"}`
	denyError := `{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/error.html"}`
	refererOnly := `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*",` +
		`"Condition":{"StringLike":{"aws:Referer":"https://mine.example/*"}}}`
	for _, tc := range []struct {
		name       string
		statements []string
		cfg        *s3api.WebsiteConfiguration
		call       siteCall
		want       siteWant
	}{
		{name: "no policy", cfg: indexOnly(), call: siteCall{target: "/"},
			want: siteWant{status: 403, contains: page("403 Forbidden", "Code: AccessDenied", "Message: Access Denied")}},
		{name: "no policy, error document denied too", cfg: indexSite(), call: siteCall{target: "/"},
			want: siteWant{status: 403, contains: append(page("403 Forbidden", "Code: AccessDenied"), docErrHeading)}},
		{name: "public read", statements: []string{publicRead}, cfg: indexSite(), call: siteCall{target: "/"},
			want: siteWant{status: 200, body: "<h1>home</h1>"}},
		{name: "public read, folder redirect", statements: []string{publicRead}, cfg: indexSite(), call: siteCall{target: "/docs"},
			want: siteWant{status: 302, header: map[string]string{"Location": "/docs/"}}},
		{name: "missing key without list is denied", statements: []string{publicRead}, cfg: indexOnly(), call: siteCall{target: "/missing.html"},
			want: siteWant{status: 403, contains: []string{"Code: AccessDenied"}}},
		{name: "denied key serves the error document", statements: []string{publicRead}, cfg: indexSite(), call: siteCall{target: "/missing.html"},
			want: siteWant{status: 403, body: "<p>oops</p>"}},
		{name: "missing key with list", statements: []string{publicRead, publicList}, cfg: indexOnly(), call: siteCall{target: "/missing.html"},
			want: siteWant{status: 404, contains: []string{"Code: NoSuchKey", "Key: missing.html"}}},
		{name: "explicit deny", statements: []string{publicRead, denyPrivate}, cfg: indexOnly(), call: siteCall{target: "/private/secret.txt"},
			want: siteWant{status: 403, contains: []string{"Code: AccessDenied"}}},
		{name: "error document denied", statements: []string{publicRead, publicList, denyError}, cfg: indexSite(), call: siteCall{target: "/missing.html"},
			want: siteWant{status: 404, contains: append(page("404 Not Found", "Code: NoSuchKey", "Key: missing.html"),
				docErrHeading, "<li>Code: AccessDenied</li>")}},
		{name: "referer condition holds", statements: []string{refererOnly}, cfg: indexOnly(),
			call: siteCall{target: "/about.html", header: http.Header{"Referer": {"https://mine.example/page"}}},
			want: siteWant{status: 200, body: "about us"}},
		{name: "referer condition fails", statements: []string{refererOnly}, cfg: indexOnly(),
			call: siteCall{target: "/about.html", header: http.Header{"Referer": {"https://other.example/"}}},
			want: siteWant{status: 403}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ctx := newSiteProvider(t, tc.cfg)
			if len(tc.statements) > 0 {
				if _, err := p.deletePublicAccessBlock(ctx, &s3api.DeletePublicAccessBlockRequest{Bucket: ptr("bkt")}); err != nil {
					t.Fatal(err)
				}
				doc := `{"Version":"2012-10-17","Statement":[` + strings.Join(tc.statements, ",") + `]}`
				if _, err := p.putBucketPolicy(ctx, &s3api.PutBucketPolicyRequest{Bucket: ptr("bkt"), Policy: ptr(doc)}); err != nil {
					t.Fatal(err)
				}
			}
			call := tc.call
			call.anonymous = true
			checkSite(t, serveSite(p, call), tc.want)
		})
	}
}

// TestWebsiteRequestIDs checks that ServeHost sets the request id headers
// the gateway did not, and shows them on its pages.
func TestWebsiteRequestIDs(t *testing.T) {
	p, _ := newSiteProvider(t, indexOnly())
	r := httptest.NewRequest(http.MethodGet, "http://"+siteHost+"/missing", nil)
	w := httptest.NewRecorder()
	p.ServeHost(w, r, service.HostRequest{Kind: service.HostS3Website, Name: "bkt", Region: "us-east-1"})
	id, host := w.Header().Get("X-Amz-Request-Id"), w.Header().Get("X-Amz-Id-2")
	if len(id) != 16 || host == "" {
		t.Fatalf("request id %q, host id %q", id, host)
	}
	if body := w.Body.String(); !strings.Contains(body, "RequestId: "+id) || !strings.Contains(body, "HostId: "+host) {
		t.Errorf("page does not show the ids:\n%s", body)
	}
	if got := p.HostKinds(); len(got) != 1 || got[0] != service.HostS3Website {
		t.Errorf("HostKinds = %v", got)
	}
}

// TestWebsiteReadsCurrentVersion checks that an overwritten object is
// served as its newest version, with its version id in a versioned bucket.
func TestWebsiteReadsCurrentVersion(t *testing.T) {
	p, ctx := newSiteProvider(t, indexOnly())
	if _, err := p.putBucketVersioning(ctx, &s3api.PutBucketVersioningRequest{Bucket: ptr("bkt"),
		VersioningConfiguration: &s3api.VersioningConfiguration{Status: ptr("Enabled")}}); err != nil {
		t.Fatal(err)
	}
	out, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("index.html"), Body: strings.NewReader("v2")})
	if err != nil {
		t.Fatal(err)
	}
	checkSite(t, serveSite(p, siteCall{target: "/"}), siteWant{status: 200, body: "v2",
		header: map[string]string{"X-Amz-Version-Id": deref(out.VersionId), "Content-Type": "binary/octet-stream"}})
	if _, err := p.deleteObject(ctx, &s3api.DeleteObjectRequest{Bucket: ptr("bkt"), Key: ptr("index.html")}); err != nil {
		t.Fatal(err)
	}
	checkSite(t, serveSite(p, siteCall{target: "/"}), siteWant{status: 404, contains: []string{"Code: NoSuchKey", "Key: index.html"}})
}

// FuzzServeHost sends arbitrary paths, methods and headers to a website
// and checks that every answer is a well-formed, non-internal response.
func FuzzServeHost(f *testing.F) {
	for _, s := range [][4]string{
		{"GET", "/", "", ""}, {"GET", "/docs", "bytes=1-2", ""}, {"HEAD", "/big.txt", "bytes=-1", `"x"`},
		{"GET", "/docs/../index.html", "bytes=5-", "*"}, {"PUT", "//", "", ""}, {"GET", "/a b/c+d.txt", "bytes=9-1", ""},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	cfg := withRules(
		s3api.RoutingRule{Condition: &s3api.Condition{KeyPrefixEquals: ptr("old/")}, Redirect: &s3api.Redirect{ReplaceKeyPrefixWith: ptr("new/")}},
		s3api.RoutingRule{Condition: &s3api.Condition{HttpErrorCodeReturnedEquals: ptr("404"), KeyPrefixEquals: ptr("img/")},
			Redirect: &s3api.Redirect{ReplaceKeyWith: ptr("missing.png")}})
	cfg.ErrorDocument = &s3api.ErrorDocument{Key: ptr("error.html")}
	p, _ := newSiteProvider(f, cfg)
	f.Fuzz(func(t *testing.T, method, path, rng, ifMatch string) {
		if method != "GET" && method != "HEAD" {
			method = "POST"
		}
		r := httptest.NewRequest(http.MethodGet, "http://"+siteHost+"/", nil)
		r.Method = method
		r.URL.Path = path
		if rng != "" {
			r.Header.Set("Range", rng)
		}
		if ifMatch != "" {
			r.Header.Set("If-Match", ifMatch)
		}
		w := httptest.NewRecorder()
		p.ServeHost(w, r, service.HostRequest{Kind: service.HostS3Website, Name: "bkt", Region: "us-east-1"})
		if w.Code < 200 || w.Code >= 500 {
			t.Fatalf("%s %q: status %d\n%s", method, path, w.Code, w.Body)
		}
		if strings.Contains(w.Body.String(), "InternalFailure") {
			t.Fatalf("internal error page:\n%s", w.Body)
		}
	})
}
