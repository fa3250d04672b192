package dynamodb

import (
	"context"
	"sort"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/api/streamsdynamodbapi"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/partiql"
	"github.com/unkai-cloud/unkai/internal/sigv4"
)

// Strict auth mode enforces tables' resource-based policies (policy.go).
// The caller is its access key's account, acting as that account's root:
//
//   - on its own tables it may do anything but what an explicit Deny of
//     the table's (or stream's) policy refuses it, but DeleteResourcePolicy,
//     so an owner can always remove its policy (ownerExemptOp);
//   - on another account's table (named by ARN) it may do only the
//     operations AWS serves across accounts (tablearn.go), and only what
//     the table's policy allows it without a Deny.
//
// Authorization reads each named table's policy, one small key, in the
// table's own account. Names and ARNs that do not resolve are left to the
// handler, which sends the error. GetRecords names its stream through the
// shard iterator, which carries the stream's account (stream_position.go).
// PartiQL statements name their tables in the statement: Authorize marks
// the request, and the handler, once it has translated each statement,
// authorizes its table with the statement's action (authorizeStatement).
// Unsigned requests are refused as the gateway refuses them elsewhere.

// authTarget is one resource a request acts on, and the IAM action.
type authTarget struct {
	ref    string // a table name or ARN, or a stream ARN
	action string // the DynamoDB action, e.g. "GetItem"
	stream bool   // ref is a stream ARN
}

// streamsOps are the operations of the DynamoDB Streams API.
var streamsOps = map[string]bool{"ListStreams": true, "DescribeStream": true, "GetShardIterator": true, "GetRecords": true}

// policyOps are the resource-policy operations, whose ResourceArn must be
// the caller's own (resolvePolicyResource).
var policyOps = map[string]bool{"PutResourcePolicy": true, "GetResourcePolicy": true, "DeleteResourcePolicy": true}

// ownerExemptOp is the one operation a Deny never refuses the resource's
// owner: AWS lets an account's root delete the policy of its own resource
// whatever the policy says, so that it cannot lock itself out. Put and Get
// of the policy are denied like any other action (DDB-TABLE-210).
const ownerExemptOp = "DeleteResourcePolicy"

// Authorize implements service.Authorizer.
func (p *Provider) Authorize(ctx context.Context, req service.AuthRequest) (context.Context, error) {
	sc := scope.From(ctx)
	if sc.Anonymous {
		d := dynamodbapi.Descriptor
		if streamsOps[req.Operation] {
			d = streamsdynamodbapi.Descriptor
		}
		return ctx, sigv4.ToAWS(&sigv4.Error{Kind: sigv4.KindMissing}, sigv4.DialectOf(d.Protocol, d.SigningName))
	}
	if statementOps[req.Operation] {
		return context.WithValue(ctx, statementAuthKey{}, req.Operation), nil
	}
	for _, t := range requestTargets(sc, req.Input) {
		if err := p.authorizeTarget(ctx, sc, req.Operation, t); err != nil {
			return ctx, err
		}
	}
	return ctx, nil
}

// statementOps are the PartiQL operations, whose tables are authorized
// once their statements are translated.
var statementOps = map[string]bool{"ExecuteStatement": true, "BatchExecuteStatement": true, "ExecuteTransaction": true}

// statementAuthKey marks the context of a PartiQL request in strict mode;
// its value is the operation's name.
type statementAuthKey struct{}

// authorizeStatement authorizes the table of one translated statement,
// with the PartiQL action of its kind, when strict mode asks for it.
func (p *Provider) authorizeStatement(ctx context.Context, r *partiql.Request) error {
	op, ok := ctx.Value(statementAuthKey{}).(string)
	table := statementTable(r)
	if !ok || table == nil {
		return nil
	}
	return p.authorizeTarget(ctx, scope.From(ctx), op, authTarget{ref: *table, action: statementAction(r.Kind)})
}

// statementAction is the IAM action of a statement of kind k.
func statementAction(k partiql.Kind) string {
	switch k {
	case partiql.KindInsert:
		return "PartiQLInsert"
	case partiql.KindUpdate:
		return "PartiQLUpdate"
	case partiql.KindDelete:
		return "PartiQLDelete"
	}
	return "PartiQLSelect"
}

// authorizeTarget decides one target of operation op.
func (p *Provider) authorizeTarget(ctx context.Context, sc scope.Scope, op string, t authTarget) error {
	var ref tableRef
	var label string
	var err error
	switch {
	case policyOps[op]:
		var pt policyTarget
		pt, err = resolvePolicyResource(sc, t.ref)
		ref, label = pt.t, pt.label
	case t.stream:
		ref, label, err = resolveResource(sc, op, t.ref, true)
	default:
		ref, err = resolveTable(sc, op, t.ref)
	}
	if err != nil {
		if hasCode(err, codeAccessDenied) {
			return err
		}
		return nil // the handler reports it
	}
	pol, err := loadPolicy(ctx, p.store, ref.sc, ref.name, label)
	if err != nil {
		return err
	}
	resource := tableARN(ref.sc, ref.name)
	if label != "" {
		resource = streamARN(ref.sc, ref.name, label)
	}
	d := decideNone
	if pol.live() {
		doc, err := parsePolicy(pol.Doc)
		if err != nil {
			return internalf("stored policy of %s: %w", ref.name, err)
		}
		d = doc.evaluate(sc.Account, t.action, resource)
	}
	switch {
	case d == decideDeny && !(ref.sc.Account == sc.Account && op == ownerExemptOp):
		return accessDenied(sc, t.action, resource, true)
	case ref.sc.Account != sc.Account && d != decideAllow:
		return accessDenied(sc, t.action, resource, false)
	}
	return nil
}

