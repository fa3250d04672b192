package s3

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Object is an object's stored record.
type Object struct {
	// Blob names the body's file in the blob directory; it is empty for a
	// body kept inline or made of parts.
	Blob string `json:"blob,omitempty"`
	// Inline holds a small body itself (see maxInline). A record with
	// neither Blob nor Parts has its body inline (possibly empty).
	Inline       []byte    `json:"inline,omitempty"`
	Size         int64     `json:"size"`
	ETag         string    `json:"etag"`
	LastModified time.Time `json:"lastModified"`
	StorageClass string    `json:"storageClass,omitempty"`
	// Headers stored with the object and sent back on GET and HEAD.
	ContentType        string            `json:"contentType,omitempty"`
	CacheControl       string            `json:"cacheControl,omitempty"`
	ContentDisposition string            `json:"contentDisposition,omitempty"`
	ContentEncoding    string            `json:"contentEncoding,omitempty"`
	ContentLanguage    string            `json:"contentLanguage,omitempty"`
	Expires            *time.Time        `json:"expires,omitempty"`
	WebsiteRedirect    string            `json:"websiteRedirect,omitempty"`
	Metadata           map[string]string `json:"metadata,omitempty"`
	// Checksum is the flexible checksum the upload was checked against.
	Checksum *Checksum `json:"checksum,omitempty"`
	// Parts lists the files of a body made of several (a completed
	// multipart upload) in order; Blob is then empty.
	Parts []ObjectPart `json:"parts,omitempty"`
	// VersionID is the version's id: "null" for the null version of a
	// bucket whose versioning is suspended, "" for that of a bucket that
	// was never versioned.
	VersionID string `json:"versionId,omitempty"`
	// Seq places the version among its key's versions (see the package doc).
	Seq uint64 `json:"seq,omitempty"`
	// DeleteMarker marks a delete marker: a version without a body.
	DeleteMarker bool `json:"deleteMarker,omitempty"`
	// Tags are the version's tags, in the order they were set.
	Tags []ObjectTag `json:"tags,omitempty"`
	// ACL is the object's canned ACL; empty means private (acl.go).
	ACL string `json:"acl,omitempty"`
	// Retention is the version's Object Lock retention, nil when none
	// (objectlock_version.go).
	Retention *Retention `json:"retention,omitempty"`
	// LegalHold is the version's legal hold: "ON", "OFF", or "" when
	// never set.
	LegalHold string `json:"legalHold,omitempty"`
	// Restore is the restore of an archived version, nil when none was
	// requested (restore.go).
	Restore *Restore `json:"restore,omitempty"`
	// Replication is the version's replication status: PENDING, COMPLETED
	// or FAILED on a source, REPLICA on a replica, "" when it is neither
	// (replication.go).
	Replication string `json:"replication,omitempty"`
}

// maxObjectSize is the largest single PUT S3 accepts (5 GiB).
const maxObjectSize = 5 << 30

// putObject serves PutObject, with its conditional-write headers
// (If-Match, If-None-Match; members the codegen overlay adds).
func (p *Provider) putObject(ctx context.Context, in *s3api.PutObjectRequest) (*s3api.PutObjectOutput, error) {
	return p.putObjectIf(ctx, in, writeConditions{in.IfMatch, in.IfNoneMatch})
}

// putObjectIf stores a PUT's body as the newest version of its key when
// cond holds for the current object at commit time.
func (p *Provider) putObjectIf(ctx context.Context, in *s3api.PutObjectRequest, cond writeConditions) (*s3api.PutObjectOutput, error) {
	account, bucket, key := scope.From(ctx).Account, deref(in.Bucket), deref(in.Key)
	if err := cond.validate(); err != nil {
		return nil, err
	}
	class, err := storageClassParam(in.StorageClass)
	if err != nil {
		return nil, err
	}
	b, err := bucketOf(ctx, p.store, account, bucket)
	if err != nil {
		return nil, err
	}
	lock, err := parseLockHeaders(in.ObjectLockMode, in.ObjectLockRetainUntilDate, in.ObjectLockLegalHoldStatus, p.clock.Now())
	if err != nil {
		return nil, err
	}
	if err := checkLockBucket(b, lock); err != nil {
		return nil, err
	}
	if err := needsIntegrity(b, lock, in); err != nil {
		return nil, err
	}
	var tags []ObjectTag
	if in.Tagging != nil {
		var err error
		if tags, err = parseTaggingHeader(*in.Tagging); err != nil {
			return nil, err
		}
	}
	acl, err := cannedObjectACL(ctx, p.store, account, bucket, in.ACL)
	if err != nil {
		return nil, err
	}
	body, encoding, err := decodedBody(in.Body, deref(in.ContentEncoding))
	if err != nil {
		return nil, err
	}
	blob, checksum, err := p.receiveBody(body, putChecksums(in), in.ContentMD5, maxObjectSize, p.maxInline)
	if err != nil {
		return nil, err
	}
	committed := false
	defer func() {
		if !committed {
			p.discard(blob)
		}
	}()
	obj := Object{
		Blob: blob.id, Inline: blob.inline, Size: blob.size, ETag: etagOf(blob.md5),
		LastModified:       p.clock.Now().UTC().Truncate(time.Second),
		StorageClass:       class,
		ContentType:        deref(in.ContentType),
		CacheControl:       deref(in.CacheControl),
		ContentDisposition: deref(in.ContentDisposition),
		ContentEncoding:    encoding,
		ContentLanguage:    deref(in.ContentLanguage),
		Expires:            in.Expires,
		WebsiteRedirect:    deref(in.WebsiteRedirectLocation),
		Metadata:           in.Metadata,
		Checksum:           checksum,
		Tags:               tags,
		ACL:                acl,
	}
	if obj.ContentType == "" {
		obj.ContentType = "binary/octet-stream"
	}
	lock.apply(&obj)
	if err := p.commitObject(ctx, account, bucket, key, &obj, cond.check); err != nil {
		return nil, err
	}
	committed = true
	out := &s3api.PutObjectOutput{ETag: ptr(obj.ETag), ServerSideEncryption: ptr("AES256"), VersionId: nonEmpty(obj.VersionID)}
	checksumFields{&out.ChecksumCRC32, &out.ChecksumCRC32C, &out.ChecksumCRC64NVME, &out.ChecksumSHA1, &out.ChecksumSHA256, &out.ChecksumType}.set(checksum)
	return out, nil
}

