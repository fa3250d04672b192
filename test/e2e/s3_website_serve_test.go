package e2e

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// siteBrowser sends plain HTTP requests to a bucket's website endpoint
// on srv, as a browser would: "*.localhost" names need not resolve, so
// every connection goes to the server, and redirects are not followed.
type siteBrowser struct {
	t      *testing.T
	client *http.Client
	host   string // "<bucket>.s3-website-us-east-1.localhost:<port>"
}

func newSiteBrowser(t *testing.T, srv *unkaitest.Server, bucket string) *siteBrowser {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	var d net.Dialer
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, u.Host)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	return &siteBrowser{t: t, host: bucket + ".s3-website-us-east-1.localhost:" + u.Port(), client: &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// siteResponse is a website response with its body read.
type siteResponse struct {
	status int
	header http.Header
	body   string
}

// do sends method path with the given header pairs.
func (b *siteBrowser) do(method, path string, header ...string) siteResponse {
	b.t.Helper()
	req, err := http.NewRequest(method, "http://"+b.host+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Host = b.host
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return siteResponse{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

// expect checks a response's status, body (when want is not empty: the
// exact body, or with a leading "~" a part of it) and headers.
func (b *siteBrowser) expect(r siteResponse, status int, want string, header ...string) {
	b.t.Helper()
	if r.status != status {
		b.t.Fatalf("status %d, want %d\n%s", r.status, status, r.body)
	}
	switch {
	case strings.HasPrefix(want, "~"):
		if !strings.Contains(r.body, want[1:]) {
			b.t.Errorf("body lacks %q:\n%s", want[1:], r.body)
		}
	case want != "" && r.body != want:
		b.t.Errorf("body %q, want %q", r.body, want)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if got := r.header.Get(header[i]); got != header[i+1] {
			b.t.Errorf("%s = %q, want %q", header[i], got, header[i+1])
		}
	}
}

// TestS3WebsiteServeCLI publishes a site with the AWS CLI (aws s3 cp and
// aws s3 website) and browses it over plain HTTP.
func TestS3WebsiteServeCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not installed")
	}
	srv := unkaitest.Start(t)
	dir := t.TempDir()
	files := map[string]string{
		"index.html":      "<h1>welcome</h1>\n",
		"error.html":      "<h1>not here</h1>\n",
		"docs/index.html": "<h1>docs</h1>\n",
		"style.css":       "body { color: teal }\n",
		"data.txt":        "0123456789",
	}
	for name, body := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	runAWS(t, srv, "test", "s3api", "create-bucket", "--bucket", "cli-www")
	runAWSText(t, srv, "s3", "cp", dir, "s3://cli-www", "--recursive")
	runAWS(t, srv, "test", "s3api", "put-object", "--bucket", "cli-www", "--key", "old.html", "--website-redirect-location", "/docs/")
	b := newSiteBrowser(t, srv, "cli-www")

	b.expect(b.do("GET", "/"), 404, "~<li>Code: NoSuchWebsiteConfiguration</li>")
	runAWSText(t, srv, "s3", "website", "s3://cli-www", "--index-document", "index.html", "--error-document", "error.html")

	b.expect(b.do("GET", "/"), 200, files["index.html"], "Content-Type", "text/html")
	b.expect(b.do("GET", "/index.html"), 200, files["index.html"])
	b.expect(b.do("GET", "/docs"), 302, "", "Location", "/docs/")
	b.expect(b.do("GET", "/docs/"), 200, files["docs/index.html"])
	b.expect(b.do("GET", "/style.css"), 200, files["style.css"], "Content-Type", "text/css")
	b.expect(b.do("GET", "/old.html"), 301, "", "Location", "/docs/")
	b.expect(b.do("GET", "/missing.html"), 404, files["error.html"], "Content-Type", "text/html")
	b.expect(b.do("HEAD", "/index.html"), 200, "", "Content-Length", "17")
	b.expect(b.do("POST", "/index.html"), 405, "~<li>Code: MethodNotAllowed</li>")
	b.expect(b.do("GET", "/data.txt", "Range", "bytes=3-5"), 206, "345", "Content-Range", "bytes 3-5/10")
	r := b.do("GET", "/data.txt")
	b.expect(r, 200, "0123456789", "X-Amz-Request-Id", r.header.Get("X-Amz-Request-Id"))
	if r.header.Get("X-Amz-Request-Id") == "" || r.header.Get("ETag") == "" {
		t.Errorf("headers %v lack a request id or ETag", r.header)
	}
	b.expect(b.do("GET", "/data.txt", "If-None-Match", r.header.Get("ETag")), 304, "")

	runAWSText(t, srv, "s3", "rm", "s3://cli-www/error.html")
	miss := b.do("GET", "/missing.html")
	b.expect(miss, 404, "~<li>Key: missing.html</li>")
	for _, want := range []string{"An Error Occurred While Attempting to Retrieve a Custom Error Document",
		"<li>Key: error.html</li>", "<li>RequestId: " + miss.header.Get("X-Amz-Request-Id") + "</li>"} {
		if !strings.Contains(miss.body, want) {
			t.Errorf("page lacks %q:\n%s", want, miss.body)
		}
	}
	b.expect(newSiteBrowser(t, srv, "no-such-site").do("GET", "/"), 404, "~<li>BucketName: no-such-site</li>")
}

// TestS3WebsiteServeRedirects configures redirects through aws-sdk-go-v2:
// routing rules, and a bucket redirecting every request.
func TestS3WebsiteServeRedirects(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	c := s3Client(srv, "")
	for _, name := range []string{"rules-site", "moved-site"} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("rules-site"), Key: aws.String("index.html"),
		Body: strings.NewReader("home"), ContentType: aws.String("text/html")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: aws.String("rules-site"), WebsiteConfiguration: &s3types.WebsiteConfiguration{
		IndexDocument: &s3types.IndexDocument{Suffix: aws.String("index.html")},
		RoutingRules: []s3types.RoutingRule{
			{Condition: &s3types.Condition{KeyPrefixEquals: aws.String("docs/")},
				Redirect: &s3types.Redirect{ReplaceKeyPrefixWith: aws.String("documents/")}},
			{Condition: &s3types.Condition{HttpErrorCodeReturnedEquals: aws.String("404")},
				Redirect: &s3types.Redirect{HostName: aws.String("errors.example.com"), Protocol: s3types.ProtocolHttps,
					ReplaceKeyWith: aws.String("not-found.html"), HttpRedirectCode: aws.String("302")}},
		},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: aws.String("moved-site"), WebsiteConfiguration: &s3types.WebsiteConfiguration{
		RedirectAllRequestsTo: &s3types.RedirectAllRequestsTo{HostName: aws.String("www.example.com"), Protocol: s3types.ProtocolHttps},
	}}); err != nil {
		t.Fatal(err)
	}
	b := newSiteBrowser(t, srv, "rules-site")
	b.expect(b.do("GET", "/"), 200, "home")
	b.expect(b.do("GET", "/docs/a.html"), 301, "", "Location", "http://"+b.host+"/documents/a.html")
	b.expect(b.do("GET", "/nothing"), 302, "", "Location", "https://errors.example.com/not-found.html")
	m := newSiteBrowser(t, srv, "moved-site")
	m.expect(m.do("GET", "/some/page.html"), 301, "", "Location", "https://www.example.com/some/page.html")
}

// TestS3WebsiteServeStrict browses a website in strict auth mode: the
// bucket policy decides what anonymous browsers may read.
func TestS3WebsiteServeStrict(t *testing.T) {
	ctx := context.Background()
	srv, owner, _ := policyServer(t, "strict-site")
	bucket := aws.String("strict-site")
	for key, body := range map[string]string{"index.html": "home", "error.html": "sorry"} {
		if _, err := owner.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String(key),
			Body: strings.NewReader(body), ContentType: aws.String("text/html")}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := owner.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: bucket, WebsiteConfiguration: &s3types.WebsiteConfiguration{
		IndexDocument: &s3types.IndexDocument{Suffix: aws.String("index.html")},
		ErrorDocument: &s3types.ErrorDocument{Key: aws.String("error.html")},
	}}); err != nil {
		t.Fatal(err)
	}
	b := newSiteBrowser(t, srv, "strict-site")
	r := b.do("GET", "/")
	b.expect(r, 403, "~<li>Code: AccessDenied</li>")
	if !strings.Contains(r.body, "An Error Occurred While Attempting to Retrieve a Custom Error Document") {
		t.Errorf("page does not tell the error document was denied:\n%s", r.body)
	}
	if _, err := owner.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	if err := putPolicy(t, owner, "strict-site",
		`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::strict-site/*"}`,
		`{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::strict-site/hello.txt"}`); err != nil {
		t.Fatal(err)
	}
	b.expect(b.do("GET", "/"), 200, "home")
	b.expect(b.do("GET", "/private/secret.txt"), 200, "content of private/secret.txt")
	b.expect(b.do("GET", "/hello.txt"), 403, "sorry")
	b.expect(b.do("GET", "/missing.html"), 403, "sorry")
}
