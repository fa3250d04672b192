package e2e

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
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

func s3Client(srv *unkaitest.Server, region string) *s3.Client {
	return s3.NewFromConfig(srv.AWSConfig(), func(o *s3.Options) {
		o.UsePathStyle = true
		if region != "" {
			o.Region = region
		}
	})
}

func TestS3BucketsAndObjects(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	c := s3Client(srv, "")

	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("e2e-bucket")}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("e2e-bucket")})
	apiError(t, err, "BucketAlreadyOwnedByYou", 409)
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("Bad_Name")})
	apiError(t, err, "InvalidBucketName", 400)
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("elsewhere"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}})
	apiError(t, err, "IllegalLocationConstraintException", 400)
	if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("e2e-bucket")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("missing-bucket")})
	if err == nil {
		t.Fatal("HeadBucket of a missing bucket succeeded")
	}
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("missing-bucket"), Key: aws.String("k"), Body: strings.NewReader("x")})
	apiError(t, err, "NoSuchBucket", 404)
	loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("e2e-bucket")})
	if err != nil || loc.LocationConstraint != "" {
		t.Fatalf("GetBucketLocation = %+v, %v", loc, err)
	}

	body := make([]byte, 1<<20)
	for i := range body {
		body[i] = byte(i * 7)
	}
	sum := md5.Sum(body)
	etag := `"` + hex.EncodeToString(sum[:]) + `"`
	put, err := c.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("e2e-bucket"), Key: aws.String("dir/big.bin"), Body: bytes.NewReader(body),
		ContentType: aws.String("application/x-test"), Metadata: map[string]string{"color": "blue"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(put.ETag) != etag {
		t.Errorf("PutObject ETag = %s, want %s", aws.ToString(put.ETag), etag)
	}
	get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("e2e-bucket"), Key: aws.String("dir/big.bin")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(get.Body)
	get.Body.Close()
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("GetObject body: %d bytes, equal %v, err %v", len(got), bytes.Equal(got, body), err)
	}
	if aws.ToString(get.ETag) != etag || aws.ToString(get.ContentType) != "application/x-test" || get.Metadata["color"] != "blue" {
		t.Errorf("GetObject = etag %s type %s meta %v", aws.ToString(get.ETag), aws.ToString(get.ContentType), get.Metadata)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("e2e-bucket"), Key: aws.String("dir/big.bin")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt64(head.ContentLength) != 1<<20 || aws.ToString(head.ETag) != etag {
		t.Errorf("HeadObject = %d bytes, etag %s", aws.ToInt64(head.ContentLength), aws.ToString(head.ETag))
	}

	rng, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("e2e-bucket"), Key: aws.String("dir/big.bin"), Range: aws.String("bytes=100-199")})
	if err != nil {
		t.Fatal(err)
	}
	part, _ := io.ReadAll(rng.Body)
	rng.Body.Close()
	if !bytes.Equal(part, body[100:200]) || aws.ToString(rng.ContentRange) != "bytes 100-199/1048576" {
		t.Errorf("range GET: %d bytes, Content-Range %q", len(part), aws.ToString(rng.ContentRange))
	}
	if raw, ok := awsmiddleware.GetRawResponse(rng.ResultMetadata).(*smithyhttp.Response); !ok || raw.StatusCode != http.StatusPartialContent {
		t.Errorf("range GET status: %v", raw)
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("e2e-bucket"), Key: aws.String("dir/big.bin"), Range: aws.String("bytes=2000000-")})
	apiError(t, err, "InvalidRange", 416)
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("e2e-bucket"), Key: aws.String("nope")})
	apiError(t, err, "NoSuchKey", 404)

	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("e2e-bucket")})
	apiError(t, err, "BucketNotEmpty", 409)
	for i := 0; i < 2; i++ {
		if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("e2e-bucket"), Key: aws.String("dir/big.bin")}); err != nil {
			t.Fatalf("DeleteObject #%d: %v", i, err)
		}
	}
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("e2e-bucket"), Key: aws.String("dir/big.bin")})
	if err == nil {
		t.Fatal("HeadObject after delete succeeded")
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("e2e-bucket")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("e2e-bucket")})
	apiError(t, err, "NoSuchBucket", 404)
}

func TestS3RegionalBucket(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	c := s3Client(srv, "eu-west-1")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("eu-bucket")})
	apiError(t, err, "IllegalLocationConstraintException", 400)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("eu-bucket"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}}); err != nil {
		t.Fatal(err)
	}
	loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("eu-bucket")})
	if err != nil || loc.LocationConstraint != "eu-west-1" {
		t.Fatalf("GetBucketLocation = %+v, %v", loc, err)
	}
	_, err = s3Client(srv, "").CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("eu-bucket")})
	if err == nil {
		t.Fatal("re-creating a taken name succeeded")
	}
}

