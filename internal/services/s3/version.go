package s3

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// A bucket's versioning states (Bucket.Versioning); "" is a bucket that
// was never versioned.
const (
	versioningEnabled   = "Enabled"
	versioningSuspended = "Suspended"
)

func errNoSuchVersion() *awserr.Error {
	return awserr.New("NoSuchVersion", http.StatusNotFound, "The specified version does not exist.")
}

func errInvalidVersionID() *awserr.Error {
	return errInvalidArgument("Invalid version id specified")
}

// markerHeaders are the headers S3 sends with an error about a delete marker.
func markerHeaders(m *Object) http.Header {
	return http.Header{"X-Amz-Delete-Marker": {"true"}, "X-Amz-Version-Id": {idOf(m)}}
}

// idOf is a version's id as clients see it: the null version of a bucket
// that was never versioned is stored without one.
func idOf(o *Object) string {
	if o.VersionID == "" {
		return nullVersion
	}
	return o.VersionID
}

// versionHeader is the x-amz-version-id S3 answers for o: none in a bucket
// that was never versioned.
func versionHeader(b *Bucket, o *Object) *string {
	if b.Versioning == "" {
		return nil
	}
	return ptr(idOf(o))
}

func (p *Provider) putBucketVersioning(ctx context.Context, in *s3api.PutBucketVersioningRequest) (*protocol.Empty, error) {
	account, name := scope.From(ctx).Account, deref(in.Bucket)
	cfg := in.VersioningConfiguration
	if cfg == nil {
		return nil, errMalformedXML()
	}
	status := deref(cfg.Status)
	if status != versioningEnabled && status != versioningSuspended {
		return nil, errMalformedXML()
	}
	// MFA delete needs a device S3 checks the x-amz-mfa code against; a
	// request without one is refused as S3 refuses it, and unkai has no
	// devices to check a code against.
	if deref(cfg.MFADelete) == "Enabled" {
		if in.MFA == nil {
			return nil, awserr.New("AccessDenied", http.StatusForbidden, "Mfa Authentication must be used for this request")
		}
		return nil, awserr.New("NotImplemented", http.StatusNotImplemented,
			"A header you provided implies functionality that is not implemented")
	}
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		b, err := bucketOf(ctx, tx, account, name)
		if err != nil {
			return err
		}
		if b.ObjectLock != nil && status != versioningEnabled {
			return errLockVersioningSuspend()
		}
		if b.Replicated && status != versioningEnabled {
			return errReplicationVersioning()
		}
		b.Versioning = status
		return putRecord(tx, OwnedKey(account, name), b)
	})
	if err != nil {
		return nil, awserr.From(err)
	}
	return &protocol.Empty{}, nil
}

func (p *Provider) getBucketVersioning(ctx context.Context, in *s3api.GetBucketVersioningRequest) (*s3api.GetBucketVersioningOutput, error) {
	b, err := bucketOf(ctx, p.store, scope.From(ctx).Account, deref(in.Bucket))
	if err != nil {
		return nil, err
	}
	return &s3api.GetBucketVersioningOutput{Status: nonEmpty(b.Versioning)}, nil
}

// decodeObject decodes an object or version record.
func decodeObject(raw []byte) (*Object, error) {
	var o Object
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, awserr.Internal(fmt.Errorf("s3: decode object: %w", err))
	}
	return &o, nil
}

// latestVersion reads the newest version of bucket/key, or nil when it has
// none.
func latestVersion(ctx context.Context, r storage.Reader, bucket, key string) (*Object, error) {
	start, end := storage.PrefixRange(versionsOf(bucket, key))
	kvs, err := storage.Collect(r.Scan(ctx, start, end, storage.ScanOptions{Limit: 1}))
	if err != nil {
		return nil, awserr.Internal(err)
	}
	if len(kvs) == 0 {
		return nil, nil
	}
	return decodeObject(kvs[0].Value)
}

// findNull reads the null version of bucket/key, or nil when it has none.
// Its sequence is not known from its id, so the key's versions are scanned.
func findNull(ctx context.Context, r storage.Reader, bucket, key string) (*Object, error) {
	start, end := storage.PrefixRange(versionsOf(bucket, key))
	it := r.Scan(ctx, start, end, storage.ScanOptions{})
	defer it.Close()
	for it.Next() {
		o, err := decodeObject(it.Value())
		if err != nil {
			return nil, err
		}
		if idOf(o) == nullVersion {
			return o, nil
		}
	}
	if err := it.Err(); err != nil {
		return nil, awserr.Internal(err)
	}
	return nil, nil
}

