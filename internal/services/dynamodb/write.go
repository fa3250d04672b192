package dynamodb

import (
	"bytes"
	"context"
	"errors"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// loadItem reads the item with the given key attributes; nil when absent.
func loadItem(ctx context.Context, r storage.Reader, sc scope.Scope, sch *schema, key attr.Item) (attr.Item, error) {
	raw, err := r.Get(ctx, itemKey(sc, sch, key))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, awserr.Internal(err)
	}
	it, err := attr.UnmarshalItem(raw)
	if err != nil {
		return nil, internalf("decode item: %w", err)
	}
	return it, nil
}

// writeUnits is the write capacity one item write of size bytes consumes.
func writeUnits(size int) float64 {
	u := (size + 1023) / 1024
	if u < 1 {
		u = 1
	}
	return float64(u)
}

// readUnits is the read capacity reading size bytes consumes.
func readUnits(size int, consistent bool) float64 {
	u := float64((size + 4095) / 4096)
	if u < 1 {
		u = 1
	}
	if !consistent {
		u /= 2
	}
	return u
}

// usage is the capacity a request consumed, by table and index.
type usage struct {
	table   float64
	indexes map[string]float64
}

// add accumulates o into u.
func (u *usage) add(o usage) {
	u.table += o.table
	for k, v := range o.indexes {
		if u.indexes == nil {
			u.indexes = map[string]float64{}
		}
		u.indexes[k] += v
	}
}

// writeItem replaces the stored item old (nil when absent) by nw (nil to
// delete) inside tx: the table row, every index entry, the counters in st
// and, when the table has an enabled stream, the stream record of the
// change chg. It is the one place every item write goes through; when the
// table is a global table it makes the same change in every other replica
// (replica.go). It returns the write capacity consumed in this region.
func writeItem(ctx context.Context, tx storage.Txn, sc scope.Scope, sch *schema, st *tableStats, old, nw attr.Item, chg change) (usage, error) {
	var use usage
	if err := trackCollection(ctx, tx, sc, sch, old, nw); err != nil { // collection_limit.go
		return use, err
	}
	oldSize, newSize := 0, 0
	var newRaw []byte
	if old != nil {
		oldSize = attr.ItemSize(old)
		st.Table.Items--
		st.Table.Bytes -= int64(oldSize)
	}
	if nw != nil {
		newSize = attr.ItemSize(nw)
		st.Table.Items++
		st.Table.Bytes += int64(newSize)
		newRaw = attr.MarshalItem(nw)
		if err := tx.Put(itemKey(sc, sch, nw), newRaw); err != nil {
			return use, awserr.Internal(err)
		}
	} else if old != nil {
		if err := tx.Delete(itemKey(sc, sch, old)); err != nil {
			return use, awserr.Internal(err)
		}
	}
	use.table = writeUnits(max(oldSize, newSize))
	if sch.stream != nil {
		if err := recordChange(tx, sc, sch, chg, old, nw, newRaw, oldSize, newSize); err != nil {
			return use, err
		}
	}
	for i := range sch.Indexes {
		idx := &sch.Indexes[i]
		oldIn := old != nil && hasKey(idx.Key, old)
		newIn := nw != nil && hasKey(idx.Key, nw)
		if !oldIn && !newIn {
			continue
		}
		c := st.Indexes[idx.Name]
		var oldKey, newKey []byte
		var oldPSize, newPSize int
		if oldIn {
			oldKey = indexEntryKey(sc, sch, idx, old)
			oldPSize = attr.ItemSize(project(sch, idx, old))
			c.Items--
			c.Bytes -= int64(oldPSize)
		}
		if newIn {
			p := project(sch, idx, nw)
			newKey = indexEntryKey(sc, sch, idx, nw)
			newPSize = attr.ItemSize(p)
			c.Items++
			c.Bytes += int64(newPSize)
			if err := tx.Put(newKey, attr.MarshalItem(p)); err != nil {
				return use, awserr.Internal(err)
			}
		}
		units := 0.0
		switch {
		case oldIn && newIn && bytes.Equal(oldKey, newKey):
			units = writeUnits(max(oldPSize, newPSize))
		default:
			if oldIn {
				if err := tx.Delete(oldKey); err != nil {
					return use, awserr.Internal(err)
				}
				units += writeUnits(oldPSize)
			}
			if newIn {
				units += writeUnits(newPSize)
			}
		}
		if use.indexes == nil {
			use.indexes = map[string]float64{}
		}
		use.indexes[idx.Name] += units
		st.Indexes[idx.Name] = c
	}
	// --- TTL: keep the table's expiry index in step (ttl.go) ---
	if err := ttlIndexWrite(tx, sc, sch, old, nw); err != nil {
		return use, err
	}
	// --- end TTL ---
	// --- PITR: the write's history entry (pitr.go) ---
	if err := pitrRecord(tx, sc, sch, chg, old, nw); err != nil {
		return use, err
	}
	// --- end PITR ---
	// --- global tables: the same change in every other replica (replica.go) ---
	if err := replicateWrite(ctx, tx, sch, old, nw, chg); err != nil {
		return use, err
	}
	// --- end global tables ---
	return use, nil
}

// backfill writes the entries of a new index for the table's items and
// returns the index's counters.
func (p *Provider) backfill(ctx context.Context, tx storage.Txn, sc scope.Scope, sch *schema, idx *indexDef) (counts, error) {
	var c counts
	start, end := storage.PrefixRange(itemsPrefix(sc, sch.Name))
	it := tx.Scan(ctx, start, end, storage.ScanOptions{})
	type entry struct{ k, v []byte }
	var entries []entry
	for it.Next() {
		item, err := attr.UnmarshalItem(it.Value())
		if err != nil {
			it.Close()
			return c, internalf("decode item: %w", err)
		}
		if !hasKey(idx.Key, item) {
			continue
		}
		if checkIndexKeys(&schema{Types: sch.Types, Indexes: []indexDef{*idx}}, item, false) != nil {
			// DynamoDB reports such items as violations and leaves them
			// out of the index.
			continue
		}
		pr := project(sch, idx, item)
		entries = append(entries, entry{indexEntryKey(sc, sch, idx, item), attr.MarshalItem(pr)})
		c.Items++
		c.Bytes += int64(attr.ItemSize(pr))
	}
	if err := it.Close(); err != nil {
		return c, awserr.Internal(err)
	}
	for _, e := range entries {
		if err := tx.Put(e.k, e.v); err != nil {
			return c, awserr.Internal(err)
		}
	}
	return c, nil
}
