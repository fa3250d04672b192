//lint:file-ignore SA1019 feature/s3/manager is deprecated upstream, but it is what applications use today.

package e2e

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// patterned returns n bytes that differ from part to part.
func patterned(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed ^ byte(i*13+i>>11)
	}
	return b
}

func TestS3MultipartLowLevel(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	c := s3Client(srv, "")
	bucket := aws.String("mp-bucket")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	create, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: aws.String("big"),
		ContentType: aws.String("application/x-parts"), Metadata: map[string]string{"k": "v"},
		ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32})
	if err != nil {
		t.Fatal(err)
	}
	id := create.UploadId
	parts := [][]byte{patterned(5<<20, 1), patterned(5<<20+1, 2), patterned(1000, 3)}
	var whole []byte
	var done []s3types.CompletedPart
	var sums []byte
	for i, b := range parts {
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: aws.String("big"), UploadId: id,
			PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(b), ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32})
		if err != nil {
			t.Fatal(err)
		}
		done = append(done, s3types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32})
		whole = append(whole, b...)
		s := md5.Sum(b)
		sums = append(sums, s[:]...)
	}
	_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: aws.String("big"), UploadId: id,
		PartNumber: aws.Int32(10001), Body: strings.NewReader("x")})
	apiError(t, err, "InvalidArgument", 400)

	lp, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: bucket, Key: aws.String("big"), UploadId: id, MaxParts: aws.Int32(2)})
	if err != nil || len(lp.Parts) != 2 || !aws.ToBool(lp.IsTruncated) || aws.ToString(lp.NextPartNumberMarker) != "2" {
		t.Fatalf("ListParts = %+v, %v", lp, err)
	}
	lu, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: bucket})
	if err != nil || len(lu.Uploads) != 1 || aws.ToString(lu.Uploads[0].UploadId) != aws.ToString(id) {
		t.Fatalf("ListMultipartUploads = %+v, %v", lu, err)
	}

	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: aws.String("big"), UploadId: id,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{done[1], done[0]}}})
	apiError(t, err, "InvalidPartOrder", 400)
	comp, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: aws.String("big"), UploadId: id,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: done}})
	if err != nil {
		t.Fatal(err)
	}
	all := md5.Sum(sums)
	if want := fmt.Sprintf(`"%s-3"`, hex.EncodeToString(all[:])); aws.ToString(comp.ETag) != want {
		t.Errorf("ETag %s, want %s", aws.ToString(comp.ETag), want)
	}
	if !strings.HasSuffix(aws.ToString(comp.ChecksumCRC32), "-3") {
		t.Errorf("composite CRC32 %q", aws.ToString(comp.ChecksumCRC32))
	}

	get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("big"), ChecksumMode: s3types.ChecksumModeEnabled})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(get.Body)
	get.Body.Close()
	if err != nil || !bytes.Equal(got, whole) || aws.ToString(get.ContentType) != "application/x-parts" || get.Metadata["k"] != "v" {
		t.Fatalf("GetObject: %d bytes (want %d), %v", len(got), len(whole), err)
	}
	// A range spanning the three parts.
	first, last := 5<<20-10, 10<<20+5
	rng, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("big"), Range: aws.String(fmt.Sprintf("bytes=%d-%d", first, last))})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = io.ReadAll(rng.Body)
	rng.Body.Close()
	if !bytes.Equal(got, whole[first:last+1]) || aws.ToString(rng.ContentRange) != fmt.Sprintf("bytes %d-%d/%d", first, last, len(whole)) {
		t.Errorf("range read: %d bytes, Content-Range %q", len(got), aws.ToString(rng.ContentRange))
	}
	part, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("big"), PartNumber: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = io.ReadAll(part.Body)
	part.Body.Close()
	if !bytes.Equal(got, parts[1]) || aws.ToInt32(part.PartsCount) != 3 {
		t.Errorf("part 2: %d bytes, parts count %d", len(got), aws.ToInt32(part.PartsCount))
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("big"), PartNumber: aws.Int32(3)})
	if err != nil || aws.ToInt32(head.PartsCount) != 3 || aws.ToInt64(head.ContentLength) != 1000 {
		t.Errorf("HeadObject part 3 = %+v, %v", head, err)
	}

	// UploadPartCopy of a range, then abort. The copy source carries a
	// leading slash: the codec checks the model's pattern \/.+\/.+ on it.
	cp, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: aws.String("copy")})
	if err != nil {
		t.Fatal(err)
	}
	pc, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: bucket, Key: aws.String("copy"), UploadId: cp.UploadId,
		PartNumber: aws.Int32(1), CopySource: aws.String("mp-bucket/big"), CopySourceRange: aws.String("bytes=0-99")})
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(whole[:100])
	if aws.ToString(pc.CopyPartResult.ETag) != `"`+hex.EncodeToString(sum[:])+`"` {
		t.Errorf("UploadPartCopy ETag %s", aws.ToString(pc.CopyPartResult.ETag))
	}
	_, err = c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: bucket, Key: aws.String("copy"), UploadId: cp.UploadId,
		PartNumber: aws.Int32(2), CopySource: aws.String("/mp-bucket/big"), CopySourceRange: aws.String("bytes=0-")})
	apiError(t, err, "InvalidArgument", 400)
	if _, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: bucket, Key: aws.String("copy"), UploadId: cp.UploadId}); err != nil {
		t.Fatal(err)
	}
	_, err = c.ListParts(ctx, &s3.ListPartsInput{Bucket: bucket, Key: aws.String("copy"), UploadId: cp.UploadId})
	apiError(t, err, "NoSuchUpload", 404)
}

