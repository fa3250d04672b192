package s3

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Replication copies new versions from a bucket with a replication
// configuration to the destination buckets its rules name, asynchronously:
//
//   - A version written after the configuration (PUT, CopyObject,
//     CompleteMultipartUpload, POST), whose key and tags an enabled rule
//     selects, is stored with status PENDING and, in the same transaction,
//     a job naming its destinations:
//     storage.Key("s3", "replication") + bucket + key + uint64(seq) → JSON of replicationJob.
//     Per destination the matching rule of highest priority decides (its
//     storage class). A delete marker a DELETE without version id adds is
//     queued the same way when that rule replicates delete markers (V1
//     rules always do); markers lifecycle expiration adds are not, and
//     deletes of a specific version never replicate, as on S3. Archived
//     versions (GLACIER, DEEP_ARCHIVE) are not replicated, as on S3.
//   - The replication loop (every second, and soon after a job is queued)
//     copies each queued version into its destinations, file to file,
//     with the same version id, last-modified time, metadata, tags,
//     checksums and ACL, the Object Lock settings when the destination has
//     Object Lock, and the rule's storage class; the replica's status is
//     REPLICA. The source version then becomes COMPLETED, or FAILED when a
//     destination is gone, belongs to another account, is not versioned,
//     lacks Object Lock while the source bucket has it, or already holds
//     another version under that id. A job whose version was deleted
//     meanwhile is dropped.
//
// Jobs live in the store, so a restart finishes them; copying a version
// again is harmless (a destination already holding the replica keeps it).
// Replicas are never replicated again, so two buckets replicating to each
// other do not loop.

// Replication statuses (x-amz-replication-status).
const (
	replPending   = "PENDING"
	replCompleted = "COMPLETED"
	replFailed    = "FAILED"
	replReplica   = "REPLICA"
)

// replicationInterval is how often the replication loop looks for jobs on
// its own.
const replicationInterval = time.Second

// replicationJob is a queued version's pending work.
type replicationJob struct {
	Targets []replicationTarget `json:"targets"`
}

// replicationTarget is one destination of a queued version.
type replicationTarget struct {
	Bucket string `json:"bucket"`
	// StorageClass is the rule's class for the replica; "" keeps the
	// source's.
	StorageClass string `json:"storageClass,omitempty"`
}

// replicationPrefix is the key prefix of the replication jobs.
func replicationPrefix() []byte { return storage.Key(Name, "replication") }

// replicationJobKey is the job key of version seq of bucket/key.
func replicationJobKey(bucket, key string, seq uint64) []byte {
	k := storage.AppendString(storage.AppendString(replicationPrefix(), bucket), key)
	return storage.AppendUint64(k, seq)
}

// parseReplicationJobKey recovers the version a job key names.
func parseReplicationJobKey(k []byte) (bucket, key string, seq uint64, err error) {
	parts, err := storage.Decode(k)
	if err != nil {
		return "", "", 0, fmt.Errorf("s3: replication job key: %w", err)
	}
	if len(parts) != 5 {
		return "", "", 0, fmt.Errorf("s3: replication job key has %d elements", len(parts))
	}
	bucket, ok1 := parts[2].(string)
	key, ok2 := parts[3].(string)
	seq, ok3 := parts[4].(uint64)
	if !ok1 || !ok2 || !ok3 {
		return "", "", 0, errors.New("s3: replication job key elements have the wrong types")
	}
	return bucket, key, seq, nil
}

// noReplicationKey marks a context whose deletes must not replicate.
type noReplicationKey struct{}

// withoutReplication marks ctx so the delete markers written under it are
// not replicated (lifecycle expiration).
func withoutReplication(ctx context.Context) context.Context {
	return context.WithValue(ctx, noReplicationKey{}, true)
}

// queueReplication decides, inside the transaction writing obj as a new
// version of key in b, whether b's replication configuration replicates
// it: if so obj's status becomes PENDING and its job is stored. obj.Seq
// must be set.
func (p *Provider) queueReplication(ctx context.Context, tx storage.Txn, b *Bucket, key string, obj *Object) error {
	if !b.Replicated || ctx.Value(noReplicationKey{}) != nil || b.Versioning != versioningEnabled || archived(obj.StorageClass) {
		return nil
	}
	var cfg s3api.ReplicationConfiguration
	found, err := readConfig(ctx, tx, b.Name, cfgReplication, &cfg)
	if err != nil || !found {
		return err
	}
	targets := replicationTargets(&cfg, key, obj)
	if len(targets) == 0 {
		return nil
	}
	if err := putRecord(tx, replicationJobKey(b.Name, key, obj.Seq), replicationJob{Targets: targets}); err != nil {
		return err
	}
	obj.Replication = replPending
	select {
	case p.replKick <- struct{}{}:
	default:
	}
	return nil
}

