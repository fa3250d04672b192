// Package occ turns a backend that offers snapshots and atomic write
// batches into a storage.Store with serializable transactions, using
// optimistic concurrency control: a transaction reads from a snapshot,
// buffers its writes, and at commit is validated against the keys written
// by every transaction that committed after its snapshot was taken. A
// conflicting transaction is re-run; after a few conflicts it runs holding
// the commit lock, so it cannot conflict again. Both the memory and the
// pebble backends are built on it.
package occ

// Write is one mutation of a committed transaction.
type Write struct {
	Key    []byte
	Value  []byte
	Delete bool
}

// RawIter walks a key range of a backend view in one direction. The first
// call to Next positions it on the first pair; Key and Value are valid only
// until the next call to Next.
type RawIter interface {
	Next() bool
	Key() []byte
	Value() ([]byte, error)
	Err() error
	Close() error
}

// View reads a backend.
type View interface {
	// Get returns the value of key, which the caller may keep, or an
	// error wrapping storage.ErrNotFound.
	Get(key []byte) ([]byte, error)
	// NewIter iterates over start <= k < end (nil: unbounded), ascending or
	// descending. start and end stay unchanged while the iterator lives.
	NewIter(start, end []byte, reverse bool) (RawIter, error)
}

// Snapshot is a View frozen at one point in time.
type Snapshot interface {
	View
	Close() error
}

// Backend is what a storage engine provides to the transaction layer.
type Backend interface {
	// Current reads the latest state; each call on its own is consistent.
	Current() View
	// Snapshot returns a consistent view of the current state.
	Snapshot() (Snapshot, error)
	// Apply makes the writes visible atomically. The transaction layer
	// calls it under its commit lock, one commit at a time. The backend
	// may keep the slices: they are never modified afterwards.
	Apply(ws []Write) error
	// Sync makes every applied write durable. It is called after the
	// commit lock is released, so concurrent commits share fsyncs.
	Sync() error
	// Close releases the backend; no snapshot or iterator is open then.
	Close() error
}

// Options configure a Store.
type Options struct {
	// Sync calls Backend.Sync before Update returns.
	Sync bool
	// Lease keeps the commit-stamp high-water mark of a durable backend;
	// nil for a backend whose data does not outlive the process.
	Lease Lease
	// now replaces the wall clock in tests.
	now func() int64
}

// Lease persists a bound that every commit stamp handed out so far stays
// below, so stamps keep increasing across restarts even if the wall clock
// moves back.
type Lease interface {
	// Load returns the saved bound, 0 when none was saved.
	Load() (uint64, error)
	// Save durably records a new bound.
	Save(uint64) error
}
