package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"hash/crc64"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// mpHelper drives multipart uploads of bucket "bkt" in tests.
type mpHelper struct {
	t   *testing.T
	p   *Provider
	ctx context.Context
}

func (h mpHelper) create(key string, alg *string) string {
	h.t.Helper()
	out, err := h.p.createMultipartUpload(h.ctx, &s3api.CreateMultipartUploadRequest{Bucket: ptr("bkt"), Key: ptr(key),
		ChecksumAlgorithm: alg, ContentType: ptr("text/x-parts"), Metadata: map[string]string{"m": "v"}, Tagging: ptr("a=1&b=2")})
	if err != nil {
		h.t.Fatal(err)
	}
	return *out.UploadId
}

func (h mpHelper) part(key, id string, n int64, body []byte) *s3api.UploadPartOutput {
	h.t.Helper()
	out, err := h.p.uploadPart(h.ctx, &s3api.UploadPartRequest{Bucket: ptr("bkt"), Key: ptr(key), UploadId: ptr(id),
		PartNumber: ptr(n), Body: bytes.NewReader(body)})
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}

func (h mpHelper) files() int {
	entries, _ := os.ReadDir(h.p.blobDir)
	return len(entries)
}

func (h mpHelper) get(key string, in s3api.GetObjectRequest) ([]byte, *s3api.GetObjectOutput) {
	h.t.Helper()
	in.Bucket, in.Key = ptr("bkt"), ptr(key)
	out, err := h.p.getObject(h.ctx, &in)
	if err != nil {
		h.t.Fatal(err)
	}
	b, err := io.ReadAll(out.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	_ = out.Body.(io.Closer).Close()
	return b, out
}

func fill(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i*31)
	}
	return b
}

func completed(parts ...s3api.CompletedPart) *s3api.CompletedMultipartUpload {
	return &s3api.CompletedMultipartUpload{Parts: parts}
}

func cp(n int64, etag string) s3api.CompletedPart {
	return s3api.CompletedPart{PartNumber: ptr(n), ETag: ptr(etag)}
}

