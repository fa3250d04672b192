package s3

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Multipart uploads keep their state in the store (see the package doc for
// the keys): an Upload record per upload, under its bucket and object key
// so ListMultipartUploads is a range scan in S3's order, and a Part record
// per uploaded part, keyed by the upload id and the part number so an
// upload's parts are one ordered range scan. Each part's bytes are a file
// of the blob directory; a completed upload's object names those same
// files (Object.Parts), so completion copies no data.

// Upload is a multipart upload's stored record.
type Upload struct {
	ID        string    `json:"id"`
	Key       string    `json:"key"`
	Initiated time.Time `json:"initiated"`
	// Object holds what the completed object takes from the upload's
	// creation: headers, metadata, storage class and tags.
	Object Object `json:"object"`
	// ChecksumAlgorithm is the flexible checksum every part is checked
	// against; ChecksumType says how the object's is made of them.
	ChecksumAlgorithm string `json:"checksumAlgorithm,omitempty"`
	ChecksumType      string `json:"checksumType,omitempty"`
}

// Part is an uploaded part's stored record.
type Part struct {
	Blob         string    `json:"blob"`
	Size         int64     `json:"size"`
	ETag         string    `json:"etag"`
	LastModified time.Time `json:"lastModified"`
	// Checksum is the part's checksum in the upload's algorithm, or the one
	// the request carried when the upload has none.
	Checksum *Checksum `json:"checksum,omitempty"`
}

// Size limits of multipart uploads.
const (
	maxPartSize = 5 << 30 // a part's largest size (5 GiB)
	minPartSize = 5 << 20 // the smallest size of any part but the last (5 MiB)
)

// uploadPrefix is the key prefix of a bucket's upload records.
func uploadPrefix(bucket string) []byte { return storage.Key(Name, "uploads", bucket) }

// uploadKey is the key of one upload's record.
func uploadKey(bucket, key, id string) []byte {
	return storage.AppendString(storage.AppendString(uploadPrefix(bucket), key), id)
}

// uploadKeyPrefix is the storage prefix shared by the upload records of
// every object key that starts with s.
func uploadKeyPrefix(bucket, s string) []byte {
	k := storage.AppendString(uploadPrefix(bucket), s)
	return k[:len(k)-2]
}

// partPrefix is the key prefix of an upload's part records.
func partPrefix(uploadID string) []byte { return storage.Key(Name, "parts", uploadID) }

// partKey is the key of one part's record.
func partKey(uploadID string, n int64) []byte {
	return storage.AppendUint64(partPrefix(uploadID), uint64(n))
}

// partNumberOf recovers the part number from a part record's key.
func partNumberOf(k []byte) (int64, error) {
	parts, err := storage.Decode(k)
	if err != nil || len(parts) != 4 {
		return 0, fmt.Errorf("s3: part record key %q: %w", k, err)
	}
	n, ok := parts[3].(uint64)
	if !ok {
		return 0, fmt.Errorf("s3: part record key element is %T", parts[3])
	}
	return int64(n), nil
}

// readUpload reads an upload's record: NoSuchUpload when it has none.
func readUpload(ctx context.Context, r storage.Reader, bucket, key, id string) (*Upload, error) {
	var u Upload
	if found, err := readRecord(ctx, r, uploadKey(bucket, key, id), "upload", &u); err != nil || !found {
		if err == nil {
			err = errNoSuchUpload()
		}
		return nil, err
	}
	return &u, nil
}

// lookupUpload reads an upload of the caller's bucket.
func (p *Provider) lookupUpload(ctx context.Context, bucket, key, id string) (*Upload, error) {
	var u *Upload
	err := p.store.View(ctx, func(tx storage.Txn) error {
		if _, err := bucketOf(ctx, tx, scope.From(ctx).Account, bucket); err != nil {
			return err
		}
		var err error
		u, err = readUpload(ctx, tx, bucket, key, id)
		return err
	})
	if err != nil {
		return nil, awserr.From(err)
	}
	return u, nil
}

// scanParts calls fn with each part record of an upload from part number
// from on, in order, until fn returns false.
func scanParts(ctx context.Context, r storage.Reader, uploadID string, from int64, fn func(n int64, p *Part) bool) error {
	it := r.Scan(ctx, partKey(uploadID, from), storage.PrefixEnd(partPrefix(uploadID)), storage.ScanOptions{})
	defer it.Close()
	for it.Next() {
		n, err := partNumberOf(it.Key())
		if err != nil {
			return err
		}
		var p Part
		if err := json.Unmarshal(it.Value(), &p); err != nil {
			return fmt.Errorf("s3: decode part: %w", err)
		}
		if !fn(n, &p) {
			break
		}
	}
	return it.Close()
}

func (p *Provider) createMultipartUpload(ctx context.Context, in *s3api.CreateMultipartUploadRequest) (*s3api.CreateMultipartUploadOutput, error) {
	account, bucket, key := scope.From(ctx).Account, deref(in.Bucket), deref(in.Key)
	var tags []ObjectTag
	if in.Tagging != nil {
		var err error
		if tags, err = parseTaggingHeader(*in.Tagging); err != nil {
			return nil, err
		}
	}
	lock, err := parseLockHeaders(in.ObjectLockMode, in.ObjectLockRetainUntilDate, in.ObjectLockLegalHoldStatus, p.clock.Now())
	if err != nil {
		return nil, err
	}
	class, err := storageClassParam(in.StorageClass)
	if err != nil {
		return nil, err
	}
	u := Upload{
		ID: p.newUploadID(), Key: key, Initiated: p.clock.Now().UTC(),
		Object: Object{
			StorageClass:       class,
			ContentType:        deref(in.ContentType),
			CacheControl:       deref(in.CacheControl),
			ContentDisposition: deref(in.ContentDisposition),
			ContentEncoding:    deref(in.ContentEncoding),
			ContentLanguage:    deref(in.ContentLanguage),
			Expires:            in.Expires,
			WebsiteRedirect:    deref(in.WebsiteRedirectLocation),
			Metadata:           in.Metadata,
			Tags:               tags,
		},
	}
	if u.Object.ContentType == "" {
		u.Object.ContentType = "binary/octet-stream"
	}
	lock.apply(&u.Object)
	if in.ChecksumAlgorithm != nil {
		a := algorithm(*in.ChecksumAlgorithm)
		if a == nil {
			return nil, errInvalidArgument("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
		}
		u.ChecksumAlgorithm, u.ChecksumType = a.name, checksumComposite
		if a.name == "CRC64NVME" {
			u.ChecksumType = checksumFullObject
		}
		switch t := deref(in.ChecksumType); {
		case t == "":
		case t == checksumFullObject && a.crcWidth == 0, t == checksumComposite && a.name == "CRC64NVME":
			return nil, awserr.New("InvalidRequest", http.StatusBadRequest,
				"The %s checksum type cannot be used with the %s checksum algorithm.", t, strings.ToLower(a.name))
		default:
			u.ChecksumType = t
		}
	} else if in.ChecksumType != nil {
		return nil, awserr.New("InvalidRequest", http.StatusBadRequest,
			"The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.")
	}
	rec, err := json.Marshal(u)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	err = p.store.Update(ctx, func(tx storage.Txn) error {
		b, err := bucketOf(ctx, tx, account, bucket)
		if err != nil {
			return err
		}
		if err := checkLockBucket(b, lock); err != nil {
			return err
		}
		return tx.Put(uploadKey(bucket, key, u.ID), rec)
	})
	if err != nil {
		return nil, awserr.From(err)
	}
	return &s3api.CreateMultipartUploadOutput{
		Bucket: ptr(bucket), Key: ptr(key), UploadId: ptr(u.ID),
		ServerSideEncryption: ptr("AES256"), ChecksumAlgorithm: nonEmpty(u.ChecksumAlgorithm),
		ChecksumType: nonEmpty(u.ChecksumType),
	}, nil
}

// newUploadID makes an upload id: the initiation time in hex, so one key's
// uploads list in the order they were initiated, then random digits.
func (p *Provider) newUploadID() string {
	return fmt.Sprintf("%016x", p.clock.Now().UnixNano()) + p.ids.Hex(48)
}

func (p *Provider) abortMultipartUpload(ctx context.Context, in *s3api.AbortMultipartUploadRequest) (*s3api.AbortMultipartUploadOutput, error) {
	account, bucket, key, id := scope.From(ctx).Account, deref(in.Bucket), deref(in.Key), deref(in.UploadId)
	var files []string
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		files = nil
		if _, err := bucketOf(ctx, tx, account, bucket); err != nil {
			return err
		}
		if _, err := readUpload(ctx, tx, bucket, key, id); err != nil {
			return err
		}
		var keys [][]byte
		err := scanParts(ctx, tx, id, 1, func(n int64, part *Part) bool {
			files = append(files, part.Blob)
			keys = append(keys, partKey(id, n))
			return true
		})
		if err != nil {
			return err
		}
		for _, k := range keys {
			if err := tx.Delete(k); err != nil {
				return err
			}
		}
		return tx.Delete(uploadKey(bucket, key, id))
	})
	if err != nil {
		return nil, awserr.From(err)
	}
	for _, f := range files {
		p.removeBlob(f)
	}
	return &s3api.AbortMultipartUploadOutput{}, nil
}

