package dynamodb

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/partiql"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Transaction messages and limits.
const (
	msgTxMultipleOps   = "Transaction request cannot include multiple operations on one item"
	msgTxOneAction     = msgInvalid + "TransactItems can only contain one of Check, Put, Update or Delete"
	msgTxCanceled      = "Transaction cancelled, please refer cancellation reasons for specific reasons [%s]"
	msgTxTokenMismatch = "Request parameters do not match the previous request with the same client token"
	reasonNone         = "None"
	reasonCondFailed   = "ConditionalCheckFailed"
	reasonValidation   = "ValidationError"
	reasonDuplicate    = "DuplicateItem"
	// tokenTTL is how long a ClientRequestToken makes a request idempotent.
	tokenTTL = 10 * time.Minute
)

// tokenRecord is a stored ClientRequestToken.
type tokenRecord struct {
	Hash    []byte    `json:"h"`
	Expires time.Time `json:"e"`
}

// txAction is one TransactWriteItems action, normalized.
type txAction struct {
	table     string
	key       attr.Item // Key parameter (Check, Delete, Update)
	item      attr.Item // Put's item
	c         *compiled
	onFailure *string
	del       bool
	// insert marks a PartiQL INSERT, whose failed condition is reported
	// as DuplicateItem.
	insert bool
}

// txActions normalizes and compiles the actions of a request.
func txActions(in *dynamodbapi.TransactWriteItemsInput) ([]txAction, error) {
	acts := make([]txAction, 0, len(in.TransactItems))
	for _, ti := range in.TransactItems {
		n := 0
		for _, set := range []bool{ti.ConditionCheck != nil, ti.Put != nil, ti.Delete != nil, ti.Update != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			return nil, validation(msgTxOneAction)
		}
		var a txAction
		var ep exprParams
		switch {
		case ti.ConditionCheck != nil:
			x := ti.ConditionCheck
			a = txAction{table: deref(x.TableName), key: x.Key, onFailure: x.ReturnValuesOnConditionCheckFailure}
			ep = exprParams{names: x.ExpressionAttributeNames, values: x.ExpressionAttributeValues, condition: x.ConditionExpression}
		case ti.Put != nil:
			x := ti.Put
			a = txAction{table: deref(x.TableName), item: attr.Clone(x.Item), onFailure: x.ReturnValuesOnConditionCheckFailure}
			ep = exprParams{names: x.ExpressionAttributeNames, values: x.ExpressionAttributeValues, condition: x.ConditionExpression}
		case ti.Delete != nil:
			x := ti.Delete
			a = txAction{table: deref(x.TableName), key: x.Key, del: true, onFailure: x.ReturnValuesOnConditionCheckFailure}
			ep = exprParams{names: x.ExpressionAttributeNames, values: x.ExpressionAttributeValues, condition: x.ConditionExpression}
		case ti.Update != nil:
			x := ti.Update
			a = txAction{table: deref(x.TableName), key: x.Key, onFailure: x.ReturnValuesOnConditionCheckFailure}
			ep = exprParams{names: x.ExpressionAttributeNames, values: x.ExpressionAttributeValues, condition: x.ConditionExpression, update: x.UpdateExpression, updating: true}
		}
		c, err := compile(ep)
		if err != nil {
			return nil, err
		}
		if ti.Update != nil && c.upd == nil {
			return nil, validation("1 validation error detected: Value null at 'transactItems.1.member.update.updateExpression' failed to satisfy constraint: Member must not be null")
		}
		if ti.ConditionCheck != nil && c.cond == nil {
			return nil, validation("1 validation error detected: Value null at 'transactItems.1.member.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null")
		}
		a.c = c
		acts = append(acts, a)
	}
	return acts, nil
}

// checkToken applies ClientRequestToken idempotency inside tx: it reports
// whether the request (req, hashed to compare repeats) was already done,
// and records the token otherwise.
func (p *Provider) checkToken(ctx context.Context, tx storage.Txn, sc scope.Scope, token *string, req any) (bool, error) {
	if token == nil {
		return false, nil
	}
	raw, err := json.Marshal(req)
	if err != nil {
		return false, internalf("hash request: %w", err)
	}
	sum := sha256.Sum256(raw)
	now := p.clock.Now()
	key := storage.AppendString(tokensPrefix(sc), *token)
	prev, err := tx.Get(ctx, key)
	switch {
	case err == nil:
		var rec tokenRecord
		if json.Unmarshal(prev, &rec) == nil && now.Before(rec.Expires) {
			if string(rec.Hash) != string(sum[:]) {
				return false, awserr.New(codeIdempotent, http.StatusBadRequest, msgTxTokenMismatch)
			}
			return true, nil
		}
	case !errors.Is(err, storage.ErrNotFound):
		return false, awserr.Internal(err)
	}
	rec, err := json.Marshal(tokenRecord{Hash: sum[:], Expires: now.Add(tokenTTL)})
	if err != nil {
		return false, internalf("encode token: %w", err)
	}
	if err := tx.Put(key, rec); err != nil {
		return false, awserr.Internal(err)
	}
	return false, nil
}

