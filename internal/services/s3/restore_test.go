package s3

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/clock"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage"
	"github.com/unkai-cloud/unkai/internal/storage/memory"
)

// restoreEpoch is the fake clock's start in the restore tests.
var restoreEpoch = time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC)

// newClassProvider returns a provider over st on a fake clock with a
// bucket "bkt" (versioned when versioned is set).
func newClassProvider(t *testing.T, st storage.Store, versioned bool) (*Provider, *clock.Fake, context.Context) {
	t.Helper()
	clk := clock.NewFake(restoreEpoch)
	p := New(service.Deps{Store: st, BlobDir: t.TempDir(), Clock: clk})
	ctx := scope.With(context.Background(), scope.Scope{Account: scope.DefaultAccount, Region: "us-east-1"})
	if _, err := p.createBucket(ctx, &s3api.CreateBucketRequest{Bucket: ptr("bkt")}); err != nil && errCode(err) != "BucketAlreadyOwnedByYou" {
		t.Fatal(err)
	}
	if versioned {
		if _, err := p.putBucketVersioning(ctx, &s3api.PutBucketVersioningRequest{Bucket: ptr("bkt"),
			VersioningConfiguration: &s3api.VersioningConfiguration{Status: ptr("Enabled")}}); err != nil {
			t.Fatal(err)
		}
	}
	return p, clk, ctx
}