// partWrite is a part's body to store.
type partWrite struct {
	bucket, key, uploadID string
	number                int64
	body                  io.Reader // decoded payload
	sums                  checksumInput
	contentMD5            *string
}

// writePart streams a part's body to its own file and records it,
// replacing the upload's part of that number (whose file is removed after
// the commit).
func (p *Provider) writePart(ctx context.Context, w partWrite) (*Part, error) {
	if w.number < 1 || w.number > maxPartNumber {
		return nil, errPartNumber()
	}
	u, err := p.lookupUpload(ctx, w.bucket, w.key, w.uploadID)
	if err != nil {
		return nil, err
	}
	sumsIn := w.sums
	if sumsIn.algorithm == nil && u.ChecksumAlgorithm != "" {
		sumsIn.algorithm = &u.ChecksumAlgorithm
	}
	// Parts always get files: completion lists them as the object's body.
	b, checksum, err := p.receiveBody(w.body, sumsIn, w.contentMD5, maxPartSize, -1)
	if err != nil {
		return nil, err
	}
	committed := false
	defer func() {
		if !committed {
			p.discard(b)
		}
	}()
	sums := b.sums
	if u.ChecksumAlgorithm != "" {
		if checksum != nil && checksum.Algorithm != u.ChecksumAlgorithm {
			return nil, awserr.New("InvalidRequest", http.StatusBadRequest,
				"Checksum Type mismatch occurred, expected checksum Type: %s, actual checksum Type: %s",
				strings.ToLower(u.ChecksumAlgorithm), strings.ToLower(checksum.Algorithm))
		}
		checksum = &Checksum{Algorithm: u.ChecksumAlgorithm, Value: sums.sum(u.ChecksumAlgorithm)}
	}
	part := Part{Blob: b.id, Size: b.size, ETag: etagOf(b.md5), LastModified: p.clock.Now().UTC(), Checksum: checksum}
	rec, err := json.Marshal(part)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	account := scope.From(ctx).Account
	var replaced string
	err = p.store.Update(ctx, func(tx storage.Txn) error {
		replaced = ""
		if _, err := bucketOf(ctx, tx, account, w.bucket); err != nil {
			return err
		}
		if _, err := readUpload(ctx, tx, w.bucket, w.key, w.uploadID); err != nil {
			return err
		}
		k := partKey(w.uploadID, w.number)
		prev, err := tx.Get(ctx, k)
		switch {
		case err == nil:
			var old Part
			if err := json.Unmarshal(prev, &old); err != nil {
				return fmt.Errorf("s3: decode part: %w", err)
			}
			replaced = old.Blob
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		return tx.Put(k, rec)
	})
	if err != nil {
		return nil, awserr.From(err)
	}
	committed = true
	if replaced != "" {
		p.removeBlob(replaced)
	}
	return &part, nil
}

func (p *Provider) uploadPart(ctx context.Context, in *s3api.UploadPartRequest) (*s3api.UploadPartOutput, error) {
	body, _, err := decodedBody(in.Body, "")
	if err != nil {
		return nil, err
	}
	part, err := p.writePart(ctx, partWrite{
		bucket: deref(in.Bucket), key: deref(in.Key), uploadID: deref(in.UploadId), number: deref64(in.PartNumber),
		body: body, contentMD5: in.ContentMD5,
		sums: checksumInput{in.ChecksumAlgorithm, map[string]string{
			"CRC32": deref(in.ChecksumCRC32), "CRC32C": deref(in.ChecksumCRC32C), "CRC64NVME": deref(in.ChecksumCRC64NVME),
			"SHA1": deref(in.ChecksumSHA1), "SHA256": deref(in.ChecksumSHA256),
		}},
	})
	if err != nil {
		return nil, err
	}
	out := &s3api.UploadPartOutput{ETag: ptr(part.ETag), ServerSideEncryption: ptr("AES256")}
	checksumFields{&out.ChecksumCRC32, &out.ChecksumCRC32C, &out.ChecksumCRC64NVME, &out.ChecksumSHA1, &out.ChecksumSHA256, nil}.set(part.Checksum)
	return out, nil
}

func (p *Provider) uploadPartCopy(ctx context.Context, in *s3api.UploadPartCopyRequest) (*s3api.UploadPartCopyOutput, error) {
	src, err := parseCopySource(deref(in.CopySource))
	if err != nil {
		return nil, err
	}
	if n := deref64(in.PartNumber); n < 1 || n > maxPartNumber {
		return nil, errPartNumber()
	}
	if _, err := p.lookupUpload(ctx, deref(in.Bucket), deref(in.Key), deref(in.UploadId)); err != nil {
		return nil, err
	}
	cond := conditions{in.CopySourceIfMatch, in.CopySourceIfNoneMatch, in.CopySourceIfModifiedSince, in.CopySourceIfUnmodifiedSince}
	v, body, err := p.openObjectBody(ctx, src.bucket, src.key, readOptions{versionID: src.versionID, copyRange: in.CopySourceRange, cond: cond})
	if err != nil {
		return nil, copySourceError(err)
	}
	defer body.Close()
	if v.length > maxPartSize {
		return nil, awserr.New("InvalidRequest", http.StatusBadRequest,
			"The specified copy source is larger than the maximum allowable size for a copy source: %d", int64(maxPartSize))
	}
	part, err := p.writePart(ctx, partWrite{
		bucket: deref(in.Bucket), key: deref(in.Key), uploadID: deref(in.UploadId), number: deref64(in.PartNumber),
		body: body,
	})
	if err != nil {
		return nil, err
	}
	res := &s3api.CopyPartResult{ETag: ptr(part.ETag), LastModified: ptr(part.LastModified.Truncate(time.Second))}
	checksumFields{&res.ChecksumCRC32, &res.ChecksumCRC32C, &res.ChecksumCRC64NVME, &res.ChecksumSHA1, &res.ChecksumSHA256, nil}.set(part.Checksum)
	return &s3api.UploadPartCopyOutput{CopyPartResult: res, ServerSideEncryption: ptr("AES256")}, nil
}

// parseCopyRange reads an x-amz-copy-source-range header against a source
// of size bytes: exactly "bytes=first-last" within the source.
func parseCopyRange(h string, size int64) (byteRange, error) {
	spec, ok := strings.CutPrefix(h, "bytes=")
	a, b, found := strings.Cut(spec, "-")
	first, err1 := strconv.ParseInt(a, 10, 64)
	last, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || !found || err1 != nil || err2 != nil || a[0] == '+' || b[0] == '+' || first < 0 || last < first {
		return byteRange{}, errInvalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy")
	}
	if last >= size {
		return byteRange{}, errInvalidArgument("Range specified is not valid for source object of size: " + strconv.FormatInt(size, 10))
	}
	return byteRange{first: first, last: last}, nil
}

func errNoSuchUpload() *awserr.Error {
	return awserr.New("NoSuchUpload", http.StatusNotFound,
		"The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.")
}

func deref64(v *int64) int64 {
	if v == nil {
		return 0
	}
	return *v
}
