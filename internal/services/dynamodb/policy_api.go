package dynamodb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/arn"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Resource-based policies are stored apart from the table's record, so
// that strict-mode authorization reads one small key per table and
// attaching a policy does not invalidate the schema cache:
//
//	"policies", table, label → the policy of the table (label "") or of its stream
//
// Deleting the table deletes them. A revision id is the policy's write
// time in milliseconds, always above the previous revision's; putting an
// equivalent document again keeps it (PutResourcePolicy is idempotent on
// the canonical form, policy_canon.go). Deleting a policy leaves a
// tombstone, a record without a document whose revision is the deletion's
// time: a later DeleteResourcePolicy echoes it, as AWS does (DDB-TABLE-205),
// while a resource that never had a policy answers with no RevisionId.
//
// Choices where AWS differs: a policy change is visible to
// GetResourcePolicy and enforced at once (AWS takes seconds to minutes),
// and AWS's 15-second cooldown between two changes of one policy
// (ResourceInUseException, then ThrottlingException) is not imposed, so
// that tests may rewrite policies freely, as with TTL (ttl.go).

// Resource policy errors.
const (
	codePolicyNotFound   = "PolicyNotFoundException"
	msgPolicyNotFound    = "Resource-based policy not found for the provided ResourceArn: %s"
	msgRevisionMismatch  = "Requested update for policy with revision id %s, but the policy associated to target %s has revision id %s."
	msgRevisionNoPolicy  = "Requested update for policy with revision id %s, but %s has no associated policy."
	msgRevisionExists    = "Requested policy update expecting none to be present for %s, but a policy exists with revision id %s."
	revisionNoPolicy     = "NO_POLICY"
	msgConfirmSelfLock   = "The new resource policy will not allow you to update the resource policy in the future."
	msgCreatePolicyNull  = "One or more parameter values were invalid: ResourcePolicy must not be empty"
	msgPolicyARNNotARN   = msgInvalid + "ARNs must start with 'arn:': %s"
	msgPolicyARNNotDDB   = msgInvalid + "Provided Arn is not a DynamoDB resource arn: %s"
	msgPolicyARNIndex    = msgInvalid + "Invalid resource arn provided, only table or stream is accepted. Provided resource arn: %s"
	msgPolicyARNElswhere = msgInvalid + "Invalid resource Arn: %s"
	msgPolicyARNAccount  = "This action is only supported by accounts that match the resource owner’s account."
	msgPolicyTableGone   = "Requested resource not found: Table: %s not found"
	msgPolicyStreamGone  = "Requested resource not found: Stream: %s not found for Table: %s"
)

// storedPolicy is a policy document in canonical form and its revision;
// a tombstone has no document.
type storedPolicy struct {
	Doc       string `json:"doc"`
	NoVersion bool   `json:"nover,omitempty"`
	Revision  string `json:"rev"`
}

// live reports whether p is a policy rather than nothing or a tombstone.
func (p *storedPolicy) live() bool { return p != nil && p.Doc != "" }

// policiesPrefix is the key prefix of a table's policies.
func policiesPrefix(sc scope.Scope, table string) []byte {
	return storage.Key(Name, sc.Account, sc.Region, "policies", table)
}

// policyKey is the key of the policy of a table (label "") or its stream.
func policyKey(sc scope.Scope, table, label string) []byte {
	return storage.AppendString(policiesPrefix(sc, table), label)
}

// loadPolicy reads a policy; nil when there is none.
func loadPolicy(ctx context.Context, r storage.Reader, sc scope.Scope, table, label string) (*storedPolicy, error) {
	raw, err := r.Get(ctx, policyKey(sc, table, label))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, awserr.Internal(err)
	}
	var p storedPolicy
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, internalf("decode policy of %s: %w", table, err)
	}
	return &p, nil
}

// savePolicy writes a policy.
func savePolicy(tx storage.Txn, sc scope.Scope, table, label string, p *storedPolicy) error {
	raw, err := json.Marshal(p)
	if err != nil {
		return internalf("encode policy: %w", err)
	}
	if err := tx.Put(policyKey(sc, table, label), raw); err != nil {
		return awserr.Internal(err)
	}
	return nil
}

// dropPolicies deletes the policies of a table and its streams.
func dropPolicies(ctx context.Context, tx storage.Txn, sc scope.Scope, table string) error {
	start, end := storage.PrefixRange(policiesPrefix(sc, table))
	if err := deleteRange(ctx, tx, start, end); err != nil {
		return awserr.Internal(err)
	}
	return nil
}