// replicationTargets lists where a version of key goes: per destination
// bucket, the enabled rule of highest priority selecting it decides.
func replicationTargets(cfg *s3api.ReplicationConfiguration, key string, obj *Object) []replicationTarget {
	best := map[string]*s3api.ReplicationRule{}
	var order []string
	for i := range cfg.Rules {
		r := &cfg.Rules[i]
		if !ruleMatches(r, key, obj.Tags) {
			continue
		}
		d := destinationName(deref(r.Destination.Bucket))
		prev, ok := best[d]
		if !ok {
			order = append(order, d)
		}
		if !ok || val(r.Priority) > val(prev.Priority) {
			best[d] = r
		}
	}
	var out []replicationTarget
	for _, d := range order {
		r := best[d]
		if obj.DeleteMarker && !replicatesMarkers(r) {
			continue
		}
		out = append(out, replicationTarget{Bucket: d, StorageClass: deref(r.Destination.StorageClass)})
	}
	return out
}

// replicatePending runs one pass of the replication loop: every queued job
// is worked through. A job that meets a passing failure (the store) stays
// queued for the next pass; the others go on. It returns how many jobs it
// finished.
func (p *Provider) replicatePending(ctx context.Context) (int, error) {
	start, end := storage.PrefixRange(replicationPrefix())
	done := 0
	var errs []error
	for {
		kvs, err := storage.Collect(p.store.Scan(ctx, start, end, storage.ScanOptions{Limit: sweepPage}))
		if err != nil {
			return done, fmt.Errorf("s3: scan replication jobs: %w", err)
		}
		for _, kv := range kvs {
			if ctx.Err() != nil {
				return done, ctx.Err()
			}
			if err := p.replicateJob(ctx, kv.Key, kv.Value); err != nil {
				errs = append(errs, err)
				continue
			}
			done++
		}
		if len(kvs) < sweepPage {
			return done, errors.Join(errs...)
		}
		start = storage.KeyAfter(kvs[len(kvs)-1].Key)
	}
}

// replicateJob copies one queued version to its destinations and records
// the outcome on the source version, dropping the job.
func (p *Provider) replicateJob(ctx context.Context, jobKey, raw []byte) error {
	bucket, key, seq, err := parseReplicationJobKey(jobKey)
	var job replicationJob
	if err == nil {
		err = json.Unmarshal(raw, &job)
	}
	if err != nil {
		// Not a job this code wrote: drop it rather than stall the loop.
		return p.store.Update(ctx, func(tx storage.Txn) error { return tx.Delete(jobKey) })
	}
	src, account, srcBucket, err := p.replicationSource(ctx, bucket, key, seq)
	if err != nil {
		return err
	}
	status := replCompleted
	if src != nil {
		for _, t := range job.Targets {
			ok, err := p.replicateTo(ctx, account, srcBucket, key, src, t)
			if err != nil {
				return err
			}
			if !ok {
				status = replFailed
			}
		}
	}
	return p.store.Update(ctx, func(tx storage.Txn) error {
		if err := tx.Delete(jobKey); err != nil {
			return err
		}
		o, err := versionAt(ctx, tx, bucket, key, seq)
		if err != nil || o == nil || o.Replication != replPending {
			return err
		}
		o.Replication = status
		return rewriteVersion(ctx, tx, bucket, key, o)
	})
}

// replicationSource reads a queued version, its bucket and the bucket's
// account: a nil version when either is gone.
func (p *Provider) replicationSource(ctx context.Context, bucket, key string, seq uint64) (*Object, string, *Bucket, error) {
	var o *Object
	var b *Bucket
	var account string
	err := p.store.View(ctx, func(tx storage.Txn) error {
		owner, found, err := bucketOwner(ctx, tx, bucket)
		if err != nil || !found {
			return err
		}
		if b, err = bucketOf(ctx, tx, owner, bucket); err != nil {
			return err
		}
		account = owner
		o, err = versionAt(ctx, tx, bucket, key, seq)
		return err
	})
	if err != nil {
		return nil, "", nil, err
	}
	return o, account, b, nil
}