func TestCompleteMultipartUploadRules(t *testing.T) {
	big1, big2, small := fill(minPartSize, 1), fill(minPartSize+7, 2), fill(100, 3)
	etag := func(b []byte) string { s := md5.Sum(b); return etagOf(s[:]) }
	for _, tc := range []struct {
		name    string
		parts   func(id string) *s3api.CompletedMultipartUpload
		wantErr string
	}{
		{"ok", func(string) *s3api.CompletedMultipartUpload {
			return completed(cp(1, etag(big1)), cp(2, etag(big2)), cp(3, etag(small)))
		}, ""},
		{"unquoted etags and a gap", func(string) *s3api.CompletedMultipartUpload {
			return completed(cp(1, strings.Trim(etag(big1), `"`)), cp(3, etag(small)))
		}, ""},
		{"descending", func(string) *s3api.CompletedMultipartUpload {
			return completed(cp(2, etag(big2)), cp(1, etag(big1)))
		}, "InvalidPartOrder"},
		{"duplicate", func(string) *s3api.CompletedMultipartUpload {
			return completed(cp(1, etag(big1)), cp(1, etag(big1)))
		}, "InvalidPartOrder"},
		{"unknown part", func(string) *s3api.CompletedMultipartUpload { return completed(cp(1, etag(big1)), cp(4, etag(small))) }, "InvalidPart"},
		{"etag mismatch", func(string) *s3api.CompletedMultipartUpload { return completed(cp(1, etag(big2))) }, "InvalidPart"},
		{"small not last", func(string) *s3api.CompletedMultipartUpload {
			return completed(cp(1, etag(big1)), cp(3, etag(small)), cp(5, etag(small)))
		}, "EntityTooSmall"},
		{"empty", func(string) *s3api.CompletedMultipartUpload { return completed() }, "MalformedXML"},
		{"part number zero", func(string) *s3api.CompletedMultipartUpload { return completed(cp(0, etag(big1))) }, "InvalidArgument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ctx := newTestProvider(t)
			h := mpHelper{t, p, ctx}
			id := h.create("obj", nil)
			h.part("obj", id, 1, big1)
			h.part("obj", id, 2, big2)
			h.part("obj", id, 3, small)
			h.part("obj", id, 5, small)
			out, err := p.completeMultipartUpload(ctx, &s3api.CompleteMultipartUploadRequest{Bucket: ptr("bkt"), Key: ptr("obj"),
				UploadId: ptr(id), MultipartUpload: tc.parts(id)})
			if errCode(err) != tc.wantErr {
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			if err != nil {
				if h.files() != 4 {
					t.Errorf("%d files after a failed completion", h.files())
				}
				return
			}
			var want []byte
			var sums []byte
			for _, part := range tc.parts(id).Parts {
				b := map[int64][]byte{1: big1, 2: big2, 3: small}[*part.PartNumber]
				want = append(want, b...)
				s := md5.Sum(b)
				sums = append(sums, s[:]...)
			}
			all := md5.Sum(sums)
			wantETag := `"` + hex.EncodeToString(all[:]) + "-" + string(rune('0'+len(tc.parts(id).Parts))) + `"`
			if *out.ETag != wantETag {
				t.Errorf("ETag %s, want %s", *out.ETag, wantETag)
			}
			got, get := h.get("obj", s3api.GetObjectRequest{})
			if !bytes.Equal(got, want) || *get.ETag != wantETag || deref(get.ContentType) != "text/x-parts" || get.Metadata["m"] != "v" {
				t.Errorf("GET: %d bytes (want %d), etag %s, type %s", len(got), len(want), *get.ETag, deref(get.ContentType))
			}
			if h.files() != len(tc.parts(id).Parts) {
				t.Errorf("%d files after completion, want %d (unused parts removed)", h.files(), len(tc.parts(id).Parts))
			}
			if _, err := p.completeMultipartUpload(ctx, &s3api.CompleteMultipartUploadRequest{Bucket: ptr("bkt"), Key: ptr("obj"),
				UploadId: ptr(id), MultipartUpload: tc.parts(id)}); errCode(err) != "NoSuchUpload" {
				t.Errorf("second completion: %v", err)
			}
			if _, err := p.deleteObject(ctx, &s3api.DeleteObjectRequest{Bucket: ptr("bkt"), Key: ptr("obj")}); err != nil || h.files() != 0 {
				t.Errorf("delete: %v, %d files left", err, h.files())
			}
		})
	}
}

