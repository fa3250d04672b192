package s3

import (
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
)

func TestParseCopySource(t *testing.T) {
	for _, tc := range []struct {
		in, bucket, key, version string
		err                      bool
	}{
		{in: "src/k", bucket: "src", key: "k"},
		{in: "/src/dir/a%20b", bucket: "src", key: "dir/a b"},
		{in: "src/k%3Fq?versionId=abc", bucket: "src", key: "k?q", version: "abc"},
		{in: "src/k?other=1", bucket: "src", key: "k"},
		{in: "src", err: true},
		{in: "/src/", err: true},
		{in: "src/%zz", err: true},
		{in: "", err: true},
	} {
		src, err := parseCopySource(tc.in)
		if (err != nil) != tc.err || err == nil && (src.bucket != tc.bucket || src.key != tc.key || deref(src.versionID) != tc.version) {
			t.Errorf("%q: %+v %v", tc.in, src, err)
		}
	}
}

func FuzzParseCopySource(f *testing.F) {
	for _, s := range []string{"a/b", "/a/b?versionId=x", "%", "a/%2F?versionId", "?"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		src, err := parseCopySource(h)
		if err == nil && (src.bucket == "" || src.key == "") {
			t.Fatalf("%q parsed to %+v", h, src)
		}
	})
}

func TestCopyObject(t *testing.T) {
	p, ctx := newTestProvider(t)
	if _, err := p.createBucket(ctx, &s3api.CreateBucketRequest{Bucket: ptr("dst")}); err != nil {
		t.Fatal(err)
	}
	src, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("src"), Body: strings.NewReader("source body"),
		ContentType: ptr("text/plain"), Metadata: map[string]string{"a": "1"}, Tagging: ptr("t=1&u=2"),
		ChecksumAlgorithm: ptr("SHA256"), ChecksumSHA256: nil})
	if err != nil {
		t.Fatal(err)
	}
	past, future := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	for _, tc := range []struct {
		name     string
		in       s3api.CopyObjectRequest
		err      string
		wantType string
		wantMeta string
		wantTags int
	}{
		{name: "across buckets", in: s3api.CopyObjectRequest{Bucket: ptr("dst"), Key: ptr("c1"), CopySource: ptr("bkt/src")},
			wantType: "text/plain", wantMeta: "1", wantTags: 2},
		{name: "leading slash", in: s3api.CopyObjectRequest{Key: ptr("c2"), CopySource: ptr("/bkt/src")},
			wantType: "text/plain", wantMeta: "1", wantTags: 2},
		{name: "replace", in: s3api.CopyObjectRequest{Key: ptr("c3"), CopySource: ptr("bkt/src"), MetadataDirective: ptr("REPLACE"),
			ContentType: ptr("x/y"), Metadata: map[string]string{"a": "2"}, TaggingDirective: ptr("REPLACE"), Tagging: ptr("z=9")},
			wantType: "x/y", wantMeta: "2", wantTags: 1},
		{name: "replace without headers", in: s3api.CopyObjectRequest{Key: ptr("c4"), CopySource: ptr("bkt/src"), MetadataDirective: ptr("REPLACE"),
			TaggingDirective: ptr("REPLACE")}, wantType: "binary/octet-stream"},
		{name: "if-match", in: s3api.CopyObjectRequest{Key: ptr("c5"), CopySource: ptr("bkt/src"), CopySourceIfMatch: src.ETag},
			wantType: "text/plain", wantMeta: "1", wantTags: 2},
		{name: "if-match fails", in: s3api.CopyObjectRequest{Key: ptr("c"), CopySource: ptr("bkt/src"), CopySourceIfMatch: ptr(`"x"`)}, err: "PreconditionFailed"},
		{name: "if-none-match fails", in: s3api.CopyObjectRequest{Key: ptr("c"), CopySource: ptr("bkt/src"), CopySourceIfNoneMatch: src.ETag}, err: "PreconditionFailed"},
		{name: "if-modified-since fails", in: s3api.CopyObjectRequest{Key: ptr("c"), CopySource: ptr("bkt/src"), CopySourceIfModifiedSince: &future}, err: "PreconditionFailed"},
		{name: "if-unmodified-since fails", in: s3api.CopyObjectRequest{Key: ptr("c"), CopySource: ptr("bkt/src"), CopySourceIfUnmodifiedSince: &past}, err: "PreconditionFailed"},
		{name: "onto itself", in: s3api.CopyObjectRequest{Key: ptr("src"), CopySource: ptr("bkt/src")}, err: "InvalidRequest"},
		{name: "onto itself replacing", in: s3api.CopyObjectRequest{Key: ptr("src"), CopySource: ptr("bkt/src"), MetadataDirective: ptr("REPLACE"),
			ContentType: ptr("a/b")}, wantType: "a/b", wantTags: 2},
		{name: "missing source", in: s3api.CopyObjectRequest{Key: ptr("c"), CopySource: ptr("bkt/none")}, err: "NoSuchKey"},
		{name: "missing source bucket", in: s3api.CopyObjectRequest{Key: ptr("c"), CopySource: ptr("nobkt/src")}, err: "NoSuchBucket"},
		{name: "missing dest bucket", in: s3api.CopyObjectRequest{Bucket: ptr("nobkt"), Key: ptr("c"), CopySource: ptr("bkt/src")}, err: "NoSuchBucket"},
		{name: "bad source", in: s3api.CopyObjectRequest{Key: ptr("c"), CopySource: ptr("bkt")}, err: "InvalidArgument"},
		{name: "bad directive", in: s3api.CopyObjectRequest{Key: ptr("c"), CopySource: ptr("bkt/src"), MetadataDirective: ptr("MOVE")}, err: "InvalidArgument"},
		{name: "bad tags", in: s3api.CopyObjectRequest{Key: ptr("c"), CopySource: ptr("bkt/src"), TaggingDirective: ptr("REPLACE"), Tagging: ptr("aws:x=1")}, err: "InvalidTag"},
		{name: "bad version", in: s3api.CopyObjectRequest{Key: ptr("c"), CopySource: ptr("bkt/src?versionId=zz")}, err: "InvalidArgument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if in.Bucket == nil {
				in.Bucket = ptr("bkt")
			}
			out, err := p.copyObject(ctx, &in)
			if errCode(err) != tc.err {
				t.Fatalf("error %v, want %q", err, tc.err)
			}
			if err != nil {
				return
			}
			if *out.CopyObjectResult.ETag != *src.ETag || out.CopyObjectResult.ChecksumSHA256 == nil ||
				*out.CopyObjectResult.ChecksumSHA256 != *src.ChecksumSHA256 {
				t.Errorf("result %+v", out.CopyObjectResult)
			}
			get, err := p.getObject(ctx, &s3api.GetObjectRequest{Bucket: in.Bucket, Key: in.Key})
			if err != nil {
				t.Fatal(err)
			}
			_ = get.Body.(interface{ Close() error }).Close()
			if deref(get.ContentType) != tc.wantType || get.Metadata["a"] != tc.wantMeta || int(deref3(get.TagCount)) != tc.wantTags {
				t.Errorf("copy has type %q meta %v tags %v", deref(get.ContentType), get.Metadata, deref3(get.TagCount))
			}
		})
	}
	// The copies own their bodies: deleting the source leaves them whole.
	if _, err := p.deleteObject(ctx, &s3api.DeleteObjectRequest{Bucket: ptr("bkt"), Key: ptr("src")}); err != nil {
		t.Fatal(err)
	}
	if body, _, err := read(p, ctx, "c2", nil); err != nil || body != "source body" {
		t.Errorf("copy after the source's delete: %q %v", body, err)
	}
}

