package pebble

import (
	"fmt"

	pdb "github.com/cockroachdb/pebble/v2"

	"github.com/unkai-cloud/unkai/internal/storage/internal/occ"
)

// backend implements occ.Backend on a Pebble database.
type backend struct {
	db   *pdb.DB
	sync bool
}

// view implements occ.View on the database or one of its snapshots.
type view struct {
	db   *pdb.DB
	snap *pdb.Snapshot // nil: the latest state
}

// Current implements occ.Backend.
func (b *backend) Current() occ.View { return &view{db: b.db} }

// Snapshot implements occ.Backend.
func (b *backend) Snapshot() (occ.Snapshot, error) {
	return &view{db: b.db, snap: b.db.NewSnapshot()}, nil
}

// Apply implements occ.Backend. The batch goes to the WAL unsynced; Sync
// follows once the commit lock is released.
func (b *backend) Apply(ws []occ.Write) error {
	batch := b.db.NewBatch()
	defer batch.Close()
	for _, w := range ws {
		var err error
		if w.Delete {
			err = batch.Delete(w.Key, nil)
		} else {
			err = batch.Set(w.Key, w.Value, nil)
		}
		if err != nil {
			return fmt.Errorf("batch: %w", err)
		}
	}
	return batch.Commit(pdb.NoSync)
}

// Sync implements occ.Backend: an empty synced WAL record makes every
// earlier record durable, and concurrent callers share one fsync.
func (b *backend) Sync() error {
	if !b.sync {
		return nil
	}
	return b.db.LogData(nil, pdb.Sync)
}

// Close implements occ.Backend.
func (b *backend) Close() error { return b.db.Close() }

// Get implements occ.View.
func (v *view) Get(key []byte) ([]byte, error) {
	var (
		val    []byte
		closer interface{ Close() error }
		err    error
	)
	if v.snap != nil {
		val, closer, err = v.snap.Get(key)
	} else {
		val, closer, err = v.db.Get(key)
	}
	if err != nil {
		return nil, notFound(err)
	}
	out := append([]byte{}, val...)
	return out, closer.Close()
}

// NewIter implements occ.View.
func (v *view) NewIter(start, end []byte, reverse bool) (occ.RawIter, error) {
	o := &pdb.IterOptions{LowerBound: start, UpperBound: end}
	var (
		it  *pdb.Iterator
		err error
	)
	if v.snap != nil {
		it, err = v.snap.NewIter(o)
	} else {
		it, err = v.db.NewIter(o)
	}
	if err != nil {
		return nil, fmt.Errorf("pebble iterator: %w", err)
	}
	return &iter{it: it, reverse: reverse}, nil
}

// Close implements occ.Snapshot.
func (v *view) Close() error {
	if v.snap == nil {
		return nil
	}
	return v.snap.Close()
}

// iter adapts a Pebble iterator to occ.RawIter.
type iter struct {
	it      *pdb.Iterator
	reverse bool
	started bool
}

// Next implements occ.RawIter.
func (i *iter) Next() bool {
	if !i.started {
		i.started = true
		if i.reverse {
			return i.it.Last()
		}
		return i.it.First()
	}
	if i.reverse {
		return i.it.Prev()
	}
	return i.it.Next()
}

// Key implements occ.RawIter.
func (i *iter) Key() []byte { return i.it.Key() }

// Value implements occ.RawIter.
func (i *iter) Value() ([]byte, error) { return i.it.ValueAndErr() }

// Err implements occ.RawIter.
func (i *iter) Err() error { return i.it.Error() }

// Close implements occ.RawIter.
func (i *iter) Close() error { return i.it.Close() }

var (
	_ occ.Backend  = (*backend)(nil)
	_ occ.Snapshot = (*view)(nil)
)
