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
	ctx context.Context
	tx  storage.Txn
	sc  scope.Scope // the caller's
	op  string      // the operation, for resolving table ARNs (tablearn.go)
	// tables are keyed by the TableName the request gave (a name or an
	// ARN), which the responses echo.
	tables map[string]*tableState
	shard  uint64 // the counter shard this transaction adds to
	// schemas derives the tables' schemas (the provider's cache).
	schemas *schemaCache
}

// tableState is one table's state inside a multiTx.
type tableState struct {
	ref   string      // the TableName the request gave
	sc    scope.Scope // the scope the table lives in (its ARN's)
	sch   *schema
	stats *tableStats
	use   usage
	dirty bool
}

// newMultiTx starts tracking inside tx.
func newMultiTx(ctx context.Context, tx storage.Txn, sc scope.Scope, op string, shard uint64, schemas *schemaCache) *multiTx {
	return &multiTx{ctx: ctx, tx: tx, sc: sc, op: op, tables: map[string]*tableState{}, shard: shard, schemas: schemas}
}

// table loads (once) the table a TableName (a name or an ARN) names. A
// malformed or refused ARN is its resolution error (tablearn.go); a
// missing table is the ResourceNotFoundException batch operations send.
func (m *multiTx) table(ref string) (*tableState, error) {
	if ts, ok := m.tables[ref]; ok {
		return ts, nil
	}
	t, err := resolveTable(m.sc, m.op, ref)
	if err != nil {
		return nil, err
	}
	sch, err := m.schemas.loadSchema(m.ctx, m.tx, t.sc, t.name)
	if err != nil {
		return nil, resourceNotFound()
	}
	ts := &tableState{ref: ref, sc: t.sc, sch: sch}
	m.tables[ref] = ts
	return ts, nil
}

// statsOf loads (once) the counters of a table for writing.
func (m *multiTx) statsOf(ts *tableState) (*tableStats, error) {
	if ts.stats == nil {
		st, err := loadStatsShard(m.ctx, m.tx, ts.sc, ts.sch.Name, m.shard)
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
			if err := saveStatsShard(m.tx, ts.sc, ts.sch.Name, m.shard, ts.stats); err != nil {
				return err
			}
		}
	}
	return nil
}

// consumedList reports the capacity used per table, sorted by the table
// names (or ARNs) the request gave, which it reports them by.
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
		c := consumed(mode, ts.sch, ts.use, write)
		c.TableName = ptr(n)
		out = append(out, *c)
	}
	return out
}
