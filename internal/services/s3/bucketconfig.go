package s3

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// A bucket's configuration subresources each live in a record of their own,
// keyed by the bucket name (bucket names are global):
//
//	storage.Key("s3", "config", bucket, kind)   → the subresource (JSON)
//	storage.Key("s3", "lifecycle", bucket)      → the lifecycle rules and
//	                                              the sweeper's bookkeeping
//
// Lifecycle rules have a prefix of their own so the sweeper scans only the
// buckets that have rules. DeleteBucket removes every record of both.

// registerBucketConfig sets the handlers of the configuration subresources.
func (p *Provider) registerBucketConfig() {
	h := &p.handlers
	h.PutBucketTagging = p.putBucketTagging
	h.GetBucketTagging = p.getBucketTagging
	h.DeleteBucketTagging = p.deleteBucketTagging
	h.PutBucketCors = p.putBucketCors
	h.GetBucketCors = p.getBucketCors
	h.DeleteBucketCors = p.deleteBucketCors
	h.PutBucketPolicy = p.putBucketPolicy
	h.GetBucketPolicy = p.getBucketPolicy
	h.GetBucketPolicyStatus = p.getBucketPolicyStatus
	h.DeleteBucketPolicy = p.deleteBucketPolicy
	h.PutBucketLifecycleConfiguration = p.putBucketLifecycleConfiguration
	h.GetBucketLifecycleConfiguration = p.getBucketLifecycleConfiguration
	h.DeleteBucketLifecycle = p.deleteBucketLifecycle
	h.GetBucketAcl = p.getBucketAcl
	h.PutBucketAcl = p.putBucketAcl
	h.GetObjectAcl = p.getObjectAcl
	h.PutObjectAcl = p.putObjectAcl
	h.PutBucketOwnershipControls = p.putBucketOwnershipControls
	h.GetBucketOwnershipControls = p.getBucketOwnershipControls
	h.DeleteBucketOwnershipControls = p.deleteBucketOwnershipControls
	h.PutPublicAccessBlock = p.putPublicAccessBlock
	h.GetPublicAccessBlock = p.getPublicAccessBlock
	h.DeletePublicAccessBlock = p.deletePublicAccessBlock
	h.PutBucketEncryption = p.putBucketEncryption
	h.GetBucketEncryption = p.getBucketEncryption
	h.DeleteBucketEncryption = p.deleteBucketEncryption
	h.PutBucketWebsite = p.putBucketWebsite
	h.GetBucketWebsite = p.getBucketWebsite
	h.DeleteBucketWebsite = p.deleteBucketWebsite
	h.PutBucketLogging = p.putBucketLogging
	h.GetBucketLogging = p.getBucketLogging
	h.PutBucketAccelerateConfiguration = p.putBucketAccelerateConfiguration
	h.GetBucketAccelerateConfiguration = p.getBucketAccelerateConfiguration
	h.PutBucketRequestPayment = p.putBucketRequestPayment
	h.GetBucketRequestPayment = p.getBucketRequestPayment
}

// The kinds of configuration records.
const (
	cfgTagging    = "tagging"
	cfgCORS       = "cors"
	cfgPolicy     = "policy"
	cfgOwnership  = "ownership"
	cfgPublic     = "publicaccessblock"
	cfgEncryption = "encryption"
	cfgACL        = "acl"
	// Added with the website, logging, accelerate and request payment
	// subresources (bucketconfig_website.go, bucketconfig_delivery.go).
	cfgWebsite        = "website"
	cfgLogging        = "logging"
	cfgAccelerate     = "accelerate"
	cfgRequestPayment = "requestpayment"
)

// configPrefix is the key prefix of a bucket's configuration records.
func configPrefix(bucket string) []byte { return storage.Key(Name, "config", bucket) }

// configKey is the key of one configuration record.
func configKey(bucket, kind string) []byte {
	return storage.AppendString(configPrefix(bucket), kind)
}

