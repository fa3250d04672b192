package s3

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
)

// copySource is a parsed x-amz-copy-source header.
type copySource struct {
	bucket, key string
	versionID   *string
}

// parseCopySource reads x-amz-copy-source: the URL-encoded "bucket/key",
// optionally with a leading "/" and a "?versionId=" query.
func parseCopySource(h string) (copySource, error) {
	path, query, hasQuery := strings.Cut(h, "?")
	p, err := url.PathUnescape(path)
	if err != nil {
		return copySource{}, errInvalidArgument("Invalid copy source encoding")
	}
	b, k, ok := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	if !ok || b == "" || k == "" {
		return copySource{}, errInvalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
	}
	src := copySource{bucket: b, key: k}
	if hasQuery {
		q, err := url.ParseQuery(query)
		if err != nil {
			return copySource{}, errInvalidArgument("Invalid copy source encoding")
		}
		if vs, ok := q["versionId"]; ok {
			src.versionID = ptr(vs[0])
		}
	}
	return src, nil
}

// directive reads a COPY|REPLACE directive header, COPY when absent.
func directive(h *string, what string) (string, error) {
	switch d := deref(h); d {
	case "", "COPY":
		return "COPY", nil
	case "REPLACE":
		return d, nil
	}
	return "", errInvalidArgument("Unknown " + what + " directive.")
}

