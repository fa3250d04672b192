package sigv4

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

var now = mustTime("20260101T120000Z")

// TestRoundTrip signs requests with the test signer and verifies them,
// then checks that tampering with each signed part is caught.
func TestRoundTrip(t *testing.T) {
	ddb := testSigner{akid: s3AKID, secret: s3Secret, region: "eu-west-1", service: "dynamodb"}
	s3 := testSigner{akid: s3AKID, secret: s3Secret, region: "us-east-1", service: "s3"}
	lambda := testSigner{akid: iamAKID, secret: iamSecret, region: "us-west-2", service: "lambda"}
	sts := testSigner{akid: "ASIATEMPORARY1", secret: "temporary-secret", region: "us-east-1", service: "sts", token: "FQoGZXIvYXdzEXAMPLE"}

	tests := []struct {
		name   string
		signer testSigner
		method string
		target string
		body   string
		header map[string]string
		// payload is what the client signs as the payload hash; "" = hash of body.
		payload string
		tamper  func(r *http.Request)
	}{
		{name: "dynamodb json body hashed", signer: ddb, method: "POST", target: "http://localhost:4566/",
			body:   `{"TableName":"t"}`,
			header: map[string]string{"X-Amz-Target": "DynamoDB_20120810.DescribeTable", "Content-Type": "application/x-amz-json-1.0"},
			tamper: func(r *http.Request) { r.Body = io.NopCloser(strings.NewReader(`{"TableName":"u"}`)) }},
		{name: "query with spaces and tilde", signer: sts, method: "GET",
			target: "http://sts.localhost:4566/?Action=GetCallerIdentity&Version=2011-06-15&x=a%20b~c%2Fd&empty",
			tamper: func(r *http.Request) { r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "a%20b", "a%20c", 1) }},
		{name: "lambda path double encoded", signer: lambda, method: "POST",
			target: "http://localhost:4566/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-west-2%3A000000000000%3Afunction%3Af/invocations",
			body:   `{}`,
			tamper: func(r *http.Request) { r.Method = "PUT" }},
		{name: "non-s3 dot segments normalized", signer: lambda, method: "GET",
			target: "http://localhost:4566/2015-03-31/./functions/x/../",
			tamper: func(r *http.Request) { r.Host = "other:4566" }},
		{name: "s3 put with literal hash", signer: s3, method: "PUT", target: "http://localhost:4566/bucket/key.txt",
			body: "hello world", payload: tHash([]byte("hello world")),
			header: map[string]string{"Content-Type": "text/plain", "X-Amz-Meta-Note": "  two   spaces  "},
			tamper: func(r *http.Request) { r.Header.Set("X-Amz-Meta-Note", "changed") }},
		{name: "s3 body differs from literal hash", signer: s3, method: "PUT", target: "http://localhost:4566/bucket/key.txt",
			body: "hello world", payload: tHash([]byte("hello world")),
			tamper: func(r *http.Request) { r.Body = io.NopCloser(strings.NewReader("hello moon")) }},
		{name: "s3 key with reserved characters", signer: s3, method: "GET",
			target:  "http://localhost:4566/bucket/a%20b/c%2Bd%2Fe%21%28%29%3D%2A.txt",
			payload: UnsignedPayload,
			tamper:  func(r *http.Request) { r.URL.RawPath = ""; r.URL.Path = "/bucket/a b/c+d/e!()=*.tx" }},
		{name: "s3 path not normalized", signer: s3, method: "GET",
			target:  "http://localhost:4566/bucket//double//./x/../y",
			payload: UnsignedPayload,
			tamper:  func(r *http.Request) { r.URL.Path = "/bucket/double/y"; r.URL.RawPath = "" }},
		{name: "s3 list with query", signer: s3, method: "GET",
			target:  "http://bucket.localhost:4566/?list-type=2&prefix=photos%2F2026&max-keys=10&encoding-type=url",
			payload: EmptySHA256,
			tamper:  func(r *http.Request) { r.URL.RawQuery += "&delimiter=%2F" }},
		{name: "multi-value header", signer: lambda, method: "GET", target: "http://localhost:4566/x",
			header: map[string]string{"X-Amz-Meta-A": "1"},
			tamper: func(r *http.Request) { r.Header.Add("X-Amz-Meta-A", "2") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			build := func() *http.Request {
				var body io.Reader
				if tc.body != "" {
					body = strings.NewReader(tc.body)
				}
				r := httptest.NewRequest(tc.method, tc.target, body)
				for k, v := range tc.header {
					r.Header.Set(k, v)
				}
				payload := tc.payload
				if payload == "" {
					payload = tHash([]byte(tc.body))
				} else {
					r.Header.Set("X-Amz-Content-Sha256", payload)
				}
				tc.signer.sign(r, now.Add(-3*time.Minute), payload)
				return r
			}
			v := newTestVerifier(t, now)
			r := build()
			res, err := v.Verify(r)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if res.Auth.Service != tc.signer.service || res.Auth.Region != tc.signer.region || res.Auth.SecurityToken != tc.signer.token {
				t.Errorf("auth = %+v", res.Auth)
			}
			got, err := io.ReadAll(r.Body)
			if err != nil || string(got) != tc.body {
				t.Errorf("body after verify = %q, %v; want %q", got, err, tc.body)
			}

			r = build()
			tc.tamper(r)
			_, err = v.Verify(r)
			if err == nil {
				// A tampered S3 body only fails once it is read.
				_, err = io.ReadAll(r.Body)
			}
			if k := kindOf(err); k != KindSignatureMismatch && k != KindContentSHA256Mismatch {
				t.Fatalf("tampered request: err = %v, want a mismatch", err)
			}
		})
	}
}

