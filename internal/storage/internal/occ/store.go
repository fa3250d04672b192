package occ

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/unkai-cloud/unkai/internal/storage"
)

// optimisticAttempts is how many times Update runs a transaction
// optimistically before running it under the commit lock.
const optimisticAttempts = 4

// errRetry marks a failed validation; Update re-runs the transaction.
var errRetry = errors.New("occ: transaction must be retried")

// Store implements storage.Store over a Backend.
type Store struct {
	b    Backend
	opts Options

	// closeMu is held shared by every operation that touches the backend
	// and exclusively by Close, so nothing runs while the backend closes.
	closeMu sync.RWMutex
	closed  bool

	// regMu guards the open iterators and snapshots that Close must close.
	regMu sync.Mutex
	iters map[*iterator]struct{}
	snaps map[Snapshot]struct{}

	// commitMu serializes validation and Apply; it guards hist.
	commitMu sync.Mutex
	hist     history
	// seq is the number of commits applied; it is incremented after Apply.
	seq atomic.Uint64
	// stamps hands out commit stamps; guarded by commitMu.
	stamps stamper
}

// New returns a Store over b.
func New(b Backend, opts Options) *Store {
	return &Store{
		b:      b,
		opts:   opts,
		iters:  make(map[*iterator]struct{}),
		snaps:  make(map[Snapshot]struct{}),
		stamps: stamper{lease: opts.Lease, now: opts.now},
	}
}

// enter takes the shared close lock; it fails once the store is closed.
func (s *Store) enter() error {
	s.closeMu.RLock()
	if s.closed {
		s.closeMu.RUnlock()
		return storage.ErrClosed
	}
	return nil
}

// leave releases what enter took.
func (s *Store) leave() { s.closeMu.RUnlock() }

// Get implements storage.Reader on the latest committed state.
func (s *Store) Get(ctx context.Context, key []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave()
	return s.b.Current().Get(key)
}

// Scan implements storage.Reader on the latest committed state.
func (s *Store) Scan(ctx context.Context, start, end []byte, opts storage.ScanOptions) storage.Iterator {
	if err := s.enter(); err != nil {
		return &iterator{err: err, done: true, closed: true}
	}
	defer s.leave()
	return s.newIter(ctx, s.b.Current(), nil, start, end, opts)
}

// View implements storage.Store.
func (s *Store) View(ctx context.Context, fn func(storage.Txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t, err := s.begin(ctx, false)
	if err != nil {
		return err
	}
	defer t.finish()
	return fn(t)
}

// Update implements storage.Store.
func (s *Store) Update(ctx context.Context, fn func(storage.Txn) error) error {
	for attempt := 1; ; attempt++ {
		err := s.attempt(ctx, fn, attempt > optimisticAttempts)
		if !errors.Is(err, errRetry) {
			return err
		}
	}
}

// attempt runs fn once and commits it. Exclusive attempts hold the commit
// lock from the snapshot to the commit, so validation cannot fail.
func (s *Store) attempt(ctx context.Context, fn func(storage.Txn) error, exclusive bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if exclusive {
		s.commitMu.Lock()
	}
	locked := exclusive
	defer func() {
		if locked {
			s.commitMu.Unlock()
		}
	}()
	t, err := s.begin(ctx, true)
	if err != nil {
		return err
	}
	defer t.finish() // if fn panics
	ferr := fn(t)
	t.finish()
	if ferr != nil {
		return ferr
	}
	if len(t.writes) == 0 && len(t.stamped) == 0 {
		return nil
	}
	if !locked {
		s.commitMu.Lock()
		locked = true
	}
	err = s.commitLocked(t)
	s.commitMu.Unlock()
	locked = false
	if err != nil || !s.opts.Sync {
		return err
	}
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	if err := s.b.Sync(); err != nil {
		return fmt.Errorf("storage: sync commit: %w", err)
	}
	return nil
}

// begin opens a transaction on a fresh snapshot.
func (s *Store) begin(ctx context.Context, writable bool) (*txn, error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave()
	// Load the sequence before taking the snapshot: the snapshot holds at
	// least every commit up to start, and validation checks all later ones.
	start := s.seq.Load()
	snap, err := s.b.Snapshot()
	if err != nil {
		return nil, fmt.Errorf("storage: snapshot: %w", err)
	}
	s.regMu.Lock()
	s.snaps[snap] = struct{}{}
	s.regMu.Unlock()
	t := &txn{s: s, ctx: ctx, snap: snap, start: start, writable: writable}
	return t, nil
}

// commitLocked validates t against later commits and applies its writes.
// s.commitMu must be held.
func (s *Store) commitLocked(t *txn) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	recs, ok := s.hist.since(t.start)
	if !ok {
		return errRetry
	}
	for _, r := range recs {
		for _, k := range r.keys {
			if t.observed(k) {
				return errRetry
			}
		}
	}
	n := len(t.writes) + len(t.stamped)
	ws := make([]Write, len(t.writes), n)
	keys := make([][]byte, len(t.writes), n)
	for i, e := range t.writes {
		ws[i] = Write{Key: e.key, Value: e.value, Delete: e.del}
		keys[i] = e.key
	}
	if len(t.stamped) > 0 {
		stamp, err := s.stamps.next()
		if err != nil {
			return err
		}
		for i, e := range t.stamped {
			k := storage.StampedKey(e.key, stamp, uint32(i))
			ws = append(ws, Write{Key: k, Value: e.value})
			keys = append(keys, k)
		}
	}
	if err := s.b.Apply(ws); err != nil {
		return fmt.Errorf("storage: apply commit: %w", err)
	}
	s.hist.add(keys)
	s.seq.Add(1)
	return nil
}

// Close implements storage.Store.
func (s *Store) Close() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var errs []error
	s.regMu.Lock()
	for it := range s.iters {
		errs = append(errs, it.closeRaw())
	}
	for snap := range s.snaps {
		errs = append(errs, snap.Close())
		delete(s.snaps, snap)
	}
	s.regMu.Unlock()
	errs = append(errs, s.b.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("storage: close: %w", err)
	}
	return nil
}

// releaseSnap closes a transaction's snapshot unless Close already did.
func (s *Store) releaseSnap(snap Snapshot) {
	if s.enter() != nil {
		return
	}
	defer s.leave()
	s.regMu.Lock()
	_, open := s.snaps[snap]
	delete(s.snaps, snap)
	s.regMu.Unlock()
	if open {
		_ = snap.Close()
	}
}

var _ storage.Store = (*Store)(nil)