func TestUploadPartRules(t *testing.T) {
	p, ctx := newTestProvider(t)
	h := mpHelper{t, p, ctx}
	id := h.create("k", ptr("CRC32"))
	crcOf := func(s string) string {
		return base64.StdEncoding.EncodeToString(be32(crc32.ChecksumIEEE([]byte(s))))
	}
	for _, tc := range []struct {
		name    string
		in      s3api.UploadPartRequest
		wantErr string
	}{
		{"ok", s3api.UploadPartRequest{PartNumber: ptr(int64(1)), Body: strings.NewReader("abc")}, ""},
		{"with crc32", s3api.UploadPartRequest{PartNumber: ptr(int64(2)), Body: strings.NewReader("abc"), ChecksumCRC32: ptr(crcOf("abc"))}, ""},
		{"bad crc32", s3api.UploadPartRequest{PartNumber: ptr(int64(2)), Body: strings.NewReader("abc"), ChecksumCRC32: ptr(crcOf("abd"))}, "BadDigest"},
		{"other algorithm", s3api.UploadPartRequest{PartNumber: ptr(int64(2)), Body: strings.NewReader("abc"), ChecksumAlgorithm: ptr("SHA256")}, "InvalidRequest"},
		{"aws-chunked", s3api.UploadPartRequest{PartNumber: ptr(int64(3)), Body: strings.NewReader(chunked("chunky", 2))}, ""},
		{"bad content-md5", s3api.UploadPartRequest{PartNumber: ptr(int64(4)), Body: strings.NewReader("abc"), ContentMD5: ptr("AAAAAAAAAAAAAAAAAAAAAA==")}, "BadDigest"},
		{"part 0", s3api.UploadPartRequest{PartNumber: ptr(int64(0)), Body: strings.NewReader("x")}, "InvalidArgument"},
		{"part 10001", s3api.UploadPartRequest{PartNumber: ptr(int64(10001)), Body: strings.NewReader("x")}, "InvalidArgument"},
		{"no upload", s3api.UploadPartRequest{PartNumber: ptr(int64(1)), UploadId: ptr("nope"), Body: strings.NewReader("x")}, "NoSuchUpload"},
		{"no bucket", s3api.UploadPartRequest{Bucket: ptr("nobkt"), PartNumber: ptr(int64(1)), Body: strings.NewReader("x")}, "NoSuchBucket"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if in.Bucket == nil {
				in.Bucket = ptr("bkt")
			}
			if in.UploadId == nil {
				in.UploadId = ptr(id)
			}
			in.Key = ptr("k")
			if strings.Contains(tc.name, "chunked") {
				in.Body, _, _ = decodedBody(in.Body, "aws-chunked")
			}
			before := h.files()
			out, err := p.uploadPart(ctx, &in)
			if errCode(err) != tc.wantErr {
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			if err != nil {
				if h.files() != before {
					t.Errorf("files %d → %d after a failed part", before, h.files())
				}
				return
			}
			if out.ChecksumCRC32 == nil {
				t.Errorf("no CRC32 for a part of a CRC32 upload")
			}
		})
	}
	// Re-uploading part 1 replaces its file.
	before := h.files()
	h.part("k", id, 1, []byte("replacement"))
	if h.files() != before {
		t.Errorf("files %d → %d after replacing a part", before, h.files())
	}
	lp, err := p.listParts(ctx, &s3api.ListPartsRequest{Bucket: ptr("bkt"), Key: ptr("k"), UploadId: ptr(id)})
	if err != nil || len(lp.Parts) != 3 || *lp.Parts[0].Size != int64(len("replacement")) || deref(lp.ChecksumAlgorithm) != "CRC32" {
		t.Fatalf("ListParts %+v, %v", lp, err)
	}
	// Completing a CRC32 upload needs each part's checksum.
	req := completed(cp(1, *lp.Parts[0].ETag))
	if _, err := p.completeMultipartUpload(ctx, &s3api.CompleteMultipartUploadRequest{Bucket: ptr("bkt"), Key: ptr("k"),
		UploadId: ptr(id), MultipartUpload: req}); errCode(err) != "InvalidRequest" {
		t.Fatalf("completion without part checksums: %v", err)
	}
	req.Parts[0].ChecksumCRC32 = ptr(crcOf("x"))
	if _, err := p.completeMultipartUpload(ctx, &s3api.CompleteMultipartUploadRequest{Bucket: ptr("bkt"), Key: ptr("k"),
		UploadId: ptr(id), MultipartUpload: req}); errCode(err) != "InvalidPart" {
		t.Fatalf("completion with a wrong part checksum: %v", err)
	}
	// Abort removes every part file.
	if _, err := p.abortMultipartUpload(ctx, &s3api.AbortMultipartUploadRequest{Bucket: ptr("bkt"), Key: ptr("k"), UploadId: ptr(id)}); err != nil {
		t.Fatal(err)
	}
	if h.files() != 0 {
		t.Errorf("%d files after abort", h.files())
	}
	if _, err := p.abortMultipartUpload(ctx, &s3api.AbortMultipartUploadRequest{Bucket: ptr("bkt"), Key: ptr("k"), UploadId: ptr(id)}); errCode(err) != "NoSuchUpload" {
		t.Errorf("second abort: %v", err)
	}
}

