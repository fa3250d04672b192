package dynamodb

import (
	"context"
	"sort"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// multiTx tracks the tables one multi-item storage transaction touches:
// their schemas, counters and the capacity used on each.
type multiTx struct {
	ctx    context.Context
	tx     storage.Txn
	sc     scope.Scope
	tables map[string]*tableState
	shard  uint64 // the counter shard this transaction adds to
	// schemas derives the tables' schemas (the provider's cache).
	schemas *schemaCache
}

// tableState is one table's state inside a multiTx.
type tableState struct {
	sch   *schema
	stats *tableStats
	use   usage
	dirty bool
}

// newMultiTx starts tracking inside tx.
func newMultiTx(ctx context.Context, tx storage.Txn, sc scope.Scope, shard uint64, schemas *schemaCache) *multiTx {
	return &multiTx{ctx: ctx, tx: tx, sc: sc, tables: map[string]*tableState{}, shard: shard, schemas: schemas}
}

// table loads (once) the named table; a missing table is the
// ResourceNotFoundException batch operations send.
func (m *multiTx) table(name string) (*tableState, error) {
	if ts, ok := m.tables[name]; ok {
		return ts, nil
	}
	sch, err := m.schemas.loadSchema(m.ctx, m.tx, m.sc, name)
	if err != nil {
		return nil, err
	}
	ts := &tableState{sch: sch}
	m.tables[name] = ts
	return ts, nil
}

// statsOf loads (once) the counters of a table for writing.
func (m *multiTx) statsOf(ts *tableState) (*tableStats, error) {
	if ts.stats == nil {
		st, err := loadStatsShard(m.ctx, m.tx, m.sc, ts.sch.Name, m.shard)
		if err != nil {
			return nil, err
		}
		ts.stats = st
	}
	ts.dirty = true
	return ts.stats, nil
}

// save writes the counters of every table written to.
func (m *multiTx) save() error {
	for _, ts := range m.tables {
		if ts.dirty {
			if err := saveStatsShard(m.tx, m.sc, ts.sch.Name, m.shard, ts.stats); err != nil {
				return err
			}
		}
	}
	return nil
}

// consumedList reports the capacity used per table, sorted by table name.
func (m *multiTx) consumedList(mode *string, write bool) []dynamodbapi.ConsumedCapacity {
	m2 := deref(mode)
	if m2 != capTotal && m2 != capIndexes {
		return nil
	}
	names := make([]string, 0, len(m.tables))
	for n := range m.tables {
		names = append(names, n)
	}
	sort.Strings(names)
	out := []dynamodbapi.ConsumedCapacity{}
	for _, n := range names {
		ts := m.tables[n]
		out = append(out, *consumed(mode, ts.sch, ts.use, write))
	}
	return out
}