func (p *Provider) transactWriteItems(ctx context.Context, in *dynamodbapi.TransactWriteItemsInput) (*dynamodbapi.TransactWriteItemsOutput, error) {
	acts, err := txActions(in)
	if err != nil {
		return nil, err
	}
	cc, icm, err := p.transactWrite(ctx, "TransactWriteItems", acts, in.ClientRequestToken, in, in.ReturnConsumedCapacity, in.ReturnItemCollectionMetrics)
	if err != nil {
		return nil, err
	}
	return &dynamodbapi.TransactWriteItemsOutput{ConsumedCapacity: cc, ItemCollectionMetrics: icm}, nil
}

// txPlan is what one transaction action will write.
type txPlan struct {
	ts       *tableState
	key      attr.Item // the item's key attributes
	old, new attr.Item
	write    bool
}

// itemLevel reports whether err is an error about the item an action
// produces (rather than about the request), which a transaction reports as
// that action's ValidationError cancellation reason.
func itemLevel(err error) (*awserr.Error, bool) {
	e := awserr.From(err)
	return e, e.Code == codeValidation
}

// planAction checks one action against the stored item: it returns the
// plan, or the cancellation reason when the action cannot be done; err is
// for failures that refuse the whole request.
func planAction(ctx context.Context, m *multiTx, a txAction, seen map[string]bool) (txPlan, *dynamodbapi.CancellationReason, error) {
	ts, err := m.table(a.table)
	if err != nil {
		return txPlan{}, nil, err
	}
	key := a.key
	// A key or index key of the wrong type cancels the action, as
	// DynamoDB reports it; every other invalid input refuses the request.
	var typeErr error
	if a.item != nil {
		if err := checkItem(ts.sch, a.item); err != nil {
			if !strings.HasPrefix(awserr.From(err).Message, msgTypeMismatchPrefix) {
				return txPlan{}, nil, err
			}
			typeErr = err
		}
		key = keyAttrs(ts.sch.Key, a.item)
	} else if key, err = keyOfParam(ts.sch, key); err != nil {
		if awserr.From(err).Message != msgKeyMismatch {
			return txPlan{}, nil, err
		}
		return txPlan{}, &dynamodbapi.CancellationReason{Code: ptr(reasonValidation), Message: ptr(msgKeyMismatch)}, nil
	}
	if a.c.upd != nil {
		if err := a.c.upd.CheckKeys(ts.sch.Key.names()...); err != nil {
			return txPlan{}, nil, err
		}
	}
	ks := keyString(ts.sc, ts.sch, key)
	if seen[ks] {
		return txPlan{}, nil, validation(msgTxMultipleOps)
	}
	seen[ks] = true
	old, err := loadItem(ctx, m.tx, ts.sc, ts.sch, key)
	if err != nil {
		return txPlan{}, nil, err
	}
	invalid := func(err error) (txPlan, *dynamodbapi.CancellationReason, error) {
		e, ok := itemLevel(err)
		if !ok {
			return txPlan{}, nil, err
		}
		return txPlan{}, &dynamodbapi.CancellationReason{Code: ptr(reasonValidation), Message: ptr(e.Message)}, nil
	}
	if a.c.cond != nil {
		ok, err := a.c.cond.Eval(old)
		if err != nil {
			return invalid(err)
		}
		if !ok {
			r := &dynamodbapi.CancellationReason{Code: ptr(reasonCondFailed), Message: ptr(msgConditionFailed)}
			if a.insert {
				r = &dynamodbapi.CancellationReason{Code: ptr(reasonDuplicate), Message: ptr(partiql.DuplicateItemError().Message)}
			}
			if deref(a.onFailure) == rvAllOld && old != nil {
				r.Item = old
			}
			return txPlan{}, r, nil
		}
	}
	if typeErr != nil {
		return invalid(typeErr)
	}
	pl := txPlan{ts: ts, key: key, old: old}
	switch {
	case a.item != nil:
		pl.new, pl.write = a.item, true
	case a.del:
		pl.write = old != nil
	case a.c.upd != nil:
		base := attr.Clone(old)
		if base == nil {
			base = attr.Clone(key)
		}
		nw, err := a.c.upd.Apply(base)
		if err != nil {
			return invalid(err)
		}
		if err := checkUpdatedItem(ts.sch, nw); err != nil {
			if strings.HasPrefix(awserr.From(err).Message, msgUpdEmptyIndexKeyPrefix) {
				// Known from the request alone, so refused up front.
				return txPlan{}, nil, err
			}
			return invalid(err)
		}
		pl.new, pl.write = nw, true
	}
	return pl, nil, nil
}