// readObject reads an object's record: NoSuchKey when it has none.
func readObject(ctx context.Context, r storage.Reader, bucket, key string) (*Object, error) {
	var o Object
	if found, err := readRecord(ctx, r, objectKey(bucket, key), "object", &o); err != nil || !found {
		if err == nil {
			err = errNoSuchKey()
		}
		return nil, err
	}
	return &o, nil
}

func isNoSuchKey(err error) bool {
	var ae *awserr.Error
	return errors.As(err, &ae) && ae.Code == "NoSuchKey"
}

// lookup reads the caller's bucket and the record of one of its objects:
// the current one, or the version versionID names (see resolve).
func (p *Provider) lookup(ctx context.Context, bucket, key string, versionID *string) (*Bucket, *Object, error) {
	var b *Bucket
	var obj *Object
	err := p.store.View(ctx, func(tx storage.Txn) error {
		var err error
		if b, err = bucketOf(ctx, tx, scope.From(ctx).Account, bucket); err != nil {
			return err
		}
		obj, err = resolve(ctx, tx, bucket, key, versionID)
		return err
	})
	if err != nil {
		return nil, nil, awserr.From(err)
	}
	return b, obj, nil
}

// removeBlob deletes a body's file once no read streams it; one already
// gone is not an error.
func (p *Provider) removeBlob(id string) {
	p.leases.remove(p.blobDir, id)
}

// objectView is what GET and HEAD answer about an object: its headers and,
// for GET, the byte range to send.
type objectView struct {
	bucket   *Bucket
	obj      *Object
	rng      byteRange
	partial  bool
	length   int64
	rangeHdr string
	part     int // the part number read, 0 when none
}

// view resolves an object (or the version o names) and the range or part
// a HEAD asks for.
func (p *Provider) view(ctx context.Context, bucket, key string, o readOptions) (*objectView, error) {
	b, obj, err := p.lookup(ctx, bucket, key, o.versionID)
	if err != nil {
		return nil, err
	}
	if err := o.cond.check(obj); err != nil {
		return nil, err
	}
	v, err := viewOf(obj, o)
	if err != nil {
		return nil, err
	}
	v.bucket = b
	return v, nil
}

