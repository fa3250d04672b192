package e2e

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// versionedBucket creates a bucket in c's region (us-east-1 takes no
// location constraint) with versioning enabled.
func versionedBucket(t *testing.T, c *s3.Client, name, region string) {
	t.Helper()
	ctx := context.Background()
	in := &s3.CreateBucketInput{Bucket: aws.String(name)}
	if region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}
	}
	if _, err := c.CreateBucket(ctx, in); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(name),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
}

// waitReplication polls HEAD of bucket/key at version id until its
// replication status is no longer PENDING, and returns it.
func waitReplication(t *testing.T, c *s3.Client, bucket, key, id string) s3types.ReplicationStatus {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		h, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		if h.ReplicationStatus != s3types.ReplicationStatusPending || time.Now().After(deadline) {
			return h.ReplicationStatus
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestS3Replication(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	src, dst := s3Client(srv, "us-east-1"), s3Client(srv, "eu-west-1")
	versionedBucket(t, src, "repl-src", "us-east-1")
	versionedBucket(t, dst, "repl-dst", "eu-west-1")

	_, err := src.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String("repl-src")})
	apiError(t, err, "ReplicationConfigurationNotFoundError", 404)
	rule := func(dest string) s3types.ReplicationRule {
		return s3types.ReplicationRule{ID: aws.String("all"), Priority: aws.Int32(1), Status: s3types.ReplicationRuleStatusEnabled,
			Filter:                  &s3types.ReplicationRuleFilter{Prefix: aws.String("")},
			DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusEnabled},
			Destination:             &s3types.Destination{Bucket: aws.String("arn:aws:s3:::" + dest), StorageClass: s3types.StorageClassStandardIa}}
	}
	put := func(dest string) error {
		_, err := src.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: aws.String("repl-src"),
			ReplicationConfiguration: &s3types.ReplicationConfiguration{Role: aws.String("arn:aws:iam::000000000000:role/repl"),
				Rules: []s3types.ReplicationRule{rule(dest)}}})
		return err
	}
	apiError(t, put("repl-missing"), "InvalidRequest", 400)
	if err := put("repl-dst"); err != nil {
		t.Fatal(err)
	}
	got, err := src.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String("repl-src")})
	if err != nil || len(got.ReplicationConfiguration.Rules) != 1 || aws.ToString(got.ReplicationConfiguration.Rules[0].ID) != "all" {
		t.Fatalf("GetBucketReplication = %+v, %v", got, err)
	}

	v, err := src.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("repl-src"), Key: aws.String("doc.txt"),
		Body: strings.NewReader("replicate me"), Metadata: map[string]string{"color": "blue"}, Tagging: aws.String("team=a")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(v.VersionId)
	if st := waitReplication(t, src, "repl-src", "doc.txt", id); st != s3types.ReplicationStatusCompleted {
		t.Fatalf("source status %q", st)
	}
	body, out := getBody(t, dst, &s3.GetObjectInput{Bucket: aws.String("repl-dst"), Key: aws.String("doc.txt")})
	if body != "replicate me" || aws.ToString(out.VersionId) != id || out.ReplicationStatus != s3types.ReplicationStatusReplica ||
		out.Metadata["color"] != "blue" || out.StorageClass != s3types.StorageClassStandardIa || aws.ToInt32(out.TagCount) != 1 {
		t.Fatalf("replica %q: %+v", body, out)
	}

	// Delete marker replication.
	del, err := src.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("repl-src"), Key: aws.String("doc.txt")})
	if err != nil || !aws.ToBool(del.DeleteMarker) {
		t.Fatalf("DeleteObject = %+v, %v", del, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := dst.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("repl-dst"), Key: aws.String("doc.txt")})
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorCode() == "NotFound" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("delete marker not replicated: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	vs, err := dst.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String("repl-dst")})
	if err != nil || len(vs.DeleteMarkers) != 1 || aws.ToString(vs.DeleteMarkers[0].VersionId) != aws.ToString(del.VersionId) || len(vs.Versions) != 1 {
		t.Fatalf("destination versions = %+v, %v", vs, err)
	}

	_, err = src.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("repl-src"),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusSuspended}})
	apiError(t, err, "InvalidBucketState", 409)
	if _, err := src.DeleteBucketReplication(ctx, &s3.DeleteBucketReplicationInput{Bucket: aws.String("repl-src")}); err != nil {
		t.Fatal(err)
	}
	_, err = src.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String("repl-src")})
	apiError(t, err, "ReplicationConfigurationNotFoundError", 404)
}

// TestS3ReplicationCLI configures replication with the AWS CLI from a file.
func TestS3ReplicationCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not installed")
	}
	srv := unkaitest.Start(t)
	for _, b := range []string{"cli-repl-src", "cli-repl-dst"} {
		runAWS(t, srv, "test", "s3api", "create-bucket", "--bucket", b)
		runAWS(t, srv, "test", "s3api", "put-bucket-versioning", "--bucket", b, "--versioning-configuration", "Status=Enabled")
	}
	file := filepath.Join(t.TempDir(), "replication.json")
	cfg := `{"Role": "arn:aws:iam::000000000000:role/s3-replication-role",
  "Rules": [{"ID": "logs", "Status": "Enabled", "Priority": 1, "DeleteMarkerReplication": {"Status": "Disabled"},
    "Filter": {"Prefix": "logs/"}, "Destination": {"Bucket": "arn:aws:s3:::cli-repl-dst"}}]}`
	if err := os.WriteFile(file, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	runAWS(t, srv, "test", "s3api", "put-bucket-replication", "--bucket", "cli-repl-src", "--replication-configuration", "file://"+file)
	got := runAWS(t, srv, "test", "s3api", "get-bucket-replication", "--bucket", "cli-repl-src")
	rc, _ := got["ReplicationConfiguration"].(map[string]any)
	rules, _ := rc["Rules"].([]any)
	if rc["Role"] != "arn:aws:iam::000000000000:role/s3-replication-role" || len(rules) != 1 {
		t.Fatalf("get-bucket-replication = %v", got)
	}
	if r, _ := rules[0].(map[string]any); r["ID"] != "logs" || r["Priority"] != float64(1) {
		t.Fatalf("rule = %v", rules[0])
	}
	put := runAWS(t, srv, "test", "s3api", "put-object", "--bucket", "cli-repl-src", "--key", "logs/a")
	c := s3Client(srv, "")
	if st := waitReplication(t, c, "cli-repl-src", "logs/a", put["VersionId"].(string)); st != s3types.ReplicationStatusCompleted {
		t.Fatalf("status %q", st)
	}
	out := runAWSFail(t, srv, "s3api", "get-bucket-replication", "--bucket", "cli-repl-dst")
	if !strings.Contains(out, "ReplicationConfigurationNotFoundError") {
		t.Fatalf("get-bucket-replication of a bucket without one: %s", out)
	}
}