func TestMultipartChecksums(t *testing.T) {
	parts := [][]byte{fill(minPartSize, 9), fill(1234, 4)}
	whole := append(append([]byte{}, parts[0]...), parts[1]...)
	for _, tc := range []struct {
		alg  string
		want func() string
	}{
		{"CRC32", func() string {
			var cat []byte
			for _, b := range parts {
				cat = append(cat, be32(crc32.ChecksumIEEE(b))...)
			}
			return base64.StdEncoding.EncodeToString(be32(crc32.ChecksumIEEE(cat))) + "-2"
		}},
		{"CRC64NVME", func() string {
			v := crc64.Checksum(whole, crc64.MakeTable(crc64NVME))
			return base64.StdEncoding.EncodeToString([]byte{byte(v >> 56), byte(v >> 48), byte(v >> 40), byte(v >> 32), byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
		}},
	} {
		t.Run(tc.alg, func(t *testing.T) {
			p, ctx := newTestProvider(t)
			h := mpHelper{t, p, ctx}
			id := h.create("k", ptr(tc.alg))
			var req []s3api.CompletedPart
			for i, b := range parts {
				out := h.part("k", id, int64(i+1), b)
				c := cp(int64(i+1), *out.ETag)
				c.ChecksumCRC32 = out.ChecksumCRC32
				req = append(req, c)
			}
			out, err := p.completeMultipartUpload(ctx, &s3api.CompleteMultipartUploadRequest{Bucket: ptr("bkt"), Key: ptr("k"),
				UploadId: ptr(id), MultipartUpload: completed(req...)})
			if err != nil {
				t.Fatal(err)
			}
			_, obj, err := p.lookup(ctx, "bkt", "k", nil)
			if err != nil {
				t.Fatal(err)
			}
			if obj.Checksum == nil || obj.Checksum.Value != tc.want() {
				t.Fatalf("checksum %+v, want %s", obj.Checksum, tc.want())
			}
			if tc.alg == "CRC32" && deref(out.ChecksumCRC32) != tc.want() {
				t.Errorf("completion CRC32 %q", deref(out.ChecksumCRC32))
			}
			_, get := h.get("k", s3api.GetObjectRequest{ChecksumMode: ptr("ENABLED"), PartNumber: ptr(int64(2))})
			if tc.alg == "CRC32" && deref(get.ChecksumCRC32) != base64.StdEncoding.EncodeToString(be32(crc32.ChecksumIEEE(parts[1]))) {
				t.Errorf("part 2 CRC32 %q", deref(get.ChecksumCRC32))
			}
		})
	}
}

func be32(v uint32) []byte { return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)} }