func TestS3ListObjectsV2(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	c := s3Client(srv, "")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("list-bucket")}); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for i := 0; i < 25; i++ {
		keys = append(keys, fmt.Sprintf("flat/%02d", i))
	}
	keys = append(keys, "a/1", "a/2", "b/x/1", "top")
	for _, k := range keys {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("list-bucket"), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatal(err)
		}
	}

	var seen []string
	pages := 0
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String("list-bucket"), Prefix: aws.String("flat/"), MaxKeys: aws.Int32(10)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if int(aws.ToInt32(out.KeyCount)) != len(out.Contents) {
			t.Errorf("KeyCount %d, %d contents", aws.ToInt32(out.KeyCount), len(out.Contents))
		}
		for _, o := range out.Contents {
			seen = append(seen, aws.ToString(o.Key))
		}
	}
	if pages != 3 || strings.Join(seen, ",") != strings.Join(keys[:25], ",") {
		t.Errorf("paginated listing: %d pages, keys %v", pages, seen)
	}

	out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("list-bucket"), Delimiter: aws.String("/")})
	if err != nil {
		t.Fatal(err)
	}
	var prefixes []string
	for _, cp := range out.CommonPrefixes {
		prefixes = append(prefixes, aws.ToString(cp.Prefix))
	}
	if strings.Join(prefixes, ",") != "a/,b/,flat/" || len(out.Contents) != 1 || aws.ToString(out.Contents[0].Key) != "top" ||
		aws.ToInt32(out.KeyCount) != 4 {
		t.Errorf("delimited listing: prefixes %v, contents %d, KeyCount %d", prefixes, len(out.Contents), aws.ToInt32(out.KeyCount))
	}

	out, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("list-bucket"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if !aws.ToBool(out.IsTruncated) || len(out.CommonPrefixes) != 2 {
		t.Fatalf("first delimited page: %+v", out)
	}
	out, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("list-bucket"), Delimiter: aws.String("/"),
		MaxKeys: aws.Int32(2), ContinuationToken: out.NextContinuationToken})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToBool(out.IsTruncated) || len(out.CommonPrefixes) != 1 || aws.ToString(out.CommonPrefixes[0].Prefix) != "flat/" ||
		len(out.Contents) != 1 {
		t.Errorf("second delimited page: %+v", out)
	}

	out, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("list-bucket"), StartAfter: aws.String("flat/22")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Contents) != 3 || aws.ToString(out.Contents[0].Key) != "flat/23" {
		t.Errorf("start-after listing: %d contents", len(out.Contents))
	}
	_, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("no-such-bucket")})
	apiError(t, err, "NoSuchBucket", 404)
}

// TestS3ChunkedUpload sends unseekable bodies, which the SDK frames as
// aws-chunked with a trailing CRC32, to an open and a strict server.
func TestS3ChunkedUpload(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []unkaitest.Option
	}{
		{"open", nil},
		{"strict", []unkaitest.Option{unkaitest.WithStrictAuth("AKIDSTRICTEXAMPLE", "strict-secret")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			srv := unkaitest.Start(t, tc.opts...)
			// The SDK frames unseekable bodies as aws-chunked only over
			// TLS: it is told the endpoint is https and the transport
			// sends plain HTTP.
			c := s3.NewFromConfig(srv.AWSConfig(), func(o *s3.Options) {
				o.UsePathStyle = true
				o.BaseEndpoint = aws.String(strings.Replace(srv.URL, "http://", "https://", 1))
				o.HTTPClient = &http.Client{Transport: plainHTTP{}}
			})
			if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("chunk-bucket")}); err != nil {
				t.Fatal(err)
			}
			body := bytes.Repeat([]byte("chunked body "), 20000)
			put, err := c.PutObject(ctx, &s3.PutObjectInput{
				Bucket: aws.String("chunk-bucket"), Key: aws.String("k"),
				Body:              struct{ io.Reader }{bytes.NewReader(body)},
				ContentLength:     aws.Int64(int64(len(body))),
				ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32,
			})
			if err != nil {
				t.Fatal(err)
			}
			get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("chunk-bucket"), Key: aws.String("k"),
				ChecksumMode: s3types.ChecksumModeEnabled})
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(get.Body)
			get.Body.Close()
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("GetObject returned %d bytes (want %d), %v", len(got), len(body), err)
			}
			if aws.ToString(get.ContentEncoding) != "" || aws.ToString(put.ChecksumCRC32) == "" ||
				aws.ToString(get.ChecksumCRC32) != aws.ToString(put.ChecksumCRC32) {
				t.Errorf("encoding %q, put CRC32 %q, get CRC32 %q", aws.ToString(get.ContentEncoding),
					aws.ToString(put.ChecksumCRC32), aws.ToString(get.ChecksumCRC32))
			}
		})
	}
}

// plainHTTP sends https requests as plain HTTP.
type plainHTTP struct{}

func (plainHTTP) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme = "http"
	return http.DefaultTransport.RoundTrip(r)
}

