package storage

import "fmt"

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
