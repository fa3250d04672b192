package occ

import (
	"bytes"
	"context"
	"slices"

	"github.com/unkai-cloud/unkai/internal/storage"
)

// entry is a buffered write of a transaction.
type entry struct {
	key   []byte
	value []byte
	del   bool
}

// txn implements storage.Txn on a snapshot plus buffered writes.
type txn struct {
	s        *Store
	ctx      context.Context
	snap     Snapshot
	start    uint64
	writable bool
	finished bool

	writes []entry
	index  map[string]int // key → position in writes
	// stamped are the PutStamped writes: key holds the prefix until the
	// commit stamp completes it.
	stamped []entry
	sorted  bool

	points map[string]struct{} // keys read
	spans  []*span             // ranges scanned
	iters  []*iterator
}

// check reports why the transaction cannot be used, if it cannot.
func (t *txn) check() error {
	if t.finished {
		return storage.ErrTxnDone
	}
	return t.ctx.Err()
}

// Get implements storage.Reader.
func (t *txn) Get(ctx context.Context, key []byte) ([]byte, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if i, ok := t.index[string(key)]; ok {
		e := t.writes[i]
		if e.del {
			return nil, storage.ErrNotFound
		}
		return bytes.Clone(e.value), nil
	}
	if t.writable {
		if t.points == nil {
			t.points = make(map[string]struct{})
		}
		t.points[string(key)] = struct{}{}
	}
	if err := t.s.enter(); err != nil {
		return nil, err
	}
	defer t.s.leave()
	return t.snap.Get(key)
}

// Scan implements storage.Reader.
func (t *txn) Scan(ctx context.Context, start, end []byte, opts storage.ScanOptions) storage.Iterator {
	if err := t.check(); err != nil {
		return &iterator{err: err, done: true, closed: true}
	}
	if err := t.s.enter(); err != nil {
		return &iterator{err: err, done: true, closed: true}
	}
	defer t.s.leave()
	it := t.s.newIter(ctx, t.snap, t, start, end, opts)
	t.iters = append(t.iters, it)
	return it
}

// Put implements storage.Txn.
func (t *txn) Put(key, value []byte) error {
	return t.write(key, value, false)
}

// Delete implements storage.Txn.
func (t *txn) Delete(key []byte) error {
	return t.write(key, nil, true)
}

// PutStamped implements storage.Txn.
func (t *txn) PutStamped(prefix, value []byte) error {
	if t.finished {
		return storage.ErrTxnDone
	}
	if !t.writable {
		return storage.ErrReadOnly
	}
	t.stamped = append(t.stamped, entry{key: bytes.Clone(prefix), value: append([]byte{}, value...)})
	return nil
}

// write buffers one mutation, replacing an earlier one of the same key.
func (t *txn) write(key, value []byte, del bool) error {
	if t.finished {
		return storage.ErrTxnDone
	}
	if !t.writable {
		return storage.ErrReadOnly
	}
	e := entry{key: bytes.Clone(key), del: del}
	if e.key == nil {
		e.key = []byte{}
	}
	if !del {
		e.value = append([]byte{}, value...)
	}
	if t.index == nil {
		t.index = make(map[string]int)
	}
	if i, ok := t.index[string(key)]; ok {
		t.writes[i] = e
		return nil
	}
	t.index[string(key)] = len(t.writes)
	t.writes = append(t.writes, e)
	t.sorted = false
	return nil
}

// overlay returns the buffered writes in [start, end), in iteration order.
func (t *txn) overlay(start, end []byte, reverse bool) []entry {
	if len(t.writes) == 0 {
		return nil
	}
	if !t.sorted {
		slices.SortFunc(t.writes, func(a, b entry) int { return bytes.Compare(a.key, b.key) })
		for i, e := range t.writes {
			t.index[string(e.key)] = i
		}
		t.sorted = true
	}
	lo, _ := slices.BinarySearchFunc(t.writes, start, func(e entry, k []byte) int { return bytes.Compare(e.key, k) })
	hi := len(t.writes)
	if end != nil {
		hi, _ = slices.BinarySearchFunc(t.writes, end, func(e entry, k []byte) int { return bytes.Compare(e.key, k) })
	}
	if lo >= hi {
		return nil
	}
	out := slices.Clone(t.writes[lo:hi])
	if reverse {
		slices.Reverse(out)
	}
	return out
}

// observe records a scanned range for validation and returns it.
func (t *txn) observe() *span {
	sp := &span{empty: true}
	t.spans = append(t.spans, sp)
	return sp
}

// observed reports whether the transaction read key k or scanned over it.
func (t *txn) observed(k []byte) bool {
	if _, ok := t.points[string(k)]; ok {
		return true
	}
	for _, sp := range t.spans {
		if sp.contains(k) {
			return true
		}
	}
	return false
}

// finish ends the transaction: its iterators and snapshot are closed.
func (t *txn) finish() {
	if t.finished {
		return
	}
	t.finished = true
	for _, it := range t.iters {
		_ = it.Close()
	}
	t.iters = nil
	t.s.releaseSnap(t.snap)
}

var _ storage.Txn = (*txn)(nil)
