package e2e

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

func getBody(t *testing.T, c *s3.Client, in *s3.GetObjectInput) (string, *s3.GetObjectOutput) {
	t.Helper()
	out, err := c.GetObject(context.Background(), in)
	if err != nil {
		t.Fatalf("GetObject %s: %v", aws.ToString(in.Key), err)
	}
	b, err := io.ReadAll(out.Body)
	out.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return string(b), out
}

func TestS3VerVersioning(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	c := s3Client(srv, "")
	bucket := aws.String("ver-bucket")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: bucket})
	if err != nil || v.Status != "" {
		t.Fatalf("GetBucketVersioning of a new bucket = %q, %v", v.Status, err)
	}
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: bucket,
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	if v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: bucket}); err != nil || v.Status != s3types.BucketVersioningStatusEnabled {
		t.Fatalf("GetBucketVersioning = %q, %v", v.Status, err)
	}
	var ids []string
	for _, body := range []string{"one", "two"} {
		put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("doc.txt"), Body: strings.NewReader(body)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, aws.ToString(put.VersionId))
	}
	if ids[0] == "" || ids[0] == ids[1] {
		t.Fatalf("version ids %v", ids)
	}
	if body, out := getBody(t, c, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("doc.txt")}); body != "two" || aws.ToString(out.VersionId) != ids[1] {
		t.Errorf("latest = %q version %s", body, aws.ToString(out.VersionId))
	}
	if body, _ := getBody(t, c, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("doc.txt"), VersionId: aws.String(ids[0])}); body != "one" {
		t.Errorf("first version = %q", body)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("doc.txt"), VersionId: aws.String(ids[0])})
	if err != nil || aws.ToString(head.VersionId) != ids[0] || aws.ToInt64(head.ContentLength) != 3 {
		t.Errorf("HeadObject by version = %+v, %v", head, err)
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("doc.txt"), VersionId: aws.String("not-a-version")})
	apiError(t, err, "InvalidArgument", 400)

	del, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("doc.txt")})
	if err != nil || !aws.ToBool(del.DeleteMarker) || aws.ToString(del.VersionId) == "" {
		t.Fatalf("DeleteObject = %+v, %v", del, err)
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("doc.txt")})
	apiError(t, err, "NoSuchKey", 404)
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("doc.txt"), VersionId: del.VersionId})
	apiError(t, err, "MethodNotAllowed", 405)
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket})
	if err != nil || len(list.Contents) != 0 {
		t.Errorf("ListObjectsV2 after delete: %+v, %v", list, err)
	}
	vers, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: bucket})
	if err != nil {
		t.Fatal(err)
	}
	if len(vers.Versions) != 2 || len(vers.DeleteMarkers) != 1 || !aws.ToBool(vers.DeleteMarkers[0].IsLatest) ||
		aws.ToString(vers.Versions[0].VersionId) != ids[1] || aws.ToBool(vers.Versions[0].IsLatest) {
		t.Errorf("ListObjectVersions = %d versions, %d markers", len(vers.Versions), len(vers.DeleteMarkers))
	}
	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: bucket})
	apiError(t, err, "BucketNotEmpty", 409)

	// Paging one entry at a time visits every version and marker once.
	p := s3.NewListObjectVersionsPaginator(c, &s3.ListObjectVersionsInput{Bucket: bucket, MaxKeys: aws.Int32(1)})
	seen := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		seen += len(page.Versions) + len(page.DeleteMarkers)
	}
	if seen != 3 {
		t.Errorf("paged ListObjectVersions saw %d entries", seen)
	}

	// Removing the marker restores the object; removing every version empties the bucket.
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("doc.txt"), VersionId: del.VersionId}); err != nil {
		t.Fatal(err)
	}
	if body, _ := getBody(t, c, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("doc.txt")}); body != "two" {
		t.Errorf("after removing the marker: %q", body)
	}
	for _, id := range ids {
		out, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("doc.txt"), VersionId: aws.String(id)})
		if err != nil || aws.ToString(out.VersionId) != id {
			t.Fatalf("DeleteObject version %s = %+v, %v", id, out, err)
		}
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
}

