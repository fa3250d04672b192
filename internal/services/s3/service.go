// Package s3 is unkai's S3 provider: buckets with their configuration,
// versioned objects and multipart uploads. Object bodies live as files in
// the provider's blob directory, named by a random id; their metadata
// lives in the store. A multipart object's body is the list of its parts'
// files (Object.Parts).
//
// Storage layout:
//
//	storage.Key("s3", "names", bucket)                  → owning account (bucket names are global)
//	storage.Key("s3", "owned", account, bucket)         → the bucket's record (JSON of Bucket)
//	storage.Key("s3", "objects", bucket, key)           → the current object (JSON of Object)
//	storage.Key("s3", "versions", bucket, key) + seq    → one version or delete marker (JSON of Object)
//	storage.Key("s3", "uploads", bucket, key, uploadID) → a multipart upload's record (JSON of Upload)
//	storage.Key("s3", "parts", uploadID) + uint64(n)    → part n of an upload (JSON of Part)
//	storage.Key("s3", "config", bucket, kind)           → a configuration subresource (bucketconfig.go)
//	storage.Key("s3", "lifecycle", bucket)              → lifecycle rules and sweeper state
//	storage.Key("s3", "restores") + uint64(due) + bucket + key + uint64(seq) → a restore job's next step (restore.go)
//
// Keys sort by their UTF-8 bytes, so a range scan of a bucket's objects
// lists them in S3's order. Every object write adds a version record and
// rewrites the current record, which exists only while the key's newest
// version is an object (not a delete marker): GET is one lookup and
// ListObjects one range scan that never meets a deleted key.
//
// A version's seq is MaxUint64 minus its write time in nanoseconds, forced
// below the seq of the key's newest version when the clock has not moved
// past it, so a scan of a key's versions lists them newest first. A
// version id is the seq as 16 hex digits followed by 16 random URL-safe
// characters: the id locates its record directly, and ids sort as their
// versions. The null version (buckets never versioned, or suspended) has
// no id to derive a seq from; it is found by scanning its key's versions.
//
// A body (or part) is written to a temporary file, synced and renamed
// before the metadata naming it commits; a replaced or deleted version's
// files are removed after the commit that drops them (once no read streams
// them). Each version owns its files alone: CopyObject writes a new file
// rather than sharing the source's, so deleting either object never breaks
// the other. Start removes what a crash can leave: temporary files, and
// files no record names.
package s3

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"sync"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/clock"
	"github.com/unkai-cloud/unkai/internal/ids"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Name is the provider's name.
const Name = "s3"

// Bucket is a bucket's stored record.
type Bucket struct {
	Name    string    `json:"name"`
	Region  string    `json:"region"`
	Created time.Time `json:"created"`
	// Versioning is "Enabled" or "Suspended", or "" for a bucket that was
	// never versioned.
	Versioning string `json:"versioning,omitempty"`
	// ObjectLock is the bucket's Object Lock configuration; nil when
	// Object Lock is not enabled (objectlock.go).
	ObjectLock *ObjectLockConfig `json:"objectLock,omitempty"`
	// Replicated says the bucket has a replication configuration
	// (replication_config.go), so that object writes read it only then.
	Replicated bool `json:"replicated,omitempty"`
}

// Provider serves S3.
type Provider struct {
	store    storage.Store
	blobDir  string
	clock    clock.Clock
	ids      ids.Generator
	handlers s3api.Handlers
	leases   blobLeases // open reads of blob files
	// lc is the lifecycle sweeper's state (lifecycle_rules_sweep.go).
	lc *lifecycleState
	// maxInline is the largest body kept inline (maxInline; negative:
	// none, which tests of the blob files use).
	maxInline int
	// policies caches compiled bucket policies for Authorize.
	policies policyCache
	// restoreDelays is how long a restore job takes per retrieval tier
	// (restore.go).
	restoreDelays restoreDelays
	// peers serves other providers' APIs in-process (STS, for the account
	// of temporary credentials that sign a browser-form upload).
	peers *service.Peers
	// replKick wakes the replication loop when a job is queued
	// (replication.go).
	replKick chan struct{}
	// ownerFields caches where each input type keeps its bucket and
	// expected owners (expectedowner.go).
	ownerFields sync.Map
}

// Factory returns the S3 provider's factory.
func Factory() service.Factory {
	return service.Factory{Name: Name, New: func(d service.Deps) (service.Provider, error) { return New(d), nil }}
}