func TestMultipartReads(t *testing.T) {
	p, ctx := newTestProvider(t)
	p.maxInline = -1 // bodies in files, which this test counts
	h := mpHelper{t, p, ctx}
	id := h.create("k", nil)
	parts := [][]byte{fill(minPartSize, 1), fill(minPartSize+3, 2), fill(10, 3)}
	var req []s3api.CompletedPart
	var whole []byte
	for i, b := range parts {
		req = append(req, cp(int64(i+1), *h.part("k", id, int64(i+1), b).ETag))
		whole = append(whole, b...)
	}
	if _, err := p.completeMultipartUpload(ctx, &s3api.CompleteMultipartUploadRequest{Bucket: ptr("bkt"), Key: ptr("k"),
		UploadId: ptr(id), MultipartUpload: completed(req...)}); err != nil {
		t.Fatal(err)
	}
	n := int64(len(whole))
	for _, tc := range []struct {
		name        string
		in          s3api.GetObjectRequest
		first, last int64
		count       int64
		err         string
	}{
		{name: "whole", first: 0, last: n - 1},
		{name: "span parts", in: s3api.GetObjectRequest{Range: ptr("bytes=5242870-10485770")}, first: 5242870, last: 10485770},
		{name: "span all", in: s3api.GetObjectRequest{Range: ptr("bytes=1-" + itoa(n-2))}, first: 1, last: n - 2},
		{name: "suffix in last", in: s3api.GetObjectRequest{Range: ptr("bytes=-5")}, first: n - 5, last: n - 1},
		{name: "part 2", in: s3api.GetObjectRequest{PartNumber: ptr(int64(2))}, first: minPartSize, last: 2*minPartSize + 2, count: 3},
		{name: "part 3", in: s3api.GetObjectRequest{PartNumber: ptr(int64(3))}, first: n - 10, last: n - 1, count: 3},
		{name: "part 4", in: s3api.GetObjectRequest{PartNumber: ptr(int64(4))}, err: "InvalidPartNumber"},
		{name: "part and range", in: s3api.GetObjectRequest{PartNumber: ptr(int64(1)), Range: ptr("bytes=0-1")}, err: "InvalidRequest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Bucket, in.Key = ptr("bkt"), ptr("k")
			out, err := p.getObject(ctx, &in)
			if errCode(err) != tc.err {
				t.Fatalf("error %v, want %q", err, tc.err)
			}
			if err != nil {
				return
			}
			b, _ := io.ReadAll(out.Body)
			_ = out.Body.(io.Closer).Close()
			if !bytes.Equal(b, whole[tc.first:tc.last+1]) || *out.ContentLength != tc.last-tc.first+1 {
				t.Errorf("read %d bytes, want [%d, %d]", len(b), tc.first, tc.last)
			}
			if c := out.PartsCount; (c == nil) != (tc.count == 0) || (c != nil && *c != tc.count) {
				t.Errorf("parts count %v, want %d", c, tc.count)
			}
			head, err := p.headObject(ctx, &s3api.HeadObjectRequest{Bucket: ptr("bkt"), Key: ptr("k"), PartNumber: in.PartNumber, Range: in.Range})
			if err != nil || *head.ContentLength != *out.ContentLength {
				t.Errorf("head: %v %v", head, err)
			}
		})
	}
	// A read streaming while the object is overwritten still sees the old
	// body: the files are removed when it ends.
	out, err := p.getObject(ctx, &s3api.GetObjectRequest{Bucket: ptr("bkt"), Key: ptr("k")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("k"), Body: strings.NewReader("new")}); err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(out.Body)
	_ = out.Body.(io.Closer).Close()
	if !bytes.Equal(b, whole) || h.files() != 1 {
		t.Errorf("read during overwrite: %d bytes, %d files", len(b), h.files())
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestUploadPartCopy(t *testing.T) {
	p, ctx := newTestProvider(t)
	h := mpHelper{t, p, ctx}
	if _, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("src key"), Body: strings.NewReader("0123456789")}); err != nil {
		t.Fatal(err)
	}
	id := h.create("dst", nil)
	for _, tc := range []struct {
		name    string
		in      s3api.UploadPartCopyRequest
		want    string
		wantErr string
	}{
		{"whole", s3api.UploadPartCopyRequest{CopySource: ptr("bkt/src%20key")}, "0123456789", ""},
		{"leading slash and null version", s3api.UploadPartCopyRequest{CopySource: ptr("/bkt/src%20key?versionId=null")}, "0123456789", ""},
		{"range", s3api.UploadPartCopyRequest{CopySource: ptr("bkt/src%20key"), CopySourceRange: ptr("bytes=2-4")}, "234", ""},
		{"range past end", s3api.UploadPartCopyRequest{CopySource: ptr("bkt/src%20key"), CopySourceRange: ptr("bytes=2-10")}, "", "InvalidArgument"},
		{"open range", s3api.UploadPartCopyRequest{CopySource: ptr("bkt/src%20key"), CopySourceRange: ptr("bytes=2-")}, "", "InvalidArgument"},
		{"if-match", s3api.UploadPartCopyRequest{CopySource: ptr("bkt/src%20key"), CopySourceIfMatch: ptr(`"nope"`)}, "", "PreconditionFailed"},
		{"if-none-match", s3api.UploadPartCopyRequest{CopySource: ptr("bkt/src%20key"), CopySourceIfNoneMatch: ptr("*")}, "", "PreconditionFailed"},
		{"missing key", s3api.UploadPartCopyRequest{CopySource: ptr("bkt/nokey")}, "", "NoSuchKey"},
		{"missing version", s3api.UploadPartCopyRequest{CopySource: ptr("bkt/src%20key?versionId=0000000000000001AAAAAAAAAAAAAAAA")}, "", "NoSuchVersion"}, {"malformed version", s3api.UploadPartCopyRequest{CopySource: ptr("bkt/src%20key?versionId=abc")}, "", "InvalidArgument"},
		{"malformed source", s3api.UploadPartCopyRequest{CopySource: ptr("bkt")}, "", "InvalidArgument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Bucket, in.Key, in.UploadId, in.PartNumber = ptr("bkt"), ptr("dst"), ptr(id), ptr(int64(1))
			out, err := p.uploadPartCopy(ctx, &in)
			if errCode(err) != tc.wantErr {
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			sum := md5.Sum([]byte(tc.want))
			if *out.CopyPartResult.ETag != etagOf(sum[:]) {
				t.Errorf("ETag %s", *out.CopyPartResult.ETag)
			}
		})
	}
}

