package s3

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage/memory"
)

const testRole = "arn:aws:iam::000000000000:role/replication"

// newReplProvider returns a provider with versioned buckets "bkt" (the
// source) and "dst", and an unversioned bucket "plain". maxInline is
// negative so bodies live in files.
func newReplProvider(t *testing.T) (*Provider, context.Context) {
	t.Helper()
	p, ctx := newTestProvider(t)
	p.maxInline = -1
	for _, name := range []string{"dst", "plain"} {
		if _, err := p.createBucket(ctx, &s3api.CreateBucketRequest{Bucket: ptr(name)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"bkt", "dst"} {
		if _, err := p.putBucketVersioning(ctx, &s3api.PutBucketVersioningRequest{Bucket: ptr(name),
			VersioningConfiguration: &s3api.VersioningConfiguration{Status: ptr("Enabled")}}); err != nil {
			t.Fatal(err)
		}
	}
	return p, ctx
}

// v2Rule is a V2 rule replicating keys under prefix to dest.
func v2Rule(id string, priority int64, prefix, dest, markers string) s3api.ReplicationRule {
	return s3api.ReplicationRule{ID: ptr(id), Priority: ptr(priority), Status: ptr("Enabled"),
		Filter:                  &s3api.ReplicationRuleFilter{Prefix: ptr(prefix)},
		DeleteMarkerReplication: &s3api.DeleteMarkerReplication{Status: ptr(markers)},
		Destination:             &s3api.Destination{Bucket: ptr("arn:aws:s3:::" + dest)}}
}

func putReplication(p *Provider, ctx context.Context, bucket string, rules ...s3api.ReplicationRule) error {
	_, err := p.putBucketReplication(ctx, &s3api.PutBucketReplicationRequest{Bucket: ptr(bucket),
		ReplicationConfiguration: &s3api.ReplicationConfiguration{Role: ptr(testRole), Rules: rules}})
	return err
}

func TestPutBucketReplicationValidation(t *testing.T) {
	ok := v2Rule("r1", 1, "", "dst", "Disabled")
	with := func(f func(r *s3api.ReplicationRule)) s3api.ReplicationRule {
		r := v2Rule("r1", 1, "", "dst", "Disabled")
		f(&r)
		return r
	}
	for _, tc := range []struct {
		name    string
		bucket  string
		role    string
		rules   []s3api.ReplicationRule
		wantErr string
		wantMsg string
	}{
		{name: "v2 rule", rules: []s3api.ReplicationRule{ok}},
		{name: "v1 rule", rules: []s3api.ReplicationRule{{Status: ptr("Enabled"), Prefix: ptr("a/"),
			Destination: &s3api.Destination{Bucket: ptr("arn:aws:s3:::dst")}}}},
		{name: "unversioned source", bucket: "plain", rules: []s3api.ReplicationRule{ok}, wantErr: "InvalidRequest",
			wantMsg: "Versioning must be 'Enabled' on the bucket to apply a replication configuration"},
		{name: "no such bucket", bucket: "nope", rules: []s3api.ReplicationRule{ok}, wantErr: "NoSuchBucket"},
		{name: "bad role", role: "replication-role", rules: []s3api.ReplicationRule{ok}, wantErr: "InvalidArgument"},
		{name: "no rules", wantErr: "MalformedXML"},
		{name: "missing destination bucket", rules: []s3api.ReplicationRule{v2Rule("r1", 1, "", "gone", "Disabled")},
			wantErr: "InvalidRequest", wantMsg: "Destination bucket must exist."},
		{name: "unversioned destination", rules: []s3api.ReplicationRule{v2Rule("r1", 1, "", "plain", "Disabled")},
			wantErr: "InvalidRequest", wantMsg: "Destination bucket must have versioning enabled."},
		{name: "destination is source", rules: []s3api.ReplicationRule{v2Rule("r1", 1, "", "bkt", "Disabled")},
			wantErr: "InvalidRequest", wantMsg: "Destination bucket cannot be the same as the source bucket."},
		{name: "bad destination arn", rules: []s3api.ReplicationRule{with(func(r *s3api.ReplicationRule) {
			r.Destination.Bucket = ptr("dst")
		})}, wantErr: "InvalidArgument"},
		{name: "filter without priority", rules: []s3api.ReplicationRule{with(func(r *s3api.ReplicationRule) { r.Priority = nil })},
			wantErr: "InvalidRequest", wantMsg: "Priority must be specified for this version of Cross Region Replication configuration schema. Please refer to S3 Developer Guide for more information."},
		{name: "filter without delete marker replication", rules: []s3api.ReplicationRule{with(func(r *s3api.ReplicationRule) {
			r.DeleteMarkerReplication = nil
		})}, wantErr: "InvalidRequest", wantMsg: "DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema. Please refer to S3 Developer Guide for more information."},
		{name: "v1 with priority", rules: []s3api.ReplicationRule{{Status: ptr("Enabled"), Prefix: ptr(""), Priority: ptr(int64(1)),
			Destination: &s3api.Destination{Bucket: ptr("arn:aws:s3:::dst")}}}, wantErr: "InvalidRequest"},
		{name: "tag filter with delete markers", rules: []s3api.ReplicationRule{with(func(r *s3api.ReplicationRule) {
			r.Filter = &s3api.ReplicationRuleFilter{Tag: &s3api.Tag{Key: ptr("k"), Value: ptr("v")}}
			r.DeleteMarkerReplication.Status = ptr("Enabled")
		})}, wantErr: "InvalidRequest"},
		{name: "filter with two conditions", rules: []s3api.ReplicationRule{with(func(r *s3api.ReplicationRule) {
			r.Filter.Tag = &s3api.Tag{Key: ptr("k"), Value: ptr("v")}
		})}, wantErr: "MalformedXML"},
		{name: "duplicate priority", rules: []s3api.ReplicationRule{ok, v2Rule("r2", 1, "x", "dst", "Disabled")}, wantErr: "InvalidRequest"},
		{name: "duplicate id", rules: []s3api.ReplicationRule{ok, v2Rule("r1", 2, "x", "dst", "Disabled")}, wantErr: "InvalidArgument"},
		{name: "mixed schemas", rules: []s3api.ReplicationRule{ok, {Status: ptr("Enabled"), Prefix: ptr("a"),
			Destination: &s3api.Destination{Bucket: ptr("arn:aws:s3:::dst")}}}, wantErr: "MalformedXML"},
		{name: "bad status", rules: []s3api.ReplicationRule{with(func(r *s3api.ReplicationRule) { r.Status = ptr("On") })}, wantErr: "MalformedXML"},
		{name: "existing object replication", rules: []s3api.ReplicationRule{with(func(r *s3api.ReplicationRule) {
			r.ExistingObjectReplication = &s3api.ExistingObjectReplication{Status: ptr("Enabled")}
		})}, wantErr: "InvalidRequest"},
		{name: "existing object replication disabled", rules: []s3api.ReplicationRule{with(func(r *s3api.ReplicationRule) {
			r.ExistingObjectReplication = &s3api.ExistingObjectReplication{Status: ptr("Disabled")}
		})}},
		{name: "bad storage class", rules: []s3api.ReplicationRule{with(func(r *s3api.ReplicationRule) {
			r.Destination.StorageClass = ptr("COLD")
		})}, wantErr: "MalformedXML"},
		{name: "rtc and metrics", rules: []s3api.ReplicationRule{with(func(r *s3api.ReplicationRule) {
			r.Destination.ReplicationTime = &s3api.ReplicationTime{Status: ptr("Enabled"), Time: &s3api.ReplicationTimeValue{Minutes: ptr(int64(15))}}
			r.Destination.Metrics = &s3api.Metrics{Status: ptr("Enabled"), EventThreshold: &s3api.ReplicationTimeValue{Minutes: ptr(int64(15))}}
		})}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ctx := newReplProvider(t)
			bucket, role := tc.bucket, tc.role
			if bucket == "" {
				bucket = "bkt"
			}
			if role == "" {
				role = testRole
			}
			_, err := p.putBucketReplication(ctx, &s3api.PutBucketReplicationRequest{Bucket: ptr(bucket),
				ReplicationConfiguration: &s3api.ReplicationConfiguration{Role: ptr(role), Rules: tc.rules}})
			if got := errCode(err); got != tc.wantErr {
				t.Fatalf("error %q (%v), want %q", got, err, tc.wantErr)
			}
			if tc.wantMsg != "" && !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("message %q, want %q", err.Error(), tc.wantMsg)
			}
			_, gerr := p.getBucketReplication(ctx, &s3api.GetBucketReplicationRequest{Bucket: ptr(bucket)})
			switch {
			case tc.wantErr == "" && gerr != nil:
				t.Fatalf("get after put: %v", gerr)
			case tc.wantErr != "" && bucket == "bkt" && errCode(gerr) != "ReplicationConfigurationNotFoundError":
				t.Fatalf("get after refused put: %v", gerr)
			}
		})
	}
}

