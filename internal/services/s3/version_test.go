package s3

import (
	"context"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
)

func setVersioning(t *testing.T, p *Provider, ctx context.Context, status string) {
	t.Helper()
	if _, err := p.putBucketVersioning(ctx, &s3api.PutBucketVersioningRequest{Bucket: ptr("bkt"),
		VersioningConfiguration: &s3api.VersioningConfiguration{Status: ptr(status)}}); err != nil {
		t.Fatal(err)
	}
}

func put(t *testing.T, p *Provider, ctx context.Context, key, body string) *s3api.PutObjectOutput {
	t.Helper()
	out, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr(key), Body: strings.NewReader(body)})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// read returns the body of bucket bkt's key (at version id when set), or
// the error code.
func read(p *Provider, ctx context.Context, key string, id *string) (string, *s3api.GetObjectOutput, error) {
	out, err := p.getObject(ctx, &s3api.GetObjectRequest{Bucket: ptr("bkt"), Key: ptr(key), VersionId: id})
	if err != nil {
		return "", nil, err
	}
	b, _ := io.ReadAll(out.Body)
	_ = out.Body.(io.Closer).Close()
	return string(b), out, nil
}

func blobCount(t *testing.T, p *Provider) int {
	t.Helper()
	files, err := os.ReadDir(p.blobDir)
	if err != nil {
		t.Fatal(err)
	}
	return len(files)
}

func TestBucketVersioningConfig(t *testing.T) {
	p, ctx := newTestProvider(t)
	got, err := p.getBucketVersioning(ctx, &s3api.GetBucketVersioningRequest{Bucket: ptr("bkt")})
	if err != nil || got.Status != nil || got.MFADelete != nil {
		t.Fatalf("never versioned: %+v %v", got, err)
	}
	for _, tc := range []struct {
		name string
		cfg  *s3api.VersioningConfiguration
		mfa  *string
		err  string
		want string
	}{
		{"enable", &s3api.VersioningConfiguration{Status: ptr("Enabled")}, nil, "", "Enabled"},
		{"suspend", &s3api.VersioningConfiguration{Status: ptr("Suspended")}, nil, "", "Suspended"},
		{"bad status", &s3api.VersioningConfiguration{Status: ptr("Off")}, nil, "MalformedXML", "Suspended"},
		{"no config", nil, nil, "MalformedXML", "Suspended"},
		{"mfa without code", &s3api.VersioningConfiguration{Status: ptr("Enabled"), MFADelete: ptr("Enabled")}, nil, "AccessDenied", "Suspended"},
		{"mfa disabled", &s3api.VersioningConfiguration{Status: ptr("Enabled"), MFADelete: ptr("Disabled")}, nil, "", "Enabled"},
	} {
		_, err := p.putBucketVersioning(ctx, &s3api.PutBucketVersioningRequest{Bucket: ptr("bkt"), VersioningConfiguration: tc.cfg, MFA: tc.mfa})
		if errCode(err) != tc.err {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
		}
		got, err := p.getBucketVersioning(ctx, &s3api.GetBucketVersioningRequest{Bucket: ptr("bkt")})
		if err != nil || deref(got.Status) != tc.want {
			t.Errorf("%s: status %q %v, want %q", tc.name, deref(got.Status), err, tc.want)
		}
	}
	if _, err := p.getBucketVersioning(ctx, &s3api.GetBucketVersioningRequest{Bucket: ptr("nobkt")}); errCode(err) != "NoSuchBucket" {
		t.Errorf("missing bucket: %v", err)
	}
}