// runAWSText runs the AWS CLI and returns its standard output.
func runAWSText(t *testing.T, srv *unkaitest.Server, args ...string) string {
	t.Helper()
	cmd := exec.Command("aws", args...)
	cmd.Env = awsEnv(srv, "test")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestS3CLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not installed")
	}
	srv := unkaitest.Start(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "hello.txt")
	if err := os.WriteFile(src, []byte("hello from the cli\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	runAWSText(t, srv, "s3", "mb", "s3://cli-bucket")
	runAWSText(t, srv, "s3", "cp", src, "s3://cli-bucket/docs/hello.txt")
	ls := runAWSText(t, srv, "s3", "ls", "s3://cli-bucket/docs/")
	if !strings.Contains(ls, "hello.txt") || !strings.Contains(ls, "19") {
		t.Errorf("aws s3 ls: %q", ls)
	}
	if top := runAWSText(t, srv, "s3", "ls", "s3://cli-bucket"); !strings.Contains(top, "PRE docs/") {
		t.Errorf("aws s3 ls of the bucket: %q", top)
	}
	dst := filepath.Join(dir, "back.txt")
	runAWSText(t, srv, "s3", "cp", "s3://cli-bucket/docs/hello.txt", dst)
	if b, err := os.ReadFile(dst); err != nil || string(b) != "hello from the cli\n" {
		t.Errorf("downloaded %q, %v", b, err)
	}
}

// TestS3CLISync runs `aws s3 sync` and `aws s3 cp --recursive` both ways
// over a small tree, with a change and a deletion in between.
func TestS3CLISync(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not installed")
	}
	srv := unkaitest.Start(t)
	src := t.TempDir()
	files := map[string]string{"a.txt": "alpha\n", "dir/b.txt": "bravo\n", "dir/sub/c.bin": strings.Repeat("c", 20000), "empty": ""}
	write := func(root string, m map[string]string) {
		for name, body := range m {
			p := filepath.Join(root, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			// Edited a minute ago: S3 times have whole seconds, and sync
			// uploads a file modified after its object.
			old := time.Now().Add(-time.Minute)
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	read := func(root string) map[string]string {
		got := map[string]string{}
		_ = filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				b, _ := os.ReadFile(p)
				rel, _ := filepath.Rel(root, p)
				got[filepath.ToSlash(rel)] = string(b)
			}
			return nil
		})
		return got
	}
	equal := func(what string, got, want map[string]string) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: %d files, want %d: %v", what, len(got), len(want), got)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s = %q, want %q", what, k, got[k], v)
			}
		}
	}
	write(src, files)
	runAWSText(t, srv, "s3", "mb", "s3://sync-bucket")
	runAWSText(t, srv, "s3", "sync", src, "s3://sync-bucket/tree")
	down := t.TempDir()
	runAWSText(t, srv, "s3", "sync", "s3://sync-bucket/tree", down)
	equal("first sync down", read(down), files)

	files["a.txt"] = "alpha, changed\n"
	delete(files, "dir/b.txt")
	write(src, map[string]string{"a.txt": files["a.txt"]})
	if err := os.Remove(filepath.Join(src, "dir/b.txt")); err != nil {
		t.Fatal(err)
	}
	out := runAWSText(t, srv, "s3", "sync", "--delete", src, "s3://sync-bucket/tree")
	if !strings.Contains(out, "upload: ") || !strings.Contains(out, "delete: s3://sync-bucket/tree/dir/b.txt") {
		t.Errorf("second sync did not upload the change and delete the removed file:\n%s", out)
	}
	copyDown := t.TempDir()
	runAWSText(t, srv, "s3", "cp", "--recursive", "s3://sync-bucket/tree", copyDown)
	equal("cp --recursive down", read(copyDown), files)
	if again := runAWSText(t, srv, "s3", "sync", src, "s3://sync-bucket/tree"); strings.TrimSpace(again) != "" {
		t.Errorf("sync of an unchanged tree transferred:\n%s", again)
	}
}

// TestS3ExpectedBucketOwner checks x-amz-expected-bucket-owner and its
// copy-source twin: another account's number refuses the request.
func TestS3ExpectedBucketOwner(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	c := s3Client(srv, "us-east-1")
	bucket := aws.String("owned")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	mine, other := aws.String("000000000000"), aws.String("111122223333")
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("k"), Body: strings.NewReader("v"), ExpectedBucketOwner: mine}); err != nil {
		t.Fatalf("own account expected: %v", err)
	}
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("k"), Body: strings.NewReader("w"), ExpectedBucketOwner: other})
	apiError(t, err, "AccessDenied", http.StatusForbidden)
	_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: bucket, ExpectedBucketOwner: other})
	apiError(t, err, "Forbidden", http.StatusForbidden) // HEAD: no body, the SDK names the status
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("copy"), CopySource: aws.String("owned/k"), ExpectedSourceBucketOwner: other})
	apiError(t, err, "AccessDenied", http.StatusForbidden)
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("copy"), CopySource: aws.String("owned/k"),
		ExpectedBucketOwner: mine, ExpectedSourceBucketOwner: mine}); err != nil {
		t.Fatalf("copy with both owners right: %v", err)
	}
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(body) != "v" {
		t.Errorf("refused PutObject wrote: %q", body)
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("nobody-has-this"), Key: aws.String("k"), ExpectedBucketOwner: other})
	apiError(t, err, "NoSuchBucket", http.StatusNotFound)
}
