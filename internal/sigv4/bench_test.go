package sigv4

import (
	"bytes"
	"io"
	"net/http/httptest"
	"testing"
)

func BenchmarkVerify(b *testing.B) {
	b.Run("s3 GET", func(b *testing.B) {
		s := testSigner{akid: s3AKID, secret: s3Secret, region: "us-east-1", service: "s3"}
		r := httptest.NewRequest("GET", "http://localhost:4566/bucket/photos/2026/cat.jpg", nil)
		r.Header.Set("X-Amz-Content-Sha256", EmptySHA256)
		r.Header.Set("User-Agent", "aws-sdk-go-v2/1.30.0 os/linux lang/go#1.26")
		s.sign(r, now, EmptySHA256)
		v := newTestVerifier(b, now)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := v.Verify(r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("dynamodb POST", func(b *testing.B) {
		s := testSigner{akid: s3AKID, secret: s3Secret, region: "us-east-1", service: "dynamodb"}
		body := []byte(`{"TableName":"users","Key":{"id":{"S":"42"}}}`)
		r := httptest.NewRequest("POST", "http://localhost:4566/", nil)
		r.Header.Set("X-Amz-Target", "DynamoDB_20120810.GetItem")
		r.Header.Set("Content-Type", "application/x-amz-json-1.0")
		s.sign(r, now, tHash(body))
		v := newTestVerifier(b, now)
		b.ReportAllocs()
		for b.Loop() {
			r.Body = io.NopCloser(bytes.NewReader(body))
			if _, err := v.Verify(r); err != nil {
				b.Fatal(err)
			}
		}
	})
}
