package s3

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/clock"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage/memory"
)

// lockEpoch is the fake clock's start in the Object Lock tests.
var lockEpoch = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// newLockProvider returns a provider on a fake clock with two buckets:
// "locked" (created with Object Lock) and "plain" (never versioned).
func newLockProvider(t *testing.T) (*Provider, context.Context, *clock.Fake) {
	t.Helper()
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	clk := clock.NewFake(lockEpoch)
	p := New(service.Deps{Store: st, BlobDir: t.TempDir(), Clock: clk})
	ctx := scope.With(context.Background(), scope.Scope{Account: scope.DefaultAccount, Region: "us-east-1"})
	for _, in := range []*s3api.CreateBucketRequest{
		{Bucket: ptr("locked"), ObjectLockEnabledForBucket: ptr(true)},
		{Bucket: ptr("plain")},
	} {
		if _, err := p.createBucket(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	return p, ctx, clk
}

func md5Header(s string) *string {
	sum := md5.Sum([]byte(s))
	return ptr(base64.StdEncoding.EncodeToString(sum[:]))
}

// lockedPut is a PutObject of body "x" with Content-MD5 to bucket/key.
func lockedPut(bucket, key string) *s3api.PutObjectRequest {
	return &s3api.PutObjectRequest{Bucket: ptr(bucket), Key: ptr(key), Body: strings.NewReader("x"), ContentMD5: md5Header("x")}
}

func lockConfig(mode string, days, years int64) *s3api.ObjectLockConfiguration {
	c := &s3api.ObjectLockConfiguration{ObjectLockEnabled: ptr("Enabled")}
	if mode != "" {
		d := &s3api.DefaultRetention{Mode: ptr(mode)}
		if days != 0 {
			d.Days = ptr(days)
		}
		if years != 0 {
			d.Years = ptr(years)
		}
		c.Rule = &s3api.ObjectLockRule{DefaultRetention: d}
	}
	return c
}

func TestObjectLockConfiguration(t *testing.T) {
	p, ctx, _ := newLockProvider(t)
	v, err := p.getBucketVersioning(ctx, &s3api.GetBucketVersioningRequest{Bucket: ptr("locked")})
	if err != nil || deref(v.Status) != "Enabled" {
		t.Fatalf("versioning of a lock bucket: %v, %v", v, err)
	}
	got, err := p.getObjectLockConfiguration(ctx, &s3api.GetObjectLockConfigurationRequest{Bucket: ptr("locked")})
	if err != nil || deref(got.ObjectLockConfiguration.ObjectLockEnabled) != "Enabled" || got.ObjectLockConfiguration.Rule != nil {
		t.Fatalf("new lock bucket's configuration: %+v, %v", got, err)
	}
	if _, err := p.getObjectLockConfiguration(ctx, &s3api.GetObjectLockConfigurationRequest{Bucket: ptr("plain")}); errCode(err) != "ObjectLockConfigurationNotFoundError" {
		t.Fatalf("plain bucket: %v", err)
	}
	for _, tc := range []struct {
		name    string
		bucket  string
		cfg     *s3api.ObjectLockConfiguration
		wantErr string
	}{
		{"no body", "locked", nil, "MalformedXML"},
		{"not enabled", "locked", &s3api.ObjectLockConfiguration{}, "MalformedXML"},
		{"rule without retention", "locked", &s3api.ObjectLockConfiguration{ObjectLockEnabled: ptr("Enabled"), Rule: &s3api.ObjectLockRule{}}, "MalformedXML"},
		{"days and years", "locked", lockConfig("GOVERNANCE", 1, 1), "MalformedXML"},
		{"no period", "locked", lockConfig("GOVERNANCE", 0, 0), "MalformedXML"},
		{"bad mode", "locked", lockConfig("STRICT", 1, 0), "MalformedXML"},
		{"negative days", "locked", lockConfig("GOVERNANCE", -1, 0), "InvalidArgument"},
		{"unversioned bucket", "plain", lockConfig("", 0, 0), "InvalidBucketState"},
		{"no such bucket", "nobucket", lockConfig("", 0, 0), "NoSuchBucket"},
		{"days", "locked", lockConfig("GOVERNANCE", 3, 0), ""},
		{"years", "locked", lockConfig("COMPLIANCE", 0, 2), ""},
		{"no rule", "locked", lockConfig("", 0, 0), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.putObjectLockConfiguration(ctx, &s3api.PutObjectLockConfigurationRequest{Bucket: ptr(tc.bucket), ObjectLockConfiguration: tc.cfg, Token: ptr("token")})
			if got := errCode(err); got != tc.wantErr {
				t.Fatalf("error %q (%v), want %q", got, err, tc.wantErr)
			}
			if err != nil {
				return
			}
			out, err := p.getObjectLockConfiguration(ctx, &s3api.GetObjectLockConfigurationRequest{Bucket: ptr(tc.bucket)})
			if err != nil {
				t.Fatal(err)
			}
			want, got := tc.cfg.Rule, out.ObjectLockConfiguration.Rule
			if (want == nil) != (got == nil) {
				t.Fatalf("rule %+v, want %+v", got, want)
			}
			if want != nil {
				w, g := want.DefaultRetention, got.DefaultRetention
				if deref(w.Mode) != deref(g.Mode) || val(w.Days) != val(g.Days) || val(w.Years) != val(g.Years) {
					t.Fatalf("default retention %+v, want %+v", g, w)
				}
			}
		})
	}
	// Versioning cannot be suspended once Object Lock is on; Enabled stays
	// allowed.
	suspend := func(bucket, status string) error {
		_, err := p.putBucketVersioning(ctx, &s3api.PutBucketVersioningRequest{Bucket: ptr(bucket),
			VersioningConfiguration: &s3api.VersioningConfiguration{Status: ptr(status)}})
		return err
	}
	if err := suspend("locked", "Suspended"); errCode(err) != "InvalidBucketState" {
		t.Fatalf("suspending a lock bucket: %v", err)
	}
	if err := suspend("locked", "Enabled"); err != nil {
		t.Fatal(err)
	}
	// An existing bucket gets Object Lock once its versioning is Enabled.
	if err := suspend("plain", "Enabled"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.putObjectLockConfiguration(ctx, &s3api.PutObjectLockConfigurationRequest{Bucket: ptr("plain"), ObjectLockConfiguration: lockConfig("", 0, 0)}); err != nil {
		t.Fatal(err)
	}
	if err := suspend("plain", "Suspended"); errCode(err) != "InvalidBucketState" {
		t.Fatalf("suspending a bucket after enabling Object Lock: %v", err)
	}
}

func TestObjectLockWrites(t *testing.T) {
	future := lockEpoch.Add(48 * time.Hour)
	past := lockEpoch.Add(-time.Hour)
	for _, tc := range []struct {
		name     string
		bucket   string
		defaults *s3api.ObjectLockConfiguration // put on the bucket first
		in       func(*s3api.PutObjectRequest)
		wantErr  string
		mode     string
		until    time.Time
		hold     string
	}{
		{name: "no lock", bucket: "locked", in: func(*s3api.PutObjectRequest) {}},
		{name: "retention", bucket: "locked", in: func(in *s3api.PutObjectRequest) {
			in.ObjectLockMode, in.ObjectLockRetainUntilDate = ptr("COMPLIANCE"), &future
		}, mode: "COMPLIANCE", until: future},
		{name: "legal hold", bucket: "locked", in: func(in *s3api.PutObjectRequest) { in.ObjectLockLegalHoldStatus = ptr("ON") }, hold: "ON"},
		{name: "checksum instead of md5", bucket: "locked", in: func(in *s3api.PutObjectRequest) {
			in.ContentMD5, in.ChecksumAlgorithm, in.ObjectLockLegalHoldStatus = nil, ptr("CRC32"), ptr("OFF")
		}, hold: "OFF"},
		{name: "no integrity header", bucket: "locked", in: func(in *s3api.PutObjectRequest) {
			in.ContentMD5, in.ObjectLockLegalHoldStatus = nil, ptr("ON")
		}, wantErr: "InvalidRequest"},
		{name: "mode without date", bucket: "locked", in: func(in *s3api.PutObjectRequest) { in.ObjectLockMode = ptr("GOVERNANCE") }, wantErr: "InvalidArgument"},
		{name: "date without mode", bucket: "locked", in: func(in *s3api.PutObjectRequest) { in.ObjectLockRetainUntilDate = &future }, wantErr: "InvalidArgument"},
		{name: "past date", bucket: "locked", in: func(in *s3api.PutObjectRequest) {
			in.ObjectLockMode, in.ObjectLockRetainUntilDate = ptr("GOVERNANCE"), &past
		}, wantErr: "InvalidArgument"},
		{name: "bucket without lock", bucket: "plain", in: func(in *s3api.PutObjectRequest) { in.ObjectLockLegalHoldStatus = ptr("ON") }, wantErr: "InvalidRequest"},
		{name: "default retention", bucket: "locked", defaults: lockConfig("GOVERNANCE", 2, 0), in: func(*s3api.PutObjectRequest) {},
			mode: "GOVERNANCE", until: lockEpoch.Add(48 * time.Hour)},
		{name: "default retention in years", bucket: "locked", defaults: lockConfig("COMPLIANCE", 0, 1), in: func(*s3api.PutObjectRequest) {},
			mode: "COMPLIANCE", until: lockEpoch.AddDate(1, 0, 0)},
		{name: "explicit over default", bucket: "locked", defaults: lockConfig("COMPLIANCE", 0, 1), in: func(in *s3api.PutObjectRequest) {
			in.ObjectLockMode, in.ObjectLockRetainUntilDate = ptr("GOVERNANCE"), &future
		}, mode: "GOVERNANCE", until: future},
		{name: "default retention needs integrity", bucket: "locked", defaults: lockConfig("GOVERNANCE", 2, 0), in: func(in *s3api.PutObjectRequest) {
			in.ContentMD5 = nil
		}, wantErr: "InvalidRequest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ctx, _ := newLockProvider(t)
			if tc.defaults != nil {
				if _, err := p.putObjectLockConfiguration(ctx, &s3api.PutObjectLockConfigurationRequest{Bucket: ptr(tc.bucket), ObjectLockConfiguration: tc.defaults}); err != nil {
					t.Fatal(err)
				}
			}
			in := lockedPut(tc.bucket, "k")
			tc.in(in)
			_, err := p.putObject(ctx, in)
			if got := errCode(err); got != tc.wantErr {
				t.Fatalf("error %q (%v), want %q", got, err, tc.wantErr)
			}
			if err != nil {
				return
			}
			h, err := p.headObject(ctx, &s3api.HeadObjectRequest{Bucket: ptr(tc.bucket), Key: ptr("k")})
			if err != nil {
				t.Fatal(err)
			}
			if deref(h.ObjectLockMode) != tc.mode || deref(h.ObjectLockLegalHoldStatus) != tc.hold {
				t.Errorf("HEAD lock mode %q hold %q, want %q %q", deref(h.ObjectLockMode), deref(h.ObjectLockLegalHoldStatus), tc.mode, tc.hold)
			}
			if tc.mode != "" && !h.ObjectLockRetainUntilDate.Equal(tc.until) {
				t.Errorf("retain until %v, want %v", h.ObjectLockRetainUntilDate, tc.until)
			}
			r, err := p.getObjectRetention(ctx, &s3api.GetObjectRetentionRequest{Bucket: ptr(tc.bucket), Key: ptr("k")})
			switch {
			case tc.mode == "" && errCode(err) != "NoSuchObjectLockConfiguration":
				t.Errorf("GetObjectRetention without retention: %v", err)
			case tc.mode != "" && (err != nil || deref(r.Retention.Mode) != tc.mode):
				t.Errorf("GetObjectRetention: %+v, %v", r, err)
			}
		})
	}
}

// TestObjectLockCopyAndMultipart: CopyObject and CreateMultipartUpload take
// their own lock headers (the source's lock is not copied) and refuse them
// on a bucket without Object Lock.
func TestObjectLockCopyAndMultipart(t *testing.T) {
	p, ctx, _ := newLockProvider(t)
	future := lockEpoch.Add(time.Hour)
	src := lockedPut("locked", "src")
	src.ObjectLockLegalHoldStatus = ptr("ON")
	if _, err := p.putObject(ctx, src); err != nil {
		t.Fatal(err)
	}
	if _, err := p.copyObject(ctx, &s3api.CopyObjectRequest{Bucket: ptr("locked"), Key: ptr("dst"), CopySource: ptr("locked/src"),
		ObjectLockMode: ptr("GOVERNANCE"), ObjectLockRetainUntilDate: &future}); err != nil {
		t.Fatal(err)
	}
	h, err := p.headObject(ctx, &s3api.HeadObjectRequest{Bucket: ptr("locked"), Key: ptr("dst")})
	if err != nil || deref(h.ObjectLockMode) != "GOVERNANCE" || h.ObjectLockLegalHoldStatus != nil {
		t.Fatalf("copy's lock: %+v, %v", h, err)
	}
	if _, err := p.copyObject(ctx, &s3api.CopyObjectRequest{Bucket: ptr("plain"), Key: ptr("dst"), CopySource: ptr("locked/src"),
		ObjectLockLegalHoldStatus: ptr("ON")}); errCode(err) != "InvalidRequest" {
		t.Fatalf("copy with lock headers to a plain bucket: %v", err)
	}
	if _, err := p.createMultipartUpload(ctx, &s3api.CreateMultipartUploadRequest{Bucket: ptr("plain"), Key: ptr("m"),
		ObjectLockLegalHoldStatus: ptr("ON")}); errCode(err) != "InvalidRequest" {
		t.Fatalf("multipart upload with lock headers to a plain bucket: %v", err)
	}
	up, err := p.createMultipartUpload(ctx, &s3api.CreateMultipartUploadRequest{Bucket: ptr("locked"), Key: ptr("m"),
		ObjectLockMode: ptr("COMPLIANCE"), ObjectLockRetainUntilDate: &future, ObjectLockLegalHoldStatus: ptr("ON")})
	if err != nil {
		t.Fatal(err)
	}
	part, err := p.uploadPart(ctx, &s3api.UploadPartRequest{Bucket: ptr("locked"), Key: ptr("m"), UploadId: up.UploadId,
		PartNumber: ptr(int64(1)), Body: strings.NewReader("part")})
	if err != nil {
		t.Fatal(err)
	}
	done, err := p.completeMultipartUpload(ctx, &s3api.CompleteMultipartUploadRequest{Bucket: ptr("locked"), Key: ptr("m"), UploadId: up.UploadId,
		MultipartUpload: &s3api.CompletedMultipartUpload{Parts: []s3api.CompletedPart{{PartNumber: ptr(int64(1)), ETag: part.ETag}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.deleteObject(ctx, &s3api.DeleteObjectRequest{Bucket: ptr("locked"), Key: ptr("m"), VersionId: done.VersionId}); errCode(err) != "AccessDenied" {
		t.Fatalf("deleting a completed upload under legal hold and compliance: %v", err)
	}
}

// TestObjectLockEnforcement walks versions through the deletes Object Lock
// refuses and allows as time passes.
func TestObjectLockEnforcement(t *testing.T) {
	p, ctx, clk := newLockProvider(t)
	soon := lockEpoch.Add(time.Hour)
	put := func(key, mode, hold string) string {
		t.Helper()
		in := lockedPut("locked", key)
		if mode != "" {
			in.ObjectLockMode, in.ObjectLockRetainUntilDate = ptr(mode), &soon
		}
		if hold != "" {
			in.ObjectLockLegalHoldStatus = ptr(hold)
		}
		out, err := p.putObject(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return deref(out.VersionId)
	}
	comp, gov, held, free := put("c", "COMPLIANCE", ""), put("g", "GOVERNANCE", ""), put("h", "", "ON"), put("f", "", "OFF")
	govBatch := put("gb", "GOVERNANCE", "")
	del := func(key, id string, bypass bool) error {
		in := &s3api.DeleteObjectRequest{Bucket: ptr("locked"), Key: ptr(key), VersionId: ptr(id)}
		if bypass {
			in.BypassGovernanceRetention = ptr(true)
		}
		_, err := p.deleteObject(ctx, in)
		return err
	}
	for _, tc := range []struct {
		name    string
		key, id string
		bypass  bool
		wantErr string
	}{
		{"compliance", "c", comp, false, "AccessDenied"},
		{"compliance with bypass", "c", comp, true, "AccessDenied"},
		{"governance", "g", gov, false, "AccessDenied"},
		{"legal hold with bypass", "h", held, true, "AccessDenied"},
		{"legal hold off", "f", free, false, ""},
		{"governance with bypass", "g", gov, true, ""},
	} {
		if got := errCode(del(tc.key, tc.id, tc.bypass)); got != tc.wantErr {
			t.Errorf("%s: error %q, want %q", tc.name, got, tc.wantErr)
		}
	}
	// A delete without a version id adds a marker; an overwrite adds a
	// version: both allowed.
	if out, err := p.deleteObject(ctx, &s3api.DeleteObjectRequest{Bucket: ptr("locked"), Key: ptr("c")}); err != nil || !val(out.DeleteMarker) {
		t.Fatalf("delete marker over a locked version: %+v, %v", out, err)
	}
	if _, err := p.putObject(ctx, lockedPut("locked", "h")); err != nil {
		t.Fatal(err)
	}
	// DeleteObjects reports locked versions as errors with S3's message.
	res, err := p.deleteObjects(ctx, &s3api.DeleteObjectsRequest{Bucket: ptr("locked"), Delete: &s3api.Delete{Objects: []s3api.ObjectIdentifier{
		{Key: ptr("c"), VersionId: ptr(comp)}, {Key: ptr("gb"), VersionId: ptr(govBatch)},
	}}})
	if err != nil || len(res.Errors) != 2 || deref(res.Errors[0].Message) != "Access Denied because object protected by object lock." {
		t.Fatalf("DeleteObjects of locked versions: %+v, %v", res, err)
	}
	res, err = p.deleteObjects(ctx, &s3api.DeleteObjectsRequest{Bucket: ptr("locked"), BypassGovernanceRetention: ptr(true),
		Delete: &s3api.Delete{Objects: []s3api.ObjectIdentifier{{Key: ptr("c"), VersionId: ptr(comp)}, {Key: ptr("gb"), VersionId: ptr(govBatch)}}}})
	if err != nil || len(res.Errors) != 1 || deref(res.Errors[0].Key) != "c" || len(res.Deleted) != 1 {
		t.Fatalf("DeleteObjects with bypass: %+v, %v", res, err)
	}
	// A bucket holding locked versions is not empty.
	if _, err := p.deleteBucket(ctx, &s3api.DeleteBucketRequest{Bucket: ptr("locked")}); errCode(err) != "BucketNotEmpty" {
		t.Fatalf("deleting a bucket with locked versions: %v", err)
	}
	// Once retention ends, the version goes; the legal hold stays until
	// lifted.
	clk.Set(soon)
	if err := del("c", comp, false); err != nil {
		t.Fatalf("compliance version after its date: %v", err)
	}
	if err := del("h", held, false); errCode(err) != "AccessDenied" {
		t.Fatalf("legal hold outlives time: %v", err)
	}
	if _, err := p.putObjectLegalHold(ctx, &s3api.PutObjectLegalHoldRequest{Bucket: ptr("locked"), Key: ptr("h"), VersionId: ptr(held),
		LegalHold: &s3api.ObjectLockLegalHold{Status: ptr("OFF")}}); err != nil {
		t.Fatal(err)
	}
	if err := del("h", held, false); err != nil {
		t.Fatalf("after lifting the legal hold: %v", err)
	}
}

func TestObjectRetentionChanges(t *testing.T) {
	hour := func(n int) *time.Time { return ptr(lockEpoch.Add(time.Duration(n) * time.Hour)) }
	for _, tc := range []struct {
		name    string
		mode    string // the version's retention, for 2 hours; "" for none
		next    *s3api.ObjectLockRetention
		bypass  bool
		wantErr string
		after   string // the mode afterwards, "" for none
	}{
		{"set", "", &s3api.ObjectLockRetention{Mode: ptr("GOVERNANCE"), RetainUntilDate: hour(1)}, false, "", "GOVERNANCE"},
		{"past date", "", &s3api.ObjectLockRetention{Mode: ptr("GOVERNANCE"), RetainUntilDate: hour(-1)}, false, "InvalidArgument", ""},
		{"mode only", "", &s3api.ObjectLockRetention{Mode: ptr("GOVERNANCE")}, false, "MalformedXML", ""},
		{"no body", "", nil, false, "MalformedXML", ""},
		{"compliance extended", "COMPLIANCE", &s3api.ObjectLockRetention{Mode: ptr("COMPLIANCE"), RetainUntilDate: hour(3)}, false, "", "COMPLIANCE"},
		{"compliance shortened", "COMPLIANCE", &s3api.ObjectLockRetention{Mode: ptr("COMPLIANCE"), RetainUntilDate: hour(1)}, true, "AccessDenied", "COMPLIANCE"},
		{"compliance to governance", "COMPLIANCE", &s3api.ObjectLockRetention{Mode: ptr("GOVERNANCE"), RetainUntilDate: hour(3)}, true, "AccessDenied", "COMPLIANCE"},
		{"compliance removed", "COMPLIANCE", &s3api.ObjectLockRetention{}, true, "AccessDenied", "COMPLIANCE"},
		{"governance extended", "GOVERNANCE", &s3api.ObjectLockRetention{Mode: ptr("GOVERNANCE"), RetainUntilDate: hour(3)}, false, "", "GOVERNANCE"},
		{"governance to compliance", "GOVERNANCE", &s3api.ObjectLockRetention{Mode: ptr("COMPLIANCE"), RetainUntilDate: hour(2)}, false, "", "COMPLIANCE"},
		{"governance shortened", "GOVERNANCE", &s3api.ObjectLockRetention{Mode: ptr("GOVERNANCE"), RetainUntilDate: hour(1)}, false, "AccessDenied", "GOVERNANCE"},
		{"governance shortened with bypass", "GOVERNANCE", &s3api.ObjectLockRetention{Mode: ptr("GOVERNANCE"), RetainUntilDate: hour(1)}, true, "", "GOVERNANCE"},
		{"governance removed", "GOVERNANCE", &s3api.ObjectLockRetention{}, false, "AccessDenied", "GOVERNANCE"},
		{"governance removed with bypass", "GOVERNANCE", &s3api.ObjectLockRetention{}, true, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ctx, _ := newLockProvider(t)
			in := lockedPut("locked", "k")
			if tc.mode != "" {
				in.ObjectLockMode, in.ObjectLockRetainUntilDate = ptr(tc.mode), hour(2)
			}
			out, err := p.putObject(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			_, err = p.putObjectRetention(ctx, &s3api.PutObjectRetentionRequest{Bucket: ptr("locked"), Key: ptr("k"), VersionId: out.VersionId,
				Retention: tc.next, BypassGovernanceRetention: ptr(tc.bypass)})
			if got := errCode(err); got != tc.wantErr {
				t.Fatalf("error %q (%v), want %q", got, err, tc.wantErr)
			}
			r, err := p.getObjectRetention(ctx, &s3api.GetObjectRetentionRequest{Bucket: ptr("locked"), Key: ptr("k"), VersionId: out.VersionId})
			if tc.after == "" {
				if errCode(err) != "NoSuchObjectLockConfiguration" {
					t.Fatalf("retention %+v, %v; want none", r, err)
				}
				return
			}
			if err != nil || deref(r.Retention.Mode) != tc.after {
				t.Fatalf("retention %+v, %v; want mode %s", r, err, tc.after)
			}
		})
	}
}

// TestObjectLockSubresourceErrors: the per-version operations on buckets
// without Object Lock, missing objects and bad bodies.
func TestObjectLockSubresourceErrors(t *testing.T) {
	p, ctx, _ := newLockProvider(t)
	for _, b := range []string{"locked", "plain"} {
		in := lockedPut(b, "k")
		if _, err := p.putObject(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	future := lockEpoch.Add(time.Hour)
	retention := &s3api.ObjectLockRetention{Mode: ptr("GOVERNANCE"), RetainUntilDate: &future}
	hold := func(s string) *s3api.ObjectLockLegalHold { return &s3api.ObjectLockLegalHold{Status: ptr(s)} }
	for _, tc := range []struct {
		name    string
		run     func() error
		wantErr string
	}{
		{"retention on plain bucket", func() error {
			_, err := p.putObjectRetention(ctx, &s3api.PutObjectRetentionRequest{Bucket: ptr("plain"), Key: ptr("k"), Retention: retention})
			return err
		}, "InvalidRequest"},
		{"get retention on plain bucket", func() error {
			_, err := p.getObjectRetention(ctx, &s3api.GetObjectRetentionRequest{Bucket: ptr("plain"), Key: ptr("k")})
			return err
		}, "InvalidRequest"},
		{"legal hold on plain bucket", func() error {
			_, err := p.putObjectLegalHold(ctx, &s3api.PutObjectLegalHoldRequest{Bucket: ptr("plain"), Key: ptr("k"), LegalHold: hold("ON")})
			return err
		}, "InvalidRequest"},
		{"get legal hold on plain bucket", func() error {
			_, err := p.getObjectLegalHold(ctx, &s3api.GetObjectLegalHoldRequest{Bucket: ptr("plain"), Key: ptr("k")})
			return err
		}, "InvalidRequest"},
		{"get legal hold never set", func() error {
			_, err := p.getObjectLegalHold(ctx, &s3api.GetObjectLegalHoldRequest{Bucket: ptr("locked"), Key: ptr("k")})
			return err
		}, "NoSuchObjectLockConfiguration"},
		{"bad legal hold", func() error {
			_, err := p.putObjectLegalHold(ctx, &s3api.PutObjectLegalHoldRequest{Bucket: ptr("locked"), Key: ptr("k"), LegalHold: hold("MAYBE")})
			return err
		}, "MalformedXML"},
		{"legal hold on missing key", func() error {
			_, err := p.putObjectLegalHold(ctx, &s3api.PutObjectLegalHoldRequest{Bucket: ptr("locked"), Key: ptr("nokey"), LegalHold: hold("ON")})
			return err
		}, "NoSuchKey"},
		{"retention on missing version", func() error {
			_, err := p.putObjectRetention(ctx, &s3api.PutObjectRetentionRequest{Bucket: ptr("locked"), Key: ptr("k"),
				VersionId: ptr("0000000000000000AAAAAAAAAAAAAAAA"), Retention: retention})
			return err
		}, "NoSuchVersion"},
		{"legal hold on current version", func() error {
			_, err := p.putObjectLegalHold(ctx, &s3api.PutObjectLegalHoldRequest{Bucket: ptr("locked"), Key: ptr("k"), LegalHold: hold("ON")})
			if err != nil {
				return err
			}
			out, err := p.getObjectLegalHold(ctx, &s3api.GetObjectLegalHoldRequest{Bucket: ptr("locked"), Key: ptr("k")})
			if err == nil && deref(out.LegalHold.Status) != "ON" {
				t.Errorf("legal hold %q", deref(out.LegalHold.Status))
			}
			return err
		}, ""},
	} {
		if got := errCode(tc.run()); got != tc.wantErr {
			t.Errorf("%s: error %q, want %q", tc.name, got, tc.wantErr)
		}
	}
}

// TestObjectLockLifecycle: noncurrent-version expiration leaves the
// versions Object Lock protects and removes the others.
func TestObjectLockLifecycle(t *testing.T) {
	p, ctx, clk := newLockProvider(t)
	until := lockEpoch.Add(30 * 24 * time.Hour)
	in := lockedPut("locked", "k")
	in.ObjectLockMode, in.ObjectLockRetainUntilDate = ptr("GOVERNANCE"), &until
	locked, err := p.putObject(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	free, err := p.putObject(ctx, lockedPut("locked", "k"))
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	if _, err := p.putObject(ctx, lockedPut("locked", "k")); err != nil {
		t.Fatal(err)
	}
	if _, err := p.putBucketLifecycleConfiguration(ctx, &s3api.PutBucketLifecycleConfigurationRequest{Bucket: ptr("locked"),
		LifecycleConfiguration: &s3api.BucketLifecycleConfiguration{Rules: []s3api.LifecycleRule{{
			ID: ptr("nc"), Status: ptr("Enabled"), Filter: &s3api.LifecycleRuleFilter{Prefix: ptr("")},
			NoncurrentVersionExpiration: &s3api.NoncurrentVersionExpiration{NoncurrentDays: ptr(int64(1))},
		}}}}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(5 * 24 * time.Hour)
	if _, err := p.sweepLifecycle(ctx); err != nil {
		t.Fatalf("sweep with a locked version: %v", err)
	}
	for _, tc := range []struct {
		id      *string
		wantErr string
	}{{locked.VersionId, ""}, {free.VersionId, "NoSuchVersion"}} {
		_, err := p.headObject(ctx, &s3api.HeadObjectRequest{Bucket: ptr("locked"), Key: ptr("k"), VersionId: tc.id})
		if got := errCode(err); got != tc.wantErr {
			t.Errorf("version %s after the sweep: %q, want %q", deref(tc.id), got, tc.wantErr)
		}
	}
}

// TestObjectLockBypassPermission: in strict mode, bypassing GOVERNANCE
// retention needs s3:BypassGovernanceRetention, which a bucket policy can
// deny even to the owner.
func TestObjectLockBypassPermission(t *testing.T) {
	owner := scope.Scope{Account: scope.DefaultAccount, Region: "us-east-1", AccessKey: "AKIDOWNER"}
	for _, tc := range []struct {
		name    string
		policy  string
		wantErr string
	}{
		{"granted", "", ""},
		{"denied by policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:BypassGovernanceRetention","Resource":"arn:aws:s3:::locked/*"}]}`, "AccessDenied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ctx, _ := newLockProvider(t)
			if tc.policy != "" {
				if _, err := p.putBucketPolicy(ctx, &s3api.PutBucketPolicyRequest{Bucket: ptr("locked"), Policy: ptr(tc.policy)}); err != nil {
					t.Fatal(err)
				}
			}
			until := lockEpoch.Add(time.Hour)
			in := lockedPut("locked", "k")
			in.ObjectLockMode, in.ObjectLockRetainUntilDate = ptr("GOVERNANCE"), &until
			out, err := p.putObject(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			_, err = call(p, owner, "PutObjectRetention", &s3api.PutObjectRetentionRequest{Bucket: ptr("locked"), Key: ptr("k"),
				VersionId: out.VersionId, Retention: &s3api.ObjectLockRetention{}, BypassGovernanceRetention: ptr(true)})
			if got := errCode(err); got != tc.wantErr {
				t.Fatalf("removing retention: error %q (%v), want %q", got, err, tc.wantErr)
			}
			in = lockedPut("locked", "k2")
			in.ObjectLockMode, in.ObjectLockRetainUntilDate = ptr("GOVERNANCE"), &until
			if out, err = p.putObject(ctx, in); err != nil {
				t.Fatal(err)
			}
			_, err = call(p, owner, "DeleteObject", &s3api.DeleteObjectRequest{Bucket: ptr("locked"), Key: ptr("k2"),
				VersionId: out.VersionId, BypassGovernanceRetention: ptr(true)})
			if got := errCode(err); got != tc.wantErr {
				t.Fatalf("delete: error %q (%v), want %q", got, err, tc.wantErr)
			}
			res, err := call(p, owner, "DeleteObjects", &s3api.DeleteObjectsRequest{Bucket: ptr("locked"), BypassGovernanceRetention: ptr(true),
				Delete: &s3api.Delete{Objects: []s3api.ObjectIdentifier{{Key: ptr("k2"), VersionId: out.VersionId}}}})
			if err != nil {
				t.Fatal(err)
			}
			if errs := res.(*s3api.DeleteObjectsOutput).Errors; (len(errs) > 0) != (tc.wantErr != "") {
				t.Fatalf("DeleteObjects errors %+v, want %q", errs, tc.wantErr)
			}
		})
	}
}

func FuzzParseLockHeaders(f *testing.F) {
	f.Add("GOVERNANCE", int64(3600), "ON", true, true)
	f.Add("COMPLIANCE", int64(-1), "OFF", true, false)
	f.Add("", int64(0), "maybe", false, true)
	f.Fuzz(func(t *testing.T, mode string, offset int64, hold string, hasMode, hasHold bool) {
		var m, h *string
		var until *time.Time
		if hasMode {
			m, until = &mode, ptr(lockEpoch.Add(time.Duration(offset)))
		}
		if hasHold {
			h = &hold
		}
		l, err := parseLockHeaders(m, until, h, lockEpoch)
		if err != nil {
			return
		}
		if r := l.retention; r != nil && (!r.active(lockEpoch) || (r.Mode != lockGovernance && r.Mode != lockCompliance)) {
			t.Fatalf("accepted retention %+v", r)
		}
		if l.legalHold != "" && l.legalHold != legalHoldOn && l.legalHold != legalHoldOff {
			t.Fatalf("accepted legal hold %q", l.legalHold)
		}
	})
}
