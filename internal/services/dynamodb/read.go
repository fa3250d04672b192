package dynamodb

import (
	"bytes"
	"context"
	"hash/fnv"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/expr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Select settings.
const (
	selAll       = "ALL_ATTRIBUTES"
	selProjected = "ALL_PROJECTED_ATTRIBUTES"
	selSpecific  = "SPECIFIC_ATTRIBUTES"
	selCount     = "COUNT"
	// maxPageBytes is the most item data one Query or Scan page reads.
	maxPageBytes = 1 << 20
)

// Messages about queries and scans.
const (
	msgNoIndex            = "The table does not have the specified index: %s"
	msgGSIConsistent      = "Consistent reads are not supported on global secondary indexes"
	msgSelectAllGSI       = msgInvalid + "Select type ALL_ATTRIBUTES is not supported for global secondary index %s because its projection type is not ALL"
	msgSelectSpecificNone = msgInvalid + "Select type SPECIFIC_ATTRIBUTES requires a ProjectionExpression or AttributesToGet"
	msgSelectWithProj     = msgInvalid + "Cannot specify the ProjectionExpression when choosing to get %s"
	msgSelectWithAttrs    = msgInvalid + "Cannot specify the AttributesToGet when choosing to get %s"
	msgBadStartKey        = "The provided starting key is invalid: The provided key element does not match the schema"
	msgNoKeyCondition     = "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."
	msgKeyCondType        = msgInvalid + "Condition parameter type does not match schema type"
	msgLimitZero          = "1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"
	msgSegmentNoTotal     = "The TotalSegments parameter is required but was not present in the request when Segment parameter is present"
	msgTotalNoSegment     = "The Segment parameter is required but was not present in the request when parameter TotalSegments is present"
	msgSegmentRange       = "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: %d is not less than TotalSegments: %d"
	msgStartOutside       = "The provided starting key is outside query boundaries based on provided conditions"
	msgStartNoMatch       = "The provided starting key does not match the range key predicate"
	msgQueryFilterOnKey   = "QueryFilter can only contain non-primary key attributes: Primary key attribute: %s"
	msgFilterOnKey        = "Filter Expression can only contain non-primary key attributes: Primary key attribute: %s"
	msgBetweenOrder       = "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound"
)

// readReq is one Query or Scan page to read.
type readReq struct {
	sch        *schema
	idx        *indexDef // nil for the table itself
	start, end []byte
	reverse    bool
	limit      int
	startKey   attr.Item
	filter     condition
	proj       *expr.Projection
	sel        string
	consistent bool
	fromTable  bool               // fetch whole items from the table (LSI, non-ALL projection)
	keyCond    *expr.KeyCondition // sort condition checked per entry (begins_with)
	segment    int
	segments   int // 0: no segmentation
}

// readResult is a page read.
type readResult struct {
	items   []attr.Item
	count   int64
	scanned int64
	last    attr.Item
	units   float64
}

// targetKey is the key (partition, sort) of the table or index read.
func (r *readReq) targetKey() keyDef {
	if r.idx != nil {
		return r.idx.Key
	}
	return r.sch.Key
}

// entryKey is the storage key of it in the table or index read.
func (r *readReq) entryKey(sc scope.Scope, it attr.Item) []byte {
	if r.idx != nil {
		return indexEntryKey(sc, r.sch, r.idx, it)
	}
	return itemKey(sc, r.sch, it)
}

// lastKey is the LastEvaluatedKey of it: the table key and, for an index,
// the index key.
func (r *readReq) lastKey(it attr.Item) attr.Item {
	k := keyAttrs(r.sch.Key, it)
	if r.idx != nil {
		for _, n := range r.idx.Key.names() {
			k[n] = it[n]
		}
	}
	return k
}

// checkStartKey validates ExclusiveStartKey.
func (r *readReq) checkStartKey(k attr.Item) error {
	want := map[string]bool{}
	for _, n := range r.sch.Key.names() {
		want[n] = true
	}
	if r.idx != nil {
		for _, n := range r.idx.Key.names() {
			want[n] = true
		}
	}
	if len(k) != len(want) {
		return validation(msgBadStartKey)
	}
	for n := range want {
		v, ok := k[n]
		if !ok || attr.TypeOf(v) != r.sch.Types[n] {
			return validation(msgBadStartKey)
		}
	}
	return nil
}

// segmentOf is the scan segment an item's partition belongs to.
func segmentOf(pk dynamodbapi.AttributeValue, total int) int {
	h := fnv.New64a()
	h.Write(attr.AppendKey(nil, pk))
	return int(h.Sum64() % uint64(total))
}

// read reads one page inside tx.
func (p *Provider) read(ctx context.Context, tx storage.Txn, sc scope.Scope, r *readReq) (*readResult, error) {
	start, end := r.start, r.end
	if r.startKey != nil {
		if err := r.checkStartKey(r.startKey); err != nil {
			return nil, err
		}
		attr.NormalizeItem(r.startKey)
		k := r.entryKey(sc, r.startKey)
		if r.reverse {
			if bytes.Compare(k, end) < 0 {
				end = k
			}
		} else if after := storage.KeyAfter(k); bytes.Compare(after, start) > 0 {
			start = after
		}
	}
	res := &readResult{}
	if bytes.Compare(start, end) >= 0 {
		return res, nil
	}
	it := tx.Scan(ctx, start, end, storage.ScanOptions{Reverse: r.reverse})
	defer it.Close()
	size := 0
	tk := r.targetKey()
	for it.Next() {
		item, err := attr.UnmarshalItem(it.Value())
		if err != nil {
			return nil, internalf("decode item: %w", err)
		}
		if r.segments > 0 && segmentOf(item[r.sch.Key.Hash], r.segments) != r.segment {
			continue
		}
		if r.keyCond != nil && tk.Range != "" {
			if !r.keyCond.Match(item[tk.Range]) {
				if !r.reverse {
					break // entries are sorted: the prefix range has ended
				}
				continue
			}
		}
		if r.fromTable {
			full, err := loadItem(ctx, tx, sc, r.sch, keyAttrs(r.sch.Key, item))
			if err != nil {
				return nil, err
			}
			if full != nil {
				item = full
			}
		}
		res.scanned++
		size += attr.ItemSize(item)
		match := true
		if r.filter != nil {
			if match, err = r.filter.Eval(item); err != nil {
				return nil, err
			}
		}
		if match {
			res.count++
			if r.sel != selCount {
				if r.proj != nil {
					item = r.proj.Apply(item)
				}
				res.items = append(res.items, item)
			}
		}
		if (r.limit > 0 && int(res.scanned) >= r.limit) || size >= maxPageBytes {
			res.last = r.lastKey(item)
			if r.proj != nil || r.fromTable {
				// The projected copy may lack key attributes: take them
				// from the stored entry.
				raw, err := attr.UnmarshalItem(it.Value())
				if err != nil {
					return nil, internalf("decode item: %w", err)
				}
				res.last = r.lastKey(raw)
			}
			break
		}
	}
	if err := it.Err(); err != nil {
		return nil, internalf("read: %w", err)
	}
	res.units = readUnits(size, r.consistent)
	return res, nil
}

// prepareRead resolves the index, Select and projection settings shared by
// Query and Scan.
func prepareRead(sch *schema, indexName *string, sel *string, c *compiled, consistent bool, hasAttrsToGet bool) (*readReq, error) {
	r := &readReq{sch: sch, proj: c.proj, filter: c.filter, consistent: consistent}
	if indexName != nil {
		idx, ok := sch.index(*indexName)
		if !ok {
			return nil, validation(msgNoIndex, *indexName)
		}
		r.idx = idx
		if idx.Global && consistent {
			return nil, validation(msgGSIConsistent)
		}
	}
	r.sel = deref(sel)
	if r.sel == "" {
		switch {
		case c.proj != nil:
			r.sel = selSpecific
		case r.idx != nil:
			r.sel = selProjected
		default:
			r.sel = selAll
		}
	}
	if c.proj != nil && r.sel != selSpecific {
		if hasAttrsToGet {
			return nil, validation(msgSelectWithAttrs, r.sel)
		}
		return nil, validation(msgSelectWithProj, r.sel)
	}
	if r.sel == selSpecific && c.proj == nil {
		return nil, validation(msgSelectSpecificNone)
	}
	if r.idx != nil && r.idx.Proj != projAll {
		needTable := r.sel == selAll
		if r.sel == selSpecific && c.proj != nil {
			for _, n := range c.proj.TopLevelNames() {
				if !r.projects(n) {
					needTable = true
				}
			}
		}
		if needTable {
			if r.idx.Global {
				return nil, validation(msgSelectAllGSI, r.idx.Name)
			}
			r.fromTable = true
		}
	}
	return r, nil
}

// projects reports whether the index read holds attribute n.
func (r *readReq) projects(n string) bool {
	if r.idx == nil || r.idx.Proj == projAll || r.idx.Include[n] {
		return true
	}
	for _, k := range append(r.sch.Key.names(), r.idx.Key.names()...) {
		if k == n {
			return true
		}
	}
	return false
}

// prefixOf is the key prefix of the table or index read.
func (r *readReq) prefixOf(sc scope.Scope) []byte {
	if r.idx != nil {
		return indexPrefix(sc, r.sch.Name, r.idx.Name)
	}
	return itemsPrefix(sc, r.sch.Name)
}

// usageOf reports read capacity against the table or the index read.
func (r *readReq) usageOf(units float64) usage {
	if r.idx != nil {
		return usage{indexes: map[string]float64{r.idx.Name: units}}
	}
	return usage{table: units}
}

// keyRange returns the storage range a key condition selects.
func (r *readReq) keyRange(sc scope.Scope, kc *expr.KeyCondition) (start, end []byte, err error) {
	tk := r.targetKey()
	if err := kc.Bind(tk.Hash, tk.Range); err != nil {
		return nil, nil, err
	}
	if attr.TypeOf(kc.PartitionValue) != r.sch.Types[tk.Hash] {
		return nil, nil, validation(msgKeyCondType)
	}
	hv := kc.PartitionValue
	attr.Normalize(&hv)
	prefix := appendKeyPart(r.prefixOf(sc), hv)
	start, end = prefix, storage.PrefixEnd(prefix)
	s := kc.Sort
	if s == nil {
		return start, end, nil
	}
	vals := make([]dynamodbapi.AttributeValue, len(s.Values))
	for i, v := range s.Values {
		if attr.TypeOf(v) != r.sch.Types[tk.Range] {
			return nil, nil, validation(msgKeyCondType)
		}
		attr.Normalize(&v)
		vals[i] = v
	}
	at := func(v dynamodbapi.AttributeValue) []byte { return appendKeyPart(bytes.Clone(prefix), v) }
	switch s.Op {
	case expr.OpEQ:
		return at(vals[0]), storage.PrefixEnd(at(vals[0])), nil
	case expr.OpLT:
		return start, at(vals[0]), nil
	case expr.OpLE:
		return start, storage.PrefixEnd(at(vals[0])), nil
	case expr.OpGT:
		return storage.PrefixEnd(at(vals[0])), end, nil
	case expr.OpGE:
		return at(vals[0]), end, nil
	case expr.OpBetween:
		if c, ok := attr.Compare(vals[0], vals[1]); ok && c > 0 {
			return nil, nil, validation(msgBetweenOrder)
		}
		return at(vals[0]), storage.PrefixEnd(at(vals[1])), nil
	case expr.OpBeginsWith:
		r.keyCond = kc
		return at(vals[0]), end, nil
	}
	return start, end, nil
}
