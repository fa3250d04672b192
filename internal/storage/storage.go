// Package storage is the ordered, transactional key-value interface every
// unkai service keeps its state in. Backends live in subpackages (memory,
// pebble) and all pass one conformance suite (storagetest); nothing above
// this package may depend on a particular backend.
//
// Keys and values are byte slices; keys sort bytewise. Use Key and the
// Append* helpers to build keys from tuples of strings, bytes and integers
// so that related keys sort together and share scannable prefixes.
//
// Transactions are serializable. Update runs its function against a
// consistent snapshot and commits only if nothing the function read (keys
// and scanned ranges, including absent keys) was changed by another commit
// in the meantime; otherwise it runs the function again on a fresh snapshot.
// The function may therefore run more than once and must have no effects
// outside the transaction. After a few optimistic attempts a backend
// serializes the transaction against all other commits, so Update does not
// starve under contention and normally never reports ErrConflict.
package storage

import (
	"context"
	"errors"
)

// Errors returned by stores. Backends wrap them with %w; test with errors.Is.
var (
	// ErrNotFound reports that a key has no value.
	ErrNotFound = errors.New("storage: key not found")
	// ErrConflict reports a transaction that could not commit because a
	// concurrent commit changed what it read. Update retries internally and
	// the memory and pebble backends never return it; a backend that gives
	// up may, and callers may then retry.
	ErrConflict = errors.New("storage: transaction conflict")
	// ErrClosed reports use of a closed store.
	ErrClosed = errors.New("storage: store closed")
	// ErrReadOnly reports a write attempted in a View transaction.
	ErrReadOnly = errors.New("storage: read-only transaction")
	// ErrTxnDone reports use of a transaction, or of an iterator opened in
	// it, after its function returned.
	ErrTxnDone = errors.New("storage: transaction finished")
)

// Reader reads keys and ranges. Store and Txn both implement it, so helpers
// written against Reader work inside and outside transactions.
type Reader interface {
	// Get returns a copy of the value of key, or an error wrapping
	// ErrNotFound. An empty value is returned as a non-nil empty slice.
	Get(ctx context.Context, key []byte) ([]byte, error)
	// Scan iterates over the keys k with start <= k < end in ascending
	// order, or descending with opts.Reverse. A nil start means the first
	// key, a nil end means past the last key. Errors, including a closed
	// store or an expired context, are reported by the iterator's Err.
	// Close every iterator; one that reached its end has already released
	// its resources.
	Scan(ctx context.Context, start, end []byte, opts ScanOptions) Iterator
}

// ScanOptions shape a Scan.
type ScanOptions struct {
	// Reverse iterates from the end of the range down to its start.
	Reverse bool
	// Limit, when positive, stops the scan after that many pairs.
	Limit int
}

// Iterator walks the pairs of a Scan. The usual loop is
//
//	it := r.Scan(ctx, start, end, storage.ScanOptions{})
//	defer it.Close()
//	for it.Next() {
//		use(it.Key(), it.Value())
//	}
//	if err := it.Err(); err != nil { ... }
type Iterator interface {
	// Next advances to the next pair and reports whether there is one.
	Next() bool
	// Key returns the current key. The caller owns the slice.
	Key() []byte
	// Value returns the current value. The caller owns the slice.
	Value() []byte
	// Err returns the error that stopped the iteration, if any.
	Err() error
	// Close releases the iterator. It is safe to call more than once and
	// returns the same error as Err.
	Close() error
}

// Txn is a transaction: reads see one consistent snapshot plus the
// transaction's own writes, and all writes commit together or not at all.
// A Txn must not be used after its function returns, nor shared between
// goroutines. An iterator sees the writes made before it was opened.
type Txn interface {
	Reader
	// Put sets key to a copy of value.
	Put(key, value []byte) error
	// Delete removes key; deleting an absent key is not an error.
	Delete(key []byte) error
	// PutStamped sets the key StampedKey(prefix, stamp, n) to a copy of
	// value, where stamp is the transaction's commit stamp and n counts
	// the transaction's earlier PutStamped calls. The key is made at
	// commit, so the transaction's own reads do not see it. Logs that
	// must list changes in commit order (change streams, history) key
	// their records this way.
	PutStamped(prefix, value []byte) error
}

// Store is an ordered key-value store with serializable transactions.
// All methods are safe for concurrent use.
type Store interface {
	// Reader reads the latest committed state; each call on its own is
	// consistent (a scan never sees part of a commit).
	Reader
	// Update runs fn in a read-write transaction and commits its writes
	// atomically, durably when the backend is durable. If fn returns an
	// error nothing is written and Update returns that error. fn may run
	// more than once (see the package doc) and must not call Update on
	// the same store.
	Update(ctx context.Context, fn func(Txn) error) error
	// View runs fn in a read-only transaction over one snapshot; writes
	// fail with ErrReadOnly.
	View(ctx context.Context, fn func(Txn) error) error
	// Close releases the store. Iterators and transactions still open
	// fail with ErrClosed afterwards. Close is idempotent.
	Close() error
}