// canceled is the TransactionCanceledException listing every action's
// reason in request order.
func canceled(reasons []dynamodbapi.CancellationReason) error {
	codes := make([]string, len(reasons))
	for i, r := range reasons {
		codes[i] = deref(r.Code)
	}
	msg := strings.ReplaceAll(msgTxCanceled, "%s", strings.Join(codes, ", "))
	e := awserr.New(codeTxCanceled, http.StatusBadRequest, "%s", msg)
	return e.WithFields(&dynamodbapi.TransactionCanceledException{Message: ptr(msg), CancellationReasons: reasons})
}

// transactWrite runs compiled write actions as one transaction, with
// ClientRequestToken idempotency over req, and returns the capacity used
// and, when icmMode asks for them, the metrics of the item collections
// written (a condition check writes none).
func (p *Provider) transactWrite(ctx context.Context, op string, acts []txAction, token *string, req any, capMode, icmMode *string) ([]dynamodbapi.ConsumedCapacity, map[string][]dynamodbapi.ItemCollectionMetrics, error) {
	sc := scope.From(ctx)
	chg := p.userChange()
	var cc []dynamodbapi.ConsumedCapacity
	var icm map[string][]dynamodbapi.ItemCollectionMetrics
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		cc, icm = nil, nil
		if done, err := p.checkToken(ctx, tx, sc, token, req); err != nil || done {
			return err
		}
		m := newMultiTx(ctx, tx, sc, op, p.statsShard(), &p.schemas)
		plans := make([]txPlan, len(acts))
		seen := map[string]bool{}
		reasons := make([]dynamodbapi.CancellationReason, len(acts))
		failed := false
		for i, a := range acts {
			pl, reason, err := planAction(ctx, m, a, seen)
			if err != nil {
				return err
			}
			reasons[i] = dynamodbapi.CancellationReason{Code: ptr(reasonNone)}
			if reason != nil {
				failed = true
				reasons[i] = *reason
				continue
			}
			plans[i] = pl
		}
		if failed {
			return canceled(reasons)
		}
		var cs collectionSet
		for i, pl := range plans {
			if pl.ts == nil {
				continue
			}
			if acts[i].c.upd != nil || acts[i].item != nil || acts[i].del {
				cs.add(icmMode, pl.ts, pl.key)
			}
			if !pl.write {
				pl.ts.use.table += 2
				continue
			}
			st, err := m.statsOf(pl.ts)
			if err != nil {
				return err
			}
			use, err := writeItem(ctx, tx, pl.ts.sc, pl.ts.sch, st, pl.old, pl.new, chg)
			if hasCode(err, codeCollectionLimit) {
				// A transaction reports the full collection as the
				// action's cancellation reason.
				reasons[i] = dynamodbapi.CancellationReason{Code: ptr("ItemCollectionSizeLimitExceeded"),
					Message: ptr(awserr.From(err).Message)}
				return canceled(reasons)
			}
			if err != nil {
				return err
			}
			use.table *= 2
			for k := range use.indexes {
				use.indexes[k] *= 2
			}
			pl.ts.use.add(use)
		}
		var err error
		if icm, err = cs.metrics(m); err != nil {
			return err
		}
		cc = m.consumedList(capMode, true)
		return m.save()
	})
	if err != nil {
		return nil, nil, err
	}
	return cc, icm, nil
}

func (p *Provider) transactGetItems(ctx context.Context, in *dynamodbapi.TransactGetItemsInput) (*dynamodbapi.TransactGetItemsOutput, error) {
	cs := make([]*compiled, len(in.TransactItems))
	for i, ti := range in.TransactItems {
		if ti.Get == nil {
			return nil, validation("1 validation error detected: Value null at 'transactItems.%d.member.get' failed to satisfy constraint: Member must not be null", i+1)
		}
		c, err := compile(exprParams{names: ti.Get.ExpressionAttributeNames, projection: ti.Get.ProjectionExpression})
		if err != nil {
			return nil, err
		}
		cs[i] = c
	}
	sc := scope.From(ctx)
	out := &dynamodbapi.TransactGetItemsOutput{}
	err := p.store.View(ctx, func(tx storage.Txn) error {
		m := newMultiTx(ctx, tx, sc, "TransactGetItems", p.statsShard(), &p.schemas)
		seen := map[string]bool{}
		out.Responses = make([]dynamodbapi.ItemResponse, 0, len(in.TransactItems))
		for i, ti := range in.TransactItems {
			ts, err := m.table(deref(ti.Get.TableName))
			if err != nil {
				return err
			}
			key, err := keyOfParam(ts.sch, ti.Get.Key)
			if err != nil {
				return err
			}
			ks := keyString(ts.sc, ts.sch, key)
			if seen[ks] {
				return validation(msgTxMultipleOps)
			}
			seen[ks] = true
			it, err := loadItem(ctx, tx, ts.sc, ts.sch, key)
			if err != nil {
				return err
			}
			size := 0
			if it != nil {
				size = attr.ItemSize(it)
			}
			ts.use.table += 2 * readUnits(size, true)
			out.Responses = append(out.Responses, dynamodbapi.ItemResponse{Item: cs[i].applyProjection(it)})
		}
		out.ConsumedCapacity = m.consumedList(in.ReturnConsumedCapacity, false)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