// New provisions the provider.
func New(d service.Deps) *Provider {
	p := &Provider{store: d.Store, blobDir: d.BlobDir, clock: d.Clock, ids: d.IDs, peers: d.Peers, maxInline: maxInline,
		restoreDelays: defaultRestoreDelays(), replKick: make(chan struct{}, 1)}
	if p.clock == nil {
		p.clock = clock.Real{}
	}
	p.lc = newLifecycleState(p, d.Logger, p.clock)
	p.lc.bg.Every("replication", replicationInterval, p.replKick, func(ctx context.Context) error {
		_, err := p.replicatePending(ctx)
		return err
	})
	h := &p.handlers
	h.ListBuckets = p.listBuckets
	h.CreateBucket = p.createBucket
	h.HeadBucket = p.headBucket
	h.DeleteBucket = p.deleteBucket
	h.GetBucketLocation = p.getBucketLocation
	h.PutObject = p.putObject
	h.GetObject = p.getObject
	h.HeadObject = p.headObject
	h.DeleteObject = p.deleteObject
	h.ListObjectsV2 = p.listObjectsV2
	h.PostObject = p.postObject
	h.CreateMultipartUpload = p.createMultipartUpload
	h.UploadPart = p.uploadPart
	h.UploadPartCopy = p.uploadPartCopy
	h.CompleteMultipartUpload = p.completeMultipartUpload
	h.AbortMultipartUpload = p.abortMultipartUpload
	h.ListParts = p.listParts
	h.ListMultipartUploads = p.listMultipartUploads
	p.registerBucketConfig()
	h.ListObjects = p.listObjects
	h.ListObjectVersions = p.listObjectVersions
	h.PutBucketVersioning = p.putBucketVersioning
	h.GetBucketVersioning = p.getBucketVersioning
	h.CopyObject = p.copyObject
	h.DeleteObjects = p.deleteObjects
	h.PutObjectTagging = p.putObjectTagging
	h.GetObjectTagging = p.getObjectTagging
	h.DeleteObjectTagging = p.deleteObjectTagging
	h.GetObjectAttributes = p.getObjectAttributes
	h.PutObjectLockConfiguration = p.putObjectLockConfiguration
	h.GetObjectLockConfiguration = p.getObjectLockConfiguration
	h.PutObjectRetention = p.putObjectRetention
	h.GetObjectRetention = p.getObjectRetention
	h.PutObjectLegalHold = p.putObjectLegalHold
	h.GetObjectLegalHold = p.getObjectLegalHold
	h.RestoreObject = p.restoreObject
	h.PutBucketReplication = p.putBucketReplication
	h.GetBucketReplication = p.getBucketReplication
	h.DeleteBucketReplication = p.deleteBucketReplication
	return p
}

// Name implements service.Provider.
func (p *Provider) Name() string { return Name }

// APIs implements service.Provider.
func (p *Provider) APIs() []service.API {
	return []service.API{{Descriptor: s3api.Descriptor, Handlers: ownerChecked{p: p, h: &p.handlers}}}
}

// OwnedPrefix is the key prefix of an account's bucket records.
func OwnedPrefix(account string) []byte { return storage.Key(Name, "owned", account) }

// OwnedKey is the key of one bucket's record.
func OwnedKey(account, bucket string) []byte {
	return storage.AppendString(OwnedPrefix(account), bucket)
}

// NameKey is the key recording which account owns a bucket name.
func NameKey(bucket string) []byte { return storage.Key(Name, "names", bucket) }

// listBuckets lists the caller's buckets in name order. Without
// max-buckets every bucket is listed, as before S3 added pagination; with
// it, pages end with an opaque continuation token.
func (p *Provider) listBuckets(ctx context.Context, in *s3api.ListBucketsRequest) (*s3api.ListBucketsOutput, error) {
	sc := scope.From(ctx)
	// The records of every name starting with the prefix: the key of the
	// prefix as a name, without its terminator.
	start := OwnedKey(sc.Account, deref(in.Prefix))
	start = start[:len(start)-2]
	end := storage.PrefixEnd(start)
	if in.ContinuationToken != nil {
		after, err := base64.RawURLEncoding.DecodeString(*in.ContinuationToken)
		if err != nil || len(after) == 0 {
			return nil, errInvalidArgument("The continuation token provided is incorrect")
		}
		start = storage.KeyAfter(OwnedKey(sc.Account, string(after)))
	}
	limit := 0
	if in.MaxBuckets != nil {
		limit = int(*in.MaxBuckets)
	}
	it := p.store.Scan(ctx, start, end, storage.ScanOptions{})
	defer it.Close()
	out := &s3api.ListBucketsOutput{
		Buckets: []s3api.Bucket{},
		Owner:   &s3api.Owner{ID: ptr(CanonicalUserID(sc.Account)), DisplayName: ptr("unkai")},
		Prefix:  in.Prefix,
	}
	for it.Next() {
		var b Bucket
		if err := json.Unmarshal(it.Value(), &b); err != nil {
			return nil, awserr.Internal(err)
		}
		if in.BucketRegion != nil && b.Region != *in.BucketRegion {
			continue
		}
		if limit > 0 && len(out.Buckets) == limit {
			last := *out.Buckets[limit-1].Name
			out.ContinuationToken = ptr(base64.RawURLEncoding.EncodeToString([]byte(last)))
			break
		}
		created := b.Created.UTC()
		out.Buckets = append(out.Buckets, s3api.Bucket{Name: ptr(b.Name), CreationDate: &created, BucketRegion: ptr(b.Region)})
	}
	if err := it.Err(); err != nil {
		return nil, awserr.Internal(err)
	}
	return out, nil
}

// CanonicalUserID is the 64-hex-digit canonical id S3 shows for an
// account's owner: a stable function of the account id.
func CanonicalUserID(account string) string {
	sum := sha256.Sum256([]byte("unkai canonical user " + account))
	return hex.EncodeToString(sum[:])
}

func ptr[T any](v T) *T { return &v }
