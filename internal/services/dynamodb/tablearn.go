package dynamodb

import (
	"context"
	"net/http"
	"strings"

	"github.com/unkai-cloud/unkai/internal/arn"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
)

// Every TableName parameter accepts the table's ARN as well as its name
// (arn:aws:dynamodb:<region>:<account>:table/<name>). resolveTable reads it,
// once per named table, to the scope (account and region) the table lives
// in and its bare name, and every operation then acts in that scope:
//
//   - a malformed ARN, one of another service, or one naming a table's
//     index, stream or backup rather than the table, is a ValidationException
//     (msgBadARN);
//   - an ARN of another region is the ValidationException DynamoDB sends,
//     "Invalid AWS region in '<arn>'": an endpoint serves its own region;
//   - an ARN of another account is an AccessDeniedException for the
//     operations AWS never serves across accounts (PartiQL, TTL, backups,
//     PITR, Contributor Insights, the resource-policy operations, ...),
//     whatever the table's policy says. The others (crossAccountOps) act
//     on the owner's table: in strict auth mode only once Authorize has
//     found the table's resource policy allowing the caller (policy_auth.go);
//     open mode checks no permission, so there the ARN alone reaches the
//     other account's table, as every other request there acts unchecked.
//
// The account is checked before the region, as AWS does, so a request
// never learns whether another account's ARN names a valid region.

// Messages of table ARN resolution.
const (
	msgWrongRegion   = "1 validation error detected: Invalid AWS region in '%s'"
	msgAccessDenied  = "User: %s is not authorized to perform: dynamodb:%s on resource: %s because no resource-based policy allows the dynamodb:%s action"
	msgDeniedByRBP   = "User: %s is not authorized to perform: dynamodb:%s on resource: %s with an explicit deny in a resource-based policy"
	codeAccessDenied = "AccessDeniedException"
)

// crossAccountOps are the operations AWS serves on another account's table
// (or stream) when its resource-based policy allows the caller: the item
// and batch and transaction operations, DescribeTable, UpdateTable,
// DeleteTable, the tag operations, and the stream reads (DescribeStream,
// GetShardIterator and GetRecords, on the stream's policy).
var crossAccountOps = map[string]bool{
	"GetItem": true, "PutItem": true, "UpdateItem": true, "DeleteItem": true, "Query": true, "Scan": true,
	"BatchGetItem": true, "BatchWriteItem": true, "TransactGetItems": true, "TransactWriteItems": true,
	"DescribeTable": true, "UpdateTable": true, "DeleteTable": true,
	"TagResource": true, "UntagResource": true, "ListTagsOfResource": true,
	"DescribeStream": true, "GetShardIterator": true, "GetRecords": true,
}

// tableRef is a table a request names: where it lives and its bare name.
type tableRef struct {
	sc   scope.Scope
	name string
}

// isARN reports whether a TableName parameter is an ARN rather than a name.
func isARN(s string) bool { return strings.HasPrefix(s, "arn:") }

// resolveTable resolves the TableName parameter s of operation op for a
// caller in scope sc. A plain name is a table of the caller's scope.
func resolveTable(sc scope.Scope, op, s string) (tableRef, error) {
	if !isARN(s) {
		return tableRef{sc: sc, name: s}, nil
	}
	t, _, err := resolveResource(sc, op, s, false)
	return t, err
}

// resolveResource resolves the ResourceArn s of operation op: a table's
// ARN or, when streams is set, also the ARN of one of its streams, whose
// label it returns ("" for the table).
func resolveResource(sc scope.Scope, op, s string, streams bool) (tableRef, string, error) {
	a, err := arn.Parse(s)
	if err != nil || a.Service != Name || a.Region == "" || a.Partition != arn.PartitionOf(a.Region) || !isAccountID(a.Account) {
		return tableRef{}, "", validation(msgBadARN, s)
	}
	rest, ok := strings.CutPrefix(a.Resource, "table/")
	name, label, isStream := strings.Cut(rest, "/stream/")
	if strings.Contains(name, "/") {
		return tableRef{}, "", validation(msgBadARN, s)
	}
	if !ok || name == "" || isStream && (!streams || label == "" || strings.Contains(label, "/")) {
		return tableRef{}, "", validation(msgBadARN, s)
	}
	if err := checkOwner(sc, op, a, s); err != nil {
		return tableRef{}, "", err
	}
	owner := sc
	owner.Account, owner.Region = a.Account, a.Region
	return tableRef{sc: owner, name: name}, label, nil
}

// checkOwner refuses an ARN of another account for an operation AWS does
// not serve across accounts, and an ARN of another region.
func checkOwner(sc scope.Scope, op string, a arn.ARN, s string) error {
	if a.Account != sc.Account && !crossAccountOps[op] {
		return accessDenied(sc, op, s, false)
	}
	if a.Region != sc.Region {
		return validation(msgWrongRegion, s)
	}
	return nil
}

// isAccountID reports whether s is a 12-digit account id.
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// callerARN is the principal a request acts as: unkai's access keys are
// their account's root.
func callerARN(sc scope.Scope) string {
	return arn.Global("iam", sc.Region, sc.Account, "root").String()
}

// accessDenied is the AccessDeniedException for op on resource; explicit
// says a Deny statement refused it.
func accessDenied(sc scope.Scope, op, resource string, explicit bool) *awserr.Error {
	if explicit {
		return awserr.New(codeAccessDenied, http.StatusBadRequest, msgDeniedByRBP, callerARN(sc), op, resource)
	}
	return awserr.New(codeAccessDenied, http.StatusBadRequest, msgAccessDenied, callerARN(sc), op, resource, op)
}

// onTable wraps the handler of a single-table operation: the table its
// TableName member (field) names by ARN is resolved, and the handler runs
// on the bare name in the table's scope. Handlers thus see names only.
func onTable[I, O any](op string, field func(*I) **string, h func(context.Context, *I) (*O, error)) func(context.Context, *I) (*O, error) {
	return func(ctx context.Context, in *I) (*O, error) {
		f := field(in)
		if *f == nil || !isARN(**f) {
			return h(ctx, in)
		}
		t, err := resolveTable(scope.From(ctx), op, **f)
		if err != nil {
			return nil, err
		}
		cp := *in
		*field(&cp) = &t.name
		return h(scope.With(ctx, t.sc), &cp)
	}
}
