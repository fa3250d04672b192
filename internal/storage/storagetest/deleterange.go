package storagetest

import (
	"context"
	"strconv"
	"testing"

	"github.com/unkai-cloud/unkai/internal/storage"
)

// testDeleteRange: DeleteRange removes the first keys of a range up to its
// limit (all with 0) and Purge empties a range across several commits,
// leaving keys outside the range.
func testDeleteRange(t *testing.T, s storage.Store) {
	ctx := context.Background()
	for i := range 25 {
		put(t, s, "r/"+strconv.Itoa(100+i), "v")
	}
	put(t, s, "s", "outside")
	start, end := []byte("r/"), []byte("r0")
	var n int
	if err := s.Update(ctx, func(tx storage.Txn) error {
		var err error
		n, err = storage.DeleteRange(ctx, tx, start, end, 10)
		return err
	}); err != nil || n != 10 {
		t.Fatalf("DeleteRange with limit 10 = %d, %v", n, err)
	}
	if got := scan(t, s, start, end, storage.ScanOptions{}); len(got) != 15 || got[0] != "r/110=v" {
		t.Fatalf("after deleting 10: %v", got)
	}
	if err := storage.Purge(ctx, s, start, end, 4); err != nil {
		t.Fatal(err)
	}
	if got := scan(t, s, nil, nil, storage.ScanOptions{}); len(got) != 1 || got[0] != "s=outside" {
		t.Fatalf("after Purge: %v", got)
	}
}
