// Package memory is an in-memory storage.Store for tests and --ephemeral
// servers. State is a persistent (copy-on-write) treap: a commit builds a
// new version sharing all untouched nodes, so snapshots and iterators are
// free and never block writers. Nothing survives Close.
package memory

import (
	"bytes"
	"context"
	"hash/maphash"
	"sync/atomic"

	"github.com/unkai-cloud/unkai/internal/storage"
	"github.com/unkai-cloud/unkai/internal/storage/internal/occ"
)

// Store is an in-memory storage.Store. Its zero value is not usable; call
// New.
type Store struct {
	s *occ.Store
}

// New returns an empty store.
func New() *Store {
	b := &backend{seed: maphash.MakeSeed()}
	b.root.Store(&version{})
	return &Store{s: occ.New(b, occ.Options{})}
}

// Get implements storage.Reader.
func (m *Store) Get(ctx context.Context, key []byte) ([]byte, error) {
	return m.s.Get(ctx, key)
}

// Scan implements storage.Reader.
func (m *Store) Scan(ctx context.Context, start, end []byte, opts storage.ScanOptions) storage.Iterator {
	return m.s.Scan(ctx, start, end, opts)
}

// Update implements storage.Store.
func (m *Store) Update(ctx context.Context, fn func(storage.Txn) error) error {
	return m.s.Update(ctx, fn)
}

// View implements storage.Store.
func (m *Store) View(ctx context.Context, fn func(storage.Txn) error) error {
	return m.s.View(ctx, fn)
}

// Close implements storage.Store; it drops all data.
func (m *Store) Close() error { return m.s.Close() }

// backend implements occ.Backend over versions of a treap.
type backend struct {
	seed maphash.Seed
	root atomic.Pointer[version]
}

// version is one immutable state of the store.
type version struct {
	root *node
}

// Current implements occ.Backend.
func (b *backend) Current() occ.View { return b.root.Load() }

// Snapshot implements occ.Backend.
func (b *backend) Snapshot() (occ.Snapshot, error) { return b.root.Load(), nil }

// Apply implements occ.Backend. Commits are serialized by the caller.
func (b *backend) Apply(ws []occ.Write) error {
	root := b.root.Load().root
	for _, w := range ws {
		if w.Delete {
			root = remove(root, w.Key)
			continue
		}
		root = insert(root, &node{key: w.Key, value: w.Value, prio: maphash.Bytes(b.seed, w.Key)})
	}
	b.root.Store(&version{root: root})
	return nil
}

// Sync implements occ.Backend; memory is never durable.
func (b *backend) Sync() error { return nil }

// Close implements occ.Backend.
func (b *backend) Close() error {
	b.root.Store(&version{})
	return nil
}

// Get implements occ.View.
func (v *version) Get(key []byte) ([]byte, error) {
	n := v.root
	for n != nil {
		switch c := bytes.Compare(key, n.key); {
		case c < 0:
			n = n.left
		case c > 0:
			n = n.right
		default:
			return append([]byte{}, n.value...), nil
		}
	}
	return nil, storage.ErrNotFound
}

// NewIter implements occ.View.
func (v *version) NewIter(start, end []byte, reverse bool) (occ.RawIter, error) {
	it := &iter{start: start, end: end, reverse: reverse}
	it.seek(v.root)
	return it, nil
}

// Close implements occ.Snapshot; versions need no release.
func (v *version) Close() error { return nil }

var (
	_ storage.Store = (*Store)(nil)
	_ occ.Backend   = (*backend)(nil)
	_ occ.Snapshot  = (*version)(nil)
)
