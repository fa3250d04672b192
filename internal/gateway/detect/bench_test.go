package detect

import (
	"testing"
)

func BenchmarkDetect(b *testing.B) {
	d := New(testServices(b), Options{})
	cases := []struct {
		name string
		req  request
	}{
		{"signed json", request{"POST", "/", "localhost:4566", hdr("Authorization", sigv4("dynamodb"), "Content-Type", ctJSON0, "X-Amz-Target", "DynamoDB_20120810.ListTables"), ""}},
		{"signed streams", request{"POST", "/", "localhost:4566", hdr("Authorization", sigv4("dynamodb"), "Content-Type", ctJSON0, "X-Amz-Target", "DynamoDBStreams_20120810.ListStreams"), ""}},
		{"signed query", request{"POST", "/", "localhost:4566", hdr("Authorization", sigv4("sts"), "Content-Type", ctForm), ""}},
		{"signed s3 virtual host", request{"GET", "/a/b.txt", "my-bucket.s3.localhost:4566", hdr("Authorization", sigv4("s3")), ""}},
		{"signed apigatewayv2", request{"GET", "/v2/apis", "localhost:4566", hdr("Authorization", sigv4("apigateway")), ""}},
		{"presigned s3", request{"GET", "/my-bucket/k?" + presign("s3"), "localhost:4566", nil, ""}},
		{"unsigned lambda path", request{"GET", "/2015-03-31/functions/", "localhost:4566", nil, ""}},
	}
	for _, c := range cases {
		r := c.req.build()
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := d.Detect(r); !ok {
					b.Fatal("not detected")
				}
			}
		})
	}
}
