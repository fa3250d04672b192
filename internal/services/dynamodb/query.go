package dynamodb

import (
	"context"
	"slices"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/expr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

func (p *Provider) query(ctx context.Context, in *dynamodbapi.QueryInput) (*dynamodbapi.QueryOutput, error) {
	return p.runQuery(ctx, in, true)
}

// runQuery serves a Query. keyFilter refuses a filter naming a key
// attribute of the table or index queried, as the Query API does; PartiQL
// SELECTs, which filter on any attribute, skip it.
func (p *Provider) runQuery(ctx context.Context, in *dynamodbapi.QueryInput, keyFilter bool) (*dynamodbapi.QueryOutput, error) {
	c, err := compile(exprParams{names: in.ExpressionAttributeNames, values: in.ExpressionAttributeValues,
		keyCondition: in.KeyConditionExpression, filter: in.FilterExpression, projection: in.ProjectionExpression,
		keyConditions: in.KeyConditions, queryFilter: in.QueryFilter, filterName: "QueryFilter",
		conditionalOp: in.ConditionalOperator, attrsToGet: in.AttributesToGet})
	if err != nil {
		return nil, err
	}
	if c.key == nil {
		return nil, validation(msgNoKeyCondition)
	}
	sc := scope.From(ctx)
	out := &dynamodbapi.QueryOutput{}
	var r *readReq
	err = p.store.View(ctx, func(tx storage.Txn) error {
		sch, err := p.schemas.loadSchema(ctx, tx, sc, deref(in.TableName))
		if err != nil {
			return err
		}
		if r, err = prepareRead(sch, in.IndexName, in.Select, c, in.ConsistentRead != nil && *in.ConsistentRead, in.AttributesToGet != nil); err != nil {
			return err
		}
		if keyFilter {
			if err := checkFilterKeys(r, in, c.filter); err != nil {
				return err
			}
		}
		if r.start, r.end, err = r.keyRange(sc, c.key); err != nil {
			return err
		}
		if in.ExclusiveStartKey != nil {
			if err := r.checkQueryStartKey(in.ExclusiveStartKey, c.key); err != nil {
				return err
			}
		}
		r.reverse = in.ScanIndexForward != nil && !*in.ScanIndexForward
		r.limit = int(derefInt(in.Limit))
		r.startKey = in.ExclusiveStartKey
		res, err := p.read(ctx, tx, sc, r)
		if err != nil {
			return err
		}
		fillPage(&out.Items, &out.Count, &out.ScannedCount, &out.LastEvaluatedKey, r, res)
		out.ConsumedCapacity = consumed(in.ReturnConsumedCapacity, sch, r.usageOf(res.units), false)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkQueryStartKey refuses an ExclusiveStartKey that does not fit the
// key schema or lies outside the partition or sort key range queried.
func (r *readReq) checkQueryStartKey(k attr.Item, kc *expr.KeyCondition) error {
	if err := r.checkStartKey(k); err != nil {
		return err
	}
	tk := r.targetKey()
	if c, ok := attr.Compare(k[tk.Hash], kc.PartitionValue); !ok || c != 0 {
		return validation(msgStartOutside)
	}
	if tk.Range != "" && !kc.Match(k[tk.Range]) {
		return validation(msgStartNoMatch)
	}
	return nil
}

// checkFilterKeys refuses a Query filter (FilterExpression or legacy
// QueryFilter) that reads a key attribute of the table or index queried.
func checkFilterKeys(r *readReq, in *dynamodbapi.QueryInput, filter condition) error {
	keys := r.targetKey().names()
	if in.QueryFilter != nil {
		names := make([]string, 0, len(in.QueryFilter))
		for n := range in.QueryFilter {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			if slices.Contains(keys, n) {
				return validation(msgQueryFilterOnKey, n)
			}
		}
	}
	f, ok := filter.(interface{ TopLevelNames() []string })
	if !ok || in.FilterExpression == nil {
		return nil
	}
	for _, n := range f.TopLevelNames() {
		if slices.Contains(keys, n) {
			return validation(msgFilterOnKey, n)
		}
	}
	return nil
}

// fillPage copies a page read into a Query or Scan output.
func fillPage(items *[]map[string]dynamodbapi.AttributeValue, count, scanned **int64,
	last *map[string]dynamodbapi.AttributeValue, r *readReq, res *readResult) {
	if r.sel != selCount {
		*items = append(make([]map[string]dynamodbapi.AttributeValue, 0, len(res.items)), res.items...)
	}
	*count = ptr(res.count)
	*scanned = ptr(res.scanned)
	if res.last != nil {
		*last = res.last
	}
}

func (p *Provider) scan(ctx context.Context, in *dynamodbapi.ScanInput) (*dynamodbapi.ScanOutput, error) {
	switch {
	case in.Segment != nil && in.TotalSegments == nil:
		return nil, validation(msgSegmentNoTotal)
	case in.Segment == nil && in.TotalSegments != nil:
		return nil, validation(msgTotalNoSegment)
	case in.Segment != nil && *in.Segment >= *in.TotalSegments:
		return nil, validation(msgSegmentRange, *in.Segment, *in.TotalSegments)
	}
	c, err := compile(exprParams{names: in.ExpressionAttributeNames, values: in.ExpressionAttributeValues,
		filter: in.FilterExpression, projection: in.ProjectionExpression,
		queryFilter: in.ScanFilter, filterName: "ScanFilter",
		conditionalOp: in.ConditionalOperator, attrsToGet: in.AttributesToGet})
	if err != nil {
		return nil, err
	}
	sc := scope.From(ctx)
	out := &dynamodbapi.ScanOutput{}
	err = p.store.View(ctx, func(tx storage.Txn) error {
		sch, err := p.schemas.loadSchema(ctx, tx, sc, deref(in.TableName))
		if err != nil {
			return err
		}
		r, err := prepareRead(sch, in.IndexName, in.Select, c, in.ConsistentRead != nil && *in.ConsistentRead, in.AttributesToGet != nil)
		if err != nil {
			return err
		}
		r.start, r.end = storage.PrefixRange(r.prefixOf(sc))
		r.limit = int(derefInt(in.Limit))
		r.startKey = in.ExclusiveStartKey
		if in.TotalSegments != nil {
			r.segment, r.segments = int(*in.Segment), int(*in.TotalSegments)
		}
		res, err := p.read(ctx, tx, sc, r)
		if err != nil {
			return err
		}
		fillPage(&out.Items, &out.Count, &out.ScannedCount, &out.LastEvaluatedKey, r, res)
		out.ConsumedCapacity = consumed(in.ReturnConsumedCapacity, sch, r.usageOf(res.units), false)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