// policyNotFound is the PolicyNotFoundException for resource.
func policyNotFound(resource string) *awserr.Error {
	return awserr.New(codePolicyNotFound, http.StatusBadRequest, msgPolicyNotFound, resource)
}

// target names the resource of a policy in PolicyNotFoundException texts:
// "table <name>", or "stream <label>" (AWS is silent on the stream form).
func (pt policyTarget) target() string {
	if pt.label != "" {
		return "stream " + pt.label
	}
	return "table " + pt.t.name
}

// nextRevision is the revision id of a policy written at now (ms) over prev.
func nextRevision(prev *storedPolicy, nowMS int64) string {
	if prev != nil {
		if n, err := strconv.ParseInt(prev.Revision, 10, 64); err == nil && n >= nowMS {
			nowMS = n + 1
		}
	}
	return strconv.FormatInt(nowMS, 10)
}

// policyTarget is the resource a policy operation names.
type policyTarget struct {
	t     tableRef
	label string // the stream's label; "" for the table
}

// resolvePolicyResource resolves the ResourceArn of a policy operation
// for a caller in scope sc, with the ValidationExceptions DynamoDB sends
// (DDB-TABLE-212): the ARN must be the caller's own (account, then region
// and partition) table or stream; an index ARN and anything else are
// refused.
func resolvePolicyResource(sc scope.Scope, s string) (policyTarget, error) {
	if !isARN(s) {
		return policyTarget{}, validation(msgPolicyARNNotARN, s)
	}
	a, err := arn.Parse(s)
	if err != nil || a.Service != Name || !isAccountID(a.Account) {
		return policyTarget{}, validation(msgPolicyARNNotDDB, s)
	}
	if a.Account != sc.Account {
		return policyTarget{}, validation(msgPolicyARNAccount)
	}
	if a.Region != sc.Region || a.Partition != arn.PartitionOf(sc.Region) {
		return policyTarget{}, validation(msgPolicyARNElswhere, s)
	}
	rest, ok := strings.CutPrefix(a.Resource, "table/")
	name, sub, hasSub := strings.Cut(rest, "/")
	if !ok || name == "" {
		return policyTarget{}, validation(msgPolicyARNNotDDB, s)
	}
	pt := policyTarget{t: tableRef{sc: sc, name: name}}
	if !hasSub {
		return pt, nil
	}
	kind, id, _ := strings.Cut(sub, "/")
	switch {
	case kind == "index" && id != "" && !strings.Contains(id, "/"):
		return policyTarget{}, validation(msgPolicyARNIndex, s)
	case kind == "stream" && id != "" && !strings.Contains(id, "/"):
		pt.label = id
		return pt, nil
	}
	return policyTarget{}, validation(msgPolicyARNNotDDB, s)
}

// withPolicyTarget resolves the ResourceArn of a policy operation and runs
// fn inside a transaction on it, once the table (and the stream) is known
// to exist.
func (p *Provider) withPolicyTarget(ctx context.Context, resource string, write bool, fn func(tx storage.Txn, pt policyTarget) error) error {
	pt, err := resolvePolicyResource(scope.From(ctx), resource)
	if err != nil {
		return err
	}
	run := func(tx storage.Txn) error {
		if _, err := loadTable(ctx, tx, pt.t.sc, pt.t.name); err != nil {
			if hasCode(err, codeNotFound) {
				return awsNotFound(msgPolicyTableGone, pt.t.name)
			}
			return err
		}
		if pt.label != "" {
			if _, ok, err := loadStream(ctx, tx, pt.t.sc, pt.t.name, pt.label); err != nil {
				return err
			} else if !ok {
				return awsNotFound(msgPolicyStreamGone, pt.label, pt.t.name)
			}
		}
		return fn(tx, pt)
	}
	if write {
		return p.store.Update(ctx, run)
	}
	return p.store.View(ctx, run)
}

