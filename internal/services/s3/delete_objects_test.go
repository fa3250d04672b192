package s3

import (
	"fmt"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
)

func TestDeleteObjects(t *testing.T) {
	p, ctx := newTestProvider(t)
	for _, k := range []string{"a", "b", "c"} {
		put(t, p, ctx, k, k)
	}
	ids := func(keys ...string) []s3api.ObjectIdentifier {
		var out []s3api.ObjectIdentifier
		for _, k := range keys {
			out = append(out, s3api.ObjectIdentifier{Key: ptr(k)})
		}
		return out
	}
	var many []string
	for i := range maxDeleteObjects + 1 {
		many = append(many, fmt.Sprint(i))
	}
	for _, tc := range []struct {
		name     string
		del      *s3api.Delete
		err      string
		deleted  int
		errors   int
		leftKeys int
	}{
		{"verbose", &s3api.Delete{Objects: ids("a", "missing")}, "", 2, 0, 2},
		{"quiet", &s3api.Delete{Objects: ids("b"), Quiet: ptr(true)}, "", 0, 0, 1},
		{"bad version", &s3api.Delete{Objects: []s3api.ObjectIdentifier{{Key: ptr("c"), VersionId: ptr("bad")}}, Quiet: ptr(true)}, "", 0, 1, 1},
		{"null version", &s3api.Delete{Objects: []s3api.ObjectIdentifier{{Key: ptr("c"), VersionId: ptr("null")}}}, "", 1, 0, 0},
		{"too many", &s3api.Delete{Objects: ids(many...)}, "MalformedXML", 0, 0, 0},
		{"none", &s3api.Delete{}, "MalformedXML", 0, 0, 0},
	} {
		out, err := p.deleteObjects(ctx, &s3api.DeleteObjectsRequest{Bucket: ptr("bkt"), Delete: tc.del})
		if errCode(err) != tc.err {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
			continue
		}
		if err != nil {
			continue
		}
		if len(out.Deleted) != tc.deleted || len(out.Errors) != tc.errors {
			t.Errorf("%s: %d deleted, %d errors: %+v", tc.name, len(out.Deleted), len(out.Errors), out)
		}
		l, _ := p.listObjectsV2(ctx, &s3api.ListObjectsV2Request{Bucket: ptr("bkt")})
		if len(l.Contents) != tc.leftKeys {
			t.Errorf("%s: %d keys left, want %d", tc.name, len(l.Contents), tc.leftKeys)
		}
	}
	if _, err := p.deleteObjects(ctx, &s3api.DeleteObjectsRequest{Bucket: ptr("nobkt"), Delete: &s3api.Delete{Objects: ids("a")}}); errCode(err) != "NoSuchBucket" {
		t.Errorf("missing bucket: %v", err)
	}

	setVersioning(t, p, ctx, "Enabled")
	v := put(t, p, ctx, "v", "body")
	out, err := p.deleteObjects(ctx, &s3api.DeleteObjectsRequest{Bucket: ptr("bkt"), Delete: &s3api.Delete{Objects: ids("v")}})
	if err != nil || len(out.Deleted) != 1 || !deref2(out.Deleted[0].DeleteMarker) || len(deref(out.Deleted[0].DeleteMarkerVersionId)) != 32 {
		t.Fatalf("versioned delete: %+v %v", out, err)
	}
	marker := *out.Deleted[0].DeleteMarkerVersionId
	out, err = p.deleteObjects(ctx, &s3api.DeleteObjectsRequest{Bucket: ptr("bkt"), Delete: &s3api.Delete{Objects: []s3api.ObjectIdentifier{
		{Key: ptr("v"), VersionId: ptr(marker)}, {Key: ptr("v"), VersionId: v.VersionId}}}})
	if err != nil || len(out.Deleted) != 2 || !deref2(out.Deleted[0].DeleteMarker) || deref(out.Deleted[0].DeleteMarkerVersionId) != marker ||
		deref2(out.Deleted[1].DeleteMarker) || deref(out.Deleted[1].VersionId) != *v.VersionId {
		t.Fatalf("version deletes: %+v %v", out, err)
	}
	if n := blobCount(t, p); n != 0 {
		t.Errorf("%d files left", n)
	}
}