// readVersion reads the version id of bucket/key: nil when there is none,
// InvalidArgument when id is not a version id.
func readVersion(ctx context.Context, r storage.Reader, bucket, key, id string) (*Object, error) {
	seq, null, ok := parseVersionID(id)
	switch {
	case !ok:
		return nil, errInvalidVersionID()
	case null:
		return findNull(ctx, r, bucket, key)
	}
	raw, err := r.Get(ctx, versionKey(bucket, key, seq))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, awserr.Internal(fmt.Errorf("s3: read version: %w", err))
	}
	o, err := decodeObject(raw)
	if err != nil || o.VersionID != id {
		return nil, err
	}
	return o, nil
}

// resolve reads what a request for bucket/key sees: the current object
// when versionID is nil, else that version. A delete marker is never
// returned: the latest one gives NoSuchKey, one named by id gives
// MethodNotAllowed, both with the marker's headers.
func resolve(ctx context.Context, r storage.Reader, bucket, key string, versionID *string) (*Object, error) {
	if versionID == nil {
		o, err := readObject(ctx, r, bucket, key)
		if !isNoSuchKey(err) {
			return o, err
		}
		m, err2 := latestVersion(ctx, r, bucket, key)
		if err2 != nil {
			return nil, err2
		}
		if m != nil && m.DeleteMarker {
			e := errNoSuchKey()
			e.Headers = markerHeaders(m)
			return nil, e
		}
		return nil, err
	}
	if *versionID == "" {
		return nil, errInvalidArgument("Version id cannot be the empty string")
	}
	o, err := readVersion(ctx, r, bucket, key, *versionID)
	switch {
	case err != nil:
		return nil, err
	case o == nil:
		return nil, errNoSuchVersion()
	case o.DeleteMarker:
		e := awserr.New("MethodNotAllowed", http.StatusMethodNotAllowed,
			"The specified method is not allowed against this resource.")
		e.Headers = markerHeaders(o)
		e.Headers.Set("Last-Modified", o.LastModified.UTC().Format(http.TimeFormat))
		return nil, e
	}
	return o, nil
}

// writeVersion makes obj the newest version of key inside tx, as b's
// versioning state says: with a new version id when versioning is enabled,
// else as the null version, replacing the previous null version. It keeps
// the current record in step and returns the files of the version it
// replaced, to be removed once tx commits. obj's VersionID and Seq are set.
func (p *Provider) writeVersion(ctx context.Context, tx storage.Txn, b *Bucket, key string, obj *Object) ([]string, error) {
	latest, err := latestVersion(ctx, tx, b.Name, key)
	if err != nil {
		return nil, err
	}
	seq := seqAt(p.clock.Now())
	if latest != nil && seq >= latest.Seq {
		// The clock did not move past the newest version: sort just above it.
		seq = latest.Seq - 1
	}
	var replaced []string
	switch b.Versioning {
	case versioningEnabled:
		obj.VersionID = p.versionID(seq)
	default:
		obj.VersionID = ""
		if b.Versioning == versioningSuspended {
			obj.VersionID = nullVersion
		}
		old, err := findNull(ctx, tx, b.Name, key)
		if err != nil {
			return nil, err
		}
		if old != nil {
			if err := tx.Delete(versionKey(b.Name, key, old.Seq)); err != nil {
				return nil, err
			}
			replaced = old.blobs()
		}
	}
	obj.Seq = seq
	if err := p.queueReplication(ctx, tx, b, key, obj); err != nil {
		return nil, err
	}
	rec, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	if err := tx.Put(versionKey(b.Name, key, seq), rec); err != nil {
		return nil, err
	}
	if obj.DeleteMarker {
		return replaced, tx.Delete(objectKey(b.Name, key))
	}
	return replaced, tx.Put(objectKey(b.Name, key), rec)
}

// syncCurrent makes the current record of key match its newest version
// after versions were removed: absent when there is none or it is a delete
// marker.
func syncCurrent(ctx context.Context, tx storage.Txn, bucket, key string) error {
	latest, err := latestVersion(ctx, tx, bucket, key)
	if err != nil {
		return err
	}
	if latest == nil || latest.DeleteMarker {
		return tx.Delete(objectKey(bucket, key))
	}
	return putRecord(tx, objectKey(bucket, key), latest)
}

// deleted is what a delete did: the version it removed or the delete
// marker it added (versionID, "" when there is nothing to report), and
// whether that version is a delete marker.
type deleted struct {
	versionID string
	marker    bool
}