func putClass(t *testing.T, p *Provider, ctx context.Context, key, class, body string) *s3api.PutObjectOutput {
	t.Helper()
	in := &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr(key), Body: strings.NewReader(body)}
	if class != "" {
		in.StorageClass = ptr(class)
	}
	out, err := p.putObject(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func restoreReq(key string, days int64, tier string) *s3api.RestoreObjectRequest {
	req := &s3api.RestoreRequest{Days: ptr(days)}
	if tier != "" {
		req.GlacierJobParameters = &s3api.GlacierJobParameters{Tier: ptr(tier)}
	}
	return &s3api.RestoreObjectRequest{Bucket: ptr("bkt"), Key: ptr(key), RestoreRequest: req}
}

func TestStorageClassParam(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{"", "", ""}, {"STANDARD", "", ""}, {"GLACIER", "GLACIER", ""}, {"DEEP_ARCHIVE", "DEEP_ARCHIVE", ""},
		{"GLACIER_IR", "GLACIER_IR", ""}, {"STANDARD_IA", "STANDARD_IA", ""}, {"ONEZONE_IA", "ONEZONE_IA", ""},
		{"INTELLIGENT_TIERING", "INTELLIGENT_TIERING", ""}, {"REDUCED_REDUNDANCY", "REDUCED_REDUNDANCY", ""},
		{"OUTPOSTS", "", "InvalidStorageClass"}, {"EXPRESS_ONEZONE", "", "InvalidStorageClass"},
		{"SNOW", "", "InvalidStorageClass"}, {"glacier", "", "InvalidStorageClass"},
	} {
		var h *string
		if tc.in != "" {
			h = ptr(tc.in)
		}
		got, err := storageClassParam(h)
		if got != tc.want || errCode(err) != tc.err {
			t.Errorf("%q: %q, %v; want %q, %s", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestTransitionAllowed(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		want     bool
	}{
		{"", "STANDARD_IA", true}, {"", "GLACIER", true}, {"", "DEEP_ARCHIVE", true},
		{"STANDARD_IA", "INTELLIGENT_TIERING", true}, {"STANDARD_IA", "ONEZONE_IA", true},
		{"INTELLIGENT_TIERING", "STANDARD_IA", false}, {"INTELLIGENT_TIERING", "ONEZONE_IA", true},
		{"ONEZONE_IA", "GLACIER_IR", false}, {"ONEZONE_IA", "GLACIER", true},
		{"GLACIER", "DEEP_ARCHIVE", true}, {"GLACIER", "STANDARD_IA", false}, {"DEEP_ARCHIVE", "GLACIER", false},
		{"GLACIER", "GLACIER", false}, {"REDUCED_REDUNDANCY", "GLACIER_IR", true}, {"", "REDUCED_REDUNDANCY", false},
	} {
		if got := transitionAllowed(tc.from, tc.to); got != tc.want {
			t.Errorf("%q → %q: %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
}

// TestStorageClassWrites: the class is stored by PUT, copy and multipart
// uploads, reported by HEAD (not for STANDARD), listings and attributes,
// and refused when unknown.
func TestStorageClassWrites(t *testing.T) {
	p, _, ctx := newClassProvider(t, memory.New(), false)
	putClass(t, p, ctx, "std", "STANDARD", "s")
	putClass(t, p, ctx, "ia", "STANDARD_IA", "i")
	putClass(t, p, ctx, "gir", "GLACIER_IR", "g")
	if _, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("x"), StorageClass: ptr("OUTPOSTS"),
		Body: strings.NewReader("x")}); errCode(err) != "InvalidStorageClass" {
		t.Errorf("OUTPOSTS put: %v", err)
	}
	if _, err := p.createMultipartUpload(ctx, &s3api.CreateMultipartUploadRequest{Bucket: ptr("bkt"), Key: ptr("x"),
		StorageClass: ptr("SNOW")}); errCode(err) != "InvalidStorageClass" {
		t.Errorf("SNOW upload: %v", err)
	}
	if _, err := p.copyObject(ctx, &s3api.CopyObjectRequest{Bucket: ptr("bkt"), Key: ptr("x"), CopySource: ptr("bkt/std"),
		StorageClass: ptr("EXPRESS_ONEZONE")}); errCode(err) != "InvalidStorageClass" {
		t.Errorf("EXPRESS_ONEZONE copy: %v", err)
	}
	// Copying an object onto itself with only a new class is allowed.
	if _, err := p.copyObject(ctx, &s3api.CopyObjectRequest{Bucket: ptr("bkt"), Key: ptr("std"), CopySource: ptr("bkt/std"),
		StorageClass: ptr("ONEZONE_IA")}); err != nil {
		t.Fatalf("self copy with a class: %v", err)
	}
	up, err := p.createMultipartUpload(ctx, &s3api.CreateMultipartUploadRequest{Bucket: ptr("bkt"), Key: ptr("mpu"),
		StorageClass: ptr("DEEP_ARCHIVE")})
	if err != nil {
		t.Fatal(err)
	}
	parts, err := p.listParts(ctx, &s3api.ListPartsRequest{Bucket: ptr("bkt"), Key: ptr("mpu"), UploadId: up.UploadId})
	if err != nil || deref(parts.StorageClass) != "DEEP_ARCHIVE" {
		t.Errorf("ListParts class %v (%v)", deref(parts.StorageClass), err)
	}
	want := map[string]string{"std": "ONEZONE_IA", "ia": "STANDARD_IA", "gir": "GLACIER_IR"}
	for key, class := range want {
		h, err := p.headObject(ctx, &s3api.HeadObjectRequest{Bucket: ptr("bkt"), Key: ptr(key)})
		if err != nil || deref(h.StorageClass) != class {
			t.Errorf("HEAD %s: class %q (%v), want %s", key, deref(h.StorageClass), err, class)
		}
	}
	putClass(t, p, ctx, "plain", "", "p")
	if h, _ := p.headObject(ctx, &s3api.HeadObjectRequest{Bucket: ptr("bkt"), Key: ptr("plain")}); h.StorageClass != nil {
		t.Errorf("STANDARD object has x-amz-storage-class %q", *h.StorageClass)
	}
	want["plain"] = "STANDARD"
	list, err := p.listObjectsV2(ctx, &s3api.ListObjectsV2Request{Bucket: ptr("bkt")})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range list.Contents {
		if got := deref(o.StorageClass); got != want[deref(o.Key)] {
			t.Errorf("listed %s as %s, want %s", deref(o.Key), got, want[deref(o.Key)])
		}
	}
	attrs, err := p.getObjectAttributes(ctx, &s3api.GetObjectAttributesRequest{Bucket: ptr("bkt"), Key: ptr("ia"),
		ObjectAttributes: []string{"StorageClass"}})
	if err != nil || deref(attrs.StorageClass) != "STANDARD_IA" {
		t.Errorf("attributes: %v (%v)", attrs, err)
	}
}

// TestArchivedObjects: GET and copies of an archived object are refused
// until a restore completes; HEAD works and shows the restore's progress;
// the restored copy expires, leaving the object archived.
func TestArchivedObjects(t *testing.T) {
	for _, class := range []string{"GLACIER", "DEEP_ARCHIVE"} {
		t.Run(class, func(t *testing.T) {
			p, clk, ctx := newClassProvider(t, memory.New(), false)
			p.restoreDelays = restoreDelays{Expedited: time.Minute, Standard: time.Hour, Bulk: 5 * time.Hour}
			putClass(t, p, ctx, "cold", class, "frozen body")
			get := func() error {
				out, err := p.getObject(ctx, &s3api.GetObjectRequest{Bucket: ptr("bkt"), Key: ptr("cold")})
				if err == nil {
					b, _ := io.ReadAll(out.Body)
					_ = out.Body.(io.Closer).Close()
					if string(b) != "frozen body" {
						t.Errorf("body %q", b)
					}
				}
				return err
			}
			head := func() string {
				t.Helper()
				h, err := p.headObject(ctx, &s3api.HeadObjectRequest{Bucket: ptr("bkt"), Key: ptr("cold")})
				if err != nil {
					t.Fatal(err)
				}
				if deref(h.StorageClass) != class {
					t.Errorf("HEAD class %q", deref(h.StorageClass))
				}
				return deref(h.Restore)
			}
			err := get()
			ae := awserr.From(err)
			if ae == nil || ae.Code != "InvalidObjectState" || ae.Status != 403 ||
				ae.Message != "The operation is not valid for the object's storage class" {
				t.Fatalf("GET archived: %v", err)
			}
			if f, ok := ae.Fields.(*s3api.InvalidObjectState); !ok || deref(f.StorageClass) != class {
				t.Errorf("error fields %+v", ae.Fields)
			}
			if _, err := p.copyObject(ctx, &s3api.CopyObjectRequest{Bucket: ptr("bkt"), Key: ptr("warm"), CopySource: ptr("bkt/cold")}); errCode(err) != "InvalidObjectState" ||
				awserr.From(err).Message != "Operation is not valid for the source object's storage class" {
				t.Errorf("copy of archived: %v", err)
			}
			up, err := p.createMultipartUpload(ctx, &s3api.CreateMultipartUploadRequest{Bucket: ptr("bkt"), Key: ptr("mpu")})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.uploadPartCopy(ctx, &s3api.UploadPartCopyRequest{Bucket: ptr("bkt"), Key: ptr("mpu"), UploadId: up.UploadId,
				PartNumber: ptr(int64(1)), CopySource: ptr("bkt/cold")}); errCode(err) != "InvalidObjectState" {
				t.Errorf("part copy of archived: %v", err)
			}
			if r := head(); r != "" {
				t.Errorf("x-amz-restore before a restore: %q", r)
			}
			if class == "DEEP_ARCHIVE" {
				if _, err := p.restoreObject(ctx, restoreReq("cold", 1, "Expedited")); errCode(err) != "InvalidArgument" {
					t.Errorf("Expedited for DEEP_ARCHIVE: %v", err)
				}
			}
			out, err := p.restoreObject(ctx, restoreReq("cold", 3, "Standard"))
			if err != nil || val(out.Status) != 202 {
				t.Fatalf("restore: %v %v", out, err)
			}
			if _, err := p.restoreObject(ctx, restoreReq("cold", 3, "Bulk")); errCode(err) != "RestoreAlreadyInProgress" ||
				awserr.From(err).Status != 409 {
				t.Errorf("second restore: %v", err)
			}
			if r := head(); r != `ongoing-request="true"` {
				t.Errorf("x-amz-restore while running: %q", r)
			}
			if err := get(); errCode(err) != "InvalidObjectState" {
				t.Errorf("GET while restoring: %v", err)
			}
			// Not due yet: the pass settles nothing.
			clk.Advance(59 * time.Minute)
			if n, err := p.settleRestores(ctx); n != 0 || err != nil {
				t.Fatalf("early pass settled %d (%v)", n, err)
			}
			clk.Advance(time.Minute)
			if n, err := p.settleRestores(ctx); n != 1 || err != nil {
				t.Fatalf("pass settled %d (%v)", n, err)
			}
			// Ready at 11:30 on May 1st; 3 days later, rounded up to midnight.
			expiry := time.Date(2024, 5, 5, 0, 0, 0, 0, time.UTC)
			if r := head(); r != `ongoing-request="false", expiry-date="Sun, 05 May 2024 00:00:00 GMT"` {
				t.Errorf("x-amz-restore when done: %q", r)
			}
			if err := get(); err != nil {
				t.Fatalf("GET restored: %v", err)
			}
			g, _ := p.getObject(ctx, &s3api.GetObjectRequest{Bucket: ptr("bkt"), Key: ptr("cold")})
			if deref(g.Restore) == "" || deref(g.StorageClass) != class {
				t.Errorf("GET headers: restore %q class %q", deref(g.Restore), deref(g.StorageClass))
			}
			_ = g.Body.(io.Closer).Close()
			list, err := p.listObjectsV2(ctx, &s3api.ListObjectsV2Request{Bucket: ptr("bkt"), OptionalObjectAttributes: []string{"RestoreStatus"}})
			if err != nil || len(list.Contents) != 1 || list.Contents[0].RestoreStatus == nil ||
				val(list.Contents[0].RestoreStatus.IsRestoreInProgress) || !list.Contents[0].RestoreStatus.RestoreExpiryDate.Equal(expiry) {
				t.Errorf("listed restore status: %+v (%v)", list, err)
			}
			if _, err := p.copyObject(ctx, &s3api.CopyObjectRequest{Bucket: ptr("bkt"), Key: ptr("warm"), CopySource: ptr("bkt/cold")}); err != nil {
				t.Errorf("copy of restored: %v", err)
			}
			if h, err := p.headObject(ctx, &s3api.HeadObjectRequest{Bucket: ptr("bkt"), Key: ptr("warm")}); err != nil || h.StorageClass != nil || h.Restore != nil {
				t.Errorf("the copy: %+v %v", h, err)
			}
			// A restore of a restored copy extends it, relative to now.
			clk.Set(time.Date(2024, 5, 2, 8, 0, 0, 0, time.UTC))
			out, err = p.restoreObject(ctx, restoreReq("cold", 5, ""))
			if err != nil || val(out.Status) != 200 {
				t.Fatalf("extending restore: %v %v", out, err)
			}
			if r := head(); r != `ongoing-request="false", expiry-date="Wed, 08 May 2024 00:00:00 GMT"` {
				t.Errorf("x-amz-restore extended: %q", r)
			}
			// The first expiry's entry is stale: the copy stays.
			clk.Set(expiry)
			if _, err := p.settleRestores(ctx); err != nil {
				t.Fatal(err)
			}
			if err := get(); err != nil {
				t.Errorf("GET after the old expiry: %v", err)
			}
			clk.Set(time.Date(2024, 5, 8, 0, 0, 0, 0, time.UTC))
			if n, err := p.settleRestores(ctx); n != 1 || err != nil {
				t.Fatalf("expiry pass settled %d (%v)", n, err)
			}
			if r := head(); r != "" {
				t.Errorf("x-amz-restore after expiry: %q", r)
			}
			if err := get(); errCode(err) != "InvalidObjectState" {
				t.Errorf("GET after expiry: %v", err)
			}
			if n, _ := storage.Collect(p.store.Scan(ctx, restoreIndexPrefix(), storage.PrefixEnd(restoreIndexPrefix()), storage.ScanOptions{})); len(n) != 0 {
				t.Errorf("%d restore index entries left", len(n))
			}
		})
	}
}

func TestRestoreObjectErrors(t *testing.T) {
	p, _, ctx := newClassProvider(t, memory.New(), false)
	putClass(t, p, ctx, "std", "", "s")
	putClass(t, p, ctx, "ia", "STANDARD_IA", "s")
	putClass(t, p, ctx, "cold", "GLACIER", "c")
	for _, tc := range []struct {
		name   string
		in     *s3api.RestoreObjectRequest
		code   string
		status int
	}{
		{"standard object", restoreReq("std", 1, ""), "InvalidObjectState", 403},
		{"IA object", restoreReq("ia", 1, ""), "InvalidObjectState", 403},
		{"no key", restoreReq("nope", 1, ""), "NoSuchKey", 404},
		{"no bucket", &s3api.RestoreObjectRequest{Bucket: ptr("nobkt"), Key: ptr("cold"), RestoreRequest: &s3api.RestoreRequest{Days: ptr(int64(1))}}, "NoSuchBucket", 404},
		{"no days", &s3api.RestoreObjectRequest{Bucket: ptr("bkt"), Key: ptr("cold"), RestoreRequest: &s3api.RestoreRequest{}}, "InvalidArgument", 400},
		{"no body", &s3api.RestoreObjectRequest{Bucket: ptr("bkt"), Key: ptr("cold")}, "InvalidArgument", 400},
		{"zero days", restoreReq("cold", 0, ""), "InvalidArgument", 400},
		{"bad tier", restoreReq("cold", 1, "Fast"), "MalformedXML", 400},
		{"select", &s3api.RestoreObjectRequest{Bucket: ptr("bkt"), Key: ptr("cold"), RestoreRequest: &s3api.RestoreRequest{Type: ptr("SELECT")}}, "NotImplemented", 501},
		{"bad version", &s3api.RestoreObjectRequest{Bucket: ptr("bkt"), Key: ptr("cold"), VersionId: ptr("zz"), RestoreRequest: &s3api.RestoreRequest{Days: ptr(int64(1))}}, "InvalidArgument", 400},
	} {
		_, err := p.restoreObject(ctx, tc.in)
		if ae := awserr.From(err); ae == nil || ae.Code != tc.code || ae.Status != tc.status {
			t.Errorf("%s: %v, want %s %d", tc.name, err, tc.code, tc.status)
		}
	}
	if h, _ := p.headObject(ctx, &s3api.HeadObjectRequest{Bucket: ptr("bkt"), Key: ptr("cold")}); h.Restore != nil {
		t.Errorf("a refused restore left %q", *h.Restore)
	}
}

// TestRestoreVersionsAndRestart: a restore names one version, survives a
// restart of the provider over the same store and completes there.
func TestRestoreVersionsAndRestart(t *testing.T) {
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	p, clk, ctx := newClassProvider(t, st, true)
	old := putClass(t, p, ctx, "doc", "GLACIER", "old")
	clk.Advance(time.Second)
	cur := putClass(t, p, ctx, "doc", "GLACIER", "new")
	in := restoreReq("doc", 1, "Bulk")
	in.VersionId = old.VersionId
	if out, err := p.restoreObject(ctx, in); err != nil || val(out.Status) != 202 {
		t.Fatalf("restore: %v %v", out, err)
	}
	if h, _ := p.headObject(ctx, &s3api.HeadObjectRequest{Bucket: ptr("bkt"), Key: ptr("doc")}); h.Restore != nil {
		t.Errorf("current version shows the old one's restore: %q", *h.Restore)
	}
	// A new provider over the same store (a restart) completes the job.
	p2 := New(service.Deps{Store: st, BlobDir: p.blobDir, Clock: clk})
	clk.Advance(defaultBulkDelay)
	if n, err := p2.settleRestores(ctx); n != 1 || err != nil {
		t.Fatalf("pass after restart settled %d (%v)", n, err)
	}
	out, err := p2.getObject(ctx, &s3api.GetObjectRequest{Bucket: ptr("bkt"), Key: ptr("doc"), VersionId: old.VersionId})
	if err != nil {
		t.Fatalf("GET restored version: %v", err)
	}
	b, _ := io.ReadAll(out.Body)
	_ = out.Body.(io.Closer).Close()
	if string(b) != "old" {
		t.Errorf("body %q", b)
	}
	if _, err := p2.getObject(ctx, &s3api.GetObjectRequest{Bucket: ptr("bkt"), Key: ptr("doc")}); errCode(err) != "InvalidObjectState" {
		t.Errorf("GET current (not restored): %v", err)
	}
	vl, err := p2.listObjectVersions(ctx, &s3api.ListObjectVersionsRequest{Bucket: ptr("bkt"), OptionalObjectAttributes: []string{"RestoreStatus"}})
	if err != nil || len(vl.Versions) != 2 || vl.Versions[0].RestoreStatus != nil || vl.Versions[1].RestoreStatus == nil ||
		val(vl.Versions[1].RestoreStatus.IsRestoreInProgress) {
		t.Errorf("version listing: %+v (%v)", vl, err)
	}
	// A version deleted with its restore pending leaves an entry the loop
	// drops.
	if _, err := p2.restoreObject(ctx, restoreReq("doc", 1, "Expedited")); err != nil {
		t.Fatal(err)
	}
	if _, err := p2.deleteObject(ctx, &s3api.DeleteObjectRequest{Bucket: ptr("bkt"), Key: ptr("doc"), VersionId: cur.VersionId}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	if n, err := p2.settleRestores(ctx); n != 1 || err != nil {
		t.Fatalf("pass after the delete settled %d (%v)", n, err)
	}
	// Left: the old version's expiry entry alone.
	kvs, _ := storage.Collect(st.Scan(ctx, restoreIndexPrefix(), storage.PrefixEnd(restoreIndexPrefix()), storage.ScanOptions{}))
	if len(kvs) != 1 {
		t.Errorf("%d restore index entries, want 1", len(kvs))
	}
}

func TestRestoreLoopRegistered(t *testing.T) {
	p, _, ctx := newClassProvider(t, memory.New(), false)
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Stop(ctx) })
	var names []string
	for _, l := range p.Loops() {
		names = append(names, l.Name)
	}
	if strings.Join(names, ",") != "lifecycle sweep,restore jobs,replication" {
		t.Errorf("loops %v", names)
	}
}

// TestWebsiteArchived: the website endpoint answers a GET of an archived
// object without a restored copy with S3's 403 InvalidObjectState page
// (the error document's when the site has one); HEAD, as HeadObject,
// answers.
func TestWebsiteArchived(t *testing.T) {
	p, ctx := newSiteProvider(t, indexOnly())
	if _, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("cold.html"), Body: strings.NewReader("ice"),
		StorageClass: ptr("GLACIER")}); err != nil {
		t.Fatal(err)
	}
	checkSite(t, serveSite(p, siteCall{target: "/cold.html"}), siteWant{status: 403, contains: []string{"Code: InvalidObjectState"}})
	checkSite(t, serveSite(p, siteCall{method: http.MethodHead, target: "/cold.html"}), siteWant{status: 200})
}

// FuzzRestoreIndexKey checks that index keys round-trip and that arbitrary
// bytes never make the parser panic.
func FuzzRestoreIndexKey(f *testing.F) {
	f.Add("bkt", "a/b.txt", uint64(7), int64(1714559400), []byte{})
	f.Add("b", "", uint64(0), int64(0), restoreIndexKey(restoreEpoch, "x", "y\x00z", 1))
	f.Fuzz(func(t *testing.T, bucket, key string, seq uint64, sec int64, raw []byte) {
		_, _, _, _ = parseRestoreIndexKey(raw)
		due := time.Unix(sec%(1<<33), 0)
		if due.Before(time.Unix(0, 0)) {
			due = time.Unix(0, 0)
		}
		b, k, s, err := parseRestoreIndexKey(restoreIndexKey(due, bucket, key, seq))
		if err != nil || b != bucket || k != key || s != seq {
			t.Fatalf("round trip of %q %q %d: %q %q %d %v", bucket, key, seq, b, k, s, err)
		}
	})
}
