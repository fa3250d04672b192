package s3

import (
	"bytes"
	"io"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
)

// TestInlineBodies: bodies up to maxInline live in their records and no
// file; larger ones in files. Reads, ranges, copies and overwrites work
// the same either way, and an overwrite across the boundary leaves no
// file behind.
func TestInlineBodies(t *testing.T) {
	p, ctx := newTestProvider(t)
	get := func(key string, rng *string) []byte {
		t.Helper()
		out, err := p.getObject(ctx, &s3api.GetObjectRequest{Bucket: ptr("bkt"), Key: ptr(key), Range: rng})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(out.Body)
		_ = out.Body.(io.Closer).Close()
		return b
	}
	for _, tc := range []struct {
		name  string
		size  int
		files int
	}{
		{"empty", 0, 0},
		{"one byte", 1, 0},
		{"largest inline", maxInline, 0},
		{"smallest in a file", maxInline + 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := fill(tc.size, 3)
			if _, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("k"), Body: bytes.NewReader(body)}); err != nil {
				t.Fatal(err)
			}
			if n, _ := dirFiles(p.blobDir); n != tc.files {
				t.Errorf("%d files, want %d", n, tc.files)
			}
			if got := get("k", nil); !bytes.Equal(got, body) {
				t.Errorf("GET = %d bytes, want %d", len(got), len(body))
			}
			if tc.size > 2 {
				if got := get("k", ptr("bytes=1-2")); !bytes.Equal(got, body[1:3]) {
					t.Errorf("range GET = %v, want %v", got, body[1:3])
				}
			}
			if _, err := p.copyObject(ctx, &s3api.CopyObjectRequest{Bucket: ptr("bkt"), Key: ptr("copy"), CopySource: ptr("bkt/k")}); err != nil {
				t.Fatal(err)
			}
			if got := get("copy", nil); !bytes.Equal(got, body) {
				t.Errorf("copy = %d bytes, want %d", len(got), len(body))
			}
			for _, k := range []string{"k", "copy"} {
				if _, err := p.deleteObject(ctx, &s3api.DeleteObjectRequest{Bucket: ptr("bkt"), Key: ptr(k)}); err != nil {
					t.Fatal(err)
				}
			}
			if n, _ := dirFiles(p.blobDir); n != 0 {
				t.Errorf("%d files after deleting both objects", n)
			}
		})
	}
	// Overwrites across the boundary, both ways.
	for _, size := range []int{maxInline + 100, 10, maxInline + 1, 0} {
		if _, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("flip"), Body: bytes.NewReader(fill(size, 9))}); err != nil {
			t.Fatal(err)
		}
		want := 0
		if size > maxInline {
			want = 1
		}
		if n, _ := dirFiles(p.blobDir); n != want {
			t.Errorf("after a %d-byte overwrite: %d files, want %d", size, n, want)
		}
		if got := get("flip", nil); !bytes.Equal(got, fill(size, 9)) {
			t.Errorf("after a %d-byte overwrite: GET = %d bytes", size, len(got))
		}
	}
}
