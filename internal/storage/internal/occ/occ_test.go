package occ_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/unkai-cloud/unkai/internal/storage"
	"github.com/unkai-cloud/unkai/internal/storage/memory"
)

// TestRetries checks how often Update runs a transaction that other commits
// keep invalidating: optimistic attempts until the limit, then one attempt
// under the commit lock, which must succeed.
func TestRetries(t *testing.T) {
	cases := []struct {
		name string
		// interfere is how many of the first attempts see other commits
		// land while they run; commits is how many each sees, the first
		// touching the key the transaction read when watched is set.
		interfere, commits int
		watched            bool
		want               int
	}{
		{"no interference", 0, 1, true, 1},
		{"one conflict", 1, 1, true, 2},
		{"unrelated commits", 1, 50, false, 1},
		{"history outgrown", 1, 3000, false, 2},
		{"always conflicting", 100, 1, true, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			s := memory.New()
			defer s.Close()
			attempts := 0
			err := s.Update(ctx, func(tx storage.Txn) error {
				attempts++
				if _, err := tx.Get(ctx, []byte("watched")); err != nil && err != storage.ErrNotFound {
					return err
				}
				// Attempts after the fourth hold the commit lock: another
				// Update would wait for this one.
				if attempts <= c.interfere && attempts <= 4 {
					done := make(chan error)
					go func() {
						for i := range c.commits {
							key := fmt.Sprintf("other%d", i)
							if i == 0 && c.watched {
								key = "watched"
							}
							if err := s.Update(ctx, func(tx storage.Txn) error { return tx.Put([]byte(key), nil) }); err != nil {
								done <- err
								return
							}
						}
						done <- nil
					}()
					if err := <-done; err != nil {
						return err
					}
				}
				return tx.Put([]byte("result"), []byte("x"))
			})
			if err != nil {
				t.Fatal(err)
			}
			if attempts != c.want {
				t.Errorf("ran %d times, want %d", attempts, c.want)
			}
		})
	}
}