// TestAlternativeCanonicalForms checks that the canonical forms other SDKs
// produce are accepted.
func TestAlternativeCanonicalForms(t *testing.T) {
	s := testSigner{akid: iamAKID, secret: iamSecret, region: "us-east-1", service: "lambda"}
	tests := []struct {
		name      string
		target    string
		canonical string // the URI the client signed
		query     string // the query the client signed; "" = as computed
	}{
		{name: "collapsed slashes", target: "http://localhost/a//b", canonical: "/a/b"},
		{name: "unnormalized", target: "http://localhost/a/./b", canonical: "/a/./b"},
		{name: "literal plus in query", target: "http://localhost/x?q=a+b", canonical: "/x", query: "q=a%2Bb"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tc.target, nil)
			r.Header.Set("X-Amz-Date", now.Format(TimeFormat))
			q := tc.query
			if q == "" {
				q = s.canonicalQuery(r.URL, false)
			}
			cr := strings.Join([]string{"GET", tc.canonical, q,
				"host:" + r.Host + "\nx-amz-date:" + now.Format(TimeFormat) + "\n", "host;x-amz-date", EmptySHA256}, "\n")
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+s.akid+"/"+s.scope(now)+
				", SignedHeaders=host;x-amz-date, Signature="+s.signature(now, cr))
			if _, err := newTestVerifier(t, now).Verify(r); err != nil {
				t.Fatalf("Verify: %v", err)
			}
		})
	}
}

func TestPresigned(t *testing.T) {
	s3 := testSigner{akid: s3AKID, secret: s3Secret, region: "us-east-1", service: "s3"}
	sts := testSigner{akid: iamAKID, secret: iamSecret, region: "us-east-1", service: "sts", token: "tok"}
	tests := []struct {
		name    string
		signer  testSigner
		target  string
		signed  time.Time
		expires time.Duration
		tamper  func(r *http.Request)
		want    Kind
	}{
		{name: "s3 valid", signer: s3, target: "http://localhost/bucket/k%20ey", signed: now.Add(-time.Hour), expires: 2 * time.Hour},
		{name: "sts valid with token", signer: sts, target: "http://localhost/?Action=GetCallerIdentity&Version=2011-06-15",
			signed: now.Add(-time.Minute), expires: time.Minute * 15},
		{name: "expired", signer: s3, target: "http://localhost/bucket/k", signed: now.Add(-2 * time.Hour), expires: time.Hour, want: KindExpired},
		{name: "not yet valid", signer: s3, target: "http://localhost/bucket/k", signed: now.Add(time.Hour), expires: 2 * time.Hour, want: KindNotYetValid},
		{name: "tampered expiry", signer: s3, target: "http://localhost/bucket/k", signed: now.Add(-time.Minute), expires: time.Hour,
			tamper: func(r *http.Request) {
				r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "X-Amz-Expires=3600", "X-Amz-Expires=7200", 1)
			}, want: KindSignatureMismatch},
		{name: "tampered path", signer: s3, target: "http://localhost/bucket/k", signed: now.Add(-time.Minute), expires: time.Hour,
			tamper: func(r *http.Request) { r.URL.Path = "/bucket/other" }, want: KindSignatureMismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tc.target, nil)
			tc.signer.presign(r, tc.signed, tc.expires)
			if tc.tamper != nil {
				tc.tamper(r)
			}
			res, err := newTestVerifier(t, now).Verify(r)
			if k := kindOf(err); k != tc.want {
				t.Fatalf("err = %v (kind %v), want kind %v", err, k, tc.want)
			}
			if err == nil && (!res.Auth.Presigned || res.Auth.Expires != tc.expires || res.Auth.SecurityToken != tc.signer.token) {
				t.Errorf("auth = %+v", res.Auth)
			}
		})
	}
}