func errSelfCopy() *awserr.Error {
	return awserr.New("InvalidRequest", http.StatusBadRequest,
		"This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
}

// copySourceError turns a failure to open a copy's source into what S3
// answers: every failed x-amz-copy-source-if-* condition is a 412, a
// version id naming a delete marker is an invalid request, and an archived
// source without a restored copy is refused as a source.
func copySourceError(err error) error {
	ae := awserr.From(err)
	switch ae.Code {
	case "NotModified":
		return errPreconditionFailed()
	case "MethodNotAllowed":
		return awserr.New("InvalidRequest", http.StatusBadRequest,
			"The source of a copy request may not specifically refer to a delete marker by version id.")
	case "InvalidObjectState":
		if f, ok := ae.Fields.(*s3api.InvalidObjectState); ok {
			return errInvalidObjectState(deref(f.StorageClass), true)
		}
	}
	return ae
}

// copyObject serves CopyObject. The copy gets a body file of its own,
// written from the source through openBody (whatever the source's body
// layout) to a temporary file that is synced and renamed, so deleting
// either object never affects the other.
func (p *Provider) copyObject(ctx context.Context, in *s3api.CopyObjectRequest) (*s3api.CopyObjectOutput, error) {
	account, bucket, key := scope.From(ctx).Account, deref(in.Bucket), deref(in.Key)
	src, err := parseCopySource(deref(in.CopySource))
	if err != nil {
		return nil, err
	}
	metaDir, err := directive(in.MetadataDirective, "metadata")
	if err != nil {
		return nil, err
	}
	tagDir, err := directive(in.TaggingDirective, "tagging")
	if err != nil {
		return nil, err
	}
	var tags []ObjectTag
	if tagDir == "REPLACE" && in.Tagging != nil {
		if tags, err = parseTaggingHeader(*in.Tagging); err != nil {
			return nil, err
		}
	}
	class, err := storageClassParam(in.StorageClass)
	if err != nil {
		return nil, err
	}
	dst, err := bucketOf(ctx, p.store, account, bucket)
	if err != nil {
		return nil, err
	}
	lock, err := parseLockHeaders(in.ObjectLockMode, in.ObjectLockRetainUntilDate, in.ObjectLockLegalHoldStatus, p.clock.Now())
	if err != nil {
		return nil, err
	}
	if err := checkLockBucket(dst, lock); err != nil {
		return nil, err
	}
	// Copying an object onto itself must change something about it.
	self := src.bucket == bucket && src.key == key && metaDir == "COPY" && in.StorageClass == nil &&
		in.WebsiteRedirectLocation == nil && in.ServerSideEncryption == nil && in.SSEKMSKeyId == nil
	if self && src.versionID == nil {
		return nil, errSelfCopy()
	}
	v, body, err := p.openObjectBody(ctx, src.bucket, src.key, readOptions{versionID: src.versionID,
		cond: conditions{in.CopySourceIfMatch, in.CopySourceIfNoneMatch, in.CopySourceIfModifiedSince, in.CopySourceIfUnmodifiedSince}})
	if err != nil {
		return nil, copySourceError(err)
	}
	defer body.Close()
	so := v.obj
	if so.Size > maxObjectSize {
		return nil, awserr.New("InvalidRequest", http.StatusBadRequest,
			"The specified copy source is larger than the maximum allowable size for a copy source: %d", maxObjectSize)
	}
	alg := deref(in.ChecksumAlgorithm)
	if alg == "" && so.Checksum != nil {
		alg = so.Checksum.Algorithm
	}
	sums := newChecksummer(checksumInput{algorithm: nonEmpty(alg)}, false)
	b, err := writeBody(p.blobDir, p.ids.Hex(32), body, sums, p.maxInline)
	if err != nil {
		return nil, err
	}
	committed := false
	defer func() {
		if !committed {
			p.discard(b)
		}
	}()
	if b.size != so.Size {
		// The source changed under the copy (a concurrent overwrite removed
		// its file mid-read): S3 would have copied one whole version.
		return nil, awserr.Internal(fmt.Errorf("s3: copy source changed: read %d of %d bytes", b.size, so.Size))
	}
	obj := Object{
		Blob: b.id, Inline: b.inline, Size: b.size, ETag: etagOf(b.md5),
		LastModified: p.clock.Now().UTC().Truncate(time.Second),
		StorageClass: class,
		Checksum:     copyChecksum(sums, alg),
		Tags:         tags,
	}
	if tagDir == "COPY" {
		obj.Tags = slices.Clone(so.Tags)
	}
	if metaDir == "COPY" {
		obj.ContentType, obj.CacheControl, obj.ContentDisposition = so.ContentType, so.CacheControl, so.ContentDisposition
		obj.ContentEncoding, obj.ContentLanguage, obj.Expires = so.ContentEncoding, so.ContentLanguage, so.Expires
		obj.Metadata, obj.WebsiteRedirect = so.Metadata, so.WebsiteRedirect
	} else {
		obj.ContentType, obj.CacheControl = deref(in.ContentType), deref(in.CacheControl)
		obj.ContentDisposition, obj.ContentEncoding = deref(in.ContentDisposition), deref(in.ContentEncoding)
		obj.ContentLanguage, obj.Expires, obj.Metadata = deref(in.ContentLanguage), in.Expires, in.Metadata
		if obj.ContentType == "" {
			obj.ContentType = "binary/octet-stream"
		}
	}
	if in.WebsiteRedirectLocation != nil {
		obj.WebsiteRedirect = *in.WebsiteRedirectLocation
	}
	lock.apply(&obj)
	check := func(prev *Object) error {
		if self && prev != nil && prev.Seq == so.Seq {
			return errSelfCopy()
		}
		return nil
	}
	if err := p.commitObject(ctx, account, bucket, key, &obj, check); err != nil {
		return nil, err
	}
	committed = true
	res := &s3api.CopyObjectResult{ETag: ptr(obj.ETag), LastModified: ptr(obj.LastModified)}
	checksumFields{&res.ChecksumCRC32, &res.ChecksumCRC32C, &res.ChecksumCRC64NVME, &res.ChecksumSHA1, &res.ChecksumSHA256, &res.ChecksumType}.set(obj.Checksum)
	return &s3api.CopyObjectOutput{
		CopyObjectResult:     res,
		CopySourceVersionId:  versionHeader(v.bucket, so),
		VersionId:            nonEmpty(obj.VersionID),
		ServerSideEncryption: ptr("AES256"),
	}, nil
}

// copyChecksum is the checksum of algorithm alg a copy keeps: nil when
// none was asked for.
func copyChecksum(sums *checksummer, alg string) *Checksum {
	for name, h := range sums.hashes {
		if strings.EqualFold(name, alg) {
			return &Checksum{Algorithm: name, Value: base64.StdEncoding.EncodeToString(h.Sum(nil))}
		}
	}
	return nil
}
