package dynamodb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// tableRecord is what is stored under a table's key: its description as
// DescribeTable answers it (minus the live counters) and its tags.
type tableRecord struct {
	Desc dynamodbapi.TableDescription `json:"desc"`
	Tags []dynamodbapi.Tag            `json:"tags,omitempty"`
}

// counts are an item count and a size in bytes.
type counts struct {
	Items int64 `json:"n"`
	Bytes int64 `json:"b"`
}

// tableStats are the live counters of a table and its indexes, stored
// apart from the description so that item writes do not rewrite it.
type tableStats struct {
	Table   counts            `json:"t"`
	Indexes map[string]counts `json:"i,omitempty"`
}

// statsKey is the key of a table's counters.
func statsKey(sc scope.Scope, table string) []byte {
	return storage.Key(Name, sc.Account, sc.Region, "stats", table)
}

// itemsPrefix is the key prefix of a table's items.
func itemsPrefix(sc scope.Scope, table string) []byte {
	return storage.Key(Name, sc.Account, sc.Region, "items", table)
}

// indexesPrefix is the key prefix of all index entries of a table.
func indexesPrefix(sc scope.Scope, table string) []byte {
	return storage.Key(Name, sc.Account, sc.Region, "index", table)
}

// indexPrefix is the key prefix of one index's entries.
func indexPrefix(sc scope.Scope, table, index string) []byte {
	return storage.AppendString(indexesPrefix(sc, table), index)
}

// tokensPrefix is the key prefix of TransactWriteItems' idempotency tokens.
func tokensPrefix(sc scope.Scope) []byte {
	return storage.Key(Name, sc.Account, sc.Region, "txtokens")
}

// loadTable reads a table's record; a missing table is ResourceNotFound.
func loadTable(ctx context.Context, r storage.Reader, sc scope.Scope, name string) (*tableRecord, error) {
	raw, err := r.Get(ctx, TableKey(sc, name))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, tableNotFound(name)
	}
	if err != nil {
		return nil, awserr.Internal(err)
	}
	var rec tableRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, internalf("decode table %s: %w", name, err)
	}
	return &rec, nil
}

// saveTable writes a table's record.
func saveTable(tx storage.Txn, sc scope.Scope, rec *tableRecord) error {
	raw, err := json.Marshal(rec)
	if err != nil {
		return internalf("encode table: %w", err)
	}
	if err := tx.Put(TableKey(sc, *rec.Desc.TableName), raw); err != nil {
		return awserr.Internal(err)
	}
	return nil
}

// loadStats reads a table's counters; absent counters are zero.
func loadStats(ctx context.Context, r storage.Reader, sc scope.Scope, name string) (*tableStats, error) {
	st := &tableStats{Indexes: map[string]counts{}}
	raw, err := r.Get(ctx, statsKey(sc, name))
	if errors.Is(err, storage.ErrNotFound) {
		return st, nil
	}
	if err != nil {
		return nil, awserr.Internal(err)
	}
	if err := json.Unmarshal(raw, st); err != nil {
		return nil, internalf("decode stats %s: %w", name, err)
	}
	if st.Indexes == nil {
		st.Indexes = map[string]counts{}
	}
	return st, nil
}

// saveStats writes a table's counters.
func saveStats(tx storage.Txn, sc scope.Scope, name string, st *tableStats) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return internalf("encode stats: %w", err)
	}
	if err := tx.Put(statsKey(sc, name), raw); err != nil {
		return awserr.Internal(err)
	}
	return nil
}

// deleteRange deletes every key in [start, end) inside tx.
func deleteRange(ctx context.Context, tx storage.Txn, start, end []byte) error {
	it := tx.Scan(ctx, start, end, storage.ScanOptions{})
	var keys [][]byte
	for it.Next() {
		keys = append(keys, it.Key())
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("scan for delete: %w", err)
	}
	for _, k := range keys {
		if err := tx.Delete(k); err != nil {
			return fmt.Errorf("delete: %w", err)
		}
	}
	return nil
}
