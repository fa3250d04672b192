package s3

import (
	"context"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// commitObject makes obj the newest version of bucket/key in one
// transaction, after check (when set) accepts the current object (nil when
// there is none or the latest version is a delete marker). Every write of
// an object (PUT, copy, multipart completion) ends here. The bucket's
// versioning state decides the version: a new id when enabled, else the
// null version, replacing the previous one; obj.VersionID and obj.Seq are
// set on return, and obj.Retention to the bucket's default retention when
// the write set none (Object Lock). Each of also runs in the same transaction after the
// version is written (multipart completion drops the upload's records
// there). Once the transaction commits, the files of a replaced version
// are removed; obj's own files are the caller's until commitObject
// returns nil.
func (p *Provider) commitObject(ctx context.Context, account, bucket, key string, obj *Object, check func(prev *Object) error, also ...func(storage.Txn) error) error {
	var replaced []string
	explicit := obj.Retention != nil
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		replaced = nil
		b, err := bucketOf(ctx, tx, account, bucket)
		if err != nil {
			return err
		}
		if !explicit {
			obj.Retention = b.ObjectLock.defaultRetention(p.clock.Now())
		}
		prev, err := readObject(ctx, tx, bucket, key)
		switch {
		case isNoSuchKey(err):
			prev = nil
		case err != nil:
			return err
		}
		if check != nil {
			if err := check(prev); err != nil {
				return err
			}
		}
		if replaced, err = p.writeVersion(ctx, tx, b, key, obj); err != nil {
			return err
		}
		for _, f := range also {
			if err := f(tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return awserr.From(err)
	}
	for _, b := range replaced {
		p.removeBlob(b)
	}
	return nil
}

// blobs lists the files that hold the object's body.
func (o *Object) blobs() []string {
	var ids []string
	if o.Blob != "" {
		ids = append(ids, o.Blob)
	}
	for _, p := range o.Parts {
		ids = append(ids, p.Blob)
	}
	return ids
}
