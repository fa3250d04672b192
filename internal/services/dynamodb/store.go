package dynamodb

import (
	"context"
	"encoding/json"
	"errors"

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
	TTL  *ttlState                    `json:"ttl,omitempty"`  // time to live (ttl.go)
	PITR *pitrState                   `json:"pitr,omitempty"` // point-in-time recovery (pitr.go)
	// Settings records recent settings changes, for their limits (table_settings.go).
	Settings *settingsLog `json:"settings,omitempty"`
	// Replica is this table as the other replicas of its global table
	// describe it (replica.go); nil for a table that was never replicated.
	Replica *dynamodbapi.ReplicaDescription `json:"replica,omitempty"`
}

// counts are an item count and a size in bytes.
type counts struct {
	Items int64 `json:"n"`
	Bytes int64 `json:"b"`
}

// add adds o's counts to c.
func (c *counts) add(o counts) {
	c.Items += o.Items
	c.Bytes += o.Bytes
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
		if err := checkTableName("tableName", name); err != nil {
			return nil, err
		}
		return nil, tableNotFound(name)
	}
	if err != nil {
		return nil, awserr.Internal(err)
	}
	return decodeTable(name, raw)
}

// decodeTable decodes the stored record of table name.
func decodeTable(name string, raw []byte) (*tableRecord, error) {
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

// A table's counters are kept in statsShards records that hold deltas, and
// its totals are their sum. Each item write adds to one shard, picked round
// robin, so concurrent writers to one table rarely touch the same record and
// do not serialize on it (the storage's transactions would otherwise re-run
// every writer but one).
const statsShards = 32

// statsShardKey is the key of one shard of a table's counters.
func statsShardKey(sc scope.Scope, table string, shard uint64) []byte {
	return storage.AppendUint64(statsKey(sc, table), shard)
}

func decodeStats(raw []byte, name string) (*tableStats, error) {
	st := &tableStats{}
	if err := json.Unmarshal(raw, st); err != nil {
		return nil, internalf("decode stats %s: %w", name, err)
	}
	if st.Indexes == nil {
		st.Indexes = map[string]counts{}
	}
	return st, nil
}

// loadStats reads a table's counter totals (the sum of its shards); absent
// counters are zero.
func loadStats(ctx context.Context, r storage.Reader, sc scope.Scope, name string) (*tableStats, error) {
	total := &tableStats{Indexes: map[string]counts{}}
	start, end := storage.PrefixRange(statsKey(sc, name))
	it := r.Scan(ctx, start, end, storage.ScanOptions{})
	defer it.Close()
	for it.Next() {
		st, err := decodeStats(it.Value(), name)
		if err != nil {
			return nil, err
		}
		total.Table.add(st.Table)
		for n, c := range st.Indexes {
			t := total.Indexes[n]
			t.add(c)
			total.Indexes[n] = t
		}
	}
	if err := it.Err(); err != nil {
		return nil, awserr.Internal(err)
	}
	return total, nil
}

// saveStats replaces a table's counters with the totals st.
func saveStats(ctx context.Context, tx storage.Txn, sc scope.Scope, name string, st *tableStats) error {
	start, end := storage.PrefixRange(statsKey(sc, name))
	if err := deleteRange(ctx, tx, start, end); err != nil {
		return awserr.Internal(err)
	}
	return saveStatsShard(tx, sc, name, 0, st)
}

// loadStatsShard reads one shard of a table's counters, to add a write's
// deltas to it.
func loadStatsShard(ctx context.Context, r storage.Reader, sc scope.Scope, name string, shard uint64) (*tableStats, error) {
	raw, err := r.Get(ctx, statsShardKey(sc, name, shard))
	if errors.Is(err, storage.ErrNotFound) {
		return &tableStats{Indexes: map[string]counts{}}, nil
	}
	if err != nil {
		return nil, awserr.Internal(err)
	}
	return decodeStats(raw, name)
}

// saveStatsShard writes one shard of a table's counters.
func saveStatsShard(tx storage.Txn, sc scope.Scope, name string, shard uint64, st *tableStats) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return internalf("encode stats: %w", err)
	}
	if err := tx.Put(statsShardKey(sc, name, shard), raw); err != nil {
		return awserr.Internal(err)
	}
	return nil
}

// deleteRange deletes every key in [start, end) inside tx.
func deleteRange(ctx context.Context, tx storage.Txn, start, end []byte) error {
	_, err := storage.DeleteRange(ctx, tx, start, end, 0)
	return err
}

// purgeRange deletes every key of [start, end) in transactions of at most
// batch deletes each.
func (p *Provider) purgeRange(ctx context.Context, start, end []byte, batch int) error {
	return wrapInternal(storage.Purge(ctx, p.store, start, end, batch))
}