func TestVersionedObjects(t *testing.T) {
	p, ctx := newTestProvider(t)
	p.maxInline = -1 // bodies in files, which this test counts
	if out := put(t, p, ctx, "k", "v0"); out.VersionId != nil {
		t.Errorf("unversioned PUT answered version %q", *out.VersionId)
	}
	setVersioning(t, p, ctx, "Enabled")
	var ids []string
	for _, body := range []string{"v1", "v2", "v3"} {
		out := put(t, p, ctx, "k", body)
		if len(deref(out.VersionId)) != 32 {
			t.Fatalf("version id %q", deref(out.VersionId))
		}
		ids = append(ids, *out.VersionId)
	}
	if !slices.IsSorted([]string{ids[2], ids[1], ids[0]}) {
		t.Errorf("version ids do not sort newest first: %v", ids)
	}
	for _, tc := range []struct {
		name, key string
		id        *string
		body, err string
		header    string // x-amz-version-id answered
	}{
		{"latest", "k", nil, "v3", "", ids[2]},
		{"first", "k", &ids[0], "v1", "", ids[0]},
		{"null", "k", ptr("null"), "v0", "", "null"},
		{"malformed", "k", ptr("nope"), "", "InvalidArgument", ""},
		{"empty", "k", ptr(""), "", "InvalidArgument", ""},
		{"unknown", "k", ptr("0000000000000000AAAAAAAAAAAAAAAA"), "", "NoSuchVersion", ""},
		{"other key", "x", &ids[0], "", "NoSuchVersion", ""},
	} {
		body, out, err := read(p, ctx, tc.key, tc.id)
		if errCode(err) != tc.err || body != tc.body {
			t.Errorf("%s: %q %v, want %q %q", tc.name, body, err, tc.body, tc.err)
			continue
		}
		if err == nil && deref(out.VersionId) != tc.header {
			t.Errorf("%s: version header %q, want %q", tc.name, deref(out.VersionId), tc.header)
		}
	}
	if n := blobCount(t, p); n != 4 {
		t.Errorf("%d blob files for 4 versions", n)
	}

	del, err := p.deleteObject(ctx, &s3api.DeleteObjectRequest{Bucket: ptr("bkt"), Key: ptr("k")})
	if err != nil || !deref2(del.DeleteMarker) || len(deref(del.VersionId)) != 32 {
		t.Fatalf("delete: %+v %v", del, err)
	}
	marker := *del.VersionId
	_, _, err = read(p, ctx, "k", nil)
	if ae := awserr.From(err); errCode(err) != "NoSuchKey" || ae.Headers.Get("X-Amz-Delete-Marker") != "true" ||
		ae.Headers.Get("X-Amz-Version-Id") != marker {
		t.Errorf("GET after delete: %v %v", err, ae.Headers)
	}
	if _, err := p.headObject(ctx, &s3api.HeadObjectRequest{Bucket: ptr("bkt"), Key: ptr("k")}); errCode(err) != "NoSuchKey" {
		t.Errorf("HEAD after delete: %v", err)
	}
	_, _, err = read(p, ctx, "k", &marker)
	if ae := awserr.From(err); errCode(err) != "MethodNotAllowed" || ae.Status != http.StatusMethodNotAllowed ||
		ae.Headers.Get("X-Amz-Delete-Marker") != "true" {
		t.Errorf("GET of the marker: %v", err)
	}
	if l, _ := p.listObjectsV2(ctx, &s3api.ListObjectsV2Request{Bucket: ptr("bkt")}); len(l.Contents) != 0 {
		t.Errorf("deleted key listed: %+v", l.Contents)
	}
	if _, err := p.deleteBucket(ctx, &s3api.DeleteBucketRequest{Bucket: ptr("bkt")}); errCode(err) != "BucketNotEmpty" {
		t.Errorf("delete of a bucket with versions: %v", err)
	}

	// Removing the marker brings v3 back; removing v3 makes v2 current.
	for _, tc := range []struct {
		id, body string
		marker   bool
		files    int
	}{
		{marker, "v3", true, 4},
		{ids[2], "v2", false, 3},
		{ids[1], "v1", false, 2},
		{"null", "v1", false, 1},
		{"0000000000000000AAAAAAAAAAAAAAAA", "v1", false, 1},
	} {
		out, err := p.deleteObject(ctx, &s3api.DeleteObjectRequest{Bucket: ptr("bkt"), Key: ptr("k"), VersionId: ptr(tc.id)})
		if err != nil || deref(out.VersionId) != tc.id || deref2(out.DeleteMarker) != tc.marker {
			t.Fatalf("delete %s: %+v %v", tc.id, out, err)
		}
		if body, _, err := read(p, ctx, "k", nil); err != nil || body != tc.body {
			t.Errorf("after deleting %s: %q %v, want %q", tc.id, body, err, tc.body)
		}
		if n := blobCount(t, p); n != tc.files {
			t.Errorf("after deleting %s: %d files, want %d", tc.id, n, tc.files)
		}
	}
	if _, err := p.deleteObject(ctx, &s3api.DeleteObjectRequest{Bucket: ptr("bkt"), Key: ptr("k"), VersionId: ptr("bad")}); errCode(err) != "InvalidArgument" {
		t.Errorf("delete of a malformed version: %v", err)
	}
	if _, err := p.deleteObject(ctx, &s3api.DeleteObjectRequest{Bucket: ptr("bkt"), Key: ptr("k"), VersionId: ptr(ids[0])}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.deleteBucket(ctx, &s3api.DeleteBucketRequest{Bucket: ptr("bkt")}); err != nil {
		t.Errorf("delete of an emptied bucket: %v", err)
	}
}

func deref2(b *bool) bool { return b != nil && *b }

func TestSuspendedVersioning(t *testing.T) {
	p, ctx := newTestProvider(t)
	p.maxInline = -1 // bodies in files, which this test counts
	put(t, p, ctx, "k", "a")
	setVersioning(t, p, ctx, "Enabled")
	b := put(t, p, ctx, "k", "b")
	setVersioning(t, p, ctx, "Suspended")
	if out := put(t, p, ctx, "k", "c"); deref(out.VersionId) != "null" {
		t.Errorf("suspended PUT version %q", deref(out.VersionId))
	}
	if n := blobCount(t, p); n != 2 {
		t.Errorf("%d files: the null version was not replaced", n)
	}
	del, err := p.deleteObject(ctx, &s3api.DeleteObjectRequest{Bucket: ptr("bkt"), Key: ptr("k")})
	if err != nil || deref(del.VersionId) != "null" || !deref2(del.DeleteMarker) {
		t.Fatalf("suspended delete: %+v %v", del, err)
	}
	if n := blobCount(t, p); n != 1 {
		t.Errorf("%d files after the null version became a marker", n)
	}
	got := versionsOfKey(t, p, ctx, "")
	want := []string{"k null marker latest", "k " + *b.VersionId + " b"}
	if !slices.Equal(got, want) {
		t.Errorf("versions %v, want %v", got, want)
	}
}

// versionsOfKey lists every version of bucket bkt under prefix, page by
// page with max-keys 1, as "key id [marker] [latest]" ("b" for a body's
// first byte).
func versionsOfKey(t *testing.T, p *Provider, ctx context.Context, prefix string) []string {
	t.Helper()
	var out []string
	in := &s3api.ListObjectVersionsRequest{Bucket: ptr("bkt"), Prefix: ptr(prefix), MaxKeys: ptr(int64(1))}
	for range 100 {
		res, err := p.listObjectVersions(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range res.Versions {
			s := *v.Key + " " + *v.VersionId
			if body, _, err := read(p, ctx, *v.Key, v.VersionId); err == nil {
				s += " " + body
			}
			if *v.IsLatest {
				s += " latest"
			}
			out = append(out, s)
		}
		for _, m := range res.DeleteMarkers {
			s := *m.Key + " " + *m.VersionId + " marker"
			if *m.IsLatest {
				s += " latest"
			}
			out = append(out, s)
		}
		if !*res.IsTruncated {
			return out
		}
		in.KeyMarker, in.VersionIdMarker = res.NextKeyMarker, res.NextVersionIdMarker
	}
	t.Fatal("listing does not end")
	return nil
}

func TestListObjectVersions(t *testing.T) {
	p, ctx := newTestProvider(t)
	setVersioning(t, p, ctx, "Enabled")
	type entry struct{ key, id, kind string }
	var all []entry
	for _, k := range []string{"a/1", "a/2", "b", "c/x/y", "d"} {
		for i := range 3 {
			out := put(t, p, ctx, k, k+string(rune('0'+i)))
			all = append(all, entry{k, *out.VersionId, "v"})
		}
	}
	del, err := p.deleteObject(ctx, &s3api.DeleteObjectRequest{Bucket: ptr("bkt"), Key: ptr("b")})
	if err != nil {
		t.Fatal(err)
	}
	full, err := p.listObjectVersions(ctx, &s3api.ListObjectVersionsRequest{Bucket: ptr("bkt")})
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Versions) != 15 || len(full.DeleteMarkers) != 1 || *full.DeleteMarkers[0].VersionId != *del.VersionId ||
		!*full.DeleteMarkers[0].IsLatest {
		t.Fatalf("full listing: %d versions %d markers", len(full.Versions), len(full.DeleteMarkers))
	}
	for i, v := range full.Versions {
		want := all[i/3*3+2-i%3] // each key's versions newest first
		if *v.Key != want.key || *v.VersionId != want.id || *v.IsLatest != (i%3 == 0 && want.key != "b") {
			t.Errorf("version %d: %s %s latest=%v, want %s %s", i, *v.Key, *v.VersionId, *v.IsLatest, want.key, want.id)
		}
	}
	paged := versionsOfKey(t, p, ctx, "")
	if len(paged) != 16 || !strings.HasSuffix(paged[0], "a/12 latest") || !strings.HasSuffix(paged[6], "marker latest") {
		t.Errorf("paged listing: %v", paged)
	}
	for _, tc := range []struct {
		name string
		in   s3api.ListObjectVersionsRequest
		want []string // keys and common prefixes ("P:") in order
		err  string
	}{
		{"delimiter", s3api.ListObjectVersionsRequest{Delimiter: ptr("/")}, []string{"P:a/", "b", "b", "b", "b", "P:c/", "d", "d", "d"}, ""},
		{"prefix", s3api.ListObjectVersionsRequest{Prefix: ptr("c/"), Delimiter: ptr("/")}, []string{"P:c/x/"}, ""},
		{"key marker", s3api.ListObjectVersionsRequest{KeyMarker: ptr("b")}, []string{"c/x/y", "c/x/y", "c/x/y", "d", "d", "d"}, ""},
		{"prefix marker", s3api.ListObjectVersionsRequest{KeyMarker: ptr("a/"), Delimiter: ptr("/")}, []string{"b", "b", "b", "b", "P:c/", "d", "d", "d"}, ""},
		{"version marker", s3api.ListObjectVersionsRequest{KeyMarker: ptr("d"), VersionIdMarker: ptr(all[13].id)}, []string{"d"}, ""},
		{"lone version marker", s3api.ListObjectVersionsRequest{VersionIdMarker: ptr(all[13].id)}, nil, "InvalidArgument"},
		{"bad version marker", s3api.ListObjectVersionsRequest{KeyMarker: ptr("d"), VersionIdMarker: ptr("x")}, nil, "InvalidArgument"},
		{"bad encoding", s3api.ListObjectVersionsRequest{EncodingType: ptr("x")}, nil, "InvalidArgument"},
		{"no bucket", s3api.ListObjectVersionsRequest{Bucket: ptr("nobkt")}, nil, "NoSuchBucket"},
	} {
		in := tc.in
		if in.Bucket == nil {
			in.Bucket = ptr("bkt")
		}
		res, err := p.listObjectVersions(ctx, &in)
		if errCode(err) != tc.err {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.err)
			continue
		}
		if err != nil {
			continue
		}
		var got []string
		for _, v := range res.Versions {
			got = append(got, *v.Key)
		}
		for _, m := range res.DeleteMarkers {
			got = append(got, *m.Key)
		}
		for _, cp := range res.CommonPrefixes {
			got = append(got, "P:"+*cp.Prefix)
		}
		slices.SortStableFunc(got, func(a, b string) int {
			return strings.Compare(strings.TrimPrefix(a, "P:"), strings.TrimPrefix(b, "P:"))
		})
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func FuzzVersionID(f *testing.F) {
	for _, s := range []string{"null", "0123456789abcdefABCDEFGHIJKLMNOP", "", "zz", "0123456789ABCDEFABCDEFGHIJKLMNOP"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		seq, null, ok := parseVersionID(id)
		if !ok || null {
			return
		}
		p := &Provider{}
		again := p.versionID(seq)
		if again[:16] != id[:16] {
			t.Fatalf("seq of %q does not round-trip: %q", id, again)
		}
	})
}
