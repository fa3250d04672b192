package dynamodb

import (
	"context"
	"sort"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Batch limits and messages.
const (
	maxBatchGet       = 100
	maxBatchWrite     = 25
	maxBatchGetBytes  = 16 << 20 // BatchGetItem's response size limit
	msgTooManyGet     = "Too many items requested for the BatchGetItem call"
	msgTooManyWrite   = "Too many items requested for the BatchWriteItem call"
	msgDuplicateKeys  = "Provided list of item keys contains duplicates"
	msgOneWriteAction = msgInvalid + "Exactly one of PutRequest or DeleteRequest must be specified"
)

// keyString is a map key identifying an item of a table.
func keyString(sc scope.Scope, sch *schema, key attr.Item) string {
	return string(itemKey(sc, sch, key))
}

func (p *Provider) batchGetItem(ctx context.Context, in *dynamodbapi.BatchGetItemInput) (*dynamodbapi.BatchGetItemOutput, error) {
	total := 0
	for _, ka := range in.RequestItems {
		total += len(ka.Keys)
	}
	if total > maxBatchGet {
		return nil, validation(msgTooManyGet)
	}
	exprs := map[string]*compiled{}
	for name, ka := range in.RequestItems {
		c, err := compile(exprParams{names: ka.ExpressionAttributeNames, projection: ka.ProjectionExpression, attrsToGet: ka.AttributesToGet})
		if err != nil {
			return nil, err
		}
		exprs[name] = c
	}
	names := make([]string, 0, len(in.RequestItems))
	for name := range in.RequestItems {
		names = append(names, name)
	}
	sort.Strings(names)
	sc := scope.From(ctx)
	out := &dynamodbapi.BatchGetItemOutput{
		Responses:       map[string][]map[string]dynamodbapi.AttributeValue{},
		UnprocessedKeys: map[string]dynamodbapi.KeysAndAttributes{},
	}
	err := p.store.View(ctx, func(tx storage.Txn) error {
		m := newMultiTx(ctx, tx, sc, "BatchGetItem", p.statsShard(), &p.schemas)
		keys := map[string][]attr.Item{}
		for _, name := range names {
			ts, err := m.table(name)
			if err != nil {
				return err
			}
			seen := map[string]bool{}
			for _, k := range in.RequestItems[name].Keys {
				key, err := keyOfParam(ts.sch, k)
				if err != nil {
					return err
				}
				ks := keyString(ts.sc, ts.sch, key)
				if seen[ks] {
					return validation(msgDuplicateKeys)
				}
				seen[ks] = true
				keys[name] = append(keys[name], key)
			}
		}
		size := 0
		for _, name := range names {
			ka := in.RequestItems[name]
			ts := m.tables[name]
			items := []map[string]dynamodbapi.AttributeValue{}
			consistent := ka.ConsistentRead != nil && *ka.ConsistentRead
			for i, key := range keys[name] {
				it, err := loadItem(ctx, tx, ts.sc, ts.sch, key)
				if err != nil {
					return err
				}
				full, n := 0, 0
				if it != nil {
					full = attr.ItemSize(it)
					it = exprs[name].applyProjection(it)
					n = attr.ItemSize(it)
				}
				if size+n > maxBatchGetBytes {
					rest := ka
					rest.Keys = ka.Keys[i:]
					out.UnprocessedKeys[name] = rest
					break
				}
				size += n
				if it != nil {
					items = append(items, it)
				}
				ts.use.table += readUnits(full, consistent)
			}
			out.Responses[name] = items
		}
		out.ConsumedCapacity = m.consumedList(in.ReturnConsumedCapacity, false)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (p *Provider) batchWriteItem(ctx context.Context, in *dynamodbapi.BatchWriteItemInput) (*dynamodbapi.BatchWriteItemOutput, error) {
	total := 0
	for _, reqs := range in.RequestItems {
		total += len(reqs)
	}
	if total > maxBatchWrite {
		return nil, validation(msgTooManyWrite)
	}
	sc := scope.From(ctx)
	chg := p.userChange()
	out := &dynamodbapi.BatchWriteItemOutput{UnprocessedItems: map[string][]dynamodbapi.WriteRequest{}}
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		m := newMultiTx(ctx, tx, sc, "BatchWriteItem", p.statsShard(), &p.schemas)
		type write struct {
			ts   *tableState
			key  attr.Item
			item attr.Item // nil for a delete
		}
		var writes []write
		for name, reqs := range in.RequestItems {
			ts, err := m.table(name)
			if err != nil {
				return err
			}
			seen := map[string]bool{}
			for _, r := range reqs {
				var w write
				switch {
				case r.PutRequest != nil && r.DeleteRequest == nil:
					it := attr.Clone(r.PutRequest.Item)
					if err := checkItem(ts.sch, it); err != nil {
						// BatchWriteItem words a table key of the wrong
						// type as a key that does not match the schema.
						if e := awserr.From(err); strings.HasPrefix(e.Message, msgInvalid+"Type mismatch for key ") {
							return validation(msgKeyMismatch)
						}
						return err
					}
					w = write{ts: ts, key: keyAttrs(ts.sch.Key, it), item: it}
				case r.DeleteRequest != nil && r.PutRequest == nil:
					key, err := keyOfParam(ts.sch, r.DeleteRequest.Key)
					if err != nil {
						return err
					}
					w = write{ts: ts, key: key}
				default:
					return validation(msgOneWriteAction)
				}
				ks := keyString(ts.sc, ts.sch, w.key)
				if seen[ks] {
					return validation(msgDuplicateKeys)
				}
				seen[ks] = true
				writes = append(writes, w)
			}
		}
		var cs collectionSet
		for _, w := range writes {
			cs.add(in.ReturnItemCollectionMetrics, w.ts, w.key)
			old, err := loadItem(ctx, tx, w.ts.sc, w.ts.sch, w.key)
			if err != nil {
				return err
			}
			st, err := m.statsOf(w.ts)
			if err != nil {
				return err
			}
			if old == nil && w.item == nil {
				w.ts.use.table++
				continue
			}
			use, err := writeItem(ctx, tx, w.ts.sc, w.ts.sch, st, old, w.item, chg)
			if err != nil {
				return err
			}
			w.ts.use.add(use)
		}
		icm, err := cs.metrics(m)
		if err != nil {
			return err
		}
		out.ItemCollectionMetrics = icm
		out.ConsumedCapacity = m.consumedList(in.ReturnConsumedCapacity, true)
		return m.save()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
