package s3

import (
	"context"
	"encoding/json"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// commitObject makes obj the object stored at bucket/key in one
// transaction, after check (when set) accepts the record it replaces (nil
// when there is none). Every write of an object (PUT, copy, multipart
// completion) ends here. Once the transaction commits, the files of the
// replaced record are removed; obj's own files are the caller's until
// commitObject returns nil. Each of also runs in the same transaction after
// the record is written (multipart completion drops the upload's records
// there).
func (p *Provider) commitObject(ctx context.Context, account, bucket, key string, obj *Object, check func(prev *Object) error, also ...func(storage.Txn) error) error {
	rec, err := json.Marshal(obj)
	if err != nil {
		return awserr.Internal(err)
	}
	var replaced []string
	err = p.store.Update(ctx, func(tx storage.Txn) error {
		replaced = nil
		if _, err := bucketOf(ctx, tx, account, bucket); err != nil {
			return err
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
		if prev != nil {
			replaced = prev.blobs()
		}
		if err := tx.Put(objectKey(bucket, key), rec); err != nil {
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
