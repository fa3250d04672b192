package dynamodb

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// kv is one key and value to write.
type kv struct{ k, v []byte }

// putBatch writes pairs in one transaction.
func (p *Provider) putBatch(ctx context.Context, batch []kv) error {
	return p.store.Update(ctx, func(tx storage.Txn) error {
		for _, e := range batch {
			if err := tx.Put(e.k, e.v); err != nil {
				return awserr.Internal(err)
			}
		}
		return nil
	})
}

// copyBackup copies a table's items into a CREATING backup from one
// storage snapshot, in batches, and makes it AVAILABLE with the table's
// details as of that snapshot. If the copy fails for any reason but
// shutdown, the partial backup is deleted; after a crash Start does that.
func (p *Provider) copyBackup(ctx context.Context, sc scope.Scope, table, id string) (*backupRecord, error) {
	var out *backupRecord
	err := p.store.View(ctx, func(snap storage.Txn) error {
		rec, err := loadTable(ctx, snap, sc, table)
		if hasCode(err, codeNotFound) {
			return awserr.New(codeTableNotFound, http.StatusBadRequest, msgSourceNotFound, table)
		}
		if err != nil {
			return err
		}
		st, err := loadStats(ctx, snap, sc, table)
		if err != nil {
			return err
		}
		prefix := itemsPrefix(sc, table)
		dst := backupDataPrefix(sc, id)
		start, end := storage.PrefixRange(prefix)
		it := snap.Scan(ctx, start, end, storage.ScanOptions{})
		defer it.Close()
		var batch []kv
		bytes := 0
		for it.Next() {
			k, v := it.Key(), it.Value()
			batch = append(batch, kv{append(append([]byte(nil), dst...), k[len(prefix):]...), v})
			bytes += len(k) + len(v)
			if len(batch) >= copyBatchItems || bytes >= copyBatchBytes {
				if err := p.putBatch(ctx, batch); err != nil {
					return err
				}
				batch, bytes = batch[:0], 0
			}
		}
		if err := it.Err(); err != nil {
			return awserr.Internal(err)
		}
		if err := p.putBatch(ctx, batch); err != nil {
			return err
		}
		return p.store.Update(ctx, func(tx storage.Txn) error {
			raw, err := tx.Get(ctx, backupKey(sc, id, table))
			if err != nil {
				return awserr.Internal(err)
			}
			b := &backupRecord{}
			if err := json.Unmarshal(raw, b); err != nil {
				return internalf("decode backup: %w", err)
			}
			describeSource(b, rec, st.Table.Items, st.Table.Bytes)
			b.Details.BackupStatus = ptr(backupAvailable)
			if err := saveBackup(tx, sc, b); err != nil {
				return err
			}
			out = b
			return wrapInternal(tx.Delete(jobKey(jobBackup, sc, id, table)))
		})
	})
	if err != nil && ctx.Err() == nil {
		if perr := p.purgeBackup(ctx, sc, id, table); perr != nil {
			return nil, errors.Join(err, perr)
		}
	}
	return out, err
}

// purgeBackup deletes a backup's items in batches, then its record and job.
func (p *Provider) purgeBackup(ctx context.Context, sc scope.Scope, id, table string) error {
	start, end := storage.PrefixRange(backupDataPrefix(sc, id))
	if err := p.purgeRange(ctx, start, end, copyBatchItems); err != nil {
		return err
	}
	return p.store.Update(ctx, func(tx storage.Txn) error {
		if err := tx.Delete(backupKey(sc, id, table)); err != nil {
			return awserr.Internal(err)
		}
		return wrapInternal(tx.Delete(jobKey(jobBackup, sc, id, table)))
	})
}

// recoverBackups settles the backups a crash left unsettled: a copy cut
// short is deleted (its snapshot is gone, so it cannot be finished and must
// never be reported AVAILABLE), and a deletion cut short is finished.
func (p *Provider) recoverBackups(ctx context.Context) error {
	jobs, err := p.listJobs(ctx, jobBackup)
	if err != nil {
		return err
	}
	for _, j := range jobs {
		if len(j.names) != 2 {
			continue
		}
		id, table := j.names[0], j.names[1]
		raw, err := p.store.Get(ctx, backupKey(j.sc, id, table))
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return awserr.Internal(err)
		}
		var b backupRecord
		if err == nil {
			if err := json.Unmarshal(raw, &b); err != nil {
				return internalf("decode backup: %w", err)
			}
		}
		if err == nil && deref(b.Details.BackupStatus) == backupAvailable {
			if err := p.store.Update(ctx, func(tx storage.Txn) error {
				return wrapInternal(tx.Delete(jobKey(jobBackup, j.sc, id, table)))
			}); err != nil {
				return err
			}
			continue
		}
		if err := p.purgeBackup(ctx, j.sc, id, table); err != nil {
			return err
		}
	}
	return nil
}
