package pebble_test

import (
	"testing"

	"github.com/unkai-cloud/unkai/internal/storage"
	"github.com/unkai-cloud/unkai/internal/storage/pebble"
	"github.com/unkai-cloud/unkai/internal/storage/storagetest"
)

func open(tb testing.TB, opts pebble.Options) storage.Store {
	tb.Helper()
	db, err := pebble.Open(tb.TempDir(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	return db
}

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store { return open(t, pebble.Options{}) })
}

func BenchmarkStore(b *testing.B) {
	storagetest.Bench(b, func(b *testing.B) storage.Store { return open(b, pebble.Options{}) })
}

func BenchmarkStoreNoSync(b *testing.B) {
	storagetest.Bench(b, func(b *testing.B) storage.Store { return open(b, pebble.Options{NoSync: true}) })
}
