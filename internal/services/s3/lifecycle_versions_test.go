package s3

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/clock"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage/memory"
)

// TestLifecycleVersionsAndUploads: noncurrent versions expire NoncurrentDays
// after they were superseded (keeping NewerNoncurrentVersions), lone delete
// markers go, and incomplete uploads are aborted DaysAfterInitiation.
func TestLifecycleVersionsAndUploads(t *testing.T) {
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	clk := clock.NewFake(time.Date(2024, 3, 10, 15, 0, 0, 0, time.UTC))
	p := New(service.Deps{Store: st, BlobDir: t.TempDir(), Clock: clk})
	ctx := scope.With(context.Background(), scope.Scope{Account: scope.DefaultAccount, Region: "us-east-1"})
	if _, err := p.createBucket(ctx, &s3api.CreateBucketRequest{Bucket: ptr("bkt")}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.putBucketVersioning(ctx, &s3api.PutBucketVersioningRequest{Bucket: ptr("bkt"),
		VersioningConfiguration: &s3api.VersioningConfiguration{Status: ptr("Enabled")}}); err != nil {
		t.Fatal(err)
	}
	put := func(key, body string) string {
		t.Helper()
		out, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr(key), Body: strings.NewReader(body)})
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute)
		return deref(out.VersionId)
	}
	// doc: three versions; the two older ones are noncurrent from day 10.
	v1, v2 := put("doc", "1"), put("doc", "2")
	put("doc", "3")
	// gone: one object, deleted (a marker), then its object version removed:
	// the marker is left alone.
	gone := put("gone", "x")
	if _, err := p.deleteObject(ctx, &s3api.DeleteObjectRequest{Bucket: ptr("bkt"), Key: ptr("gone")}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.deleteObject(ctx, &s3api.DeleteObjectRequest{Bucket: ptr("bkt"), Key: ptr("gone"), VersionId: &gone}); err != nil {
		t.Fatal(err)
	}
	up, err := p.createMultipartUpload(ctx, &s3api.CreateMultipartUploadRequest{Bucket: ptr("bkt"), Key: ptr("upload")})
	if err != nil {
		t.Fatal(err)
	}
	rules := []s3api.LifecycleRule{{
		ID: ptr("all"), Status: ptr("Enabled"), Filter: &s3api.LifecycleRuleFilter{Prefix: ptr("")},
		NoncurrentVersionExpiration:    &s3api.NoncurrentVersionExpiration{NoncurrentDays: ptr(int64(2)), NewerNoncurrentVersions: ptr(int64(1))},
		Expiration:                     &s3api.LifecycleExpiration{ExpiredObjectDeleteMarker: ptr(true)},
		AbortIncompleteMultipartUpload: &s3api.AbortIncompleteMultipartUpload{DaysAfterInitiation: ptr(int64(3))},
	}}
	if _, err := p.putBucketLifecycleConfiguration(ctx, &s3api.PutBucketLifecycleConfigurationRequest{Bucket: ptr("bkt"),
		LifecycleConfiguration: &s3api.BucketLifecycleConfiguration{Rules: rules}}); err != nil {
		t.Fatal(err)
	}
	versions := func() map[string]int {
		out, err := p.listObjectVersions(ctx, &s3api.ListObjectVersionsRequest{Bucket: ptr("bkt")})
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, v := range out.Versions {
			n[deref(v.Key)]++
		}
		for _, m := range out.DeleteMarkers {
			n[deref(m.Key)+"#marker"]++
		}
		return n
	}
	uploads := func() int {
		out, err := p.listMultipartUploads(ctx, &s3api.ListMultipartUploadsRequest{Bucket: ptr("bkt")})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.Uploads)
	}
	steps := []struct {
		at      time.Time
		doc     int // versions of doc left
		markers int
		uploads int
	}{
		{time.Date(2024, 3, 11, 0, 0, 0, 0, time.UTC), 3, 0, 1}, // the lone marker goes at once
		{time.Date(2024, 3, 12, 23, 0, 0, 0, time.UTC), 3, 0, 1},
		// Two days after becoming noncurrent (rounded to midnight): the
		// oldest goes; one newer noncurrent version is kept.
		{time.Date(2024, 3, 13, 0, 0, 0, 0, time.UTC), 2, 0, 1},
		{time.Date(2024, 3, 14, 0, 0, 0, 0, time.UTC), 2, 0, 0},
	}
	for _, s := range steps {
		clk.Set(s.at)
		if _, err := p.sweepLifecycle(ctx); err != nil {
			t.Fatal(err)
		}
		got := versions()
		if got["doc"] != s.doc || got["gone#marker"] != s.markers || uploads() != s.uploads {
			t.Fatalf("at %v: versions %v, %d uploads; want doc %d, markers %d, uploads %d", s.at, got, uploads(), s.doc, s.markers, s.uploads)
		}
	}
	if _, err := p.headObject(ctx, &s3api.HeadObjectRequest{Bucket: ptr("bkt"), Key: ptr("doc"), VersionId: &v1}); errCode(err) != "NoSuchVersion" {
		t.Errorf("oldest version after expiry: %v", err)
	}
	if _, err := p.headObject(ctx, &s3api.HeadObjectRequest{Bucket: ptr("bkt"), Key: ptr("doc"), VersionId: &v2}); err != nil {
		t.Errorf("kept noncurrent version: %v", err)
	}
	if _, err := p.listParts(ctx, &s3api.ListPartsRequest{Bucket: ptr("bkt"), Key: ptr("upload"), UploadId: up.UploadId}); errCode(err) != "NoSuchUpload" {
		t.Errorf("aborted upload: %v", err)
	}
}
