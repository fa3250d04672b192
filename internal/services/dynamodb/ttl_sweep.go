package dynamodb

import (
	"context"
	"errors"
	"slices"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// ttlBatch bounds the keys one sweeper transaction reads or writes.
const ttlBatch = 500

// sweepTTL runs one pass of the TTL sweeper over every table registered
// for it: drop old index generations, backfill a new one, and delete the
// items that are due. The background loop calls it every second; tests
// call it directly.
func (p *Provider) sweepTTL(ctx context.Context) error {
	jobs, err := p.listJobs(ctx, jobTTL)
	if err != nil {
		return err
	}
	var errs []error
	for _, j := range jobs {
		if len(j.names) != 1 {
			continue
		}
		if err := p.maintainTTL(ctx, j.sc, j.names[0]); err != nil {
			errs = append(errs, err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return errors.Join(errs...)
}

// maintainTTL does one table's share of a sweeper pass.
func (p *Provider) maintainTTL(ctx context.Context, sc scope.Scope, table string) error {
	rec, err := loadTable(ctx, p.store, sc, table)
	if hasCode(err, codeNotFound) {
		return p.store.Update(ctx, func(tx storage.Txn) error {
			if _, err := loadTable(ctx, tx, sc, table); err == nil {
				return nil
			}
			return wrapInternal(tx.Delete(jobKey(jobTTL, sc, table)))
		})
	}
	if err != nil {
		return err
	}
	st := rec.TTL
	if st == nil {
		st = &ttlState{}
	}
	for _, gen := range st.Drop {
		if err := p.dropTTLGen(ctx, sc, table, gen); err != nil {
			return err
		}
	}
	if st.Enabled && !st.Backfilled {
		if err := p.backfillTTL(ctx, sc, table, st.Gen); err != nil {
			return err
		}
	}
	// Record what was done; a concurrent UpdateTimeToLive makes the
	// transaction re-read the record and keep its changes.
	err = p.store.Update(ctx, func(tx storage.Txn) error {
		cur, err := loadTable(ctx, tx, sc, table)
		if err != nil || cur.TTL == nil {
			return err
		}
		changed := false
		keep := cur.TTL.Drop[:0:0]
		for _, g := range cur.TTL.Drop {
			if slices.Contains(st.Drop, g) {
				changed = true
			} else {
				keep = append(keep, g)
			}
		}
		cur.TTL.Drop = keep
		if st.Enabled && !st.Backfilled && cur.TTL.Enabled && cur.TTL.Gen == st.Gen && !cur.TTL.Backfilled {
			cur.TTL.Backfilled, changed = true, true
		}
		if !cur.TTL.Enabled && len(cur.TTL.Drop) == 0 {
			if err := tx.Delete(jobKey(jobTTL, sc, table)); err != nil {
				return awserr.Internal(err)
			}
		}
		if !changed {
			return nil
		}
		return saveTable(tx, sc, cur)
	})
	if err != nil || !st.Enabled {
		return err
	}
	return p.expireDue(ctx, sc, table, st.Gen)
}

// dropTTLGen deletes one generation of a table's expiry index in batches.
func (p *Provider) dropTTLGen(ctx context.Context, sc scope.Scope, table string, gen uint64) error {
	start, end := storage.PrefixRange(ttlGenPrefix(sc, table, gen))
	return p.purgeRange(ctx, start, end, ttlBatch)
}

// backfillTTL writes generation gen's expiry entries for the items of a
// table, in batches; it stops early if TTL was changed meanwhile. Entries
// it writes for items that writers touch concurrently stay exact: both
// read the item in serializable transactions.
func (p *Provider) backfillTTL(ctx context.Context, sc scope.Scope, table string, gen uint64) error {
	cursor, end := storage.PrefixRange(itemsPrefix(sc, table))
	for {
		var next []byte
		done := false
		err := p.store.Update(ctx, func(tx storage.Txn) error {
			next, done = nil, true
			rec, err := loadTable(ctx, tx, sc, table)
			if err != nil {
				return err
			}
			sch := recordSchema(rec)
			if sch.TTL.Attr == "" || sch.TTL.Gen != gen {
				return nil
			}
			it := tx.Scan(ctx, cursor, end, storage.ScanOptions{Limit: ttlBatch})
			type entry struct{ k []byte }
			var entries []entry
			n := 0
			for it.Next() {
				n++
				next = storage.KeyAfter(it.Key())
				item, err := attr.UnmarshalItem(it.Value())
				if err != nil {
					it.Close()
					return internalf("decode item: %w", err)
				}
				if e, ok := ttlEpoch(item, sch.TTL.Attr); ok {
					entries = append(entries, entry{ttlEntryKey(sc, sch, e, item)})
				}
			}
			if err := it.Close(); err != nil {
				return awserr.Internal(err)
			}
			for _, e := range entries {
				if err := tx.Put(e.k, []byte{}); err != nil {
					return awserr.Internal(err)
				}
			}
			done = n < ttlBatch
			return nil
		})
		if hasCode(err, codeNotFound) {
			return nil
		}
		if err != nil || done {
			return err
		}
		cursor = next
	}
}

// expireDue deletes the items of a table whose TTL is due, each in its own
// transaction.
func (p *Provider) expireDue(ctx context.Context, sc scope.Scope, table string, gen uint64) error {
	lo, hi := ttlDueRange(p.clock.Now())
	prefix := ttlGenPrefix(sc, table, gen)
	start := storage.AppendUint64(prefix[:len(prefix):len(prefix)], lo)
	end := storage.AppendUint64(prefix[:len(prefix):len(prefix)], hi)
	for {
		it := p.store.Scan(ctx, start, end, storage.ScanOptions{Limit: ttlBatch})
		var keys [][]byte
		for it.Next() {
			keys = append(keys, it.Key())
		}
		if err := it.Close(); err != nil {
			return awserr.Internal(err)
		}
		for _, k := range keys {
			if err := p.expireItem(ctx, sc, table, gen, k); err != nil {
				return err
			}
		}
		if len(keys) < ttlBatch {
			return nil
		}
		start = storage.KeyAfter(keys[len(keys)-1])
	}
}

// expireItem deletes the item an expiry index entry names, if it still
// holds that expired TTL value (a concurrent write may have changed it),
// as one ordinary item delete: table row, index entries, counters and the
// expiry entry itself, through writeItem.
//
// It is the single place TTL deletes items. The delete carries
// ttlChange, so its stream REMOVE record (written by writeItem in the same
// transaction) has the userIdentity {"type": "Service", "principalId":
// "dynamodb.amazonaws.com"}.
func (p *Provider) expireItem(ctx context.Context, sc scope.Scope, table string, gen uint64, entry []byte) error {
	prefix := ttlGenPrefix(sc, table, gen)
	// The entry is prefix, the epoch (a 9-byte uint64 element), then the
	// item's key elements as they follow the items prefix.
	const epochLen = 9
	if len(entry) < len(prefix)+epochLen {
		return internalf("short ttl entry")
	}
	parts, err := storage.Decode(entry[len(prefix) : len(prefix)+epochLen])
	if err != nil || len(parts) != 1 {
		return internalf("decode ttl entry: %v", err)
	}
	epoch, _ := parts[0].(uint64)
	itemKey := append(itemsPrefix(sc, table), entry[len(prefix)+epochLen:]...)
	ctx = scope.With(ctx, sc)
	_, _, err = p.mutate(ctx, table, func(tx storage.Txn, sch *schema, st *tableStats) (usage, error) {
		if sch.TTL.Attr == "" || sch.TTL.Gen != gen {
			return usage{}, nil // TTL was changed: the old generation is dropped apart
		}
		raw, err := tx.Get(ctx, itemKey)
		if errors.Is(err, storage.ErrNotFound) {
			return usage{}, wrapInternal(tx.Delete(entry))
		}
		if err != nil {
			return usage{}, awserr.Internal(err)
		}
		old, err := attr.UnmarshalItem(raw)
		if err != nil {
			return usage{}, internalf("decode item: %w", err)
		}
		e, ok := ttlEpoch(old, sch.TTL.Attr)
		if !ok || e != epoch {
			return usage{}, wrapInternal(tx.Delete(entry)) // stale: the item's entry is elsewhere
		}
		if lo, hi := ttlDueRange(p.clock.Now()); e < lo || e >= hi {
			return usage{}, nil
		}
		return writeItem(ctx, tx, sc, sch, st, old, nil, p.ttlChange())
	})
	if hasCode(err, codeNotFound) {
		return nil // the table is gone
	}
	return err
}
