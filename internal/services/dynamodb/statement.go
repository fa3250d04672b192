package dynamodb

import (
	"context"
	"encoding/base64"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/partiql"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Messages about PartiQL requests.
const (
	msgBadNextToken   = "The provided NextToken is invalid"
	msgExistsAlone    = "Unsupported operation: EXISTS can only be used in ExecuteTransaction"
	msgBatchMixed     = "Unsupported operation: A batch must contain either all read or all write statements"
	msgBatchSelectKey = "Select statements within BatchExecuteStatement must specify the equality condition on all key attributes. Enforce each Select statement to have a unique primary key in the Where clause."
	msgTxMixed        = "Unsupported operation: A transaction must contain either all read or all write statements"
	msgTxSelectKey    = "Select statements within ExecuteTransaction must specify the equality condition on all key attributes. Enforce each Select statement to have a unique primary key in the Where clause."
	// msgStatementNoIndex is msgNoIndex as PartiQL words it, without the name.
	msgStatementNoIndex = "The table does not have the specified index"
	msgTxReturning      = "Validation failed in TransactStatements[%d]: RETURNING clause is not supported in ExecuteTransaction."
	msgTxNoStatements   = "1 validation error detected: Value null at 'transactStatements' failed to satisfy constraint: Member must not be null"
	batchCodeCondition  = "ConditionalCheckFailed"
)

// schemaLookup gives partiql.Translate the key schemas of the caller's
// tables and indexes.
func (p *Provider) schemaLookup(ctx context.Context) partiql.SchemaLookup {
	sc := scope.From(ctx)
	return func(table, index string) (partiql.KeySchema, error) {
		var ks partiql.KeySchema
		err := p.store.View(ctx, func(tx storage.Txn) error {
			sch, err := p.schemas.loadSchema(ctx, tx, sc, table)
			if err != nil {
				return err
			}
			k := sch.Key
			if index != "" {
				idx, ok := sch.index(index)
				if !ok {
					return validation(msgStatementNoIndex)
				}
				k = idx.Key
			}
			ks = partiql.KeySchema{PartitionKey: k.Hash, SortKey: k.Range}
			return nil
		})
		return ks, err
	}
}

// encodeNextToken makes an opaque NextToken of a LastEvaluatedKey.
func encodeNextToken(last attr.Item) *string {
	if last == nil {
		return nil
	}
	return ptr(base64.RawURLEncoding.EncodeToString(attr.MarshalItem(last)))
}

// decodeNextToken returns the LastEvaluatedKey a NextToken stands for.
func decodeNextToken(tok *string) (attr.Item, error) {
	if tok == nil {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*tok)
	if err != nil {
		return nil, validation(msgBadNextToken)
	}
	it, err := attr.UnmarshalItem(raw)
	if err != nil || len(it) == 0 {
		return nil, validation(msgBadNextToken)
	}
	return it, nil
}

func (p *Provider) executeStatement(ctx context.Context, in *dynamodbapi.ExecuteStatementInput) (*dynamodbapi.ExecuteStatementOutput, error) {
	req, err := partiql.Translate(deref(in.Statement), in.Parameters, p.schemaLookup(ctx))
	if err != nil {
		return nil, err
	}
	if err := p.authorizeStatement(ctx, req); err != nil { // policy_auth.go
		return nil, err
	}
	start, err := decodeNextToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	out := &dynamodbapi.ExecuteStatementOutput{Items: []map[string]dynamodbapi.AttributeValue{}}
	rcc, onFailure := in.ReturnConsumedCapacity, in.ReturnValuesOnConditionCheckFailure
	switch req.Kind {
	case partiql.KindGetItem:
		g := req.GetItem
		g.ConsistentRead, g.ReturnConsumedCapacity = in.ConsistentRead, rcc
		res, err := p.getItem(ctx, g)
		if err != nil {
			return nil, err
		}
		if res.Item != nil && start == nil {
			out.Items = append(out.Items, res.Item)
		}
		out.ConsumedCapacity = res.ConsumedCapacity
	case partiql.KindQuery:
		q := req.Query
		q.ConsistentRead, q.Limit, q.ReturnConsumedCapacity, q.ExclusiveStartKey = in.ConsistentRead, in.Limit, rcc, start
		res, err := p.runQuery(ctx, q, false)
		if err != nil {
			return nil, err
		}
		out.Items, out.LastEvaluatedKey, out.ConsumedCapacity = res.Items, res.LastEvaluatedKey, res.ConsumedCapacity
	case partiql.KindScan:
		s := req.Scan
		s.ConsistentRead, s.Limit, s.ReturnConsumedCapacity, s.ExclusiveStartKey = in.ConsistentRead, in.Limit, rcc, start
		res, err := p.scan(ctx, s)
		if err != nil {
			return nil, err
		}
		out.Items, out.LastEvaluatedKey, out.ConsumedCapacity = res.Items, res.LastEvaluatedKey, res.ConsumedCapacity
	case partiql.KindConditionCheck:
		return nil, validation(msgExistsAlone)
	default:
		item, cc, err := p.writeStatement(ctx, req, rcc, onFailure)
		if err != nil {
			return nil, err
		}
		if item != nil {
			out.Items = append(out.Items, item)
		}
		out.ConsumedCapacity = cc
	}
	if out.Items == nil {
		out.Items = []map[string]dynamodbapi.AttributeValue{}
	}
	out.NextToken = encodeNextToken(out.LastEvaluatedKey)
	return out, nil
}

// writeStatement runs an INSERT, UPDATE or DELETE through the item
// handlers and returns what RETURNING asked for. An INSERT whose key exists
// fails with DuplicateItemException.
func (p *Provider) writeStatement(ctx context.Context, req *partiql.Request, rcc, onFailure *string) (attr.Item, *dynamodbapi.ConsumedCapacity, error) {
	switch req.Kind {
	case partiql.KindInsert:
		in := req.Put
		in.ReturnConsumedCapacity, in.ReturnValuesOnConditionCheckFailure = rcc, onFailure
		res, err := p.putItem(ctx, in)
		if err != nil {
			if e := awserr.From(err); e.Code == codeConditionalFailed {
				return nil, nil, partiql.DuplicateItemError()
			}
			return nil, nil, err
		}
		return nil, res.ConsumedCapacity, nil
	case partiql.KindUpdate:
		in := req.Update
		in.ReturnConsumedCapacity, in.ReturnValuesOnConditionCheckFailure = rcc, onFailure
		res, err := p.updateItem(ctx, in)
		if err != nil {
			return nil, nil, err
		}
		return res.Attributes, res.ConsumedCapacity, nil
	case partiql.KindDelete:
		in := req.Delete
		in.ReturnConsumedCapacity, in.ReturnValuesOnConditionCheckFailure = rcc, onFailure
		res, err := p.deleteItem(ctx, in)
		if err != nil {
			return nil, nil, err
		}
		return res.Attributes, res.ConsumedCapacity, nil
	}
	return nil, nil, validation(msgExistsAlone)
}

// statementTable names the table a translated statement works on.
func statementTable(r *partiql.Request) *string {
	switch {
	case r.GetItem != nil:
		return r.GetItem.TableName
	case r.Query != nil:
		return r.Query.TableName
	case r.Scan != nil:
		return r.Scan.TableName
	case r.Put != nil:
		return r.Put.TableName
	case r.Update != nil:
		return r.Update.TableName
	case r.Delete != nil:
		return r.Delete.TableName
	case r.ConditionCheck != nil:
		return r.ConditionCheck.TableName
	}
	return nil
}