func TestS3MultipartTransferManager(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	c := s3Client(srv, "")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("tm-bucket")}); err != nil {
		t.Fatal(err)
	}
	body := patterned(40<<20, 7)
	// feature/s3/manager is the transfer manager applications use today;
	// its successor (feature/s3/transfermanager) is still v0.
	up := manager.NewUploader(c, func(u *manager.Uploader) { u.PartSize = 5 << 20 })
	res, err := up.Upload(ctx, &s3.PutObjectInput{Bucket: aws.String("tm-bucket"), Key: aws.String("forty"),
		Body: bytes.NewReader(body), ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(aws.ToString(res.ETag), `-8"`) {
		t.Errorf("ETag %s, want 8 parts", aws.ToString(res.ETag))
	}
	down := manager.NewDownloader(c, func(d *manager.Downloader) { d.PartSize = 5 << 20 })
	buf := manager.NewWriteAtBuffer(nil)
	n, err := down.Download(ctx, buf, &s3.GetObjectInput{Bucket: aws.String("tm-bucket"), Key: aws.String("forty"),
		ChecksumMode: s3types.ChecksumModeEnabled})
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(len(body)) || !bytes.Equal(buf.Bytes(), body) {
		t.Fatalf("downloaded %d bytes, equal %v", n, bytes.Equal(buf.Bytes(), body))
	}
}

func TestS3MultipartCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not installed")
	}
	srv := unkaitest.Start(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "twenty.bin")
	body := patterned(20<<20, 5)
	if err := os.WriteFile(src, body, 0o600); err != nil {
		t.Fatal(err)
	}
	runAWSText(t, srv, "s3", "mb", "s3://cli-mp")
	runAWSText(t, srv, "s3", "cp", src, "s3://cli-mp/twenty.bin")
	head := runAWSText(t, srv, "s3api", "head-object", "--bucket", "cli-mp", "--key", "twenty.bin")
	if !strings.Contains(head, `-3\"`) {
		t.Errorf("head-object of a multipart upload: %s", head)
	}
	dst := filepath.Join(dir, "back.bin")
	runAWSText(t, srv, "s3", "cp", "s3://cli-mp/twenty.bin", dst)
	if b, err := os.ReadFile(dst); err != nil || !bytes.Equal(b, body) {
		t.Errorf("downloaded %d bytes, %v", len(b), err)
	}
}
