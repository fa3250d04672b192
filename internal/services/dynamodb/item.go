package dynamodb

import (
	"context"
	"net/http"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/expr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// ReturnValues settings.
const (
	rvNone       = "NONE"
	rvAllOld     = "ALL_OLD"
	rvUpdatedOld = "UPDATED_OLD"
	rvAllNew     = "ALL_NEW"
	rvUpdatedNew = "UPDATED_NEW"
)

// Messages about item requests.
const (
	msgConditionFailed = "The conditional request failed"
	msgBadReturnValues = "Return values set to invalid value"
)

// checkReturnValues refuses ReturnValues settings an operation does not take.
func checkReturnValues(rv *string, allowed ...string) error {
	if rv == nil {
		return nil
	}
	for _, a := range allowed {
		if *rv == a {
			return nil
		}
	}
	return validation(msgBadReturnValues)
}

// conditionFailed is the ConditionalCheckFailedException, carrying the
// old item when the request asked for it.
func conditionFailed(old attr.Item, onFailure *string) error {
	e := awserr.New(codeConditionalFailed, http.StatusBadRequest, msgConditionFailed)
	fields := &dynamodbapi.ConditionalCheckFailedException{Message: ptr(msgConditionFailed)}
	if deref(onFailure) == rvAllOld && old != nil {
		fields.Item = old
	}
	return e.WithFields(fields)
}

// checkCondition evaluates a request's condition against the stored item.
func checkCondition(c *compiled, old attr.Item, onFailure *string) error {
	if c.cond == nil {
		return nil
	}
	ok, err := c.cond.Eval(old)
	if err != nil {
		return err
	}
	if !ok {
		return conditionFailed(old, onFailure)
	}
	return nil
}

// mutate runs one item write in a storage transaction: fn gets the schema
// and the counters and returns the capacity used; the counters are saved
// with the write.
func (p *Provider) mutate(ctx context.Context, table string, fn func(tx storage.Txn, sch *schema, st *tableStats) (usage, error)) (*schema, usage, error) {
	sc := scope.From(ctx)
	shard := p.statsShard()
	var sch *schema
	var use usage
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		var err error
		if sch, err = p.schemas.loadSchema(ctx, tx, sc, table); err != nil {
			return err
		}
		st, err := loadStatsShard(ctx, tx, sc, table, shard)
		if err != nil {
			return err
		}
		if use, err = fn(tx, sch, st); err != nil {
			return err
		}
		return saveStatsShard(tx, sc, table, shard, st)
	})
	return sch, use, err
}

func (p *Provider) putItem(ctx context.Context, in *dynamodbapi.PutItemInput) (*dynamodbapi.PutItemOutput, error) {
	if err := checkReturnValues(in.ReturnValues, rvNone, rvAllOld); err != nil {
		return nil, err
	}
	c, err := compile(exprParams{names: in.ExpressionAttributeNames, values: in.ExpressionAttributeValues,
		condition: in.ConditionExpression, expected: in.Expected, conditionalOp: in.ConditionalOperator})
	if err != nil {
		return nil, err
	}
	sc := scope.From(ctx)
	chg := p.userChange()
	out := &dynamodbapi.PutItemOutput{}
	sch, use, err := p.mutate(ctx, deref(in.TableName), func(tx storage.Txn, sch *schema, st *tableStats) (usage, error) {
		out.Attributes = nil
		it := attr.Clone(in.Item)
		if err := checkItem(sch, it); err != nil {
			return usage{}, err
		}
		old, err := loadItem(ctx, tx, sc, sch, keyAttrs(sch.Key, it))
		if err != nil {
			return usage{}, err
		}
		if err := checkCondition(c, old, in.ReturnValuesOnConditionCheckFailure); err != nil {
			return usage{}, err
		}
		if deref(in.ReturnValues) == rvAllOld {
			out.Attributes = old
		}
		use, err := writeItem(ctx, tx, sc, sch, st, old, it, chg)
		if err != nil {
			return usage{}, err
		}
		return use, itemMetrics(ctx, tx, sc, sch, in.ReturnItemCollectionMetrics, it, &out.ItemCollectionMetrics)
	})
	if err != nil {
		return nil, err
	}
	out.ConsumedCapacity = consumed(in.ReturnConsumedCapacity, sch, use, true)
	return out, nil
}

func (p *Provider) deleteItem(ctx context.Context, in *dynamodbapi.DeleteItemInput) (*dynamodbapi.DeleteItemOutput, error) {
	if err := checkReturnValues(in.ReturnValues, rvNone, rvAllOld); err != nil {
		return nil, err
	}
	c, err := compile(exprParams{names: in.ExpressionAttributeNames, values: in.ExpressionAttributeValues,
		condition: in.ConditionExpression, expected: in.Expected, conditionalOp: in.ConditionalOperator})
	if err != nil {
		return nil, err
	}
	sc := scope.From(ctx)
	chg := p.userChange()
	out := &dynamodbapi.DeleteItemOutput{}
	sch, use, err := p.mutate(ctx, deref(in.TableName), func(tx storage.Txn, sch *schema, st *tableStats) (usage, error) {
		out.Attributes = nil
		key, err := keyOfParam(sch, in.Key)
		if err != nil {
			return usage{}, err
		}
		old, err := loadItem(ctx, tx, sc, sch, key)
		if err != nil {
			return usage{}, err
		}
		if err := checkCondition(c, old, in.ReturnValuesOnConditionCheckFailure); err != nil {
			return usage{}, err
		}
		use := usage{table: 1}
		if old != nil {
			if deref(in.ReturnValues) == rvAllOld {
				out.Attributes = old
			}
			if use, err = writeItem(ctx, tx, sc, sch, st, old, nil, chg); err != nil {
				return usage{}, err
			}
		}
		return use, itemMetrics(ctx, tx, sc, sch, in.ReturnItemCollectionMetrics, key, &out.ItemCollectionMetrics)
	})
	if err != nil {
		return nil, err
	}
	out.ConsumedCapacity = consumed(in.ReturnConsumedCapacity, sch, use, true)
	return out, nil
}