func (p *Provider) getObject(ctx context.Context, in *s3api.GetObjectRequest) (*s3api.GetObjectOutput, error) {
	v, body, err := p.openObjectBody(ctx, deref(in.Bucket), deref(in.Key), readOptions{versionID: in.VersionId, rangeHeader: in.Range,
		partNumber: in.PartNumber, cond: conditions{in.IfMatch, in.IfNoneMatch, in.IfModifiedSince, in.IfUnmodifiedSince}})
	if err != nil {
		return nil, err
	}
	o := v.obj
	out := &s3api.GetObjectOutput{
		Body:                    body,
		AcceptRanges:            ptr("bytes"),
		LastModified:            ptr(o.LastModified),
		ContentLength:           ptr(v.length),
		ETag:                    ptr(o.ETag),
		ContentType:             nonEmpty(firstOf(in.ResponseContentType, o.ContentType)),
		CacheControl:            nonEmpty(firstOf(in.ResponseCacheControl, o.CacheControl)),
		ContentDisposition:      nonEmpty(firstOf(in.ResponseContentDisposition, o.ContentDisposition)),
		ContentEncoding:         nonEmpty(firstOf(in.ResponseContentEncoding, o.ContentEncoding)),
		ContentLanguage:         nonEmpty(firstOf(in.ResponseContentLanguage, o.ContentLanguage)),
		Expires:                 o.Expires,
		WebsiteRedirectLocation: nonEmpty(o.WebsiteRedirect),
		Metadata:                o.Metadata,
		StorageClass:            nonEmpty(o.StorageClass),
		Restore:                 o.Restore.header(p.clock.Now()),
		ServerSideEncryption:    ptr("AES256"),
		TagCount:                tagCount(o),
		VersionId:               versionHeader(v.bucket, o),
		ReplicationStatus:       nonEmpty(o.Replication),
	}
	if in.ResponseExpires != nil {
		out.Expires = in.ResponseExpires
	}
	if v.partial {
		out.ContentRange = ptr(v.rangeHdr)
	}
	out.PartsCount = v.partsCount()
	lockHeaders(o, &out.ObjectLockMode, &out.ObjectLockRetainUntilDate, &out.ObjectLockLegalHoldStatus)
	if strings.EqualFold(deref(in.ChecksumMode), "ENABLED") {
		checksumFields{&out.ChecksumCRC32, &out.ChecksumCRC32C, &out.ChecksumCRC64NVME, &out.ChecksumSHA1, &out.ChecksumSHA256, &out.ChecksumType}.set(v.checksum())
	}
	return out, nil
}

func (p *Provider) headObject(ctx context.Context, in *s3api.HeadObjectRequest) (*s3api.HeadObjectOutput, error) {
	v, err := p.view(ctx, deref(in.Bucket), deref(in.Key), readOptions{versionID: in.VersionId, rangeHeader: in.Range,
		partNumber: in.PartNumber, cond: conditions{in.IfMatch, in.IfNoneMatch, in.IfModifiedSince, in.IfUnmodifiedSince}})
	if err != nil {
		return nil, err
	}
	o := v.obj
	out := &s3api.HeadObjectOutput{
		AcceptRanges:            ptr("bytes"),
		LastModified:            ptr(o.LastModified),
		ContentLength:           ptr(v.length),
		ETag:                    ptr(o.ETag),
		ContentType:             nonEmpty(firstOf(in.ResponseContentType, o.ContentType)),
		CacheControl:            nonEmpty(firstOf(in.ResponseCacheControl, o.CacheControl)),
		ContentDisposition:      nonEmpty(firstOf(in.ResponseContentDisposition, o.ContentDisposition)),
		ContentEncoding:         nonEmpty(firstOf(in.ResponseContentEncoding, o.ContentEncoding)),
		ContentLanguage:         nonEmpty(firstOf(in.ResponseContentLanguage, o.ContentLanguage)),
		Expires:                 o.Expires,
		WebsiteRedirectLocation: nonEmpty(o.WebsiteRedirect),
		Metadata:                o.Metadata,
		StorageClass:            nonEmpty(o.StorageClass),
		Restore:                 o.Restore.header(p.clock.Now()),
		ServerSideEncryption:    ptr("AES256"),
		VersionId:               versionHeader(v.bucket, o),
		ReplicationStatus:       nonEmpty(o.Replication),
	}
	if in.ResponseExpires != nil {
		out.Expires = in.ResponseExpires
	}
	out.PartsCount = v.partsCount()
	lockHeaders(o, &out.ObjectLockMode, &out.ObjectLockRetainUntilDate, &out.ObjectLockLegalHoldStatus)
	if strings.EqualFold(deref(in.ChecksumMode), "ENABLED") {
		checksumFields{&out.ChecksumCRC32, &out.ChecksumCRC32C, &out.ChecksumCRC64NVME, &out.ChecksumSHA1, &out.ChecksumSHA256, &out.ChecksumType}.set(v.checksum())
	}
	return out, nil
}

func (p *Provider) deleteObject(ctx context.Context, in *s3api.DeleteObjectRequest) (*s3api.DeleteObjectOutput, error) {
	account, bucket, key := scope.From(ctx).Account, deref(in.Bucket), deref(in.Key)
	var res deleted
	var err error
	if in.VersionId != nil {
		res, err = p.deleteVersion(ctx, account, bucket, key, *in.VersionId, bypassGovernance(ctx, key, in.BypassGovernanceRetention))
	} else {
		res, err = p.deleteLatest(ctx, account, bucket, key)
	}
	if err != nil {
		return nil, err
	}
	out := &s3api.DeleteObjectOutput{VersionId: nonEmpty(res.versionID)}
	if res.marker {
		out.DeleteMarker = ptr(true)
	}
	return out, nil
}

// firstOf returns *override when set, else v.
func firstOf(override *string, v string) string {
	if override != nil {
		return *override
	}
	return v
}

// nonEmpty points to s, or is nil for "".
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
