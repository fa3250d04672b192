package s3

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Lifecycle limits.
const (
	maxLifecycleRules = 1000
	maxRuleIDLength   = 255
)

// lifecyclePrefix is the key prefix of every bucket's lifecycle record.
func lifecyclePrefix() []byte { return storage.Key(Name, "lifecycle") }

// lifecycleKey is the key of a bucket's lifecycle record.
func lifecycleKey(bucket string) []byte { return storage.AppendString(lifecyclePrefix(), bucket) }

// lifecycleRecord is a bucket's stored lifecycle configuration, with what
// the sweeper needs to act without reading the bucket record.
type lifecycleRecord struct {
	Account string                `json:"account"`
	Region  string                `json:"region"`
	Rules   []s3api.LifecycleRule `json:"rules"`
	// Gen changes with every PUT, so the sweeper's bookkeeping never
	// overwrites a newer configuration.
	Gen string `json:"gen"`
	// NextDue is the earliest time a current object can next become due
	// for expiration; zero means unknown (scan at the next pass).
	NextDue time.Time `json:"nextDue,omitzero"`
}

func readLifecycle(ctx context.Context, r storage.Reader, bucket string) (*lifecycleRecord, error) {
	var rec lifecycleRecord
	if found, err := readRecord(ctx, r, lifecycleKey(bucket), "lifecycle", &rec); err != nil || !found {
		return nil, err
	}
	return &rec, nil
}

func (p *Provider) putBucketLifecycleConfiguration(ctx context.Context, in *s3api.PutBucketLifecycleConfigurationRequest) (*protocol.Empty, error) {
	if in.LifecycleConfiguration == nil {
		return nil, errMalformedXML()
	}
	rules := in.LifecycleConfiguration.Rules
	if err := validateLifecycleRules(rules); err != nil {
		return nil, err
	}
	stored := make([]s3api.LifecycleRule, len(rules))
	copy(stored, rules)
	for i := range stored {
		if deref(stored[i].ID) == "" {
			stored[i].ID = ptr(base64.StdEncoding.EncodeToString([]byte(p.ids.UUID())))
		}
	}
	account, bucket := scope.From(ctx).Account, deref(in.Bucket)
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		b, err := bucketOf(ctx, tx, account, bucket)
		if err != nil {
			return err
		}
		return putRecord(tx, lifecycleKey(bucket), lifecycleRecord{Account: account, Region: b.Region, Rules: stored, Gen: p.ids.UUID()})
	})
	if err != nil {
		return nil, awserr.From(err)
	}
	p.lc.wake()
	return &protocol.Empty{}, nil
}

func (p *Provider) getBucketLifecycleConfiguration(ctx context.Context, in *s3api.GetBucketLifecycleConfigurationRequest) (*s3api.GetBucketLifecycleConfigurationOutput, error) {
	var rec *lifecycleRecord
	err := p.store.View(ctx, func(tx storage.Txn) error {
		bucket := deref(in.Bucket)
		if _, err := bucketOf(ctx, tx, scope.From(ctx).Account, bucket); err != nil {
			return err
		}
		var err error
		rec, err = readLifecycle(ctx, tx, bucket)
		return err
	})
	if err != nil {
		return nil, awserr.From(err)
	}
	if rec == nil {
		return nil, awserr.New("NoSuchLifecycleConfiguration", http.StatusNotFound, "The lifecycle configuration does not exist")
	}
	return &s3api.GetBucketLifecycleConfigurationOutput{Rules: rec.Rules}, nil
}

func (p *Provider) deleteBucketLifecycle(ctx context.Context, in *s3api.DeleteBucketLifecycleRequest) (*protocol.Empty, error) {
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		bucket := deref(in.Bucket)
		if _, err := bucketOf(ctx, tx, scope.From(ctx).Account, bucket); err != nil {
			return err
		}
		return tx.Delete(lifecycleKey(bucket))
	})
	if err != nil {
		return nil, awserr.From(err)
	}
	return &protocol.Empty{}, nil
}

// validateLifecycleRules applies S3's checks of a lifecycle configuration.
func validateLifecycleRules(rules []s3api.LifecycleRule) error {
	if len(rules) == 0 {
		return errInvalidRequest("At least one lifecycle rule must be specified.")
	}
	if len(rules) > maxLifecycleRules {
		return errInvalidRequest("The number of lifecycle rules must not exceed the allowed limit of 1000 rules.")
	}
	ids := make(map[string]bool, len(rules))
	for i := range rules {
		r := &rules[i]
		if id := deref(r.ID); id != "" {
			if len(id) > maxRuleIDLength {
				return errInvalidArgument("ID length should not exceed allowed limit of 255")
			}
			if ids[id] {
				return errInvalidArgument("Rule ID must be unique. Found same ID for more than one rule")
			}
			ids[id] = true
		}
		if err := validateLifecycleRule(r); err != nil {
			return err
		}
	}
	return nil
}

