// Package storagetest is the conformance suite every storage backend must
// pass, and the benchmarks that compare them. A backend's test calls
//
//	storagetest.Run(t, func(t *testing.T) storage.Store { return open(t) })
//
// Run calls open once per case with a fresh, empty store and closes it
// when the case ends.
package storagetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/unkai-cloud/unkai/internal/storage"
)

// Opener returns a fresh, empty store for one test case.
type Opener func(t *testing.T) storage.Store

// Run runs the conformance suite against stores returned by open.
func Run(t *testing.T, open Opener) {
	cases := []struct {
		name string
		fn   func(*testing.T, storage.Store)
	}{
		{"GetPutDelete", testGetPutDelete},
		{"EmptyValuesAndKeys", testEmpty},
		{"Ownership", testOwnership},
		{"Scan", testScan},
		{"ScanPrefix", testScanPrefix},
		{"ScanInTxn", testScanInTxn},
		{"ReadYourWrites", testReadYourWrites},
		{"AllOrNothing", testAllOrNothing},
		{"ReadOnlyAndDone", testReadOnlyAndDone},
		{"Context", testContext},
		{"Model", testModel},
		{"ConcurrentCounter", testConcurrentCounter},
		{"ConcurrentTransfers", testConcurrentTransfers},
		{"ConflictRerun", testConflictRerun},
		{"PhantomRerun", testPhantomRerun},
		{"Isolation", testIsolation},
		{"Closed", testClosed},
		{"CloseUnderLoad", testCloseUnderLoad},
		{"Stamped", testStamped},
		{"StampedCommitOrder", testStampedCommitOrder},
		{"StampedConflict", testStampedConflict},
		{"DeleteRange", testDeleteRange},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			c.fn(t, s)
		})
	}
}

// put commits key=value.
func put(t testing.TB, s storage.Store, key, value string) {
	t.Helper()
	err := s.Update(context.Background(), func(tx storage.Txn) error {
		return tx.Put([]byte(key), []byte(value))
	})
	if err != nil {
		t.Fatalf("put %q: %v", key, err)
	}
}

// get returns the value of key and whether it exists.
func get(t testing.TB, r storage.Reader, key string) (string, bool) {
	t.Helper()
	v, err := r.Get(context.Background(), []byte(key))
	if errors.Is(err, storage.ErrNotFound) {
		return "", false
	}
	if err != nil {
		t.Fatalf("get %q: %v", key, err)
	}
	return string(v), true
}

// scan returns "k=v" strings of a scan.
func scan(t testing.TB, r storage.Reader, start, end []byte, opts storage.ScanOptions) []string {
	t.Helper()
	kvs, err := storage.Collect(r.Scan(context.Background(), start, end, opts))
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	out := make([]string, 0, len(kvs))
	for _, kv := range kvs {
		out = append(out, fmt.Sprintf("%s=%s", kv.Key, kv.Value))
	}
	return out
}
