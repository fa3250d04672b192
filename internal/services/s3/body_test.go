package s3

import (
	"io"
	"strings"
	"testing"
)

func TestDecodedBody(t *testing.T) {
	for _, tc := range []struct {
		name, body, encoding, want, wantEnc string
		wantErr                             bool
	}{
		{"identity", "abc", "", "abc", "", false},
		{"gzip kept", "abc", "gzip", "abc", "gzip", false},
		{"unsigned chunks", chunked("hello", 2), "aws-chunked", "hello", "", false},
		{"signed chunks", "3;chunk-signature=00\r\nabc\r\n0;chunk-signature=00\r\n\r\n", "aws-chunked", "abc", "", false},
		{"chunked and gzip", chunked("x", 1), "gzip, aws-chunked", "x", "gzip", false},
		{"truncated", "5\r\nab", "aws-chunked", "", "", true},
	} {
		r, enc, err := decodedBody(strings.NewReader(tc.body), tc.encoding)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, err := io.ReadAll(r)
		if (err != nil) != tc.wantErr {
			t.Errorf("%s: read error %v", tc.name, err)
			continue
		}
		if !tc.wantErr && (string(got) != tc.want || enc != tc.wantEnc) {
			t.Errorf("%s: got %q, encoding %q", tc.name, got, enc)
		}
	}
}

func FuzzDecodedBody(f *testing.F) {
	f.Add(chunked("hello world", 3), "aws-chunked")
	f.Add("3;chunk-signature=00\r\nabc\r\n0;chunk-signature=00\r\n\r\n", "aws-chunked")
	f.Add("plain", "")
	f.Add("ffffffffffffffff\r\n", "aws-chunked,gzip")
	f.Fuzz(func(t *testing.T, body, encoding string) {
		r, _, err := decodedBody(strings.NewReader(body), encoding)
		if err != nil {
			return
		}
		n, err := io.Copy(io.Discard, r)
		if err != nil {
			_ = bodyError(err)
			return
		}
		if n > int64(len(body)) {
			t.Fatalf("decoded %d bytes from %d", n, len(body))
		}
	})
}
