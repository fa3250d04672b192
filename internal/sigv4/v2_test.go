package sigv4

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// The legacy-signature examples of S3's REST authentication guide:
// access key AKIAIOSFODNN7EXAMPLE, bucket johnsmith.
func TestV2Examples(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	v, err := NewVerifier(Options{
		Secret: func(context.Context, *Auth) (string, error) { return secret, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		req     func() *http.Request
		want    string // string to sign
		wantErr Kind
	}{
		{"header GET", func() *http.Request {
			r := httptest.NewRequest("GET", "/johnsmith/photos/puppy.jpg", nil)
			r.Header.Set("Date", "Tue, 27 Mar 2007 19:36:42 +0000")
			r.Header.Set("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=")
			return r
		}, "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg", 0},
		{"presigned GET", func() *http.Request {
			return httptest.NewRequest("GET", "/johnsmith/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620", nil)
		}, "GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg", 0},
		{"wrong signature", func() *http.Request {
			r := httptest.NewRequest("GET", "/johnsmith/photos/puppy.jpg", nil)
			r.Header.Set("Date", "Tue, 27 Mar 2007 19:36:42 +0000")
			r.Header.Set("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:AAAAs1WEIj+Ydj0vQ697zp+IXMU=")
			return r
		}, "", KindSignatureMismatch},
		{"expired", func() *http.Request {
			return httptest.NewRequest("GET", "/johnsmith/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=x&Expires=1175000000", nil)
		}, "", KindExpired},
		{"skewed", func() *http.Request {
			r := httptest.NewRequest("GET", "/johnsmith/photos/puppy.jpg", nil)
			r.Header.Set("Date", "Tue, 27 Mar 2007 17:36:42 +0000")
			r.Header.Set("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=")
			return r
		}, "", KindSkewed},
		{"no date", func() *http.Request {
			r := httptest.NewRequest("GET", "/johnsmith/photos/puppy.jpg", nil)
			r.Header.Set("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:x")
			return r
		}, "", KindMissingDate},
		{"malformed header", func() *http.Request {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Authorization", "AWS nocolon")
			return r
		}, "", KindMalformed},
		{"bad expires", func() *http.Request {
			return httptest.NewRequest("GET", "/b/k?AWSAccessKeyId=A&Signature=x&Expires=soon", nil)
		}, "", KindMalformedQuery},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v.now = func() time.Time { return time.Date(2007, 3, 27, 19, 40, 0, 0, time.UTC) }
			r := c.req()
			a, err := Parse(r)
			if err == nil {
				if c.want != "" {
					if got := v2StringToSign(r, a); got != c.want {
						t.Errorf("string to sign %q\nwant %q", got, c.want)
					}
					v.now = func() time.Time { return a.Time.Add(time.Minute) }
					if a.Presigned {
						v.now = func() time.Time { return a.ExpiresAt.Add(-time.Minute) }
					}
				}
				_, err = v.VerifyAuth(r, a)
			}
			if c.wantErr == 0 {
				if err != nil {
					t.Fatalf("verify: %v", err)
				}
				return
			}
			if e, ok := err.(*Error); !ok || e.Kind != c.wantErr {
				t.Fatalf("got %v, want kind %v", err, c.wantErr)
			}
		})
	}
}

func TestV2SubResources(t *testing.T) {
	r := httptest.NewRequest("GET", "/b/k?versionId=v1&uploads&prefix=ignored&acl", nil)
	r.Header.Set("Date", "Tue, 27 Mar 2007 19:36:42 +0000")
	r.Header.Set("X-Amz-Meta-B", " two ")
	r.Header.Add("X-Amz-Meta-A", "1")
	r.Header.Add("X-Amz-Meta-A", "2")
	r.Header.Set("Content-Type", "text/plain")
	r.Header.Set("Authorization", "AWS A:x")
	a, err := Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	want := "GET\n\ntext/plain\nTue, 27 Mar 2007 19:36:42 +0000\nx-amz-meta-a:1,2\nx-amz-meta-b:two\n/b/k?acl&uploads&versionId=v1"
	if got := v2StringToSign(r, a); got != want {
		t.Errorf("string to sign %q\nwant %q", got, want)
	}
}