// versionAt reads the version seq of bucket/key, nil when there is none.
func versionAt(ctx context.Context, r storage.Reader, bucket, key string, seq uint64) (*Object, error) {
	var o Object
	found, err := readRecord(ctx, r, versionKey(bucket, key, seq), "object", &o)
	if err != nil || !found {
		return nil, err
	}
	return &o, nil
}

// refusal is a destination's reason to refuse a replica: the source
// version's replication fails.
type refusal struct{ reason string }

func (r *refusal) Error() string { return "s3: replication refused: " + r.reason }

// replicateTo copies src, a version of key in bucket srcBucket of account,
// into target t. It reports false when the destination refuses it; an
// error is a passing failure, retried at the next pass.
func (p *Provider) replicateTo(ctx context.Context, account string, srcBucket *Bucket, key string, src *Object, t replicationTarget) (bool, error) {
	replica := *src
	replica.Blob, replica.Parts, replica.Inline = "", nil, slices.Clone(src.Inline)
	replica.Replication, replica.Restore = replReplica, nil
	replica.Tags, replica.Metadata = slices.Clone(src.Tags), src.Metadata
	if t.StorageClass != "" && !src.DeleteMarker {
		replica.StorageClass = t.StorageClass
	}
	files, err := p.copyFiles(src, &replica)
	if err != nil {
		return false, err
	}
	keep := false
	defer func() {
		if !keep {
			for _, f := range files {
				p.removeBlob(f)
			}
		}
	}()
	stored := false
	err = p.store.Update(ctx, func(tx storage.Txn) error {
		stored = false
		dst, err := bucketOf(ctx, tx, account, t.Bucket)
		if err != nil {
			return &refusal{reason: "destination bucket: " + err.Error()}
		}
		if dst.Versioning != versioningEnabled {
			return &refusal{reason: "destination bucket is not versioned"}
		}
		if srcBucket.ObjectLock != nil && dst.ObjectLock == nil {
			return &refusal{reason: "destination bucket lacks Object Lock"}
		}
		rec := replica
		switch {
		case dst.ObjectLock == nil:
			rec.Retention, rec.LegalHold = nil, ""
		case rec.Retention == nil && !rec.DeleteMarker:
			rec.Retention = dst.ObjectLock.defaultRetention(p.clock.Now())
		}
		have, err := versionAt(ctx, tx, t.Bucket, key, src.Seq)
		switch {
		case err != nil:
			return err
		case have != nil && have.VersionID == src.VersionID:
			return nil // replicated by an earlier pass
		case have != nil:
			return &refusal{reason: "destination holds another version under the id"}
		}
		if err := putRecord(tx, versionKey(t.Bucket, key, src.Seq), &rec); err != nil {
			return err
		}
		stored = true
		return syncCurrent(ctx, tx, t.Bucket, key)
	})
	var r *refusal
	switch {
	case errors.As(err, &r):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("s3: replicate %s/%s to %s: %w", srcBucket.Name, key, t.Bucket, err)
	}
	keep = stored
	return true, nil
}

// copyFiles gives replica files of its own holding src's body, copied file
// to file (a multipart body keeps its parts), and returns their names.
func (p *Provider) copyFiles(src, replica *Object) ([]string, error) {
	var files []string
	fail := func(err error) ([]string, error) {
		for _, f := range files {
			p.removeBlob(f)
		}
		return nil, err
	}
	if src.Blob != "" {
		id, err := p.copyFile(src.Blob)
		if err != nil {
			return fail(err)
		}
		files, replica.Blob = append(files, id), id
	}
	for _, part := range src.Parts {
		id, err := p.copyFile(part.Blob)
		if err != nil {
			return fail(err)
		}
		files = append(files, id)
		part.Blob = id
		replica.Parts = append(replica.Parts, part)
	}
	return files, nil
}

// copyFile streams the blob file id into a new file (temporary file,
// synced and renamed) and returns the new file's name. The source file is
// leased while it is read, so a delete committed meanwhile waits.
func (p *Provider) copyFile(id string) (string, error) {
	p.leases.take([]string{id})
	defer p.leases.release(p.blobDir, []string{id})
	f, err := os.Open(filepath.Join(p.blobDir, id))
	if err != nil {
		return "", fmt.Errorf("s3: open blob to replicate: %w", err)
	}
	defer f.Close()
	b, err := writeBlob(p.blobDir, p.ids.Hex(32), f, io.Discard)
	if err != nil {
		return "", fmt.Errorf("s3: copy blob to replicate: %w", err)
	}
	return b.id, nil
}
