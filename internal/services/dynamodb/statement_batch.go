package dynamodb

import (
	"context"
	"sort"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/partiql"
)

// capacitySum adds up the ConsumedCapacity of several requests per table.
type capacitySum map[string]*dynamodbapi.ConsumedCapacity

// add adds one request's capacity (nil is ignored).
func (s capacitySum) add(c *dynamodbapi.ConsumedCapacity) {
	if c == nil || c.TableName == nil {
		return
	}
	d, ok := s[*c.TableName]
	if !ok {
		d = &dynamodbapi.ConsumedCapacity{TableName: c.TableName}
		s[*c.TableName] = d
	}
	addF := func(dst **float64, v *float64) {
		if v == nil {
			return
		}
		if *dst == nil {
			*dst = ptr(0.0)
		}
		**dst += *v
	}
	addCap := func(dst **dynamodbapi.Capacity, v *dynamodbapi.Capacity) {
		if v == nil {
			return
		}
		if *dst == nil {
			*dst = &dynamodbapi.Capacity{}
		}
		addF(&(*dst).CapacityUnits, v.CapacityUnits)
		addF(&(*dst).ReadCapacityUnits, v.ReadCapacityUnits)
		addF(&(*dst).WriteCapacityUnits, v.WriteCapacityUnits)
	}
	addMap := func(dst *map[string]dynamodbapi.Capacity, v map[string]dynamodbapi.Capacity) {
		for name, c := range v {
			if *dst == nil {
				*dst = map[string]dynamodbapi.Capacity{}
			}
			cur := (*dst)[name]
			cp := &cur
			addCap(&cp, &c)
			(*dst)[name] = *cp
		}
	}
	addF(&d.CapacityUnits, c.CapacityUnits)
	addF(&d.ReadCapacityUnits, c.ReadCapacityUnits)
	addF(&d.WriteCapacityUnits, c.WriteCapacityUnits)
	addCap(&d.Table, c.Table)
	addMap(&d.GlobalSecondaryIndexes, c.GlobalSecondaryIndexes)
	addMap(&d.LocalSecondaryIndexes, c.LocalSecondaryIndexes)
}

// list returns the sums sorted by table name, or nil when mode asks for
// none.
func (s capacitySum) list(mode *string) []dynamodbapi.ConsumedCapacity {
	if m := deref(mode); m != capTotal && m != capIndexes {
		return nil
	}
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n)
	}
	sort.Strings(names)
	out := []dynamodbapi.ConsumedCapacity{}
	for _, n := range names {
		c := *s[n]
		if deref(mode) == capTotal {
			c.Table, c.GlobalSecondaryIndexes, c.LocalSecondaryIndexes = nil, nil, nil
		}
		out = append(out, c)
	}
	return out
}

// statementError is a per-statement error of BatchExecuteStatement; ok is
// false for failures that fail the whole request (internal errors).
func statementError(err error) (*dynamodbapi.BatchStatementError, bool) {
	e := awserr.From(err)
	if !e.Sender() {
		return nil, false
	}
	be := &dynamodbapi.BatchStatementError{Code: ptr(strings.TrimSuffix(e.Code, "Exception")), Message: ptr(e.Message)}
	switch e.Code {
	case codeValidation:
		be.Code = ptr(reasonValidation)
	case codeConditionalFailed:
		be.Code = ptr(batchCodeCondition)
		if f, ok := e.Fields.(*dynamodbapi.ConditionalCheckFailedException); ok {
			be.Item = f.Item
		}
	}
	return be, true
}

func (p *Provider) batchExecuteStatement(ctx context.Context, in *dynamodbapi.BatchExecuteStatementInput) (*dynamodbapi.BatchExecuteStatementOutput, error) {
	lookup := p.schemaLookup(ctx)
	reqs := make([]*partiql.Request, len(in.Statements))
	errs := make([]error, len(in.Statements))
	reads, writes := 0, 0
	for i, st := range in.Statements {
		reqs[i], errs[i] = partiql.Translate(deref(st.Statement), st.Parameters, lookup)
		if errs[i] == nil {
			errs[i] = p.authorizeStatement(ctx, reqs[i]) // policy_auth.go
		}
		switch {
		case errs[i] != nil:
		case reqs[i].IsRead():
			reads++
			if reqs[i].Kind != partiql.KindGetItem {
				errs[i] = validation(msgBatchSelectKey)
			}
		case reqs[i].Kind == partiql.KindConditionCheck:
			errs[i] = validation(msgExistsAlone)
		default:
			writes++
		}
	}
	if reads > 0 && writes > 0 {
		return nil, validation(msgBatchMixed)
	}
	if err := checkBatchDuplicates(ctx, p, reqs, errs); err != nil {
		return nil, err
	}
	sum := capacitySum{}
	out := &dynamodbapi.BatchExecuteStatementOutput{Responses: make([]dynamodbapi.BatchStatementResponse, len(reqs))}
	for i, st := range in.Statements {
		resp := &out.Responses[i]
		if reqs[i] != nil {
			resp.TableName = statementTable(reqs[i])
		}
		err := errs[i]
		if err == nil {
			if reqs[i].Kind == partiql.KindGetItem {
				g := reqs[i].GetItem
				g.ConsistentRead, g.ReturnConsumedCapacity = st.ConsistentRead, ptr(capIndexes)
				var res *dynamodbapi.GetItemOutput
				if res, err = p.getItem(ctx, g); err == nil {
					resp.Item = res.Item
					sum.add(res.ConsumedCapacity)
				}
			} else {
				var cc *dynamodbapi.ConsumedCapacity
				if _, cc, err = p.writeStatement(ctx, reqs[i], ptr(capIndexes), st.ReturnValuesOnConditionCheckFailure); err == nil {
					sum.add(cc)
				}
			}
		}
		if err != nil {
			be, ok := statementError(err)
			if !ok {
				return nil, err
			}
			resp.Error = be
		}
	}
	out.ConsumedCapacity = sum.list(in.ReturnConsumedCapacity)
	return out, nil
}