func TestListMultipartUploads(t *testing.T) {
	p, ctx := newTestProvider(t)
	h := mpHelper{t, p, ctx}
	ids := map[string]string{}
	for _, k := range []string{"a", "b/1", "b/2", "c", "c"} {
		ids[k] = h.create(k, nil)
	}
	list := func(in s3api.ListMultipartUploadsRequest) (keys []string, prefixes []string, out *s3api.ListMultipartUploadsOutput) {
		in.Bucket = ptr("bkt")
		out, err := p.listMultipartUploads(ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range out.Uploads {
			keys = append(keys, *u.Key)
		}
		for _, c := range out.CommonPrefixes {
			prefixes = append(prefixes, *c.Prefix)
		}
		return keys, prefixes, out
	}
	for _, tc := range []struct {
		name      string
		in        s3api.ListMultipartUploadsRequest
		keys      string
		prefixes  string
		truncated bool
	}{
		{"all", s3api.ListMultipartUploadsRequest{}, "a b/1 b/2 c c", "", false},
		{"delimiter", s3api.ListMultipartUploadsRequest{Delimiter: ptr("/")}, "a c c", "b/", false},
		{"prefix", s3api.ListMultipartUploadsRequest{Prefix: ptr("b/")}, "b/1 b/2", "", false},
		{"max", s3api.ListMultipartUploadsRequest{MaxUploads: ptr(int64(2))}, "a b/1", "", true},
		{"key marker", s3api.ListMultipartUploadsRequest{KeyMarker: ptr("b/1")}, "b/2 c c", "", false},
		{"prefix marker", s3api.ListMultipartUploadsRequest{KeyMarker: ptr("b/"), Delimiter: ptr("/")}, "c c", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keys, prefixes, out := list(tc.in)
			if strings.Join(keys, " ") != tc.keys || strings.Join(prefixes, " ") != tc.prefixes || *out.IsTruncated != tc.truncated {
				t.Errorf("keys %q prefixes %q truncated %v", keys, prefixes, *out.IsTruncated)
			}
		})
	}
	// Paging one upload at a time visits each once.
	var seen []string
	in := s3api.ListMultipartUploadsRequest{MaxUploads: ptr(int64(1))}
	for range 10 {
		keys, _, out := list(in)
		seen = append(seen, keys...)
		if !*out.IsTruncated {
			break
		}
		in.KeyMarker, in.UploadIdMarker = out.NextKeyMarker, out.NextUploadIdMarker
	}
	if strings.Join(seen, " ") != "a b/1 b/2 c c" {
		t.Errorf("paged %q", seen)
	}
}

func TestListPartsPaging(t *testing.T) {
	p, ctx := newTestProvider(t)
	h := mpHelper{t, p, ctx}
	id := h.create("k", nil)
	for _, n := range []int64{1, 2, 5, 7, 10000} {
		h.part("k", id, n, []byte{byte(n)})
	}
	var got []int64
	marker := int64(0)
	for range 10 {
		out, err := p.listParts(ctx, &s3api.ListPartsRequest{Bucket: ptr("bkt"), Key: ptr("k"), UploadId: ptr(id),
			MaxParts: ptr(int64(2)), PartNumberMarker: ptr(marker)})
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range out.Parts {
			got = append(got, *part.PartNumber)
		}
		if !*out.IsTruncated {
			break
		}
		marker = *out.NextPartNumberMarker
	}
	if len(got) != 5 || got[2] != 5 || got[4] != 10000 {
		t.Errorf("parts %v", got)
	}
	if _, err := p.listParts(ctx, &s3api.ListPartsRequest{Bucket: ptr("bkt"), Key: ptr("k"), UploadId: ptr("x")}); errCode(err) != "NoSuchUpload" {
		t.Errorf("unknown upload: %v", err)
	}
	if _, err := p.listParts(ctx, &s3api.ListPartsRequest{Bucket: ptr("bkt"), Key: ptr("k"), UploadId: ptr(id), MaxParts: ptr(int64(-1))}); errCode(err) != "InvalidArgument" {
		t.Errorf("negative max-parts: %v", err)
	}
}

