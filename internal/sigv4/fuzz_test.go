package sigv4

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzParse feeds arbitrary Authorization headers, query strings and paths
// through Parse and Verify, and every error through every dialect.
func FuzzParse(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
		"Action=ListUsers&Version=2010-05-08", "/", "20150830T123600Z")
	f.Add("", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
		"/test.txt", "")
	f.Add("AWS4-HMAC-SHA256 Credential=a/20260101/r/s3/aws4_request,SignedHeaders=host;x-amz-content-sha256,Signature=00", "a=%zz&b+c=d+e",
		"/b/%2F/../k%20", "20260101T000000Z")
	f.Add("AWS AKID:sig", "", "/", "")
	f.Add("", "AWSAccessKeyId=A&Signature=x%3D&Expires=1767225600&versionId=1&acl", "/b/k", "")
	f.Add("AWS4-HMAC-SHA256 Credential=//////,SignedHeaders=;,Signature=", "X-Amz-Credential=", "//./..", "x")
	f.Fuzz(func(t *testing.T, auth, rawQuery, path, amzDate string) {
		u := &url.URL{Path: path, RawQuery: rawQuery}
		if p, err := url.PathUnescape(path); err == nil {
			u.Path, u.RawPath = p, path
		}
		r := &http.Request{Method: "GET", URL: u, Host: "localhost", Header: http.Header{}, Body: http.NoBody}
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		if amzDate != "" {
			r.Header.Set("X-Amz-Date", amzDate)
		}
		r.Header.Set("X-Amz-Content-Sha256", UnsignedPayload)
		v, err := NewVerifier(Options{
			Secret: func(context.Context, *Auth) (string, error) { return "secret", nil },
			Now:    func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) },
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = v.Verify(r)
		for d := DialectJSON; d <= DialectS3; d++ {
			if e := ToAWS(err, d); err != nil && (e.Code == "" || e.Status == 0) {
				t.Fatalf("error %v maps to %+v", err, e)
			}
		}
	})
}

// FuzzChunkedReader decodes arbitrary aws-chunked bodies in every framing,
// with and without signature checks.
func FuzzChunkedReader(f *testing.F) {
	sig := ";chunk-signature=" + strings.Repeat("ab", 32)
	f.Add([]byte("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"), uint8(2), false)
	f.Add([]byte("5"+sig+"\r\nhello\r\n0"+sig+"\r\n\r\n"), uint8(0), true)
	f.Add([]byte("5"+sig+"\r\nhello\r\n0"+sig+"\r\nx-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:00\r\n\r\n"), uint8(1), true)
	f.Add([]byte("ffffffff\r\nabc"), uint8(2), false)
	f.Add([]byte("0\r\n"), uint8(0), false)
	payloads := []string{StreamingPayload, StreamingPayloadTrailer, StreamingUnsignedTrailer}
	f.Fuzz(func(t *testing.T, body []byte, mode uint8, signed bool) {
		o := ChunkedOptions{Payload: payloads[int(mode)%len(payloads)]}
		if signed {
			o.Signing = &ChunkSigning{Key: DeriveKey("s", "20260101", "r", "s3"), AmzDate: "20260101T000000Z",
				Scope: "20260101/r/s3/aws4_request", Seed: strings.Repeat("ab", 32)}
		}
		c, err := NewChunkedReader(bytes.NewReader(body), o)
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, c)
		if n > int64(len(body)) {
			t.Fatalf("decoded %d bytes from %d", n, len(body))
		}
		if err != nil {
			if kindOf(err) == 0 {
				t.Fatalf("untyped error %v", err)
			}
			if c.Trailer() != nil {
				t.Fatal("trailer after error")
			}
		}
	})
}