func TestS3VerDeleteObjectsAndListV1(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	c := s3Client(srv, "")
	bucket := aws.String("multi-bucket")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	keys := []string{"a/1", "a/2", "b/1", "c", "d/x/1", "e"}
	for _, k := range keys {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatal(err)
		}
	}
	// ListObjects v1 with a delimiter, one entry a page, resuming from NextMarker.
	var got []string
	in := &s3.ListObjectsInput{Bucket: bucket, Delimiter: aws.String("/"), MaxKeys: aws.Int32(1)}
	for range 20 {
		out, err := c.ListObjects(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range out.Contents {
			got = append(got, aws.ToString(o.Key))
		}
		for _, cp := range out.CommonPrefixes {
			got = append(got, aws.ToString(cp.Prefix))
		}
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		if out.NextMarker == nil {
			t.Fatal("truncated delimited ListObjects without NextMarker")
		}
		in.Marker = out.NextMarker
	}
	if strings.Join(got, ",") != "a/,b/,c,d/,e" {
		t.Errorf("ListObjects pages: %v", got)
	}
	flat, err := c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: bucket, MaxKeys: aws.Int32(4)})
	if err != nil || len(flat.Contents) != 4 || !aws.ToBool(flat.IsTruncated) || flat.NextMarker != nil {
		t.Fatalf("ListObjects without delimiter: %+v, %v", flat, err)
	}

	verbose, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bucket, Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{
		{Key: aws.String("a/1")}, {Key: aws.String("missing")}, {Key: aws.String("c"), VersionId: aws.String("bogus")}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(verbose.Deleted) != 2 || len(verbose.Errors) != 1 || aws.ToString(verbose.Errors[0].Code) != "InvalidArgument" {
		t.Errorf("verbose DeleteObjects: %d deleted, errors %+v", len(verbose.Deleted), verbose.Errors)
	}
	quiet, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bucket, Delete: &s3types.Delete{Quiet: aws.Bool(true),
		Objects: []s3types.ObjectIdentifier{{Key: aws.String("a/2")}, {Key: aws.String("b/1")}}}})
	if err != nil || len(quiet.Deleted) != 0 || len(quiet.Errors) != 0 {
		t.Errorf("quiet DeleteObjects: %+v, %v", quiet, err)
	}
	left, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket})
	if err != nil || aws.ToInt32(left.KeyCount) != 3 {
		t.Errorf("after DeleteObjects: %+v, %v", left, err)
	}

	// In a versioned bucket DeleteObjects adds delete markers.
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: bucket,
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	marked, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bucket, Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{{Key: aws.String("e")}}}})
	if err != nil || len(marked.Deleted) != 1 || !aws.ToBool(marked.Deleted[0].DeleteMarker) || aws.ToString(marked.Deleted[0].DeleteMarkerVersionId) == "" {
		t.Errorf("versioned DeleteObjects: %+v, %v", marked, err)
	}
}

func TestS3VerTagging(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	c := s3Client(srv, "")
	bucket := aws.String("tag-bucket")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("k"), Body: strings.NewReader("x"),
		Tagging: aws.String("team=core&env=dev")}); err != nil {
		t.Fatal(err)
	}
	_, out := getBody(t, c, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("k")})
	if aws.ToInt32(out.TagCount) != 2 {
		t.Errorf("x-amz-tagging-count = %d", aws.ToInt32(out.TagCount))
	}
	if _, err := c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: bucket, Key: aws.String("k"),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("only"), Value: aws.String("one")}}}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: bucket, Key: aws.String("k")})
	if err != nil || len(tags.TagSet) != 1 || aws.ToString(tags.TagSet[0].Key) != "only" {
		t.Errorf("GetObjectTagging = %+v, %v", tags, err)
	}
	var eleven []s3types.Tag
	for i := range 11 {
		eleven = append(eleven, s3types.Tag{Key: aws.String(string(rune('a' + i))), Value: aws.String("v")})
	}
	_, err = c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: bucket, Key: aws.String("k"), Tagging: &s3types.Tagging{TagSet: eleven}})
	apiError(t, err, "BadRequest", 400)
	_, err = c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: bucket, Key: aws.String("k"),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String(strings.Repeat("k", 129)), Value: aws.String("v")}}}})
	apiError(t, err, "InvalidTag", 400)
	if _, err := c.DeleteObjectTagging(ctx, &s3.DeleteObjectTaggingInput{Bucket: bucket, Key: aws.String("k")}); err != nil {
		t.Fatal(err)
	}
	if tags, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: bucket, Key: aws.String("k")}); err != nil || len(tags.TagSet) != 0 {
		t.Errorf("after DeleteObjectTagging: %+v, %v", tags, err)
	}
	attrs, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: bucket, Key: aws.String("k"),
		ObjectAttributes: []s3types.ObjectAttributes{s3types.ObjectAttributesEtag, s3types.ObjectAttributesObjectSize, s3types.ObjectAttributesStorageClass}})
	if err != nil || aws.ToInt64(attrs.ObjectSize) != 1 || attrs.StorageClass != s3types.StorageClassStandard || aws.ToString(attrs.ETag) == "" {
		t.Errorf("GetObjectAttributes = %+v, %v", attrs, err)
	}
}

func TestS3VerCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not installed")
	}
	srv := unkaitest.Start(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(src, []byte("v"), 0o600); err != nil {
		t.Fatal(err)
	}
	runAWSText(t, srv, "s3", "mb", "s3://cli-ver")
	runAWSText(t, srv, "s3api", "put-bucket-versioning", "--bucket", "cli-ver", "--versioning-configuration", "Status=Enabled")
	for _, k := range []string{"x/1", "x/1", "x/2", "y"} {
		runAWSText(t, srv, "s3", "cp", src, "s3://cli-ver/"+k)
	}
	out := runAWS(t, srv, "test", "s3api", "list-object-versions", "--bucket", "cli-ver")
	if vs, _ := out["Versions"].([]any); len(vs) != 4 {
		t.Fatalf("list-object-versions: %v", out)
	}
	runAWSText(t, srv, "s3", "rm", "--recursive", "s3://cli-ver/")
	if ls := runAWSText(t, srv, "s3", "ls", "s3://cli-ver/"); strings.TrimSpace(ls) != "" {
		t.Errorf("aws s3 ls after rm --recursive: %q", ls)
	}
	out = runAWS(t, srv, "test", "s3api", "list-object-versions", "--bucket", "cli-ver")
	if ms, _ := out["DeleteMarkers"].([]any); len(ms) != 3 {
		t.Errorf("delete markers after rm --recursive: %v", out["DeleteMarkers"])
	}
}
