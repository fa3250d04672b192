package dynamodb

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// readJSON reads the JSON record at key (a what: "backup", "export", ...)
// into a new T; found is false when there is none.
func readJSON[T any](ctx context.Context, r storage.Reader, key []byte, what string) (v *T, found bool, err error) {
	raw, err := r.Get(ctx, key)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, awserr.Internal(err)
	}
	v = new(T)
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, false, internalf("decode %s: %w", what, err)
	}
	return v, true, nil
}

// putJSON stores v as the JSON record at key inside tx.
func putJSON(tx storage.Txn, key []byte, what string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return internalf("encode %s: %w", what, err)
	}
	return wrapInternal(tx.Put(key, raw))
}

// pageJSON scans the JSON records of [start, end) in key order and returns
// the first limit that keep accepts; when more follow, next is the id (as
// id gives it) of the last one returned, else "".
func pageJSON[T any](ctx context.Context, r storage.Reader, start, end []byte, what string, limit int,
	keep func(*T) bool, id func(*T) string) (page []*T, next string, err error) {
	it := r.Scan(ctx, start, end, storage.ScanOptions{})
	defer it.Close()
	for it.Next() {
		v := new(T)
		if err := json.Unmarshal(it.Value(), v); err != nil {
			return nil, "", internalf("decode %s: %w", what, err)
		}
		if !keep(v) {
			continue
		}
		if len(page) == limit {
			return page, id(page[len(page)-1]), nil
		}
		page = append(page, v)
	}
	if err := it.Err(); err != nil {
		return nil, "", awserr.Internal(err)
	}
	return page, "", nil
}
