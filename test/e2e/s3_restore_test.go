package e2e

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// TestS3RestoreArchived: an object put in GLACIER cannot be read until a
// restore, which answers 202, shows as ongoing on HEAD, completes after the
// tier's delay and makes the object readable; a second restore answers 200.
func TestS3RestoreArchived(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	c := s3Client(srv, "")
	bucket := aws.String("cold-bucket")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("frozen"), Body: strings.NewReader("ice"),
		StorageClass: s3types.StorageClassGlacier}); err != nil {
		t.Fatal(err)
	}
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("odd"), Body: strings.NewReader("x"),
		StorageClass: s3types.StorageClassOutposts})
	apiError(t, err, "InvalidStorageClass", 400)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("odd"), Body: strings.NewReader("x"),
		StorageClass: "FROZEN_SOLID"}) // outside the model's enum
	apiError(t, err, "InvalidStorageClass", 400)

	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("frozen")})
	apiError(t, err, "InvalidObjectState", 403)
	var ios *s3types.InvalidObjectState
	if !errors.As(err, &ios) || ios.StorageClass != s3types.StorageClassGlacier {
		t.Errorf("InvalidObjectState without its storage class: %v", err)
	}
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("thawed"), CopySource: aws.String("cold-bucket/frozen")})
	apiError(t, err, "InvalidObjectState", 403)

	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket})
	if err != nil || len(list.Contents) != 1 || list.Contents[0].StorageClass != s3types.ObjectStorageClassGlacier {
		t.Fatalf("listing: %+v %v", list, err)
	}

	restore := func() int {
		t.Helper()
		out, err := c.RestoreObject(ctx, &s3.RestoreObjectInput{Bucket: bucket, Key: aws.String("frozen"),
			RestoreRequest: &s3types.RestoreRequest{Days: aws.Int32(1),
				GlacierJobParameters: &s3types.GlacierJobParameters{Tier: s3types.TierExpedited}}})
		if err != nil {
			t.Fatal(err)
		}
		return awsmiddleware.GetRawResponse(out.ResultMetadata).(*smithyhttp.Response).StatusCode
	}
	if status := restore(); status != 202 {
		t.Errorf("restore answered %d, want 202", status)
	}
	_, err = c.RestoreObject(ctx, &s3.RestoreObjectInput{Bucket: bucket, Key: aws.String("frozen"),
		RestoreRequest: &s3types.RestoreRequest{Days: aws.Int32(1)}})
	apiError(t, err, "RestoreAlreadyInProgress", 409)
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("frozen")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(head.Restore) != `ongoing-request="true"` || head.StorageClass != s3types.StorageClassGlacier {
		t.Errorf("HEAD while restoring: restore %q class %q", aws.ToString(head.Restore), head.StorageClass)
	}
	deadline := time.Now().Add(20 * time.Second)
	for strings.Contains(aws.ToString(head.Restore), `ongoing-request="true"`) {
		if time.Now().After(deadline) {
			t.Fatal("restore did not complete")
		}
		time.Sleep(200 * time.Millisecond)
		if head, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("frozen")}); err != nil {
			t.Fatal(err)
		}
	}
	if r := aws.ToString(head.Restore); !strings.HasPrefix(r, `ongoing-request="false", expiry-date="`) || !strings.HasSuffix(r, ` 00:00:00 GMT"`) {
		t.Errorf("x-amz-restore when done: %q", r)
	}
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("frozen")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(got.Body)
	_ = got.Body.Close()
	if string(body) != "ice" || got.StorageClass != s3types.StorageClassGlacier {
		t.Errorf("restored GET: %q, class %q", body, got.StorageClass)
	}
	if status := restore(); status != 200 {
		t.Errorf("restore of a restored copy answered %d, want 200", status)
	}
	// A restored copy can be copied out to a class of its own.
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("frozen"), CopySource: aws.String("cold-bucket/frozen"),
		StorageClass: s3types.StorageClassStandardIa}); err != nil {
		t.Fatal(err)
	}
	head, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("frozen")})
	if err != nil || head.StorageClass != s3types.StorageClassStandardIa || head.Restore != nil {
		t.Errorf("after the copy: class %q restore %q (%v)", head.StorageClass, aws.ToString(head.Restore), err)
	}
	_, err = c.RestoreObject(ctx, &s3.RestoreObjectInput{Bucket: bucket, Key: aws.String("frozen"),
		RestoreRequest: &s3types.RestoreRequest{Days: aws.Int32(1)}})
	apiError(t, err, "InvalidObjectState", 403)
}

// TestS3RestoreCLI: the AWS CLI uploads to DEEP_ARCHIVE, restores with
// s3api restore-object and watches head-object until the copy is ready.
func TestS3RestoreCLI(t *testing.T) {
	srv := unkaitest.Start(t)
	file := filepath.Join(t.TempDir(), "archive.txt")
	if err := os.WriteFile(file, []byte("deep"), 0o600); err != nil {
		t.Fatal(err)
	}
	runAWS(t, srv, "test", "s3api", "create-bucket", "--bucket", "cli-cold")
	runAWSText(t, srv, "s3", "cp", file, "s3://cli-cold/archive.txt", "--storage-class", "DEEP_ARCHIVE")
	head := runAWS(t, srv, "test", "s3api", "head-object", "--bucket", "cli-cold", "--key", "archive.txt")
	if head["StorageClass"] != "DEEP_ARCHIVE" || head["Restore"] != nil {
		t.Fatalf("head-object: %v", head)
	}
	out := runAWSFail(t, srv, "s3api", "get-object", "--bucket", "cli-cold", "--key", "archive.txt", filepath.Join(t.TempDir(), "out"))
	if !strings.Contains(out, "InvalidObjectState") {
		t.Errorf("get-object of an archived object: %s", out)
	}
	out = runAWSFail(t, srv, "s3api", "restore-object", "--bucket", "cli-cold", "--key", "archive.txt",
		"--restore-request", `{"Days":1,"GlacierJobParameters":{"Tier":"Expedited"}}`)
	if !strings.Contains(out, "InvalidArgument") {
		t.Errorf("Expedited restore of DEEP_ARCHIVE: %s", out)
	}
	runAWS(t, srv, "test", "s3api", "restore-object", "--bucket", "cli-cold", "--key", "archive.txt",
		"--restore-request", `{"Days":2,"GlacierJobParameters":{"Tier":"Standard"}}`)
	head = runAWS(t, srv, "test", "s3api", "head-object", "--bucket", "cli-cold", "--key", "archive.txt")
	if head["Restore"] != `ongoing-request="true"` {
		t.Errorf("head-object while restoring: %v", head["Restore"])
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		head = runAWS(t, srv, "test", "s3api", "head-object", "--bucket", "cli-cold", "--key", "archive.txt")
		if r, _ := head["Restore"].(string); strings.HasPrefix(r, `ongoing-request="false"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("restore did not complete: %v", head)
		}
		time.Sleep(300 * time.Millisecond)
	}
	dst := filepath.Join(t.TempDir(), "back.txt")
	runAWSText(t, srv, "s3", "cp", "s3://cli-cold/archive.txt", dst)
	if b, err := os.ReadFile(dst); err != nil || string(b) != "deep" {
		t.Errorf("downloaded %q (%v)", b, err)
	}
}
