package e2e

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// TestS3LockLifecycle walks S3 Object Lock through aws-sdk-go-v2: a lock
// bucket, retention on upload, refused version deletes, the governance
// bypass, legal hold on and off, and the bucket's default retention.
func TestS3LockLifecycle(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	c := s3Client(srv, "")
	bucket := aws.String("lock-bucket")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket, ObjectLockEnabledForBucket: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: bucket}); err != nil || v.Status != s3types.BucketVersioningStatusEnabled {
		t.Fatalf("versioning of a lock bucket = %q, %v", v.Status, err)
	}
	_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: bucket,
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusSuspended}})
	apiError(t, err, "InvalidBucketState", 409)

	until := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	put := func(key string, mode s3types.ObjectLockMode, hold s3types.ObjectLockLegalHoldStatus) string {
		t.Helper()
		in := &s3.PutObjectInput{Bucket: bucket, Key: aws.String(key), Body: strings.NewReader("locked body"),
			ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32, ObjectLockLegalHoldStatus: hold}
		if mode != "" {
			in.ObjectLockMode, in.ObjectLockRetainUntilDate = mode, aws.Time(until)
		}
		out, err := c.PutObject(ctx, in)
		if err != nil {
			t.Fatalf("PutObject %s: %v", key, err)
		}
		return aws.ToString(out.VersionId)
	}
	comp := put("comp", s3types.ObjectLockModeCompliance, "")
	gov := put("gov", s3types.ObjectLockModeGovernance, "")
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("comp")})
	if err != nil || head.ObjectLockMode != s3types.ObjectLockModeCompliance || !aws.ToTime(head.ObjectLockRetainUntilDate).Equal(until) {
		t.Fatalf("HeadObject lock = %q %v, %v", head.ObjectLockMode, head.ObjectLockRetainUntilDate, err)
	}
	ret, err := c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: bucket, Key: aws.String("gov"), VersionId: aws.String(gov)})
	if err != nil || ret.Retention.Mode != s3types.ObjectLockRetentionModeGovernance {
		t.Fatalf("GetObjectRetention = %+v, %v", ret, err)
	}

	// Refused version deletes, and the bypass for governance.
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("comp"), VersionId: aws.String(comp), BypassGovernanceRetention: aws.Bool(true)})
	apiError(t, err, "AccessDenied", 403)
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("gov"), VersionId: aws.String(gov)})
	apiError(t, err, "AccessDenied", 403)
	_, err = c.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: bucket, Key: aws.String("comp"), VersionId: aws.String(comp),
		Retention: &s3types.ObjectLockRetention{Mode: s3types.ObjectLockRetentionModeCompliance, RetainUntilDate: aws.Time(until.Add(-time.Minute))}})
	apiError(t, err, "AccessDenied", 403)
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("gov"), VersionId: aws.String(gov), BypassGovernanceRetention: aws.Bool(true)}); err != nil {
		t.Fatalf("delete with governance bypass: %v", err)
	}
	// A delete without a version id only adds a marker.
	if del, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("comp")}); err != nil || !aws.ToBool(del.DeleteMarker) {
		t.Fatalf("delete marker = %+v, %v", del, err)
	}
	res, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bucket, Delete: &s3types.Delete{
		Objects: []s3types.ObjectIdentifier{{Key: aws.String("comp"), VersionId: aws.String(comp)}}}})
	if err != nil || len(res.Errors) != 1 || aws.ToString(res.Errors[0].Code) != "AccessDenied" {
		t.Fatalf("DeleteObjects of a compliance version = %+v, %v", res, err)
	}

	// Legal hold on and off.
	held := put("held", "", s3types.ObjectLockLegalHoldStatusOn)
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("held"), VersionId: aws.String(held), BypassGovernanceRetention: aws.Bool(true)})
	apiError(t, err, "AccessDenied", 403)
	if _, err := c.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: bucket, Key: aws.String("held"), VersionId: aws.String(held),
		LegalHold: &s3types.ObjectLockLegalHold{Status: s3types.ObjectLockLegalHoldStatusOff}}); err != nil {
		t.Fatal(err)
	}
	if lh, err := c.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: bucket, Key: aws.String("held"), VersionId: aws.String(held)}); err != nil || lh.LegalHold.Status != s3types.ObjectLockLegalHoldStatusOff {
		t.Fatalf("GetObjectLegalHold = %+v, %v", lh, err)
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("held"), VersionId: aws.String(held)}); err != nil {
		t.Fatalf("delete after lifting the legal hold: %v", err)
	}

	// The bucket's default retention locks new versions.
	if _, err := c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: bucket, ObjectLockConfiguration: &s3types.ObjectLockConfiguration{
		ObjectLockEnabled: s3types.ObjectLockEnabledEnabled,
		Rule:              &s3types.ObjectLockRule{DefaultRetention: &s3types.DefaultRetention{Mode: s3types.ObjectLockRetentionModeGovernance, Days: aws.Int32(1)}},
	}}); err != nil {
		t.Fatal(err)
	}
	cfg, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: bucket})
	if err != nil || cfg.ObjectLockConfiguration.Rule == nil || aws.ToInt32(cfg.ObjectLockConfiguration.Rule.DefaultRetention.Days) != 1 {
		t.Fatalf("GetObjectLockConfiguration = %+v, %v", cfg, err)
	}
	def := put("default", "", "")
	ret, err = c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: bucket, Key: aws.String("default"), VersionId: aws.String(def)})
	if err != nil || ret.Retention.Mode != s3types.ObjectLockRetentionModeGovernance || time.Until(aws.ToTime(ret.Retention.RetainUntilDate)) < 23*time.Hour {
		t.Fatalf("default retention = %+v, %v", ret, err)
	}
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("default"), VersionId: aws.String(def)})
	apiError(t, err, "AccessDenied", 403)

	// A bucket without Object Lock.
	plain := aws.String("plain-bucket")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: plain}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: plain})
	apiError(t, err, "ObjectLockConfigurationNotFoundError", 404)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: plain, Key: aws.String("k"), Body: strings.NewReader("x"),
		ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32, ObjectLockLegalHoldStatus: s3types.ObjectLockLegalHoldStatusOn})
	apiError(t, err, "InvalidRequest", 400)
	_, err = c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: plain,
		ObjectLockConfiguration: &s3types.ObjectLockConfiguration{ObjectLockEnabled: s3types.ObjectLockEnabledEnabled}})
	apiError(t, err, "InvalidBucketState", 409)
}

