package sigv4

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

const (
	iamAKID   = "AKIDEXAMPLE"
	iamSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	s3AKID    = "AKIAIOSFODNN7EXAMPLE"
	s3Secret  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

var testKeys = map[string]string{
	iamAKID:           iamSecret,
	s3AKID:            s3Secret,
	"ASIATEMPORARY1":  "temporary-secret",
	"ASIAEXPIRED0001": "expired-secret",
}

func testSecret(_ context.Context, a *Auth) (string, error) {
	if a.AccessKeyID == "ASIAEXPIRED0001" {
		return "", ErrExpiredToken
	}
	s, ok := testKeys[a.AccessKeyID]
	if !ok {
		return "", ErrUnknownAccessKey
	}
	return s, nil
}

func newTestVerifier(t testing.TB, now time.Time) *Verifier {
	t.Helper()
	v, err := NewVerifier(Options{Secret: testSecret, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func mustTime(s string) time.Time {
	t, err := time.Parse(TimeFormat, s)
	if err != nil {
		panic(err)
	}
	return t
}

func kindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

// TestKnownAnswers checks documented AWS examples, both against the
// verifier and against the test signer.
func TestKnownAnswers(t *testing.T) {
	tests := []struct {
		name    string
		now     string
		build   func() *http.Request
		signer  testSigner
		want    string // documented signature
		payload string
	}{
		{
			name: "iam ListUsers",
			now:  "20150830T123600Z",
			build: func() *http.Request {
				r := httptest.NewRequest("GET", "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08", nil)
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
				r.Header.Set("X-Amz-Date", "20150830T123600Z")
				r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "+
					"SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
				return r
			},
			signer:  testSigner{akid: iamAKID, secret: iamSecret, region: "us-east-1", service: "iam"},
			want:    "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
			payload: EmptySHA256,
		},
		{
			name: "s3 GET object with range",
			now:  "20130524T000000Z",
			build: func() *http.Request {
				r := httptest.NewRequest("GET", "http://examplebucket.s3.amazonaws.com/test.txt", nil)
				r.Header.Set("Range", "bytes=0-9")
				r.Header.Set("X-Amz-Content-Sha256", EmptySHA256)
				r.Header.Set("X-Amz-Date", "20130524T000000Z")
				r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"+
					"SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"+
					"Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
				return r
			},
			signer:  testSigner{akid: s3AKID, secret: s3Secret, region: "us-east-1", service: "s3"},
			want:    "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
			payload: EmptySHA256,
		},
		{
			name: "s3 presigned GET",
			now:  "20130524T000100Z",
			build: func() *http.Request {
				return httptest.NewRequest("GET", "https://examplebucket.s3.amazonaws.com/test.txt"+
					"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"+
					"&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"+
					"&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404", nil)
			},
			signer:  testSigner{akid: s3AKID, secret: s3Secret, region: "us-east-1", service: "s3"},
			want:    "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
			payload: UnsignedPayload,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := newTestVerifier(t, mustTime(tc.now))
			r := tc.build()
			res, err := v.Verify(r)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			a := res.Auth
			signed := append([]string(nil), a.SignedHeaders...)
			got := tc.signer.signature(a.Time, tc.signer.canonical(r, signed, tc.payload, a.Presigned))
			if got != tc.want {
				t.Errorf("test signer = %s, want %s", got, tc.want)
			}
		})
	}
}

// TestS3ChunkedKnownAnswer checks AWS's documented chunked upload example:
// 65 KiB of 'a' in a 64 KiB and a 1 KiB chunk.
func TestS3ChunkedKnownAnswer(t *testing.T) {
	const seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
	chunkSigs := []string{
		"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
		"0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
		"b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
	}
	var body bytes.Buffer
	for i, n := range []int{65536, 1024, 0} {
		fmt.Fprintf(&body, "%x;chunk-signature=%s\r\n", n, chunkSigs[i])
		body.Write(bytes.Repeat([]byte("a"), n))
		body.WriteString("\r\n")
	}
	r := httptest.NewRequest("PUT", "http://s3.amazonaws.com/examplebucket/chunkObject.txt", bytes.NewReader(body.Bytes()))
	r.Header.Set("X-Amz-Date", "20130524T000000Z")
	r.Header.Set("X-Amz-Storage-Class", "REDUCED_REDUNDANCY")
	r.Header.Set("Content-Encoding", "aws-chunked")
	r.Header.Set("X-Amz-Decoded-Content-Length", "66560")
	r.Header.Set("Content-Length", "66824")
	r.Header.Set("X-Amz-Content-Sha256", StreamingPayload)
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"+
		"SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,"+
		"Signature="+seed)
	if body.Len() != 66824 {
		t.Fatalf("framed body is %d bytes, want 66824", body.Len())
	}
	v := newTestVerifier(t, mustTime("20130524T000000Z"))
	res, err := v.Verify(r)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if res.Chunked == nil || r.ContentLength != 66560 {
		t.Fatalf("chunked = %v, content length %d", res.Chunked, r.ContentLength)
	}
	got, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if !bytes.Equal(got, bytes.Repeat([]byte("a"), 66560)) {
		t.Errorf("decoded %d bytes, want 66560 'a'", len(got))
	}
}
