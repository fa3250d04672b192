package storage

import (
	"context"
	"fmt"
)

// KV is one key-value pair.
type KV struct {
	Key   []byte
	Value []byte
}

// Collect drains and closes it, returning its pairs.
func Collect(it Iterator) ([]KV, error) {
	var out []KV
	for it.Next() {
		out = append(out, KV{Key: it.Key(), Value: it.Value()})
	}
	if err := it.Close(); err != nil {
		return out, fmt.Errorf("storage: collect: %w", err)
	}
	return out, nil
}

// DeleteRange deletes the first limit keys of [start, end) inside tx
// (every key of the range when limit is 0) and reports how many it
// deleted.
func DeleteRange(ctx context.Context, tx Txn, start, end []byte, limit int) (int, error) {
	it := tx.Scan(ctx, start, end, ScanOptions{Limit: limit})
	var keys [][]byte
	for it.Next() {
		keys = append(keys, it.Key())
	}
	if err := it.Close(); err != nil {
		return 0, fmt.Errorf("storage: scan for delete: %w", err)
	}
	for _, k := range keys {
		if err := tx.Delete(k); err != nil {
			return 0, fmt.Errorf("storage: delete: %w", err)
		}
	}
	return len(keys), nil
}

// Purge deletes every key of [start, end) from s in transactions of at
// most batch deletes each, so a large range never makes one huge commit.
func Purge(ctx context.Context, s Store, start, end []byte, batch int) error {
	for {
		n := 0
		err := s.Update(ctx, func(tx Txn) error {
			var err error
			n, err = DeleteRange(ctx, tx, start, end, batch)
			return err
		})
		if err != nil || n < batch {
			return err
		}
	}
}
