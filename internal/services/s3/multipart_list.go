package s3

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// maxListParts is the most entries a ListParts or ListMultipartUploads
// page holds.
const maxListParts = 1000

func (p *Provider) listParts(ctx context.Context, in *s3api.ListPartsRequest) (*s3api.ListPartsOutput, error) {
	account, bucket, key, id := scope.From(ctx).Account, deref(in.Bucket), deref(in.Key), deref(in.UploadId)
	limit := int64(maxListParts)
	if in.MaxParts != nil {
		if *in.MaxParts < 0 {
			return nil, errInvalidArgument("Argument max-parts must be an integer between 0 and 2147483647")
		}
		limit = min(*in.MaxParts, maxListParts)
	}
	marker := deref64(in.PartNumberMarker)
	if marker < 0 {
		return nil, errInvalidArgument("Argument part-number-marker must be an integer between 0 and 2147483647")
	}
	owner := CanonicalUserID(account)
	out := &s3api.ListPartsOutput{
		Bucket: ptr(bucket), Key: ptr(key), UploadId: ptr(id),
		PartNumberMarker: ptr(marker), MaxParts: ptr(limit), IsTruncated: ptr(false),
		Initiator: &s3api.Initiator{ID: ptr(owner), DisplayName: ptr("unkai")},
		Owner:     &s3api.Owner{ID: ptr(owner), DisplayName: ptr("unkai")},
	}
	err := p.store.View(ctx, func(tx storage.Txn) error {
		out.Parts = nil
		if _, err := bucketOf(ctx, tx, account, bucket); err != nil {
			return err
		}
		u, err := readUpload(ctx, tx, bucket, key, id)
		if err != nil {
			return err
		}
		out.StorageClass = ptr(storageClassOf(u.Object))
		out.ChecksumAlgorithm, out.ChecksumType = nonEmpty(u.ChecksumAlgorithm), nonEmpty(u.ChecksumType)
		if marker >= maxPartNumber {
			return nil
		}
		var last int64
		return scanParts(ctx, tx, id, marker+1, func(n int64, part *Part) bool {
			if int64(len(out.Parts)) == limit {
				out.IsTruncated = ptr(true)
				return false
			}
			lp := s3api.Part{PartNumber: ptr(n), LastModified: ptr(part.LastModified), ETag: ptr(part.ETag), Size: ptr(part.Size)}
			checksumFields{&lp.ChecksumCRC32, &lp.ChecksumCRC32C, &lp.ChecksumCRC64NVME, &lp.ChecksumSHA1, &lp.ChecksumSHA256, nil}.set(part.Checksum)
			out.Parts = append(out.Parts, lp)
			last = n
			out.NextPartNumberMarker = ptr(last)
			return true
		})
	})
	if err != nil {
		return nil, awserr.From(err)
	}
	return out, nil
}

func (p *Provider) listMultipartUploads(ctx context.Context, in *s3api.ListMultipartUploadsRequest) (*s3api.ListMultipartUploadsOutput, error) {
	account, bucket := scope.From(ctx).Account, deref(in.Bucket)
	prefix, delim := deref(in.Prefix), deref(in.Delimiter)
	keyMarker, idMarker := deref(in.KeyMarker), deref(in.UploadIdMarker)
	limit := int64(maxListParts)
	if in.MaxUploads != nil {
		if *in.MaxUploads < 0 {
			return nil, errInvalidArgument("Argument max-uploads must be an integer between 0 and 2147483647")
		}
		limit = min(*in.MaxUploads, maxListParts)
	}
	encoding := deref(in.EncodingType)
	if encoding != "" && encoding != "url" {
		return nil, errInvalidArgument("Invalid Encoding Method specified in Request")
	}
	enc := func(s string) string { return s }
	if encoding == "url" {
		enc = urlEncode
	}
	// Where the scan starts: past the marker's key (all of it when no
	// upload id marker is given, or when it names a common prefix), else
	// past the marker's upload.
	start := uploadKeyPrefix(bucket, prefix)
	if keyMarker != "" {
		k := storage.PrefixEnd(storage.AppendString(uploadPrefix(bucket), keyMarker))
		switch {
		case delim != "" && strings.HasPrefix(keyMarker, prefix) && strings.HasSuffix(keyMarker, delim) &&
			strings.Index(keyMarker[len(prefix):], delim) == len(keyMarker)-len(prefix)-len(delim):
			k = storage.PrefixEnd(uploadKeyPrefix(bucket, keyMarker))
		case idMarker != "":
			k = storage.KeyAfter(uploadKey(bucket, keyMarker, idMarker))
		}
		if string(k) > string(start) {
			start = k
		}
	}
	end := storage.PrefixEnd(uploadKeyPrefix(bucket, prefix))
	owner := CanonicalUserID(account)
	out := &s3api.ListMultipartUploadsOutput{
		Bucket: ptr(bucket), KeyMarker: ptr(enc(keyMarker)), UploadIdMarker: ptr(idMarker),
		Prefix: ptr(enc(prefix)), MaxUploads: ptr(limit), IsTruncated: ptr(false), EncodingType: in.EncodingType,
	}
	if delim != "" {
		out.Delimiter = ptr(enc(delim))
	}
	err := p.store.View(ctx, func(tx storage.Txn) error {
		out.Uploads, out.CommonPrefixes = nil, nil
		if _, err := bucketOf(ctx, tx, account, bucket); err != nil {
			return err
		}
		var lastKey, lastID string
		for pos := start; pos != nil && (end == nil || string(pos) < string(end)); {
			it := tx.Scan(ctx, pos, end, storage.ScanOptions{})
			pos = nil
			for it.Next() {
				var u Upload
				if err := json.Unmarshal(it.Value(), &u); err != nil {
					_ = it.Close()
					return fmt.Errorf("s3: decode upload: %w", err)
				}
				if int64(len(out.Uploads)+len(out.CommonPrefixes)) == limit {
					out.IsTruncated = ptr(true)
					out.NextKeyMarker, out.NextUploadIdMarker = ptr(enc(lastKey)), nonEmpty(lastID)
					break
				}
				if delim != "" {
					if i := strings.Index(u.Key[len(prefix):], delim); i >= 0 {
						cp := u.Key[:len(prefix)+i+len(delim)]
						out.CommonPrefixes = append(out.CommonPrefixes, s3api.CommonPrefix{Prefix: ptr(enc(cp))})
						lastKey, lastID = cp, ""
						pos = storage.PrefixEnd(uploadKeyPrefix(bucket, cp))
						break
					}
				}
				out.Uploads = append(out.Uploads, s3api.MultipartUpload{
					UploadId: ptr(u.ID), Key: ptr(enc(u.Key)), Initiated: ptr(u.Initiated),
					StorageClass: ptr(storageClassOf(u.Object)), ChecksumAlgorithm: nonEmpty(u.ChecksumAlgorithm), ChecksumType: nonEmpty(u.ChecksumType),
					Owner:     &s3api.Owner{ID: ptr(owner), DisplayName: ptr("unkai")},
					Initiator: &s3api.Initiator{ID: ptr(owner), DisplayName: ptr("unkai")},
				})
				lastKey, lastID = u.Key, u.ID
			}
			if err := it.Close(); err != nil {
				return err
			}
			if *out.IsTruncated {
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, awserr.From(err)
	}
	return out, nil
}