func validateLifecycleRule(r *s3api.LifecycleRule) error {
	if s := deref(r.Status); s != "Enabled" && s != "Disabled" {
		return errMalformedXML()
	}
	if r.Prefix != nil && r.Filter != nil {
		return errMalformedXML()
	}
	if err := validateLifecycleFilter(r.Filter); err != nil {
		return err
	}
	if r.Expiration == nil && len(r.Transitions) == 0 && r.NoncurrentVersionExpiration == nil &&
		len(r.NoncurrentVersionTransitions) == 0 && r.AbortIncompleteMultipartUpload == nil {
		return errInvalidRequest("At least one action needs to be specified in a rule.")
	}
	_, tags, _, _ := ruleFilter(r)
	if e := r.Expiration; e != nil {
		n := 0
		for _, set := range []bool{e.Days != nil, e.Date != nil, e.ExpiredObjectDeleteMarker != nil} {
			if set {
				n++
			}
		}
		switch {
		case n == 0:
			return errMalformedXML()
		case e.ExpiredObjectDeleteMarker != nil && n > 1:
			return errInvalidArgument("ExpiredObjectDeleteMarker cannot be specified with Days or Date in a Lifecycle Expiration Policy.")
		case n > 1:
			return errMalformedXML()
		case e.Days != nil && *e.Days <= 0:
			return errInvalidArgument("'Days' for Expiration action must be a positive integer")
		case e.Date != nil && !atMidnight(*e.Date):
			return errInvalidArgument("'Date' must be at midnight GMT")
		case e.ExpiredObjectDeleteMarker != nil && len(tags) > 0:
			return errInvalidRequest("ExpiredObjectDeleteMarker cannot be specified with Tags.")
		}
	}
	if e := r.NoncurrentVersionExpiration; e != nil {
		if e.NoncurrentDays == nil || *e.NoncurrentDays <= 0 {
			return errInvalidArgument("'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer")
		}
		if n := e.NewerNoncurrentVersions; n != nil && (*n <= 0 || *n > 100) {
			return errInvalidArgument("'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be a positive integer up to 100")
		}
	}
	if a := r.AbortIncompleteMultipartUpload; a != nil {
		if a.DaysAfterInitiation == nil || *a.DaysAfterInitiation <= 0 {
			return errInvalidArgument("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer")
		}
		if len(tags) > 0 {
			return errInvalidRequest("AbortIncompleteMultipartUpload cannot be specified with Tags.")
		}
	}
	for _, t := range r.Transitions {
		if (t.Days == nil) == (t.Date == nil) || t.StorageClass == nil {
			return errMalformedXML()
		}
		if t.Days != nil && *t.Days < 0 {
			return errInvalidArgument("'Days' in Transition action must be a non-negative integer")
		}
		if t.Date != nil && !atMidnight(*t.Date) {
			return errInvalidArgument("'Date' must be at midnight GMT")
		}
		if c := *t.StorageClass; t.Days != nil && *t.Days < 30 && (c == "STANDARD_IA" || c == "ONEZONE_IA") {
			return errInvalidArgument(fmt.Sprintf("'Days' in Transition action must be greater than or equal to 30 for storageClass '%s'", c))
		}
	}
	for _, t := range r.NoncurrentVersionTransitions {
		if t.NoncurrentDays == nil || t.StorageClass == nil {
			return errMalformedXML()
		}
		if *t.NoncurrentDays < 0 {
			return errInvalidArgument("'NoncurrentDays' in NoncurrentVersionTransition action must be a non-negative integer")
		}
	}
	return nil
}

// validateLifecycleFilter checks a rule's Filter: at most one of Prefix,
// Tag, And and the size bounds, an And of valid parts, and bounds that
// leave room for some size.
func validateLifecycleFilter(f *s3api.LifecycleRuleFilter) error {
	if f == nil {
		return nil
	}
	n := 0
	for _, set := range []bool{f.Prefix != nil, f.Tag != nil, f.And != nil, f.ObjectSizeGreaterThan != nil, f.ObjectSizeLessThan != nil} {
		if set {
			n++
		}
	}
	if n > 1 {
		return errMalformedXML()
	}
	gt, lt := f.ObjectSizeGreaterThan, f.ObjectSizeLessThan
	var tags []s3api.Tag
	if f.Tag != nil {
		tags = []s3api.Tag{*f.Tag}
	}
	if a := f.And; a != nil {
		gt, lt, tags = a.ObjectSizeGreaterThan, a.ObjectSizeLessThan, a.Tags
	}
	seen := map[string]bool{}
	for _, t := range tags {
		if k := deref(t.Key); seen[k] {
			return errInvalidRequest("Duplicate Tag Keys are not allowed.")
		} else {
			seen[k] = true
		}
		if err := validateBucketTags([]s3api.Tag{t}); err != nil {
			return err
		}
	}
	if (gt != nil && *gt < 0) || (lt != nil && *lt <= 0) {
		return errInvalidRequest("The size bounds of a lifecycle filter must be positive.")
	}
	if gt != nil && lt != nil && *gt >= *lt {
		return errInvalidRequest("ObjectSizeGreaterThan must be less than ObjectSizeLessThan.")
	}
	return nil
}

// atMidnight reports whether t is a midnight UTC.
func atMidnight(t time.Time) bool {
	return t.Equal(t.Truncate(24 * time.Hour))
}
