// Package pebble is the default, durable storage.Store: an embedded
// CockroachDB Pebble LSM under a directory. Every committed Update is in
// the fsync'd write-ahead log before Update returns (unless Options.NoSync),
// so a crash, even kill -9, loses no acknowledged transaction; commits from
// concurrent Updates share fsyncs. Transactions are the storage package's
// optimistic, serializable ones: reads come from a Pebble snapshot, writes
// go in one Pebble batch applied under a commit lock. As in Pebble itself,
// a commit is visible to readers as soon as it is applied, a moment before
// its fsync completes; the Update that made it returns only after.
package pebble

import (
	"context"
	"errors"
	"fmt"

	pdb "github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/unkai-cloud/unkai/internal/storage"
	"github.com/unkai-cloud/unkai/internal/storage/internal/occ"
)

// Options configure Open. The zero value is durable and quiet.
type Options struct {
	// NoSync skips the fsync at commit: a process crash still loses
	// nothing, but an operating system crash or power loss may lose the
	// latest commits. For benchmarks and throwaway data.
	NoSync bool
	// CacheSize is the block cache size in bytes; 0 means 64 MiB.
	CacheSize int64
	// FS replaces the file system, for fault-injection tests; nil is the
	// operating system's.
	FS vfs.FS
	// Logf receives Pebble's informational and error logs; nil discards
	// them.
	Logf func(format string, args ...any)
}

// DB is a storage.Store kept in a Pebble database.
type DB struct {
	s *occ.Store
}

// Open opens or creates the database in dir.
func Open(dir string, opts Options) (*DB, error) {
	size := opts.CacheSize
	if size <= 0 {
		size = 64 << 20
	}
	cache := pdb.NewCache(size)
	defer cache.Unref()
	po := &pdb.Options{
		Cache:              cache,
		FormatMajorVersion: pdb.FormatNewest,
		FS:                 opts.FS,
		Logger:             logger{opts.Logf},
	}
	db, err := pdb.Open(dir, po)
	if err != nil {
		return nil, fmt.Errorf("storage: open pebble in %s: %w", dir, err)
	}
	b := &backend{db: db, sync: !opts.NoSync}
	fs := opts.FS
	if fs == nil {
		fs = vfs.Default
	}
	lease := fileLease{fs: fs, dir: dir}
	return &DB{s: occ.New(b, occ.Options{Sync: !opts.NoSync, Lease: lease})}, nil
}

// Get implements storage.Reader.
func (d *DB) Get(ctx context.Context, key []byte) ([]byte, error) {
	return d.s.Get(ctx, key)
}

// Scan implements storage.Reader.
func (d *DB) Scan(ctx context.Context, start, end []byte, opts storage.ScanOptions) storage.Iterator {
	return d.s.Scan(ctx, start, end, opts)
}

// Update implements storage.Store.
func (d *DB) Update(ctx context.Context, fn func(storage.Txn) error) error {
	return d.s.Update(ctx, fn)
}

// View implements storage.Store.
func (d *DB) View(ctx context.Context, fn func(storage.Txn) error) error {
	return d.s.View(ctx, fn)
}

// Close implements storage.Store; it flushes nothing that is not already
// durable and releases the directory.
func (d *DB) Close() error { return d.s.Close() }

// logger adapts a printf function to Pebble's Logger.
type logger struct {
	logf func(format string, args ...any)
}

// Infof implements pdb.Logger.
func (l logger) Infof(format string, args ...any) {
	if l.logf != nil {
		l.logf(format, args...)
	}
}

// Errorf implements pdb.Logger.
func (l logger) Errorf(format string, args ...any) { l.Infof(format, args...) }

// Fatalf implements pdb.Logger. Pebble calls it on unrecoverable storage
// failures and expects it not to return.
func (l logger) Fatalf(format string, args ...any) {
	panic(fmt.Sprintf("pebble: "+format, args...))
}

// notFound maps Pebble's not-found error to storage.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, pdb.ErrNotFound) {
		return storage.ErrNotFound
	}
	return err
}

var _ storage.Store = (*DB)(nil)
