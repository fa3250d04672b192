package s3

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/unkai-cloud/unkai/internal/storage"
)

// restoreInterval is how often the restore loop looks for restore jobs
// due: often enough that a restore completes within a second of its tier's
// delay.
const restoreInterval = time.Second

// settleRestores runs one pass of the restore loop at p.clock's time: every
// restore index entry due by then is settled (restore.go) and removed. It
// returns how many entries it settled.
func (p *Provider) settleRestores(ctx context.Context) (int, error) {
	now := p.clock.Now().UTC()
	start := restoreIndexPrefix()
	end := storage.AppendUint64(restoreIndexPrefix(), uint64(now.UnixNano())+1)
	settled := 0
	for {
		kvs, err := storage.Collect(p.store.Scan(ctx, start, end, storage.ScanOptions{Limit: sweepPage}))
		if err != nil {
			return settled, fmt.Errorf("s3: scan restore index: %w", err)
		}
		for _, kv := range kvs {
			if err := p.settleRestore(ctx, kv.Key, now); err != nil {
				return settled, err
			}
			settled++
		}
		if len(kvs) < sweepPage {
			return settled, nil
		}
		start = storage.KeyAfter(kvs[len(kvs)-1].Key)
	}
}

// settleRestore acts on one due index entry in one transaction: a job
// whose Ready has come completes (the restored copy expires Days after
// Ready, rounded up to midnight UTC as S3 rounds it, and a new entry is
// due then); a copy whose Expiry has come is dropped. An entry naming a
// version that is gone, or whose restore moved on, is just removed.
func (p *Provider) settleRestore(ctx context.Context, entry []byte, now time.Time) error {
	bucket, key, seq, err := parseRestoreIndexKey(entry)
	if err != nil {
		// Not an entry this code wrote: drop it rather than stall the loop.
		return p.store.Update(ctx, func(tx storage.Txn) error { return tx.Delete(entry) })
	}
	return p.store.Update(ctx, func(tx storage.Txn) error {
		if err := tx.Delete(entry); err != nil {
			return err
		}
		raw, err := tx.Get(ctx, versionKey(bucket, key, seq))
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("s3: read version: %w", err)
		}
		o, err := decodeObject(raw)
		if err != nil {
			return err
		}
		r := o.Restore
		switch {
		case r == nil:
			return nil
		case r.Ongoing && !now.Before(r.Ready):
			r.Ongoing, r.Expiry = false, daysAfter(r.Ready, r.Days)
			if err := tx.Put(restoreIndexKey(r.Expiry, bucket, key, seq), nil); err != nil {
				return err
			}
		case !r.Ongoing && !now.Before(r.Expiry):
			o.Restore = nil
		default:
			return nil
		}
		return rewriteVersion(ctx, tx, bucket, key, o)
	})
}
