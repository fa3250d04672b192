package s3

import (
	"context"
	"net/http"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
)

// Object Lock on object versions. A version's retention (mode and
// retain-until date) and legal hold are part of its record (Object), set
// when the version is written (PutObject, CopyObject and
// CreateMultipartUpload headers, or the bucket's default retention applied
// by commitObject) or later by PutObjectRetention and PutObjectLegalHold,
// each one transaction. While a version is locked, removing it for good
// (DeleteObject or DeleteObjects with a version id, lifecycle expiration of
// noncurrent versions) is refused: always under a legal hold or COMPLIANCE
// retention, and under GOVERNANCE retention unless the request says
// x-amz-bypass-governance-retention: true and, in strict auth mode, the
// sender holds s3:BypassGovernanceRetention. A DELETE without a version id
// only adds a delete marker and an overwrite only adds a version, so both
// are allowed. CopyObject does not carry the source's lock over: the copy
// is locked as its own request or the bucket's default says.

// Retention is a version's Object Lock retention.
type Retention struct {
	Mode  string    `json:"mode"`
	Until time.Time `json:"until"`
}

// active reports whether r still protects its version at now.
func (r *Retention) active(now time.Time) bool { return r != nil && now.Before(r.Until) }

// lockRequest is what a write's x-amz-object-lock-* headers ask for.
type lockRequest struct {
	retention *Retention
	legalHold string
}

// set reports whether the request carried any Object Lock header.
func (l lockRequest) set() bool { return l.retention != nil || l.legalHold != "" }

// apply stores the request's settings in a new version's record.
func (l lockRequest) apply(o *Object) {
	o.Retention, o.LegalHold = l.retention, l.legalHold
}

// parseLockHeaders reads a write's Object Lock headers as S3 checks them at
// now: mode and retain-until date come together, the date in the future.
func parseLockHeaders(mode *string, until *time.Time, hold *string, now time.Time) (lockRequest, error) {
	var l lockRequest
	if (mode == nil) != (until == nil) {
		return l, errInvalidArgument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied")
	}
	if mode != nil {
		if *mode != lockGovernance && *mode != lockCompliance {
			return l, errInvalidArgument("Unknown wormMode directive.")
		}
		if !until.After(now) {
			return l, errInvalidArgument("The retain until date must be in the future!")
		}
		l.retention = &Retention{Mode: *mode, Until: until.UTC()}
	}
	if hold != nil {
		if *hold != legalHoldOn && *hold != legalHoldOff {
			return l, errInvalidArgument("Legal Hold must be either of 'ON' or 'OFF'")
		}
		l.legalHold = *hold
	}
	return l, nil
}

// checkLockBucket refuses Object Lock headers on a bucket without Object
// Lock.
func checkLockBucket(b *Bucket, l lockRequest) error {
	if l.set() && b.ObjectLock == nil {
		return errObjectLockMissing()
	}
	return nil
}

// needsIntegrity reports whether a PutObject must carry Content-MD5 or a
// flexible checksum header: S3 requires one for an upload with Object Lock
// parameters or into a bucket with a default retention. A checksum named by
// x-amz-sdk-checksum-algorithm (sent in an aws-chunked trailer) counts.
func needsIntegrity(b *Bucket, l lockRequest, in *s3api.PutObjectRequest) error {
	if !l.set() && (b.ObjectLock == nil || b.ObjectLock.DefaultMode == "") {
		return nil
	}
	if in.ContentMD5 != nil || in.ChecksumAlgorithm != nil {
		return nil
	}
	for _, v := range putChecksums(in).values {
		if v != "" {
			return nil
		}
	}
	return errInvalidRequest("Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters")
}

// lockRefusal is the error that refuses removing version v for good at
// now, or nil when Object Lock allows it.
func lockRefusal(v *Object, now time.Time, bypass bool) error {
	if v.LegalHold == legalHoldOn {
		return errObjectLocked()
	}
	if r := v.Retention; r.active(now) && (r.Mode == lockCompliance || !bypass) {
		return errObjectLocked()
	}
	return nil
}

// retentionChange refuses replacing a version's retention old by next
// (nil: removing it) at now when old still protects the version: COMPLIANCE
// retention may only be kept or extended, GOVERNANCE retention may be
// extended (or turned into COMPLIANCE) by anyone, and shortened or removed
// only with bypass.
func retentionChange(old, next *Retention, now time.Time, bypass bool) error {
	if !old.active(now) {
		return nil
	}
	keeps := next != nil && !next.Until.Before(old.Until)
	switch {
	case old.Mode == lockCompliance && (!keeps || next.Mode != lockCompliance):
		return errObjectLocked()
	case old.Mode == lockGovernance && !keeps && !bypass:
		return errObjectLocked()
	}
	return nil
}

