package e2e

import (
	"context"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

func TestS3CopyObject(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	c := s3Client(srv, "")
	for _, b := range []string{"copy-src", "copy-dst"} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("copy-src"),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	key := "dir/a file+é.txt"
	v1, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("copy-src"), Key: aws.String(key), Body: strings.NewReader("first"),
		ContentType: aws.String("text/plain"), Metadata: map[string]string{"m": "1"}, Tagging: aws.String("t=1"),
		ChecksumAlgorithm: s3types.ChecksumAlgorithmSha256})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("copy-src"), Key: aws.String(key), Body: strings.NewReader("second")}); err != nil {
		t.Fatal(err)
	}
	// The leading "/" keeps the source clear of the codec's full-match
	// check of the model's pattern \/.+\/.+ (S3 itself accepts both forms).
	source := "/copy-src/" + url.PathEscape(key)

	out, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("copy-dst"), Key: aws.String("latest"), CopySource: aws.String(source)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.CopySourceVersionId) == "" || out.CopyObjectResult == nil || aws.ToString(out.CopyObjectResult.ETag) == "" ||
		out.VersionId != nil {
		t.Errorf("CopyObject = %+v", out)
	}
	if body, _ := getBody(t, c, &s3.GetObjectInput{Bucket: aws.String("copy-dst"), Key: aws.String("latest")}); body != "second" {
		t.Errorf("copy of the latest version = %q", body)
	}

	out, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("copy-dst"), Key: aws.String("old"),
		CopySource: aws.String(source + "?versionId=" + aws.ToString(v1.VersionId))})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.CopySourceVersionId) != aws.ToString(v1.VersionId) || aws.ToString(out.CopyObjectResult.ChecksumSHA256) != aws.ToString(v1.ChecksumSHA256) {
		t.Errorf("CopyObject of a version = %+v %+v", out, out.CopyObjectResult)
	}
	body, got := getBody(t, c, &s3.GetObjectInput{Bucket: aws.String("copy-dst"), Key: aws.String("old")})
	if body != "first" || aws.ToString(got.ContentType) != "text/plain" || got.Metadata["m"] != "1" || aws.ToInt32(got.TagCount) != 1 {
		t.Errorf("copy of a version = %q type %q meta %v tags %d", body, aws.ToString(got.ContentType), got.Metadata, aws.ToInt32(got.TagCount))
	}

	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("copy-dst"), Key: aws.String("replaced"), CopySource: aws.String(source),
		MetadataDirective: s3types.MetadataDirectiveReplace, ContentType: aws.String("application/x-new"), Metadata: map[string]string{"n": "2"},
		TaggingDirective: s3types.TaggingDirectiveReplace, Tagging: aws.String("a=b&c=d")}); err != nil {
		t.Fatal(err)
	}
	_, got = getBody(t, c, &s3.GetObjectInput{Bucket: aws.String("copy-dst"), Key: aws.String("replaced")})
	if aws.ToString(got.ContentType) != "application/x-new" || got.Metadata["n"] != "2" || got.Metadata["m"] != "" || aws.ToInt32(got.TagCount) != 2 {
		t.Errorf("REPLACE copy: type %q meta %v tags %d", aws.ToString(got.ContentType), got.Metadata, aws.ToInt32(got.TagCount))
	}

	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("copy-dst"), Key: aws.String("x"), CopySource: aws.String(source),
		CopySourceIfMatch: aws.String(`"0123"`)})
	apiError(t, err, "PreconditionFailed", 412)
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("copy-dst"), Key: aws.String("latest"), CopySource: aws.String("/copy-dst/latest")})
	apiError(t, err, "InvalidRequest", 400)
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("copy-dst"), Key: aws.String("x"), CopySource: aws.String("/copy-src/missing")})
	apiError(t, err, "NoSuchKey", 404)

	// The copies do not share files with their source.
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("copy-src"), Key: aws.String(key), VersionId: v1.VersionId}); err != nil {
		t.Fatal(err)
	}
	if body, _ := getBody(t, c, &s3.GetObjectInput{Bucket: aws.String("copy-dst"), Key: aws.String("old")}); body != "first" {
		t.Errorf("copy after its source version was deleted = %q", body)
	}
}

// TestS3ConditionalWrites: If-None-Match: * refuses to overwrite (412),
// If-Match writes only over the named ETag, on PUT and on multipart
// completion.
func TestS3ConditionalWrites(t *testing.T) {
	srv := unkaitest.Start(t)
	ctx := context.Background()
	c := s3Client(srv, "")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("cond")}); err != nil {
		t.Fatal(err)
	}
	put := func(body string, ifMatch, ifNoneMatch *string) (*s3.PutObjectOutput, error) {
		return c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("cond"), Key: aws.String("k"),
			Body: strings.NewReader(body), IfMatch: ifMatch, IfNoneMatch: ifNoneMatch})
	}
	first, err := put("one", nil, aws.String("*"))
	if err != nil {
		t.Fatalf("create-only PUT of a new key: %v", err)
	}
	_, err = put("two", nil, aws.String("*"))
	apiError(t, err, "PreconditionFailed", 412)
	_, err = put("two", aws.String(`"0123456789abcdef0123456789abcdef"`), nil)
	apiError(t, err, "PreconditionFailed", 412)
	if _, err := put("two", first.ETag, nil); err != nil {
		t.Fatalf("PUT if-match the current ETag: %v", err)
	}
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("cond"), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(b) != "two" {
		t.Errorf("body %q after the conditional writes", b)
	}
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("cond"), Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("cond"), Key: aws.String("k"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader("three")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("cond"), Key: aws.String("k"),
		UploadId: up.UploadId, IfNoneMatch: aws.String("*"),
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}}})
	apiError(t, err, "PreconditionFailed", 412)
}
