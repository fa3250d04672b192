package detect

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func FuzzDetect(f *testing.F) {
	seeds := []struct{ method, host, uri, auth, target, ct, body string }{
		{"POST", "localhost:4566", "/", sigv4("sts"), "", ctForm, "Action=GetCallerIdentity&Version=2011-06-15"},
		{"POST", "localhost:4566", "/", sigv4("dynamodb"), "DynamoDBStreams_20120810.ListStreams", ctJSON0, "{}"},
		{"GET", "my.bucket.s3.us-east-1.localhost", "/k?" + presign("s3"), "", "", "", ""},
		{"GET", "abc.execute-api.localhost:4566", "/prod/@connections/x", sigv4("execute-api"), "", "", ""},
		{"GET", "[::1]:4566", "/2015-03-31/functions/", "AWS AKID:sig", "", "", ""},
		{"GET", "site.s3-website.eu-west-1.localhost", "/a/", "", "", "", ""},
		{"HEAD", "s.s3-website-us-gov-west-1.amazonaws.com", "/", sigv4("s3"), "", "", ""},
		{"POST", "sqs.localhost.localstack.cloud", "/service/GraniteServiceVersion20100801/operation/PutMetricData", "", "", "application/cbor", "\xbf\xff"},
		{"POST", "x.s3-us-west-2.amazonaws.com", "/?Action=%41ssumeRole&Version=2011-06-15", "Credential=%2F%2Faws4_request", "a.b.c", "application/x-www-form-urlencoded; charset=\"", "Action=Nope"},
	}
	for _, s := range seeds {
		f.Add(s.method, s.host, s.uri, s.auth, s.target, s.ct, s.body)
	}
	d := New(testServices(f), Options{Fallback: "s3"})
	f.Fuzz(func(t *testing.T, method, host, uri, auth, target, ct, body string) {
		u, err := url.ParseRequestURI(uri)
		if err != nil {
			return
		}
		r := &http.Request{
			Method:        method,
			URL:           u,
			Host:          host,
			Header:        http.Header{},
			Body:          io.NopCloser(strings.NewReader(body)),
			ContentLength: int64(len(body)),
		}
		r.Header.Set("Authorization", auth)
		r.Header.Set("X-Amz-Target", target)
		r.Header.Set("Content-Type", ct)
		res, ok := d.Detect(r)
		if ok != (res.Service != nil) {
			t.Fatalf("ok=%v with service %v", ok, res.Service)
		}
		if res.Bucket != "" && !strings.Contains(asciiLower(host), res.Bucket) {
			t.Fatalf("bucket %q not from host %q", res.Bucket, host)
		}
		got, err := io.ReadAll(r.Body)
		if err != nil || string(got) != body {
			t.Fatalf("body not restored: %q, %v", got, err)
		}
	})
}

func FuzzScopeService(f *testing.F) {
	for _, s := range []string{
		akid + "/20240101/us-east-1/sts/aws4_request",
		akid + "%2F20240101%2Fus-east-1%2Fs3%2Faws4_request",
		akid + "/20240101/s3/aws4_request",
		"aws4_request", "/aws4_request", "%2faws4_request", "%2",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cred string) {
		s := scopeService(cred)
		if s == "" {
			return
		}
		if !strings.Contains(cred, s+"/aws4_request") && !strings.Contains(strings.ToUpper(cred), strings.ToUpper(s)+"%2FAWS4_REQUEST") {
			t.Fatalf("service %q not before aws4_request in %q", s, cred)
		}
		if strings.Contains(s, "/") {
			t.Fatalf("service %q holds a separator", s)
		}
	})
}

func FuzzPathKey(f *testing.F) {
	for _, s := range []string{"/2015-03-31/functions/{FunctionName}/invocations", "/restapis/{id}", "/{Bucket}/{Key+}", "/?list-type=2", "/v2/apis", "//x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		k := pathKey(uri)
		if !strings.HasPrefix(uri, k) || strings.ContainsAny(k, "{}?") {
			t.Fatalf("pathKey(%q) = %q", uri, k)
		}
		one, two := requestKeys(uri)
		if !strings.HasPrefix(uri, one) || !strings.HasPrefix(uri, two) || two != "" && !strings.HasPrefix(two, one) {
			t.Fatalf("requestKeys(%q) = %q, %q", uri, one, two)
		}
	})
}