// deleteLatest deletes bucket/key as a DELETE without versionId does: in a
// bucket that was never versioned the object goes; otherwise a delete
// marker becomes its newest version (replacing the null version when
// versioning is suspended). Lifecycle expiration of current versions calls
// it too.
func (p *Provider) deleteLatest(ctx context.Context, account, bucket, key string) (deleted, error) {
	var res deleted
	var replaced []string
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		res, replaced = deleted{}, nil
		b, err := bucketOf(ctx, tx, account, bucket)
		if err != nil {
			return err
		}
		if b.Versioning == "" {
			old, err := findNull(ctx, tx, bucket, key)
			if err != nil || old == nil {
				return err
			}
			replaced = old.blobs()
			if err := tx.Delete(versionKey(bucket, key, old.Seq)); err != nil {
				return err
			}
			return tx.Delete(objectKey(bucket, key))
		}
		marker := &Object{DeleteMarker: true, LastModified: p.clock.Now().UTC().Truncate(time.Second)}
		replaced, err = p.writeVersion(ctx, tx, b, key, marker)
		res = deleted{versionID: idOf(marker), marker: true}
		return err
	})
	if err != nil {
		return deleted{}, awserr.From(err)
	}
	for _, f := range replaced {
		p.removeBlob(f)
	}
	return res, nil
}

// deleteVersion removes version id of bucket/key for good, with its files;
// when it was the newest, the next newest becomes current. Removing a
// version that does not exist succeeds, as on S3; removing one Object Lock
// protects is refused (bypass: the request may bypass GOVERNANCE
// retention). Lifecycle expiration of noncurrent versions and of expired
// delete markers calls it too.
func (p *Provider) deleteVersion(ctx context.Context, account, bucket, key, id string, bypass bool) (deleted, error) {
	if _, _, ok := parseVersionID(id); !ok {
		return deleted{}, errInvalidVersionID()
	}
	res := deleted{versionID: id}
	var removed []string
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		res.marker, removed = false, nil
		if _, err := bucketOf(ctx, tx, account, bucket); err != nil {
			return err
		}
		v, err := readVersion(ctx, tx, bucket, key, id)
		if err != nil || v == nil {
			return err
		}
		if err := lockRefusal(v, p.clock.Now(), bypass); err != nil {
			return err
		}
		res.marker, removed = v.DeleteMarker, v.blobs()
		if err := tx.Delete(versionKey(bucket, key, v.Seq)); err != nil {
			return err
		}
		return syncCurrent(ctx, tx, bucket, key)
	})
	if err != nil {
		return deleted{}, awserr.From(err)
	}
	for _, f := range removed {
		p.removeBlob(f)
	}
	return res, nil
}

// updateVersion changes a version's record in place (its tags), without
// making a new version: the current object when versionID is nil.
func (p *Provider) updateVersion(ctx context.Context, bucket, key string, versionID *string, change func(*Object) error) (*Bucket, *Object, error) {
	account := scope.From(ctx).Account
	var b *Bucket
	var obj *Object
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		var err error
		if b, err = bucketOf(ctx, tx, account, bucket); err != nil {
			return err
		}
		if obj, err = resolve(ctx, tx, bucket, key, versionID); err != nil {
			return err
		}
		if err := change(obj); err != nil {
			return err
		}
		return rewriteVersion(ctx, tx, bucket, key, obj)
	})
	if err != nil {
		return nil, nil, awserr.From(err)
	}
	return b, obj, nil
}

// rewriteVersion stores o, changed in place, as its version's record
// inside tx, and as the current record when o is the key's current
// version.
func rewriteVersion(ctx context.Context, tx storage.Txn, bucket, key string, o *Object) error {
	rec, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("s3: encode object: %w", err)
	}
	if err := tx.Put(versionKey(bucket, key, o.Seq), rec); err != nil {
		return err
	}
	cur, err := readObject(ctx, tx, bucket, key)
	if isNoSuchKey(err) {
		return nil
	}
	if err != nil || cur.Seq != o.Seq {
		return err
	}
	return tx.Put(objectKey(bucket, key), rec)
}

// bucketEmpty reports whether a bucket holds no object, version or delete
// marker.
func bucketEmpty(ctx context.Context, tx storage.Txn, bucket string) (bool, error) {
	for _, prefix := range [][]byte{objectPrefix(bucket), versionPrefix(bucket)} {
		start, end := storage.PrefixRange(prefix)
		kvs, err := storage.Collect(tx.Scan(ctx, start, end, storage.ScanOptions{Limit: 1}))
		if err != nil {
			return false, err
		}
		if len(kvs) > 0 {
			return false, nil
		}
	}
	return true, nil
}