func deref3(n *int64) int64 {
	if n == nil {
		return 0
	}
	return *n
}

func TestCopyVersions(t *testing.T) {
	p, ctx := newTestProvider(t)
	setVersioning(t, p, ctx, "Enabled")
	v1 := put(t, p, ctx, "k", "one")
	put(t, p, ctx, "k", "two")
	out, err := p.copyObject(ctx, &s3api.CopyObjectRequest{Bucket: ptr("bkt"), Key: ptr("k"), CopySource: ptr("bkt/k?versionId=" + *v1.VersionId)})
	if err != nil {
		t.Fatal(err)
	}
	if deref(out.CopySourceVersionId) != *v1.VersionId || len(deref(out.VersionId)) != 32 {
		t.Errorf("copy versions: source %q new %q", deref(out.CopySourceVersionId), deref(out.VersionId))
	}
	if body, _, _ := read(p, ctx, "k", nil); body != "one" {
		t.Errorf("restored version reads %q", body)
	}
	del, _ := p.deleteObject(ctx, &s3api.DeleteObjectRequest{Bucket: ptr("bkt"), Key: ptr("k")})
	for _, tc := range []struct {
		src, err string
	}{
		{"bkt/k", "NoSuchKey"},
		{"bkt/k?versionId=" + *del.VersionId, "InvalidRequest"},
		{"bkt/k?versionId=" + *v1.VersionId, ""},
	} {
		if _, err := p.copyObject(ctx, &s3api.CopyObjectRequest{Bucket: ptr("bkt"), Key: ptr("c"), CopySource: ptr(tc.src)}); errCode(err) != tc.err {
			t.Errorf("copy from %s: %v, want %q", tc.src, err, tc.err)
		}
	}
}