func TestBucketReplicationLifecycle(t *testing.T) {
	p, ctx := newReplProvider(t)
	if _, err := p.getBucketReplication(ctx, &s3api.GetBucketReplicationRequest{Bucket: ptr("bkt")}); errCode(err) != "ReplicationConfigurationNotFoundError" {
		t.Fatalf("get before put: %v", err)
	}
	noID := v2Rule("", 1, "", "dst", "Disabled")
	noID.ID = nil
	if err := putReplication(p, ctx, "bkt", noID); err != nil {
		t.Fatal(err)
	}
	out, err := p.getBucketReplication(ctx, &s3api.GetBucketReplicationRequest{Bucket: ptr("bkt")})
	if err != nil {
		t.Fatal(err)
	}
	if c := out.ReplicationConfiguration; deref(c.Role) != testRole || len(c.Rules) != 1 || deref(c.Rules[0].ID) == "" {
		t.Fatalf("got %+v", c)
	}
	// Versioning cannot be suspended while replication is configured.
	_, err = p.putBucketVersioning(ctx, &s3api.PutBucketVersioningRequest{Bucket: ptr("bkt"),
		VersioningConfiguration: &s3api.VersioningConfiguration{Status: ptr("Suspended")}})
	if errCode(err) != "InvalidBucketState" {
		t.Fatalf("suspend: %v", err)
	}
	if _, err := p.deleteBucketReplication(ctx, &s3api.DeleteBucketReplicationRequest{Bucket: ptr("bkt")}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.getBucketReplication(ctx, &s3api.GetBucketReplicationRequest{Bucket: ptr("bkt")}); errCode(err) != "ReplicationConfigurationNotFoundError" {
		t.Fatalf("get after delete: %v", err)
	}
}

// status is the x-amz-replication-status HEAD answers for bucket/key at
// version id, or the error code.
func status(t *testing.T, p *Provider, ctx context.Context, bucket, key string, id *string) string {
	t.Helper()
	out, err := p.headObject(ctx, &s3api.HeadObjectRequest{Bucket: ptr(bucket), Key: ptr(key), VersionId: id})
	if err != nil {
		return errCode(err)
	}
	return deref(out.ReplicationStatus)
}

func pass(t *testing.T, p *Provider, ctx context.Context) {
	t.Helper()
	if _, err := p.replicatePending(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestReplicationCopiesVersions(t *testing.T) {
	p, ctx := newReplProvider(t)
	old := put(t, p, ctx, "old", "before the configuration")
	ia := v2Rule("ia", 2, "cold/", "dst", "Disabled")
	ia.Destination.StorageClass = ptr("STANDARD_IA")
	if err := putReplication(p, ctx, "bkt", v2Rule("all", 1, "", "dst", "Enabled"), ia); err != nil {
		t.Fatal(err)
	}
	in := &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("docs/a.txt"), Body: strings.NewReader("hello replica"),
		ContentType: ptr("text/plain"), Metadata: map[string]string{"m": "1"}, Tagging: ptr("t=1")}
	v1, err := p.putObject(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	cold := put(t, p, ctx, "cold/b", "cold body")
	for _, tc := range []struct {
		key  string
		id   *string
		want string
	}{
		{"docs/a.txt", v1.VersionId, replPending},
		{"cold/b", cold.VersionId, replPending},
		{"old", old.VersionId, ""},
	} {
		if got := status(t, p, ctx, "bkt", tc.key, tc.id); got != tc.want {
			t.Fatalf("%s before the pass: %q, want %q", tc.key, got, tc.want)
		}
	}
	pass(t, p, ctx)
	for _, tc := range []struct {
		bucket, key string
		id          *string
		want        string
	}{
		{"bkt", "docs/a.txt", v1.VersionId, replCompleted},
		{"dst", "docs/a.txt", v1.VersionId, replReplica},
		{"dst", "cold/b", cold.VersionId, replReplica},
		{"dst", "old", nil, "NoSuchKey"},
	} {
		if got := status(t, p, ctx, tc.bucket, tc.key, tc.id); got != tc.want {
			t.Fatalf("%s/%s after the pass: %q, want %q", tc.bucket, tc.key, got, tc.want)
		}
	}
	out, err := p.getObject(ctx, &s3api.GetObjectRequest{Bucket: ptr("dst"), Key: ptr("docs/a.txt")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(out.Body)
	_ = out.Body.(io.Closer).Close()
	if string(body) != "hello replica" || deref(out.VersionId) != deref(v1.VersionId) || deref(out.ContentType) != "text/plain" ||
		out.Metadata["m"] != "1" || val(out.TagCount) != 1 || deref(out.ETag) != deref(v1.ETag) {
		t.Fatalf("replica: %q %+v", body, out)
	}
	h, _ := p.headObject(ctx, &s3api.HeadObjectRequest{Bucket: ptr("dst"), Key: ptr("cold/b")})
	if deref(h.StorageClass) != "STANDARD_IA" {
		t.Fatalf("replica class %q, want the higher-priority rule's", deref(h.StorageClass))
	}
	// A delete marker replicates; deleting a specific version does not.
	del, err := p.deleteObject(ctx, &s3api.DeleteObjectRequest{Bucket: ptr("bkt"), Key: ptr("docs/a.txt")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.deleteObject(ctx, &s3api.DeleteObjectRequest{Bucket: ptr("bkt"), Key: ptr("cold/b"), VersionId: cold.VersionId}); err != nil {
		t.Fatal(err)
	}
	pass(t, p, ctx)
	if got := status(t, p, ctx, "dst", "docs/a.txt", nil); got != "NoSuchKey" {
		t.Fatalf("replica after marker: %q", got)
	}
	if got := status(t, p, ctx, "dst", "docs/a.txt", del.VersionId); got != "MethodNotAllowed" {
		t.Fatalf("replicated marker by id: %q", got)
	}
	if got := status(t, p, ctx, "dst", "cold/b", cold.VersionId); got != replReplica {
		t.Fatalf("version delete replicated: %q", got)
	}
	// Replicas are not replicated again: a configuration back to the
	// source does not loop.
	if err := putReplication(p, ctx, "dst", v2Rule("back", 1, "", "bkt", "Disabled")); err != nil {
		t.Fatal(err)
	}
	fresh, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("ping"), Body: strings.NewReader("x")})
	if err != nil {
		t.Fatal(err)
	}
	pass(t, p, ctx)
	if n, err := p.replicatePending(ctx); err != nil || n != 0 {
		t.Fatalf("second pass: %d jobs, %v", n, err)
	}
	if got := status(t, p, ctx, "bkt", "ping", fresh.VersionId); got != replCompleted {
		t.Fatalf("source of a bidirectional pair: %q", got)
	}
}

func TestReplicationFailures(t *testing.T) {
	for _, tc := range []struct {
		name    string
		breakIt func(p *Provider, ctx context.Context) error
	}{
		{"destination deleted", func(p *Provider, ctx context.Context) error {
			_, err := p.deleteBucket(ctx, &s3api.DeleteBucketRequest{Bucket: ptr("dst")})
			return err
		}},
		{"destination suspended", func(p *Provider, ctx context.Context) error {
			_, err := p.putBucketVersioning(ctx, &s3api.PutBucketVersioningRequest{Bucket: ptr("dst"),
				VersioningConfiguration: &s3api.VersioningConfiguration{Status: ptr("Suspended")}})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ctx := newReplProvider(t)
			if err := putReplication(p, ctx, "bkt", v2Rule("all", 1, "", "dst", "Disabled")); err != nil {
				t.Fatal(err)
			}
			if err := tc.breakIt(p, ctx); err != nil {
				t.Fatal(err)
			}
			v := put(t, p, ctx, "k", "body")
			pass(t, p, ctx)
			if got := status(t, p, ctx, "bkt", "k", v.VersionId); got != replFailed {
				t.Fatalf("status %q, want FAILED", got)
			}
		})
	}
}

func TestReplicationMultipartAndRestart(t *testing.T) {
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	dir := t.TempDir()
	p, ctx := newReplProviderOn(t, st, dir)
	if err := putReplication(p, ctx, "bkt", v2Rule("all", 1, "", "dst", "Disabled")); err != nil {
		t.Fatal(err)
	}
	up, err := p.createMultipartUpload(ctx, &s3api.CreateMultipartUploadRequest{Bucket: ptr("bkt"), Key: ptr("mp")})
	if err != nil {
		t.Fatal(err)
	}
	part := strings.Repeat("p", 5<<20)
	var parts []s3api.CompletedPart
	for n := int64(1); n <= 2; n++ {
		o, err := p.uploadPart(ctx, &s3api.UploadPartRequest{Bucket: ptr("bkt"), Key: ptr("mp"), UploadId: up.UploadId,
			PartNumber: ptr(n), Body: strings.NewReader(part)})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, s3api.CompletedPart{PartNumber: ptr(n), ETag: o.ETag})
	}
	done, err := p.completeMultipartUpload(ctx, &s3api.CompleteMultipartUploadRequest{Bucket: ptr("bkt"), Key: ptr("mp"),
		UploadId: up.UploadId, MultipartUpload: &s3api.CompletedMultipartUpload{Parts: parts}})
	if err != nil {
		t.Fatal(err)
	}
	// A new provider over the same store and files finishes the job.
	p2 := New(service.Deps{Store: st, BlobDir: dir})
	if err := p2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p2.Stop(context.Background()) })
	pass(t, p2, ctx)
	if got := status(t, p2, ctx, "bkt", "mp", done.VersionId); got != replCompleted {
		t.Fatalf("source %q", got)
	}
	out, err := p2.getObject(ctx, &s3api.GetObjectRequest{Bucket: ptr("dst"), Key: ptr("mp"), PartNumber: ptr(int64(2))})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(out.Body)
	_ = out.Body.(io.Closer).Close()
	if string(body) != part || deref(out.ETag) != deref(done.ETag) || val(out.PartsCount) != 2 {
		t.Fatalf("replica part 2: %d bytes, etag %s, parts %d", len(body), deref(out.ETag), val(out.PartsCount))
	}
}

// newReplProviderOn is newReplProvider over a given store and blob
// directory.
func newReplProviderOn(t *testing.T, st *memory.Store, dir string) (*Provider, context.Context) {
	t.Helper()
	p := New(service.Deps{Store: st, BlobDir: dir})
	_, ctx := newTestProvider(t)
	for _, name := range []string{"bkt", "dst"} {
		if _, err := p.createBucket(ctx, &s3api.CreateBucketRequest{Bucket: ptr(name)}); err != nil {
			t.Fatal(err)
		}
		if _, err := p.putBucketVersioning(ctx, &s3api.PutBucketVersioningRequest{Bucket: ptr(name),
			VersioningConfiguration: &s3api.VersioningConfiguration{Status: ptr("Enabled")}}); err != nil {
			t.Fatal(err)
		}
	}
	return p, ctx
}

func TestReplicationLoopRegistered(t *testing.T) {
	p, _ := newTestProvider(t)
	for _, l := range p.Loops() {
		if l.Name == "replication" {
			return
		}
	}
	t.Fatalf("loops %+v lack replication", p.Loops())
}

// FuzzReplicationJobKey checks that job keys round-trip and that no input
// makes the key parser or the destination ARN parser panic.
func FuzzReplicationJobKey(f *testing.F) {
	f.Add("bkt", "docs/a.txt", uint64(42), []byte("arn:aws:s3:::dst"))
	f.Add("", "\x00\xff", uint64(0), []byte{0x01, 0x02})
	f.Fuzz(func(t *testing.T, bucket, key string, seq uint64, raw []byte) {
		b, k, s, err := parseReplicationJobKey(replicationJobKey(bucket, key, seq))
		if err != nil || b != bucket || k != key || s != seq {
			t.Fatalf("round trip of %q %q %d: %q %q %d %v", bucket, key, seq, b, k, s, err)
		}
		_, _, _, _ = parseReplicationJobKey(raw)
		if name := destinationName(string(raw)); strings.ContainsAny(name, "/:") {
			t.Fatalf("destination %q from %q", name, raw)
		}
	})
}
