package s3

import (
	"context"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
)

// maxDeleteObjects is the most keys one DeleteObjects request may name.
const maxDeleteObjects = 1000

// deleteObjects serves DeleteObjects: each key is deleted as DeleteObject
// would, in its own transaction, and reported under Deleted or Errors.
//
// S3 requires a Content-MD5 or flexible checksum header on this request;
// the generated input carries neither the header nor the body's bytes, so
// the gateway's integrity check is all unkai applies (the SDKs and the CLI
// always send one).
func (p *Provider) deleteObjects(ctx context.Context, in *s3api.DeleteObjectsRequest) (*s3api.DeleteObjectsOutput, error) {
	account, bucket := scope.From(ctx).Account, deref(in.Bucket)
	if in.Delete == nil || len(in.Delete.Objects) == 0 || len(in.Delete.Objects) > maxDeleteObjects {
		return nil, errMalformedXML()
	}
	if _, err := bucketOf(ctx, p.store, account, bucket); err != nil {
		return nil, err
	}
	quiet := in.Delete.Quiet != nil && *in.Delete.Quiet
	out := &s3api.DeleteObjectsOutput{}
	for _, id := range in.Delete.Objects {
		key := deref(id.Key)
		if deleteDenied(ctx, key, id.VersionId) {
			out.Errors = append(out.Errors, s3api.Error{Key: ptr(key), VersionId: id.VersionId,
				Code: ptr("AccessDenied"), Message: ptr("Access Denied")})
			continue
		}
		var res deleted
		var err error
		if id.VersionId != nil {
			res, err = p.deleteVersion(ctx, account, bucket, key, *id.VersionId, bypassGovernance(ctx, key, in.BypassGovernanceRetention))
		} else {
			res, err = p.deleteLatest(ctx, account, bucket, key)
		}
		if err != nil {
			ae := awserr.From(err)
			code := ae.Code
			if code == awserr.InternalFailureCode {
				code = "InternalError"
			}
			out.Errors = append(out.Errors, s3api.Error{Key: ptr(key), VersionId: id.VersionId,
				Code: ptr(code), Message: ptr(ae.Message)})
			continue
		}
		if quiet {
			continue
		}
		d := s3api.DeletedObject{Key: ptr(key), VersionId: id.VersionId}
		if res.marker {
			d.DeleteMarker = ptr(true)
			d.DeleteMarkerVersionId = ptr(res.versionID)
		}
		out.Deleted = append(out.Deleted, d)
	}
	return out, nil
}
