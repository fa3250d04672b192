package memory_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/unkai-cloud/unkai/internal/storage"
	"github.com/unkai-cloud/unkai/internal/storage/memory"
)

// FuzzTxnScan drives committed writes, then buffered writes in a
// transaction, then a scan merging both, and compares with a map model.
// Each op is 3 bytes: kind, key, arg; keys are one byte from a small set.
func FuzzTxnScan(f *testing.F) {
	f.Add([]byte{0, 'a', 1, 0, 'c', 2, 1, 'b', 3, 2, 'c', 0, 3, 'a', 'd', 4, 0, 0})
	f.Add([]byte{0, 'a', 1, 1, 'a', 2, 3, 0, 0xff, 5, 1, 0})
	f.Add([]byte{1, 'x', 1, 2, 'x', 0, 1, 'y', 1, 3, 'x', 'z', 5, 'x', 2})
	f.Fuzz(func(t *testing.T, ops []byte) {
		ctx := context.Background()
		s := memory.New()
		defer s.Close()
		committed := map[string]string{}
		key := func(b byte) []byte { return []byte{'a' + b%8} }
		// Commit phase: ops until the first kind >= 1.
		i := 0
		for ; i+3 <= len(ops) && ops[i]%6 == 0; i += 3 {
			k, v := key(ops[i+1]), []byte{ops[i+2]}
			committed[string(k)] = string(v)
			if err := s.Update(ctx, func(tx storage.Txn) error { return tx.Put(k, v) }); err != nil {
				t.Fatal(err)
			}
		}
		errDone := errors.New("done")
		err := s.Update(ctx, func(tx storage.Txn) error {
			model := maps.Clone(committed)
			for ; i+3 <= len(ops); i += 3 {
				kind, a, b := ops[i]%6, ops[i+1], ops[i+2]
				switch kind {
				case 0, 1:
					model[string(key(a))] = string([]byte{b})
					if err := tx.Put(key(a), []byte{b}); err != nil {
						return err
					}
				case 2:
					delete(model, string(key(a)))
					if err := tx.Delete(key(a)); err != nil {
						return err
					}
				default:
					start, end := key(a), key(b)
					if a == 0xff {
						start = nil
					}
					if b == 0xff {
						end = nil
					}
					opts := storage.ScanOptions{Reverse: kind == 4, Limit: int(a % 3)}
					var want []string
					for k, v := range model {
						if (start == nil || k >= string(start)) && (end == nil || k < string(end)) {
							want = append(want, k+"="+v)
						}
					}
					slices.Sort(want)
					if opts.Reverse {
						slices.Reverse(want)
					}
					if opts.Limit > 0 && len(want) > opts.Limit {
						want = want[:opts.Limit]
					}
					kvs, err := storage.Collect(tx.Scan(ctx, start, end, opts))
					if err != nil {
						return err
					}
					got := []string{}
					for _, kv := range kvs {
						got = append(got, string(kv.Key)+"="+string(kv.Value))
					}
					if want == nil {
						want = []string{}
					}
					if !slices.Equal(got, want) {
						t.Fatalf("scan [%q,%q) %+v: got %q, want %q", start, end, opts, got, want)
					}
				}
			}
			return errDone
		})
		if !errors.Is(err, errDone) {
			t.Fatal(err)
		}
	})
}