func (p *Provider) updateItem(ctx context.Context, in *dynamodbapi.UpdateItemInput) (*dynamodbapi.UpdateItemOutput, error) {
	if err := checkReturnValues(in.ReturnValues, rvNone, rvAllOld, rvUpdatedOld, rvAllNew, rvUpdatedNew); err != nil {
		return nil, err
	}
	c, err := compile(exprParams{names: in.ExpressionAttributeNames, values: in.ExpressionAttributeValues,
		condition: in.ConditionExpression, expected: in.Expected, conditionalOp: in.ConditionalOperator,
		update: in.UpdateExpression, attrUpdates: in.AttributeUpdates, updating: true})
	if err != nil {
		return nil, err
	}
	sc := scope.From(ctx)
	chg := p.userChange()
	out := &dynamodbapi.UpdateItemOutput{}
	sch, use, err := p.mutate(ctx, deref(in.TableName), func(tx storage.Txn, sch *schema, st *tableStats) (usage, error) {
		out.Attributes = nil
		key, err := keyOfParam(sch, in.Key)
		if err != nil {
			return usage{}, err
		}
		if c.upd != nil {
			if err := c.upd.CheckKeys(sch.Key.names()...); err != nil {
				return usage{}, err
			}
		}
		old, err := loadItem(ctx, tx, sc, sch, key)
		if err != nil {
			return usage{}, err
		}
		if err := checkCondition(c, old, in.ReturnValuesOnConditionCheckFailure); err != nil {
			return usage{}, err
		}
		base := attr.Clone(old)
		if base == nil {
			base = attr.Clone(key)
		}
		nw := base
		if c.upd != nil {
			if nw, err = c.upd.Apply(base); err != nil {
				return usage{}, err
			}
		}
		if err := checkUpdatedItem(sch, nw); err != nil {
			return usage{}, err
		}
		out.Attributes = returnedAttributes(deref(in.ReturnValues), c.upd, old, nw)
		use, err := writeItem(ctx, tx, sc, sch, st, old, nw, chg)
		if err != nil {
			return usage{}, err
		}
		return use, itemMetrics(ctx, tx, sc, sch, in.ReturnItemCollectionMetrics, key, &out.ItemCollectionMetrics)
	})
	if err != nil {
		return nil, err
	}
	out.ConsumedCapacity = consumed(in.ReturnConsumedCapacity, sch, use, true)
	return out, nil
}

// returnedAttributes picks what UpdateItem returns for ReturnValues rv:
// UPDATED_OLD and UPDATED_NEW hold only the updated paths, nested parts
// included, as DynamoDB returns them.
func returnedAttributes(rv string, upd *expr.Update, old, nw attr.Item) attr.Item {
	pick := func(src attr.Item) attr.Item {
		if upd == nil || src == nil {
			return nil
		}
		out := upd.Project(src)
		if len(out) == 0 {
			return nil
		}
		return out
	}
	switch rv {
	case rvAllOld:
		return old
	case rvAllNew:
		return nw
	case rvUpdatedOld:
		return pick(old)
	case rvUpdatedNew:
		return pick(nw)
	}
	return nil
}

func (p *Provider) getItem(ctx context.Context, in *dynamodbapi.GetItemInput) (*dynamodbapi.GetItemOutput, error) {
	c, err := compile(exprParams{names: in.ExpressionAttributeNames, projection: in.ProjectionExpression, attrsToGet: in.AttributesToGet})
	if err != nil {
		return nil, err
	}
	sc := scope.From(ctx)
	var sch *schema
	var item attr.Item
	err = p.store.View(ctx, func(tx storage.Txn) error {
		var err error
		if sch, err = p.schemas.loadSchema(ctx, tx, sc, deref(in.TableName)); err != nil {
			return err
		}
		key, err := keyOfParam(sch, in.Key)
		if err != nil {
			return err
		}
		item, err = loadItem(ctx, tx, sc, sch, key)
		return err
	})
	if err != nil {
		return nil, err
	}
	consistent := in.ConsistentRead != nil && *in.ConsistentRead
	out := &dynamodbapi.GetItemOutput{}
	size := 0
	if item != nil {
		size = attr.ItemSize(item)
		out.Item = c.applyProjection(item)
	}
	out.ConsumedCapacity = consumed(in.ReturnConsumedCapacity, sch, usage{table: readUnits(size, consistent)}, false)
	return out, nil
}