// lockHeaders fills the x-amz-object-lock-* response headers of GET and
// HEAD from o.
func lockHeaders(o *Object, mode **string, until **time.Time, hold **string) {
	if r := o.Retention; r != nil {
		*mode, *until = ptr(r.Mode), ptr(r.Until)
	}
	*hold = nonEmpty(o.LegalHold)
}

// lockedBucket reads the caller's bucket and refuses one without Object
// Lock.
func (p *Provider) lockedBucket(ctx context.Context, bucket string) error {
	b, err := bucketOf(ctx, p.store, scope.From(ctx).Account, bucket)
	if err != nil {
		return err
	}
	if b.ObjectLock == nil {
		return errObjectLockMissing()
	}
	return nil
}

func errNoObjectLock() *awserr.Error {
	return awserr.New("NoSuchObjectLockConfiguration", http.StatusNotFound,
		"The specified object does not have a ObjectLock configuration")
}

func (p *Provider) putObjectRetention(ctx context.Context, in *s3api.PutObjectRetentionRequest) (*s3api.PutObjectRetentionOutput, error) {
	bucket, key := deref(in.Bucket), deref(in.Key)
	if err := p.lockedBucket(ctx, bucket); err != nil {
		return nil, err
	}
	r := in.Retention
	if r == nil || (r.Mode == nil) != (r.RetainUntilDate == nil) {
		return nil, errMalformedXML()
	}
	now := p.clock.Now()
	var next *Retention
	if r.Mode != nil {
		if *r.Mode != lockGovernance && *r.Mode != lockCompliance {
			return nil, errMalformedXML()
		}
		if !r.RetainUntilDate.After(now) {
			return nil, errInvalidArgument("The retain until date must be in the future!")
		}
		next = &Retention{Mode: *r.Mode, Until: r.RetainUntilDate.UTC()}
	}
	bypass := bypassGovernance(ctx, key, in.BypassGovernanceRetention)
	_, _, err := p.updateVersion(ctx, bucket, key, in.VersionId, func(o *Object) error {
		if err := retentionChange(o.Retention, next, now, bypass); err != nil {
			return err
		}
		o.Retention = next
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &s3api.PutObjectRetentionOutput{}, nil
}

func (p *Provider) getObjectRetention(ctx context.Context, in *s3api.GetObjectRetentionRequest) (*s3api.GetObjectRetentionOutput, error) {
	b, o, err := p.lookup(ctx, deref(in.Bucket), deref(in.Key), in.VersionId)
	if err != nil {
		return nil, err
	}
	if b.ObjectLock == nil {
		return nil, errObjectLockMissing()
	}
	if o.Retention == nil {
		return nil, errNoObjectLock()
	}
	return &s3api.GetObjectRetentionOutput{Retention: &s3api.ObjectLockRetention{
		Mode: ptr(o.Retention.Mode), RetainUntilDate: ptr(o.Retention.Until),
	}}, nil
}

func (p *Provider) putObjectLegalHold(ctx context.Context, in *s3api.PutObjectLegalHoldRequest) (*s3api.PutObjectLegalHoldOutput, error) {
	bucket, key := deref(in.Bucket), deref(in.Key)
	if err := p.lockedBucket(ctx, bucket); err != nil {
		return nil, err
	}
	h := in.LegalHold
	if h == nil || (deref(h.Status) != legalHoldOn && deref(h.Status) != legalHoldOff) {
		return nil, errMalformedXML()
	}
	_, _, err := p.updateVersion(ctx, bucket, key, in.VersionId, func(o *Object) error {
		o.LegalHold = *h.Status
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &s3api.PutObjectLegalHoldOutput{}, nil
}

func (p *Provider) getObjectLegalHold(ctx context.Context, in *s3api.GetObjectLegalHoldRequest) (*s3api.GetObjectLegalHoldOutput, error) {
	b, o, err := p.lookup(ctx, deref(in.Bucket), deref(in.Key), in.VersionId)
	if err != nil {
		return nil, err
	}
	if b.ObjectLock == nil {
		return nil, errObjectLockMissing()
	}
	if o.LegalHold == "" {
		return nil, errNoObjectLock()
	}
	return &s3api.GetObjectLegalHoldOutput{LegalHold: &s3api.ObjectLockLegalHold{Status: ptr(o.LegalHold)}}, nil
}

// bypassDeniedKey holds the object keys for which Authorize refused
// s3:BypassGovernanceRetention (a map[string]bool).
type bypassDeniedKey struct{}

// bypassGovernance reports whether a request on key may bypass GOVERNANCE
// retention: it says so in x-amz-bypass-governance-retention and, in
// strict auth mode, Authorize found s3:BypassGovernanceRetention granted.
func bypassGovernance(ctx context.Context, key string, header *bool) bool {
	if header == nil || !*header {
		return false
	}
	denied, _ := ctx.Value(bypassDeniedKey{}).(map[string]bool)
	return !denied[key]
}
