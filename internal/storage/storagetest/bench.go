package storagetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/unkai-cloud/unkai/internal/storage"
)

// BenchOpener returns a fresh, empty store for one benchmark.
type BenchOpener func(b *testing.B) storage.Store

// benchKeys is how many keys the read benchmarks load.
const benchKeys = 10000

// benchKey is the i-th benchmark key.
func benchKey(i int) []byte {
	return storage.Key("bench", "us-east-1", "table", fmt.Sprintf("item%08d", i))
}

// Bench runs the shared benchmarks against stores returned by open: point
// Get, single-key Update (sequential and parallel) and a 100-key scan.
func Bench(b *testing.B, open BenchOpener) {
	ctx := context.Background()
	value := make([]byte, 100)
	load := func(b *testing.B) storage.Store {
		s := open(b)
		b.Cleanup(func() { _ = s.Close() })
		for lo := 0; lo < benchKeys; lo += 1000 {
			err := s.Update(ctx, func(tx storage.Txn) error {
				for i := lo; i < lo+1000; i++ {
					if err := tx.Put(benchKey(i), value); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		return s
	}
	b.Run("Get", func(b *testing.B) {
		s := load(b)
		keys := make([][]byte, benchKeys)
		for i := range keys {
			keys[i] = benchKey(i)
		}
		for i := 0; b.Loop(); i++ {
			if _, err := s.Get(ctx, keys[(i*7919)%benchKeys]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Put", func(b *testing.B) {
		s := open(b)
		b.Cleanup(func() { _ = s.Close() })
		for i := 0; b.Loop(); i++ {
			k := benchKey(i)
			if err := s.Update(ctx, func(tx storage.Txn) error { return tx.Put(k, value) }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("PutParallel", func(b *testing.B) {
		s := open(b)
		b.Cleanup(func() { _ = s.Close() })
		var n atomic.Int64
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				k := benchKey(int(n.Add(1)))
				if err := s.Update(ctx, func(tx storage.Txn) error { return tx.Put(k, value) }); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("Scan100", func(b *testing.B) {
		s := load(b)
		for i := 0; b.Loop(); i++ {
			start := benchKey((i * 7919) % (benchKeys - 100))
			it := s.Scan(ctx, start, nil, storage.ScanOptions{Limit: 100})
			n := 0
			for it.Next() {
				n++
			}
			if err := it.Close(); err != nil || n != 100 {
				b.Fatalf("scan: %d pairs, %v", n, err)
			}
		}
	})
}
