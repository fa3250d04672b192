package s3

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// errPartsChanged reports that an upload's parts changed between the
// completion's read and its commit; the completion starts again.
var errPartsChanged = errors.New("s3: upload parts changed during completion")

// completion is what CompleteMultipartUpload resolved from an upload's
// records: the object to commit and the part files it is made of.
type completion struct {
	obj   Object
	blobs map[int64]string // the chosen part files by number
}

func (p *Provider) completeMultipartUpload(ctx context.Context, in *s3api.CompleteMultipartUploadRequest) (*s3api.CompleteMultipartUploadOutput, error) {
	account, bucket, key, id := scope.From(ctx).Account, deref(in.Bucket), deref(in.Key), deref(in.UploadId)
	if in.MultipartUpload == nil || len(in.MultipartUpload.Parts) == 0 {
		return nil, awserr.New("MalformedXML", http.StatusBadRequest,
			"The XML you provided was not well-formed or did not validate against our published schema")
	}
	cond := writeConditions{in.IfMatch, in.IfNoneMatch}
	if err := cond.validate(); err != nil {
		return nil, err
	}
	req := in.MultipartUpload.Parts
	for i := range req {
		n := deref64(req[i].PartNumber)
		if n < 1 || n > maxPartNumber {
			return nil, errPartNumber()
		}
		if i > 0 && n <= deref64(req[i-1].PartNumber) {
			return nil, awserr.New("InvalidPartOrder", http.StatusBadRequest,
				"The list of parts was not in ascending order. Parts must be ordered by part number.")
		}
	}
	for attempt := 0; ; attempt++ {
		var c *completion
		err := p.store.View(ctx, func(tx storage.Txn) error {
			if _, err := bucketOf(ctx, tx, account, bucket); err != nil {
				return err
			}
			u, err := readUpload(ctx, tx, bucket, key, id)
			if err != nil {
				return err
			}
			c, err = resolveCompletion(ctx, tx, u, req)
			return err
		})
		if err != nil {
			return nil, awserr.From(err)
		}
		var unused []string
		err = p.commitObject(ctx, account, bucket, key, &c.obj, cond.check, func(tx storage.Txn) error {
			var err error
			unused, err = dropUpload(ctx, tx, bucket, key, id, c.blobs)
			return err
		})
		if errors.Is(err, errPartsChanged) && attempt < 3 {
			continue
		}
		if err != nil {
			return nil, awserr.From(err)
		}
		for _, f := range unused {
			p.removeBlob(f)
		}
		out := &s3api.CompleteMultipartUploadOutput{
			Location: ptr("/" + bucket + "/" + key), Bucket: ptr(bucket), Key: ptr(key),
			ETag: ptr(c.obj.ETag), ServerSideEncryption: ptr("AES256"), VersionId: nonEmpty(c.obj.VersionID),
		}
		checksumFields{&out.ChecksumCRC32, &out.ChecksumCRC32C, &out.ChecksumCRC64NVME, &out.ChecksumSHA1, &out.ChecksumSHA256, &out.ChecksumType}.set(c.obj.Checksum)
		return out, nil
	}
}

// resolveCompletion checks the requested parts against the upload's part
// records, walking both in part-number order in one pass, and builds the
// object. Every part but the last must be at least 5 MiB.
//
// The object's LastModified is the upload's initiation time, as on S3.
func resolveCompletion(ctx context.Context, r storage.Reader, u *Upload, req []s3api.CompletedPart) (*completion, error) {
	type stored struct {
		n    int64
		part *Part
	}
	var all []stored
	err := scanParts(ctx, r, u.ID, 1, func(n int64, part *Part) bool {
		all = append(all, stored{n, part})
		return true
	})
	if err != nil {
		return nil, err
	}
	c := &completion{obj: u.Object, blobs: make(map[int64]string, len(req))}
	c.obj.Blob, c.obj.Parts = "", make([]ObjectPart, 0, len(req))
	c.obj.LastModified = u.Initiated.Truncate(1e9)
	digests := make([]partDigest, 0, len(req))
	alg := algorithm(u.ChecksumAlgorithm)
	j := 0
	for i, rp := range req {
		n := deref64(rp.PartNumber)
		for j < len(all) && all[j].n < n {
			j++
		}
		if j == len(all) || all[j].n != n || strings.Trim(deref(rp.ETag), `"`) != strings.Trim(all[j].part.ETag, `"`) {
			return nil, errInvalidPart()
		}
		part := all[j].part
		j++
		if i < len(req)-1 && part.Size < minPartSize {
			return nil, awserr.New("EntityTooSmall", http.StatusBadRequest,
				"Your proposed upload is smaller than the minimum allowed object size.")
		}
		sum := ""
		if part.Checksum != nil && alg != nil && part.Checksum.Algorithm == alg.name {
			sum = part.Checksum.Value
		}
		if alg != nil {
			given := completedChecksum(rp, alg.name)
			switch {
			case given == nil && u.ChecksumType == checksumComposite:
				return nil, awserr.New("InvalidRequest", http.StatusBadRequest,
					"The upload was created using a %s checksum. The complete request must include the checksum for each part. It was missing for part %d in the request.",
					strings.ToLower(alg.name), n)
			case given != nil && *given != sum:
				return nil, errInvalidPart()
			}
		}
		c.blobs[n] = part.Blob
		c.obj.Size += part.Size
		c.obj.Parts = append(c.obj.Parts, ObjectPart{Blob: part.Blob, Size: part.Size, ETag: part.ETag, Checksum: sum})
		digests = append(digests, partDigest{size: part.Size, etag: part.ETag, checksum: sum})
	}
	if c.obj.ETag, err = multipartETag(digests); err != nil {
		return nil, err
	}
	if alg != nil {
		if c.obj.Checksum, err = multipartChecksum(alg, u.ChecksumType, digests); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// completedChecksum is the checksum of the named algorithm a completed
// part lists, or nil.
func completedChecksum(p s3api.CompletedPart, alg string) *string {
	switch alg {
	case "CRC64NVME":
		return p.ChecksumCRC64NVME
	case "CRC32":
		return p.ChecksumCRC32
	case "CRC32C":
		return p.ChecksumCRC32C
	case "SHA1":
		return p.ChecksumSHA1
	case "SHA256":
		return p.ChecksumSHA256
	}
	return nil
}

// dropUpload deletes an upload's record and its part records, in the
// completion's transaction, after checking that the parts it chose are
// still the ones recorded. It returns the files of the parts left out,
// which the caller removes once the transaction commits.
func dropUpload(ctx context.Context, tx storage.Txn, bucket, key, id string, chosen map[int64]string) ([]string, error) {
	if _, err := readUpload(ctx, tx, bucket, key, id); err != nil {
		return nil, err
	}
	var keys [][]byte
	var unused []string
	changed := false
	err := scanParts(ctx, tx, id, 1, func(n int64, part *Part) bool {
		b, ok := chosen[n]
		switch {
		case !ok:
			unused = append(unused, part.Blob)
		case b != part.Blob:
			changed = true
			return false
		}
		keys = append(keys, partKey(id, n))
		return true
	})
	if err != nil {
		return nil, err
	}
	if changed {
		return nil, errPartsChanged
	}
	for _, k := range keys {
		if err := tx.Delete(k); err != nil {
			return nil, err
		}
	}
	return unused, tx.Delete(uploadKey(bucket, key, id))
}

func errInvalidPart() *awserr.Error {
	return awserr.New("InvalidPart", http.StatusBadRequest,
		"One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.")
}
