package s3

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// readRecord decodes the JSON record stored under key into v, which names
// what it is in errors. It reports false, and leaves v alone, when there
// is no record; a failed read or decode is an internal error.
func readRecord(ctx context.Context, r storage.Reader, key []byte, what string, v any) (bool, error) {
	raw, err := r.Get(ctx, key)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, awserr.Internal(fmt.Errorf("s3: read %s: %w", what, err))
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, awserr.Internal(fmt.Errorf("s3: decode %s: %w", what, err))
	}
	return true, nil
}

// putRecord stores v as the JSON record under key inside tx.
func putRecord(tx storage.Txn, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return awserr.Internal(fmt.Errorf("s3: encode record: %w", err))
	}
	return tx.Put(key, raw)
}
