package dynamodb

import (
	"context"
	"math"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// icmSize is the ReturnItemCollectionMetrics setting that asks for item
// collection metrics.
const icmSize = "SIZE"

// gigabyte is the unit of SizeEstimateRangeGB.
const gigabyte = 1 << 30

// hasLSI reports whether the table has a local secondary index, without
// which it has no item collections to report.
func (s *schema) hasLSI() bool {
	for i := range s.Indexes {
		if !s.Indexes[i].Global {
			return true
		}
	}
	return false
}

// wantsMetrics reports whether a write with ReturnItemCollectionMetrics
// set to mode on a table of schema sch returns item collection metrics.
func wantsMetrics(mode *string, sch *schema) bool {
	return deref(mode) == icmSize && sch != nil && sch.hasLSI()
}

// sizeEstimateGB is the SizeEstimateRangeGB pair for a collection of size
// bytes: the whole gigabytes below the size and one more, so the size lies
// in [lower, upper) and a collection under 1 GB reports [0, 1].
func sizeEstimateGB(size int64) []float64 {
	lower := math.Floor(float64(max(size, 0)) / gigabyte)
	return []float64{lower, lower + 1}
}

// collectionSize is the size in bytes of the item collection holding the
// partition key value pk: every table item with that partition key plus
// each one's entries in the local secondary indexes.
func collectionSize(ctx context.Context, r storage.Reader, sc scope.Scope, sch *schema, pk dynamodbapi.AttributeValue) (int64, error) {
	prefix := appendKeyPart(itemsPrefix(sc, sch.Name), pk)
	start, end := storage.PrefixRange(prefix)
	it := r.Scan(ctx, start, end, storage.ScanOptions{})
	defer it.Close()
	var size int64
	for it.Next() {
		item, err := attr.UnmarshalItem(it.Value())
		if err != nil {
			return 0, internalf("decode item: %w", err)
		}
		size += int64(attr.ItemSize(item))
		for i := range sch.Indexes {
			idx := &sch.Indexes[i]
			if !idx.Global && hasKey(idx.Key, item) {
				size += int64(attr.ItemSize(project(sch, idx, item)))
			}
		}
	}
	if err := it.Err(); err != nil {
		return 0, awserr.Internal(err)
	}
	return size, nil
}

// collectionMetrics reports the item collection of the item with key
// attributes key, as it stands in r.
func collectionMetrics(ctx context.Context, r storage.Reader, sc scope.Scope, sch *schema, key attr.Item) (*dynamodbapi.ItemCollectionMetrics, error) {
	pk := key[sch.Key.Hash]
	size, err := storedCollectionSize(ctx, r, sc, sch, pk)
	if err != nil {
		return nil, err
	}
	return &dynamodbapi.ItemCollectionMetrics{
		ItemCollectionKey:   attr.Item{sch.Key.Hash: pk},
		SizeEstimateRangeGB: sizeEstimateGB(size),
	}, nil
}

// collectionSet gathers the item collections a multi-item write touched,
// per table, each once, in the order first written.
type collectionSet struct {
	keys map[string][]attr.Item // table (as the request named it) → key attributes, one per partition
	seen map[string]bool        // partition storage prefixes already listed
}

// add records the collection of the item with key attributes key in table
// ts, when mode asks for metrics and the table has any.
func (c *collectionSet) add(mode *string, ts *tableState, key attr.Item) {
	sch := ts.sch
	if !wantsMetrics(mode, sch) {
		return
	}
	id := string(appendKeyPart(itemsPrefix(ts.sc, sch.Name), key[sch.Key.Hash]))
	if c.seen[id] {
		return
	}
	if c.keys == nil {
		c.keys, c.seen = map[string][]attr.Item{}, map[string]bool{}
	}
	c.seen[id] = true
	c.keys[ts.ref] = append(c.keys[ts.ref], key)
}

// metrics measures every recorded collection inside m's transaction; nil
// when none was recorded.
func (c *collectionSet) metrics(m *multiTx) (map[string][]dynamodbapi.ItemCollectionMetrics, error) {
	if len(c.keys) == 0 {
		return nil, nil
	}
	out := make(map[string][]dynamodbapi.ItemCollectionMetrics, len(c.keys))
	for table, keys := range c.keys {
		ts := m.tables[table]
		for _, k := range keys {
			icm, err := collectionMetrics(m.ctx, m.tx, ts.sc, ts.sch, k)
			if err != nil {
				return nil, err
			}
			out[table] = append(out[table], *icm)
		}
	}
	return out, nil
}

// itemMetrics sets *dst to the metrics of the collection of the item with
// key attributes key after a single-item write inside tx, when mode asks
// for them; otherwise it leaves *dst nil.
func itemMetrics(ctx context.Context, tx storage.Txn, sc scope.Scope, sch *schema, mode *string, key attr.Item, dst **dynamodbapi.ItemCollectionMetrics) error {
	*dst = nil
	if !wantsMetrics(mode, sch) {
		return nil
	}
	icm, err := collectionMetrics(ctx, tx, sc, sch, key)
	if err != nil {
		return err
	}
	*dst = icm
	return nil
}