func TestStartSweepsOrphans(t *testing.T) {
	p, ctx := newTestProvider(t)
	p.maxInline = -1 // bodies in files, which this test counts
	h := mpHelper{t, p, ctx}
	if _, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("k"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	id := h.create("m", nil)
	h.part("m", id, 1, fill(minPartSize, 1))
	h.part("m", id, 2, []byte("tail"))
	lp, _ := p.listParts(ctx, &s3api.ListPartsRequest{Bucket: ptr("bkt"), Key: ptr("m"), UploadId: ptr(id)})
	if _, err := p.completeMultipartUpload(ctx, &s3api.CompleteMultipartUploadRequest{Bucket: ptr("bkt"), Key: ptr("m"), UploadId: ptr(id),
		MultipartUpload: completed(cp(1, *lp.Parts[0].ETag), cp(2, *lp.Parts[1].ETag))}); err != nil {
		t.Fatal(err)
	}
	open := h.create("open", nil)
	h.part("open", open, 1, []byte("pending"))
	// A renamed file whose record never committed, and a temporary file.
	for _, name := range []string{"0123456789abcdef0123456789abcdef", ".upload-77"} {
		if err := os.WriteFile(p.blobDir+"/"+name, []byte("orphan"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if h.files() != 4 {
		t.Errorf("%d files after the sweep, want 4", h.files())
	}
	b, _ := h.get("m", s3api.GetObjectRequest{})
	if len(b) != minPartSize+4 {
		t.Errorf("multipart object after the sweep: %d bytes", len(b))
	}
	// Records of any S3 kind that name a blob keep it.
	if err := p.store.Update(ctx, func(tx storage.Txn) error {
		return tx.Put(storage.Key(Name, "somekind", "x"), []byte(`{"blob":"keepme"}`))
	}); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(p.blobDir+"/keepme", nil, 0o600)
	if err := p.Start(ctx); err != nil || h.files() != 5 {
		t.Errorf("sweep with a foreign record: %v, %d files", err, h.files())
	}
}

func FuzzParseCopyRange(f *testing.F) {
	for _, s := range []string{"bytes=0-1", "bytes=5-", "bytes=-5", "bytes=+1-2", "0-1", "bytes=9-3", "bytes=0-99999999999999999999"} {
		f.Add(s, int64(10))
	}
	f.Fuzz(func(t *testing.T, s string, size int64) {
		r, err := parseCopyRange(s, size)
		if err == nil && (r.first < 0 || r.last < r.first || r.last >= size) {
			t.Fatalf("%q of %d gave %+v", s, size, r)
		}
	})
}

// TestCompleteTenThousandParts completes an upload of the most parts S3
// allows, from records written directly (sizes without files), and checks
// that completion is one linear pass.
func TestCompleteTenThousandParts(t *testing.T) {
	p, ctx := newTestProvider(t)
	h := mpHelper{t, p, ctx}
	id := h.create("k", ptr("CRC32"))
	req := make([]s3api.CompletedPart, 0, maxPartNumber)
	sum := base64.StdEncoding.EncodeToString(be32(1))
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		for n := int64(1); n <= maxPartNumber; n++ {
			etag := fmt.Sprintf(`"%032x"`, n)
			rec, _ := json.Marshal(Part{Blob: fmt.Sprintf("blob%d", n), Size: minPartSize, ETag: etag,
				Checksum: &Checksum{Algorithm: "CRC32", Value: sum}})
			if err := tx.Put(partKey(id, n), rec); err != nil {
				return err
			}
			c := cp(n, etag)
			c.ChecksumCRC32 = ptr(sum)
			req = append(req, c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	out, err := p.completeMultipartUpload(ctx, &s3api.CompleteMultipartUploadRequest{Bucket: ptr("bkt"), Key: ptr("k"),
		UploadId: ptr(id), MultipartUpload: completed(req...)})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("completing 10,000 parts took %v", d)
	}
	if !strings.HasSuffix(*out.ETag, `-10000"`) || !strings.HasSuffix(deref(out.ChecksumCRC32), "-10000") {
		t.Errorf("ETag %s, CRC32 %s", *out.ETag, deref(out.ChecksumCRC32))
	}
	head, err := p.headObject(ctx, &s3api.HeadObjectRequest{Bucket: ptr("bkt"), Key: ptr("k"), PartNumber: ptr(int64(maxPartNumber))})
	if err != nil || *head.PartsCount != maxPartNumber || *head.ContentLength != minPartSize {
		t.Errorf("head of the last part: %+v, %v", head, err)
	}
	_, obj, _ := p.lookup(ctx, "bkt", "k", nil)
	v, _ := viewOf(obj, readOptions{rangeHeader: ptr("bytes=-1")})
	if segs := v.segments(); len(segs) != 1 || segs[0].blob != "blob10000" || segs[0].off != minPartSize-1 {
		t.Errorf("segments of the last byte: %+v", segs)
	}
}

// TestMultipartAttributes: GetObjectAttributes describes a multipart
// object's parts, paged by part-number marker and max-parts, with their
// checksums; single-part objects have no ObjectParts.
func TestMultipartAttributes(t *testing.T) {
	p, ctx := newTestProvider(t)
	h := mpHelper{t, p, ctx}
	up, err := h.p.createMultipartUpload(h.ctx, &s3api.CreateMultipartUploadRequest{Bucket: ptr("bkt"), Key: ptr("k"), ChecksumAlgorithm: ptr("CRC32")})
	if err != nil {
		t.Fatal(err)
	}
	var parts []s3api.CompletedPart
	for n := int64(1); n <= 3; n++ {
		size := 5 << 20
		if n == 3 {
			size = 10
		}
		out := h.part("k", *up.UploadId, n, fill(size, byte(n)))
		parts = append(parts, s3api.CompletedPart{PartNumber: ptr(n), ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32})
	}
	if _, err := h.p.completeMultipartUpload(h.ctx, &s3api.CompleteMultipartUploadRequest{Bucket: ptr("bkt"), Key: ptr("k"),
		UploadId: up.UploadId, MultipartUpload: completed(parts...)}); err != nil {
		t.Fatal(err)
	}
	attrs := func(marker, max *int64) *s3api.GetObjectAttributesParts {
		out, err := h.p.getObjectAttributes(h.ctx, &s3api.GetObjectAttributesRequest{Bucket: ptr("bkt"), Key: ptr("k"),
			ObjectAttributes: []string{"ObjectParts"}, PartNumberMarker: marker, MaxParts: max})
		if err != nil {
			t.Fatal(err)
		}
		return out.ObjectParts
	}
	first := attrs(nil, ptr(int64(2)))
	if deref64(first.TotalPartsCount) != 3 || len(first.Parts) != 2 ||
		!*first.IsTruncated || deref64(first.NextPartNumberMarker) != 2 || deref(first.Parts[0].ChecksumCRC32) != deref(parts[0].ChecksumCRC32) {
		t.Fatalf("first page %+v", first)
	}
	rest := attrs(first.NextPartNumberMarker, nil)
	if len(rest.Parts) != 1 || deref64(rest.Parts[0].PartNumber) != 3 || deref64(rest.Parts[0].Size) != 10 || *rest.IsTruncated {
		t.Fatalf("second page %+v", rest)
	}
	if _, err := h.p.putObject(h.ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("single"), Body: bytes.NewReader([]byte("x"))}); err != nil {
		t.Fatal(err)
	}
	out, err := h.p.getObjectAttributes(h.ctx, &s3api.GetObjectAttributesRequest{Bucket: ptr("bkt"), Key: ptr("single"), ObjectAttributes: []string{"ObjectParts"}})
	if err != nil || out.ObjectParts != nil {
		t.Fatalf("single-part object: %+v, %v", out, err)
	}
}