// requestTargets lists the tables (and streams) a request acts on, with
// the IAM action each needs: a transaction's items need the item actions.
func requestTargets(sc scope.Scope, in any) []authTarget {
	one := func(name *string, action string) []authTarget {
		if name == nil {
			return nil
		}
		return []authTarget{{ref: *name, action: action}}
	}
	switch x := in.(type) {
	case *dynamodbapi.GetItemInput:
		return one(x.TableName, "GetItem")
	case *dynamodbapi.PutItemInput:
		return one(x.TableName, "PutItem")
	case *dynamodbapi.UpdateItemInput:
		return one(x.TableName, "UpdateItem")
	case *dynamodbapi.DeleteItemInput:
		return one(x.TableName, "DeleteItem")
	case *dynamodbapi.QueryInput:
		return one(x.TableName, "Query")
	case *dynamodbapi.ScanInput:
		return one(x.TableName, "Scan")
	case *dynamodbapi.DescribeTableInput:
		return one(x.TableName, "DescribeTable")
	case *dynamodbapi.UpdateTableInput:
		return one(x.TableName, "UpdateTable")
	case *dynamodbapi.DeleteTableInput:
		return one(x.TableName, "DeleteTable")
	case *dynamodbapi.UpdateTimeToLiveInput:
		return one(x.TableName, "UpdateTimeToLive")
	case *dynamodbapi.DescribeTimeToLiveInput:
		return one(x.TableName, "DescribeTimeToLive")
	case *dynamodbapi.CreateBackupInput:
		return one(x.TableName, "CreateBackup")
	case *dynamodbapi.UpdateContinuousBackupsInput:
		return one(x.TableName, "UpdateContinuousBackups")
	case *dynamodbapi.DescribeContinuousBackupsInput:
		return one(x.TableName, "DescribeContinuousBackups")
	case *dynamodbapi.UpdateContributorInsightsInput:
		return one(x.TableName, "UpdateContributorInsights")
	case *dynamodbapi.DescribeContributorInsightsInput:
		return one(x.TableName, "DescribeContributorInsights")
	case *dynamodbapi.TagResourceInput:
		return one(x.ResourceArn, "TagResource")
	case *dynamodbapi.UntagResourceInput:
		return one(x.ResourceArn, "UntagResource")
	case *dynamodbapi.ListTagsOfResourceInput:
		return one(x.ResourceArn, "ListTagsOfResource")
	case *dynamodbapi.PutResourcePolicyInput:
		return streamOrTable(x.ResourceArn, "PutResourcePolicy")
	case *dynamodbapi.GetResourcePolicyInput:
		return streamOrTable(x.ResourceArn, "GetResourcePolicy")
	case *dynamodbapi.DeleteResourcePolicyInput:
		return streamOrTable(x.ResourceArn, "DeleteResourcePolicy")
	case *streamsdynamodbapi.DescribeStreamInput:
		return streamOrTable(x.StreamArn, "DescribeStream")
	case *streamsdynamodbapi.GetShardIteratorInput:
		return streamOrTable(x.StreamArn, "GetShardIterator")
	case *streamsdynamodbapi.GetRecordsInput:
		it, ok := decodeIterator(deref(x.ShardIterator))
		if !ok {
			return nil // the handler refuses it
		}
		return []authTarget{{ref: streamARN(it.owner(sc), it.table, it.label), action: "GetRecords", stream: true}}
	case *dynamodbapi.BatchGetItemInput:
		return sortedTargets(mapKeys(x.RequestItems), "BatchGetItem")
	case *dynamodbapi.BatchWriteItemInput:
		return sortedTargets(mapKeys(x.RequestItems), "BatchWriteItem")
	case *dynamodbapi.TransactGetItemsInput:
		var out []authTarget
		for _, ti := range x.TransactItems {
			if ti.Get != nil {
				out = append(out, one(ti.Get.TableName, "GetItem")...)
			}
		}
		return out
	case *dynamodbapi.TransactWriteItemsInput:
		var out []authTarget
		for _, ti := range x.TransactItems {
			switch {
			case ti.ConditionCheck != nil:
				out = append(out, one(ti.ConditionCheck.TableName, "ConditionCheckItem")...)
			case ti.Put != nil:
				out = append(out, one(ti.Put.TableName, "PutItem")...)
			case ti.Update != nil:
				out = append(out, one(ti.Update.TableName, "UpdateItem")...)
			case ti.Delete != nil:
				out = append(out, one(ti.Delete.TableName, "DeleteItem")...)
			}
		}
		return out
	}
	return nil
}

// streamOrTable is the target of a ResourceArn that may name a stream.
func streamOrTable(s *string, action string) []authTarget {
	if s == nil {
		return nil
	}
	return []authTarget{{ref: *s, action: action, stream: true}}
}

// sortedTargets are the targets of the named tables, in name order.
func sortedTargets(names []string, action string) []authTarget {
	sort.Strings(names)
	out := make([]authTarget, len(names))
	for i, n := range names {
		out[i] = authTarget{ref: n, action: action}
	}
	return out
}

// mapKeys lists a map's keys.
func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

var _ service.Authorizer = (*Provider)(nil)
