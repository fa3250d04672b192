package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage/memory"
)

// newTestProvider returns a provider over a memory store and a temporary
// blob directory, with a bucket named "b" owned by the default account.
func newTestProvider(t *testing.T) (*Provider, context.Context) {
	t.Helper()
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	p := New(service.Deps{Store: st, BlobDir: t.TempDir()})
	ctx := scope.With(context.Background(), scope.Scope{Account: scope.DefaultAccount, Region: "us-east-1"})
	if _, err := p.createBucket(ctx, &s3api.CreateBucketRequest{Bucket: ptr("b")}); err == nil {
		t.Fatal("bucket name 'b' accepted")
	}
	if _, err := p.createBucket(ctx, &s3api.CreateBucketRequest{Bucket: ptr("bkt")}); err != nil {
		t.Fatal(err)
	}
	return p, ctx
}

func errCode(err error) string {
	if err == nil {
		return ""
	}
	return awserr.From(err).Code
}

// chunked frames payload as an unsigned aws-chunked body with a CRC32
// trailer.
func chunked(payload string, size int) string {
	return chunkedWithCRC(payload, size, crc32.ChecksumIEEE([]byte(payload)))
}

func chunkedWithCRC(payload string, size int, crc uint32) string {
	var b strings.Builder
	sum := base64.StdEncoding.EncodeToString(binary.BigEndian.AppendUint32(nil, crc))
	for len(payload) > 0 {
		n := min(size, len(payload))
		fmt.Fprintf(&b, "%x\r\n%s\r\n", n, payload[:n])
		payload = payload[n:]
	}
	b.WriteString("0\r\nx-amz-checksum-crc32:" + sum + "\r\n\r\n")
	return b.String()
}

func TestPutObject(t *testing.T) {
	md5of := func(s string) *string {
		sum := md5.Sum([]byte(s))
		return ptr(base64.StdEncoding.EncodeToString(sum[:]))
	}
	for _, tc := range []struct {
		name     string
		in       s3api.PutObjectRequest
		wantErr  string
		wantBody string
		wantEnc  string
	}{
		{name: "plain", in: s3api.PutObjectRequest{Body: strings.NewReader("hello")}, wantBody: "hello"},
		{name: "nil body", in: s3api.PutObjectRequest{}, wantBody: ""},
		{name: "aws-chunked", in: s3api.PutObjectRequest{Body: strings.NewReader(chunked("hello chunked world", 4)),
			ContentEncoding: ptr("aws-chunked")}, wantBody: "hello chunked world"},
		{name: "aws-chunked and gzip", in: s3api.PutObjectRequest{Body: strings.NewReader(chunked("zz", 1)),
			ContentEncoding: ptr("aws-chunked,gzip")}, wantBody: "zz", wantEnc: "gzip"},
		{name: "bad trailing checksum", in: s3api.PutObjectRequest{Body: strings.NewReader(chunkedWithCRC("abc", 2, 7)),
			ContentEncoding: ptr("aws-chunked")}, wantErr: "BadDigest"},
		{name: "header checksum", in: s3api.PutObjectRequest{Body: strings.NewReader("abc"),
			ChecksumSHA256: ptr("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")}, wantBody: "abc"},
		{name: "bad header checksum", in: s3api.PutObjectRequest{Body: strings.NewReader("abc"),
			ChecksumCRC32C: ptr("AAAAAA==")}, wantErr: "BadDigest"},
		{name: "bad chunking", in: s3api.PutObjectRequest{Body: strings.NewReader("zz\r\n"),
			ContentEncoding: ptr("aws-chunked")}, wantErr: "IncompleteBody"},
		{name: "content-md5", in: s3api.PutObjectRequest{Body: strings.NewReader("abc"), ContentMD5: md5of("abc")}, wantBody: "abc"},
		{name: "bad digest", in: s3api.PutObjectRequest{Body: strings.NewReader("abc"), ContentMD5: md5of("abd")}, wantErr: "BadDigest"},
		{name: "invalid digest", in: s3api.PutObjectRequest{Body: strings.NewReader("abc"), ContentMD5: ptr("nope")}, wantErr: "InvalidDigest"},
		{name: "no bucket", in: s3api.PutObjectRequest{Bucket: ptr("nobucket"), Body: strings.NewReader("x")}, wantErr: "NoSuchBucket"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ctx := newTestProvider(t)
			in := tc.in
			if in.Bucket == nil {
				in.Bucket = ptr("bkt")
			}
			in.Key = ptr("k")
			out, err := p.putObject(ctx, &in)
			if got := errCode(err); got != tc.wantErr {
				t.Fatalf("error %q (%v), want %q", got, err, tc.wantErr)
			}
			files, _ := os.ReadDir(p.blobDir)
			if tc.wantErr != "" {
				if len(files) != 0 {
					t.Errorf("%d files left after a failed put", len(files))
				}
				return
			}
			sum := md5.Sum([]byte(tc.wantBody))
			if want := etagOf(sum[:]); *out.ETag != want {
				t.Errorf("ETag %s, want %s", *out.ETag, want)
			}
			get, err := p.getObject(ctx, &s3api.GetObjectRequest{Bucket: ptr("bkt"), Key: ptr("k")})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(get.Body)
			_ = get.Body.(io.Closer).Close()
			if string(b) != tc.wantBody || *get.ContentLength != int64(len(tc.wantBody)) || deref(get.ContentEncoding) != tc.wantEnc {
				t.Errorf("got %q (%d, encoding %q)", b, *get.ContentLength, deref(get.ContentEncoding))
			}
		})
	}
}