func (p *Provider) putResourcePolicy(ctx context.Context, in *dynamodbapi.PutResourcePolicyInput) (*dynamodbapi.PutResourcePolicyOutput, error) {
	doc := deref(in.Policy)
	pol, err := parsePolicy(doc)
	if err != nil {
		return nil, err
	}
	sc := scope.From(ctx)
	resource := deref(in.ResourceArn)
	if pol.evaluate(sc.Account, "PutResourcePolicy", resource) == decideDeny &&
		(in.ConfirmRemoveSelfResourceAccess == nil || !*in.ConfirmRemoveSelfResourceAccess) {
		return nil, awserr.New(codeAccessDenied, http.StatusBadRequest, msgConfirmSelfLock)
	}
	canon, err := canonicalPolicy(doc, arn.PartitionOf(sc.Region))
	if err != nil {
		return nil, err
	}
	out := &dynamodbapi.PutResourcePolicyOutput{}
	err = p.withPolicyTarget(ctx, resource, true, func(tx storage.Txn, pt policyTarget) error {
		cur, err := loadPolicy(ctx, tx, pt.t.sc, pt.t.name, pt.label)
		if err != nil {
			return err
		}
		if err := checkExpectedRevision(in.ExpectedRevisionId, cur, pt); err != nil {
			return err
		}
		if cur.live() && cur.Doc == canon.Doc && cur.NoVersion == canon.NoVersion {
			out.RevisionId = ptr(cur.Revision)
			return nil
		}
		next := &storedPolicy{Doc: canon.Doc, NoVersion: canon.NoVersion, Revision: nextRevision(cur, p.clock.Now().UnixMilli())}
		out.RevisionId = ptr(next.Revision)
		return savePolicy(tx, pt.t.sc, pt.t.name, pt.label, next)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkExpectedRevision applies ExpectedRevisionId: NO_POLICY requires
// that there be none; any other value must be the current revision.
func checkExpectedRevision(expected *string, cur *storedPolicy, pt policyTarget) error {
	if expected == nil {
		return nil
	}
	var detail string
	switch {
	case *expected == revisionNoPolicy && cur.live():
		detail = fmt.Sprintf(msgRevisionExists, pt.target(), cur.Revision)
	case *expected == revisionNoPolicy:
		return nil
	case !cur.live():
		detail = fmt.Sprintf(msgRevisionNoPolicy, *expected, pt.target())
	case cur.Revision != *expected:
		detail = fmt.Sprintf(msgRevisionMismatch, *expected, pt.target(), cur.Revision)
	default:
		return nil
	}
	return policyNotFound(detail)
}

func (p *Provider) getResourcePolicy(ctx context.Context, in *dynamodbapi.GetResourcePolicyInput) (*dynamodbapi.GetResourcePolicyOutput, error) {
	resource := deref(in.ResourceArn)
	out := &dynamodbapi.GetResourcePolicyOutput{}
	err := p.withPolicyTarget(ctx, resource, false, func(tx storage.Txn, pt policyTarget) error {
		cur, err := loadPolicy(ctx, tx, pt.t.sc, pt.t.name, pt.label)
		if err != nil {
			return err
		}
		if !cur.live() {
			return policyNotFound(resource)
		}
		out.Policy, out.RevisionId = ptr(cur.Doc), ptr(cur.Revision)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (p *Provider) deleteResourcePolicy(ctx context.Context, in *dynamodbapi.DeleteResourcePolicyInput) (*dynamodbapi.DeleteResourcePolicyOutput, error) {
	resource := deref(in.ResourceArn)
	out := &dynamodbapi.DeleteResourcePolicyOutput{}
	err := p.withPolicyTarget(ctx, resource, true, func(tx storage.Txn, pt policyTarget) error {
		cur, err := loadPolicy(ctx, tx, pt.t.sc, pt.t.name, pt.label)
		if err != nil {
			return err
		}
		if err := checkExpectedRevision(in.ExpectedRevisionId, cur, pt); err != nil {
			return err
		}
		if !cur.live() {
			// Idempotent: nothing to delete; after a deletion, its revision.
			if cur != nil {
				out.RevisionId = ptr(cur.Revision)
			}
			return nil
		}
		// The response names the removed policy's revision; the tombstone
		// records the deletion's.
		out.RevisionId = ptr(cur.Revision)
		tomb := &storedPolicy{Revision: nextRevision(cur, p.clock.Now().UnixMilli())}
		return savePolicy(tx, pt.t.sc, pt.t.name, pt.label, tomb)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// createPolicy checks CreateTable's ResourcePolicy and returns what to
// store (nil when the request has none); partition is the table's.
func createPolicy(doc *string, partition string, nowMS int64) (*storedPolicy, error) {
	if doc == nil {
		return nil, nil
	}
	if *doc == "" {
		return nil, validation(msgCreatePolicyNull)
	}
	if _, err := parsePolicy(*doc); err != nil {
		return nil, err
	}
	canon, err := canonicalPolicy(*doc, partition)
	if err != nil {
		return nil, err
	}
	return &storedPolicy{Doc: canon.Doc, NoVersion: canon.NoVersion, Revision: nextRevision(nil, nowMS)}, nil
}
