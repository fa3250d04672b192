package occ

import (
	"bytes"
	"context"

	"github.com/unkai-cloud/unkai/internal/storage"
)

// iterator implements storage.Iterator: it merges a backend iterator with
// a transaction's buffered writes, applies the limit, copies what it yields
// and records the range it covered for validation.
type iterator struct {
	s       *Store
	ctx     context.Context
	raw     RawIter
	t       *txn  // nil outside transactions
	sp      *span // observed range; nil when not tracked
	start   []byte
	end     []byte
	reverse bool
	limit   int
	n       int

	rawOK   bool
	rawNext bool // the raw iterator must advance before its key is used
	overlay []entry

	key, value []byte
	err        error
	done       bool
	closed     bool
}

// newIter opens an iterator on v; the caller holds the shared close lock.
func (s *Store) newIter(ctx context.Context, v View, t *txn, start, end []byte, opts storage.ScanOptions) *iterator {
	it := &iterator{
		s:       s,
		ctx:     ctx,
		t:       t,
		start:   bytes.Clone(start),
		end:     bytes.Clone(end),
		reverse: opts.Reverse,
		limit:   opts.Limit,
		rawNext: true,
	}
	if end != nil && bytes.Compare(start, end) >= 0 {
		it.done = true
		return it
	}
	if err := ctx.Err(); err != nil {
		it.err, it.done = err, true
		return it
	}
	raw, err := v.NewIter(it.start, it.end, it.reverse)
	if err != nil {
		it.err, it.done = err, true
		return it
	}
	it.raw = raw
	s.regMu.Lock()
	s.iters[it] = struct{}{}
	s.regMu.Unlock()
	if t != nil {
		it.overlay = t.overlay(it.start, it.end, it.reverse)
		if t.writable {
			it.sp = t.observe()
			if it.reverse {
				it.sp.hi, it.sp.hiInf = it.end, it.end == nil
			} else {
				it.sp.lo = it.start
			}
		}
	}
	return it
}

// Next implements storage.Iterator.
func (it *iterator) Next() bool {
	if it.done || it.closed {
		return false
	}
	if err := it.ctx.Err(); err != nil {
		it.fail(err)
		return false
	}
	if err := it.s.enter(); err != nil {
		it.err, it.done = err, true
		return false
	}
	defer it.s.leave()
	if it.raw == nil {
		// Close of the store released it while this iterator was idle.
		it.err, it.done = storage.ErrClosed, true
		return false
	}
	// A finished iterator gives its backend resources back at once, so a
	// drained but unclosed iterator pins nothing.
	defer func() {
		if it.done {
			it.release()
		}
	}()
	if it.limit > 0 && it.n >= it.limit {
		it.done = true
		return false
	}
	for {
		if it.rawNext {
			it.rawOK = it.raw.Next()
			it.rawNext = false
			if !it.rawOK {
				if err := it.raw.Err(); err != nil {
					it.fail(err)
					return false
				}
			}
		}
		var ov *entry
		if len(it.overlay) > 0 {
			ov = &it.overlay[0]
		}
		if !it.rawOK && ov == nil {
			it.exhausted()
			return false
		}
		c := -1 // <0: raw first, 0: same key, >0: overlay first
		switch {
		case !it.rawOK:
			c = 1
		case ov != nil:
			c = bytes.Compare(it.raw.Key(), ov.key)
			if it.reverse {
				c = -c
			}
		}
		if c < 0 {
			v, err := it.raw.Value()
			if err != nil {
				it.fail(err)
				return false
			}
			it.key = bytes.Clone(it.raw.Key())
			it.value = append([]byte{}, v...)
			it.rawNext = true
		} else {
			it.overlay = it.overlay[1:]
			if c == 0 {
				it.rawNext = true
			}
			if ov.del {
				continue
			}
			it.key = bytes.Clone(ov.key)
			it.value = append([]byte{}, ov.value...)
		}
		it.n++
		if it.sp != nil {
			it.sp.empty = false
			if it.reverse {
				it.sp.lo = it.key
			} else {
				it.sp.hi = storage.KeyAfter(it.key)
			}
		}
		return true
	}
}

// exhausted marks the whole requested range as observed and ends iteration.
func (it *iterator) exhausted() {
	it.done = true
	if it.sp != nil {
		it.sp.empty = false
		if it.reverse {
			it.sp.lo = it.start
		} else {
			it.sp.hi, it.sp.hiInf = it.end, it.end == nil
		}
	}
}

// fail stops the iteration with err.
func (it *iterator) fail(err error) {
	it.err, it.done = err, true
}

// Key implements storage.Iterator.
func (it *iterator) Key() []byte { return it.key }

// Value implements storage.Iterator.
func (it *iterator) Value() []byte { return it.value }

// Err implements storage.Iterator.
func (it *iterator) Err() error { return it.err }

// Close implements storage.Iterator.
func (it *iterator) Close() error {
	if it.closed {
		return it.err
	}
	if it.t != nil && it.t.finished && !it.done {
		it.err, it.done = storage.ErrTxnDone, true
	}
	it.closed = true
	it.done = true
	if it.raw == nil || it.s.enter() != nil {
		return it.err
	}
	defer it.s.leave()
	it.release()
	return it.err
}

// release unregisters and closes the backend iterator; the caller holds the
// shared close lock.
func (it *iterator) release() {
	if it.raw == nil {
		return
	}
	it.s.regMu.Lock()
	delete(it.s.iters, it)
	it.s.regMu.Unlock()
	if err := it.closeRaw(); err != nil && it.err == nil {
		it.err = err
	}
}

// closeRaw releases the backend iterator once.
func (it *iterator) closeRaw() error {
	if it.raw == nil {
		return nil
	}
	err := it.raw.Close()
	it.raw = nil
	return err
}

var _ storage.Iterator = (*iterator)(nil)