func TestOverwriteAndDeleteRemoveBlobs(t *testing.T) {
	p, ctx := newTestProvider(t)
	p.maxInline = -1 // bodies in files, which this test counts
	for _, body := range []string{"one", "two"} {
		if _, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("k"), Body: strings.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
		if files, _ := os.ReadDir(p.blobDir); len(files) != 1 {
			t.Fatalf("after put %q: %d blob files", body, len(files))
		}
	}
	for range 2 {
		if _, err := p.deleteObject(ctx, &s3api.DeleteObjectRequest{Bucket: ptr("bkt"), Key: ptr("k")}); err != nil {
			t.Fatal(err)
		}
	}
	if files, _ := os.ReadDir(p.blobDir); len(files) != 0 {
		t.Fatalf("after delete: %d blob files", len(files))
	}
	if _, err := p.headObject(ctx, &s3api.HeadObjectRequest{Bucket: ptr("bkt"), Key: ptr("k")}); errCode(err) != "NoSuchKey" {
		t.Fatalf("head after delete: %v", err)
	}
}

func TestGetObjectRange(t *testing.T) {
	p, ctx := newTestProvider(t)
	if _, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("k"), Body: strings.NewReader("0123456789")}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		rng, body, contentRange, err string
	}{
		{"bytes=2-4", "234", "bytes 2-4/10", ""},
		{"bytes=-3", "789", "bytes 7-9/10", ""},
		{"bytes=8-", "89", "bytes 8-9/10", ""},
		{"bytes=10-", "", "", "InvalidRange"},
		{"bytes=x", "0123456789", "", ""},
	} {
		out, err := p.getObject(ctx, &s3api.GetObjectRequest{Bucket: ptr("bkt"), Key: ptr("k"), Range: ptr(tc.rng)})
		if errCode(err) != tc.err {
			t.Errorf("%s: error %v, want %s", tc.rng, err, tc.err)
			continue
		}
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(out.Body)
		_ = out.Body.(io.Closer).Close()
		if string(b) != tc.body || deref(out.ContentRange) != tc.contentRange {
			t.Errorf("%s: body %q range %q", tc.rng, b, deref(out.ContentRange))
		}
	}
}

func TestBuckets(t *testing.T) {
	p, ctx := newTestProvider(t)
	other := scope.With(context.Background(), scope.Scope{Account: "111122223333", Region: "us-east-1"})
	eu := scope.With(context.Background(), scope.Scope{Account: scope.DefaultAccount, Region: "eu-west-1"})
	euCfg := &s3api.CreateBucketConfiguration{LocationConstraint: ptr("eu-west-1")}
	for _, tc := range []struct {
		name string
		ctx  context.Context
		in   s3api.CreateBucketRequest
		err  string
	}{
		{"owned", ctx, s3api.CreateBucketRequest{Bucket: ptr("bkt")}, "BucketAlreadyOwnedByYou"},
		{"taken", other, s3api.CreateBucketRequest{Bucket: ptr("bkt")}, "BucketAlreadyExists"},
		{"bad name", ctx, s3api.CreateBucketRequest{Bucket: ptr("A")}, "InvalidBucketName"},
		{"us-east-1 constraint", ctx, s3api.CreateBucketRequest{Bucket: ptr("cb1"),
			CreateBucketConfiguration: &s3api.CreateBucketConfiguration{LocationConstraint: ptr("us-east-1")}}, "InvalidLocationConstraint"},
		{"mismatch", ctx, s3api.CreateBucketRequest{Bucket: ptr("cb2"), CreateBucketConfiguration: euCfg}, "IllegalLocationConstraintException"},
		{"unspecified", eu, s3api.CreateBucketRequest{Bucket: ptr("cb3")}, "IllegalLocationConstraintException"},
		{"regional", eu, s3api.CreateBucketRequest{Bucket: ptr("cb4"), CreateBucketConfiguration: euCfg}, ""},
	} {
		if _, err := p.createBucket(tc.ctx, &tc.in); errCode(err) != tc.err {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
		}
	}
	if loc, err := p.getBucketLocation(ctx, &s3api.GetBucketLocationRequest{Bucket: ptr("cb4")}); err != nil || deref(loc.LocationConstraint) != "eu-west-1" {
		t.Errorf("location of c4: %v %v", loc, err)
	}
	if _, err := p.headBucket(other, &s3api.HeadBucketRequest{Bucket: ptr("bkt")}); errCode(err) != "AccessDenied" {
		t.Errorf("head of another account's bucket: %v", err)
	}
	if _, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("k"), Body: bytes.NewReader(nil)}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.deleteBucket(ctx, &s3api.DeleteBucketRequest{Bucket: ptr("bkt")}); errCode(err) != "BucketNotEmpty" {
		t.Errorf("delete of a non-empty bucket: %v", err)
	}
	if _, err := p.deleteObject(ctx, &s3api.DeleteObjectRequest{Bucket: ptr("bkt"), Key: ptr("k")}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.deleteBucket(ctx, &s3api.DeleteBucketRequest{Bucket: ptr("bkt")}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.headBucket(ctx, &s3api.HeadBucketRequest{Bucket: ptr("bkt")}); errCode(err) != "NoSuchBucket" {
		t.Errorf("head of a deleted bucket: %v", err)
	}
}

func TestStartAndReset(t *testing.T) {
	p, ctx := newTestProvider(t)
	p.maxInline = -1 // bodies in files, which this test counts
	if _, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("k"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p.blobDir+"/.upload-123", []byte("partial"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		step  func(context.Context) error
		files int
	}{
		{"start", p.Start, 1},
		{"reset", p.Reset, 0},
	} {
		if err := tc.step(ctx); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if files, _ := os.ReadDir(p.blobDir); len(files) != tc.files {
			t.Errorf("after %s: %d files, want %d", tc.name, len(files), tc.files)
		}
	}
}