// getConfig reads a configuration record of the caller's bucket into v; it
// reports false when none is stored.
func (p *Provider) getConfig(ctx context.Context, bucket, kind string, v any) (bool, error) {
	found := false
	err := p.store.View(ctx, func(tx storage.Txn) error {
		if _, err := bucketOf(ctx, tx, scope.From(ctx).Account, bucket); err != nil {
			return err
		}
		var err error
		found, err = readConfig(ctx, tx, bucket, kind, v)
		return err
	})
	if err != nil {
		return false, awserr.From(err)
	}
	return found, nil
}

// readConfig reads a configuration record into v; false when absent.
func readConfig(ctx context.Context, r storage.Reader, bucket, kind string, v any) (bool, error) {
	return readRecord(ctx, r, configKey(bucket, kind), kind+" configuration", v)
}

// putConfig stores v as a configuration record of the caller's bucket, after
// check (when set) accepts it inside the same transaction.
func (p *Provider) putConfig(ctx context.Context, bucket, kind string, v any, check func(tx storage.Txn) error) error {
	rec, err := json.Marshal(v)
	if err != nil {
		return awserr.Internal(err)
	}
	err = p.store.Update(ctx, func(tx storage.Txn) error {
		if _, err := bucketOf(ctx, tx, scope.From(ctx).Account, bucket); err != nil {
			return err
		}
		if check != nil {
			if err := check(tx); err != nil {
				return err
			}
		}
		return tx.Put(configKey(bucket, kind), rec)
	})
	if err != nil {
		return awserr.From(err)
	}
	return nil
}

// deleteConfig removes a configuration record of the caller's bucket; one
// that is absent is not an error, as on S3.
func (p *Provider) deleteConfig(ctx context.Context, bucket, kind string) error {
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		if _, err := bucketOf(ctx, tx, scope.From(ctx).Account, bucket); err != nil {
			return err
		}
		return tx.Delete(configKey(bucket, kind))
	})
	if err != nil {
		return awserr.From(err)
	}
	return nil
}

// initBucketConfig writes the configuration a new bucket starts with: S3's
// defaults since April 2023 (ownership BucketOwnerEnforced, every public
// access block on), unless the CreateBucket request chose otherwise.
func initBucketConfig(tx storage.Txn, bucket string, own ownership, acl string) error {
	rec, err := json.Marshal(own)
	if err != nil {
		return err
	}
	if err := tx.Put(configKey(bucket, cfgOwnership), rec); err != nil {
		return err
	}
	rec, err = json.Marshal(defaultPublicAccessBlock())
	if err != nil {
		return err
	}
	if err := tx.Put(configKey(bucket, cfgPublic), rec); err != nil {
		return err
	}
	if acl == "" || acl == aclPrivate {
		return nil
	}
	rec, err = json.Marshal(bucketACL{Canned: acl})
	if err != nil {
		return err
	}
	return tx.Put(configKey(bucket, cfgACL), rec)
}

// dropBucketConfig deletes every configuration record of a bucket being
// deleted, and its lifecycle record.
func dropBucketConfig(ctx context.Context, tx storage.Txn, bucket string) error {
	start, end := storage.PrefixRange(configPrefix(bucket))
	if _, err := storage.DeleteRange(ctx, tx, start, end, 0); err != nil {
		return err
	}
	return tx.Delete(lifecycleKey(bucket))
}

// The errors of the configuration subresources, with S3's messages.

func errMalformedXML() *awserr.Error {
	return awserr.New("MalformedXML", http.StatusBadRequest,
		"The XML you provided was not well-formed or did not validate against our published schema")
}

func errInvalidRequest(format string, args ...any) *awserr.Error {
	return awserr.New("InvalidRequest", http.StatusBadRequest, format, args...)
}

// emptyOr is the answer of an operation without output: err, or an empty
// output when err is nil.
func emptyOr(err error) (*protocol.Empty, error) {
	if err != nil {
		return nil, err
	}
	return &protocol.Empty{}, nil
}

// codeOf is the S3 error code of err, or "" for nil.
func codeOf(err error) string {
	if err == nil {
		return ""
	}
	return awserr.From(err).Code
}

// val is *v, or T's zero value for nil.
func val[T any](v *T) T {
	var zero T
	if v == nil {
		return zero
	}
	return *v
}