// checkBatchDuplicates refuses a batch whose statements name one item
// twice, as BatchGetItem and BatchWriteItem do.
func checkBatchDuplicates(ctx context.Context, p *Provider, reqs []*partiql.Request, errs []error) error {
	seen := map[string]bool{}
	for i, r := range reqs {
		if errs[i] != nil || r == nil {
			continue
		}
		var key attr.Item
		switch {
		case r.GetItem != nil:
			key = r.GetItem.Key
		case r.Update != nil:
			key = r.Update.Key
		case r.Delete != nil:
			key = r.Delete.Key
		default:
			continue
		}
		ks := deref(statementTable(r)) + "\x00" + string(attr.MarshalItem(normalizedKey(key)))
		if seen[ks] {
			return validation(msgDuplicateKeys)
		}
		seen[ks] = true
	}
	return nil
}

// normalizedKey returns a copy of key with numbers in canonical form, so
// equal keys compare equal.
func normalizedKey(key attr.Item) attr.Item {
	k := attr.Clone(key)
	attr.NormalizeItem(k)
	return k
}

func (p *Provider) executeTransaction(ctx context.Context, in *dynamodbapi.ExecuteTransactionInput) (*dynamodbapi.ExecuteTransactionOutput, error) {
	if len(in.TransactStatements) == 0 {
		return nil, validation(msgTxNoStatements)
	}
	lookup := p.schemaLookup(ctx)
	reqs := make([]*partiql.Request, len(in.TransactStatements))
	reads := 0
	for i, st := range in.TransactStatements {
		r, err := partiql.Translate(deref(st.Statement), st.Parameters, lookup)
		if err != nil {
			return nil, err
		}
		if err := p.authorizeStatement(ctx, r); err != nil { // policy_auth.go
			return nil, err
		}
		if r.IsRead() {
			reads++
			if r.Kind != partiql.KindGetItem {
				return nil, validation(msgTxSelectKey)
			}
		}
		reqs[i] = r
	}
	if reads > 0 && reads < len(reqs) {
		return nil, validation(msgTxMixed)
	}
	if reads > 0 {
		tg := &dynamodbapi.TransactGetItemsInput{ReturnConsumedCapacity: in.ReturnConsumedCapacity}
		for _, r := range reqs {
			g := r.GetItem
			tg.TransactItems = append(tg.TransactItems, dynamodbapi.TransactGetItem{Get: &dynamodbapi.Get{
				TableName: g.TableName, Key: g.Key, ProjectionExpression: g.ProjectionExpression, ExpressionAttributeNames: g.ExpressionAttributeNames,
			}})
		}
		res, err := p.transactGetItems(ctx, tg)
		if err != nil {
			return nil, err
		}
		return &dynamodbapi.ExecuteTransactionOutput{Responses: res.Responses, ConsumedCapacity: res.ConsumedCapacity}, nil
	}
	tw := &dynamodbapi.TransactWriteItemsInput{}
	for i, r := range reqs {
		onFailure := in.TransactStatements[i].ReturnValuesOnConditionCheckFailure
		var ti dynamodbapi.TransactWriteItem
		switch r.Kind {
		case partiql.KindInsert:
			x := r.Put
			ti.Put = &dynamodbapi.Put{TableName: x.TableName, Item: x.Item, ConditionExpression: x.ConditionExpression,
				ExpressionAttributeNames: x.ExpressionAttributeNames, ExpressionAttributeValues: x.ExpressionAttributeValues, ReturnValuesOnConditionCheckFailure: onFailure}
		case partiql.KindUpdate:
			x := r.Update
			if x.ReturnValues != nil {
				return nil, validation(msgTxReturning, i)
			}
			ti.Update = &dynamodbapi.Update{TableName: x.TableName, Key: x.Key, UpdateExpression: x.UpdateExpression, ConditionExpression: x.ConditionExpression,
				ExpressionAttributeNames: x.ExpressionAttributeNames, ExpressionAttributeValues: x.ExpressionAttributeValues, ReturnValuesOnConditionCheckFailure: onFailure}
		case partiql.KindDelete:
			x := r.Delete
			if x.ReturnValues != nil {
				return nil, validation(msgTxReturning, i)
			}
			ti.Delete = &dynamodbapi.Delete{TableName: x.TableName, Key: x.Key, ConditionExpression: x.ConditionExpression,
				ExpressionAttributeNames: x.ExpressionAttributeNames, ExpressionAttributeValues: x.ExpressionAttributeValues, ReturnValuesOnConditionCheckFailure: onFailure}
		case partiql.KindConditionCheck:
			x := *r.ConditionCheck
			x.ReturnValuesOnConditionCheckFailure = onFailure
			ti.ConditionCheck = &x
		}
		tw.TransactItems = append(tw.TransactItems, ti)
	}
	acts, err := txActions(tw)
	if err != nil {
		return nil, err
	}
	for i, r := range reqs {
		acts[i].insert = r.Kind == partiql.KindInsert
	}
	cc, _, err := p.transactWrite(ctx, "ExecuteTransaction", acts, in.ClientRequestToken, in, in.ReturnConsumedCapacity, nil)
	if err != nil {
		return nil, err
	}
	return &dynamodbapi.ExecuteTransactionOutput{ConsumedCapacity: cc}, nil
}