// TestS3LockCLI drives Object Lock through the AWS CLI.
func TestS3LockCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not installed")
	}
	srv := unkaitest.Start(t)
	runAWS(t, srv, "test", "s3api", "create-bucket", "--bucket", "cli-lock", "--object-lock-enabled-for-bucket")
	runAWS(t, srv, "test", "s3api", "put-object-lock-configuration", "--bucket", "cli-lock",
		"--object-lock-configuration", `{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"COMPLIANCE","Years":1}}}`)
	cfg := runAWS(t, srv, "test", "s3api", "get-object-lock-configuration", "--bucket", "cli-lock")
	rule, _ := cfg["ObjectLockConfiguration"].(map[string]any)["Rule"].(map[string]any)
	if d, _ := rule["DefaultRetention"].(map[string]any); d["Mode"] != "COMPLIANCE" || d["Years"] != float64(1) {
		t.Fatalf("get-object-lock-configuration = %v", cfg)
	}
	put := runAWS(t, srv, "test", "s3api", "put-object", "--bucket", "cli-lock", "--key", "doc", "--checksum-algorithm", "CRC32")
	id, _ := put["VersionId"].(string)
	ret := runAWS(t, srv, "test", "s3api", "get-object-retention", "--bucket", "cli-lock", "--key", "doc", "--version-id", id)
	if r, _ := ret["Retention"].(map[string]any); r["Mode"] != "COMPLIANCE" {
		t.Fatalf("get-object-retention = %v", ret)
	}
	out := runAWSFail(t, srv, "s3api", "delete-object", "--bucket", "cli-lock", "--key", "doc", "--version-id", id, "--bypass-governance-retention")
	if !strings.Contains(out, "AccessDenied") || !strings.Contains(out, "object protected by object lock") {
		t.Fatalf("delete-object of a compliance version: %s", out)
	}
}