func TestVerifyFailures(t *testing.T) {
	s := testSigner{akid: iamAKID, secret: iamSecret, region: "us-east-1", service: "sqs"}
	s3 := testSigner{akid: s3AKID, secret: s3Secret, region: "us-east-1", service: "s3"}
	signed := func(sg testSigner, at time.Time, setup func(r *http.Request)) func() *http.Request {
		return func() *http.Request {
			r := httptest.NewRequest("GET", "http://localhost/b/k", nil)
			payload := EmptySHA256
			if setup != nil {
				setup(r)
				if h := r.Header.Get("X-Amz-Content-Sha256"); h != "" {
					payload = h
				}
			}
			sg.sign(r, at, payload)
			return r
		}
	}
	with := func(f func(*testSigner)) testSigner {
		c := s
		f(&c)
		return c
	}
	setSHA := func(v string) func(r *http.Request) {
		return func(r *http.Request) { r.Header.Set("X-Amz-Content-Sha256", v) }
	}
	tests := []struct {
		name  string
		setup func() *http.Request
		want  Kind
	}{
		{"skewed past", signed(s, now.Add(-16*time.Minute), nil), KindSkewed},
		{"skewed future", signed(s, now.Add(16*time.Minute), nil), KindSkewed},
		{"within skew", signed(s, now.Add(14*time.Minute), nil), 0},
		{"wrong secret", signed(with(func(c *testSigner) { c.secret = "nope" }), now, nil), KindSignatureMismatch},
		{"unknown key", signed(with(func(c *testSigner) { c.akid = "AKIAUNKNOWN" }), now, nil), KindUnknownKey},
		{"expired token", signed(with(func(c *testSigner) { c.akid = "ASIAEXPIRED0001" }), now, nil), KindExpiredToken},
		{"credential date mismatch", func() *http.Request {
			r := signed(s, now, nil)()
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/20260101/", "/20251231/", 1))
			return r
		}, KindCredentialDate},
		{"missing auth", func() *http.Request { return httptest.NewRequest("GET", "http://localhost/", nil) }, KindMissing},
		{"s3 without content sha", signed(s3, now, nil), KindMissingContentSHA256},
		{"s3 invalid content sha", signed(s3, now, setSHA("bogus")), KindInvalidContentSHA256},
		{"s3 empty body with wrong hash", signed(s3, now, setSHA(tHash([]byte("x")))), KindContentSHA256Mismatch},
		{"s3 empty body with right hash", signed(s3, now, setSHA(EmptySHA256)), 0},
		{"date header instead of x-amz-date", func() *http.Request {
			r := httptest.NewRequest("GET", "http://localhost/", nil)
			r.Header.Set("Date", now.Format(http.TimeFormat))
			cr := s.canonical(r, []string{"date", "host"}, EmptySHA256, false)
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+s.akid+"/"+s.scope(now)+
				", SignedHeaders=date;host, Signature="+s.signature(now, cr))
			return r
		}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newTestVerifier(t, now).Verify(tc.setup())
			if k := kindOf(err); k != tc.want {
				t.Fatalf("err = %v (kind %v), want kind %v", err, k, tc.want)
			}
		})
	}
}

func TestSecretLookupFailure(t *testing.T) {
	boom := io.ErrUnexpectedEOF
	v, err := NewVerifier(Options{
		Secret: func(_ context.Context, _ *Auth) (string, error) { return "", boom },
		Now:    func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "http://localhost/", nil)
	testSigner{akid: "A", secret: "s", region: "r", service: "sqs"}.sign(r, now, EmptySHA256)
	_, err = v.Verify(r)
	if !errors.Is(err, boom) || kindOf(err) != 0 {
		t.Fatalf("err = %v", err)
	}
	if got := ToAWS(err, DialectQuery); got.Code != "InternalFailure" || got.Status != 500 {
		t.Errorf("ToAWS = %+v", got)
	}
	if _, err := NewVerifier(Options{}); err == nil {
		t.Error("NewVerifier without Secret succeeded")
	}
}

func TestLargeBodySpooled(t *testing.T) {
	s := testSigner{akid: iamAKID, secret: iamSecret, region: "us-east-1", service: "lambda"}
	body := bytes.Repeat([]byte("0123456789"), 10_000)
	v, err := NewVerifier(Options{Secret: testSecret, Now: func() time.Time { return now }, MaxMemoryBody: 1024, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("POST", "http://localhost/2015-03-31/functions", bytes.NewReader(body))
	s.sign(r, now, tHash(body))
	if _, err := v.Verify(r); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if _, ok := r.Body.(*tempBody); !ok {
		t.Errorf("body is %T, want a spooled temp file", r.Body)
	}
	got, err := io.ReadAll(r.Body)
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("spooled body differs (%d bytes, %v)", len(got), err)
	}
	if err := r.Body.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
}

func TestKeyCacheBounded(t *testing.T) {
	c := newKeyCache(4)
	for i := range 20 {
		c.get(scopeKey{akid: string(rune('a' + i)), date: "20260101", region: "r", service: "s"}, "secret")
	}
	if n := c.len(); n > 8 {
		t.Errorf("cache holds %d keys, want at most 8", n)
	}
	k := scopeKey{akid: "x", date: "20260101", region: "r", service: "s"}
	a := c.get(k, "one")
	if b := c.get(k, "two"); a == b {
		t.Error("changed secret gave the cached key")
	}
	if c.get(k, "two") != DeriveKey("two", "20260101", "r", "s") {
		t.Error("cached key differs from derived key")
	}
}
