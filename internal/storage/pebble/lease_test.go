package pebble_test

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/unkai-cloud/unkai/internal/storage"
	"github.com/unkai-cloud/unkai/internal/storage/pebble"
)

// lastStamp commits one stamped record and returns the highest stamp
// under the prefix.
func lastStamp(t *testing.T, dir string) uint64 {
	t.Helper()
	db, err := pebble.Open(dir, pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	prefix := []byte("log/")
	if err := db.Update(ctx, func(tx storage.Txn) error { return tx.PutStamped(prefix, []byte("v")) }); err != nil {
		t.Fatal(err)
	}
	it := db.Scan(ctx, prefix, storage.PrefixEnd(prefix), storage.ScanOptions{Reverse: true, Limit: 1})
	defer it.Close()
	if !it.Next() {
		t.Fatalf("no stamped record: %v", it.Err())
	}
	st, _, err := storage.ParseStamped(it.Key(), len(prefix))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestStampsAcrossRestarts: the lease file makes the first stamp after a
// restart exceed every earlier one even when the saved lease is far in
// the future (as after the wall clock moved back).
func TestStampsAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	first := lastStamp(t, dir)
	if _, err := os.Stat(filepath.Join(dir, "UNKAI-STAMP-LEASE")); err != nil {
		t.Fatalf("no lease file: %v", err)
	}
	second := lastStamp(t, dir)
	if second <= first {
		t.Fatalf("stamp after restart %d <= %d", second, first)
	}
	// A lease one hour ahead stands for stamps handed out before the
	// clock was set back by an hour.
	future := second + 3600e9
	buf := binary.BigEndian.AppendUint64(nil, future)
	if err := os.WriteFile(filepath.Join(dir, "UNKAI-STAMP-LEASE"), buf, 0o600); err != nil {
		t.Fatal(err)
	}
	if third := lastStamp(t, dir); third <= future {
		t.Fatalf("stamp after restart %d is not above the lease %d", third, future)
	}
}
