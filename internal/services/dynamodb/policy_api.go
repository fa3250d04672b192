package dynamodb

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
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
// time in milliseconds, always above the previous revision's; putting the
// same document again keeps it (PutResourcePolicy is idempotent).

// Resource policy errors.
const (
	codePolicyNotFound  = "PolicyNotFoundException"
	msgPolicyNotFound   = "Resource-based policy not found for the provided ResourceArn: %s"
	revisionNoPolicy    = "NO_POLICY"
	msgConfirmSelfLock  = msgInvalid + "The policy denies your own permission to change the resource policy; set ConfirmRemoveSelfResourceAccess to true to confirm."
	msgCreatePolicyNull = "One or more parameter values were invalid: ResourcePolicy must not be empty"
)

// storedPolicy is a policy document and its revision.
type storedPolicy struct {
	Doc      string `json:"doc"`
	Revision string `json:"rev"`
}

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

// withPolicyTarget resolves the ResourceArn of a policy operation and runs
// fn inside a transaction on it, once the table (and the stream) is known
// to exist.
func (p *Provider) withPolicyTarget(ctx context.Context, op, resource string, write bool, fn func(tx storage.Txn, pt policyTarget) error) error {
	t, label, err := resolveResource(scope.From(ctx), op, resource, true)
	if err != nil {
		return err
	}
	pt := policyTarget{t: t, label: label}
	run := func(tx storage.Txn) error {
		if _, err := loadTable(ctx, tx, t.sc, t.name); err != nil {
			if hasCode(err, codeNotFound) {
				return awsNotFound(msgResourceArnNotFound, resource)
			}
			return err
		}
		if label != "" {
			if _, ok, err := loadStream(ctx, tx, t.sc, t.name, label); err != nil {
				return err
			} else if !ok {
				return awsNotFound(msgResourceArnNotFound, resource)
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
		return nil, validation(msgConfirmSelfLock)
	}
	out := &dynamodbapi.PutResourcePolicyOutput{}
	err = p.withPolicyTarget(ctx, "PutResourcePolicy", resource, true, func(tx storage.Txn, pt policyTarget) error {
		cur, err := loadPolicy(ctx, tx, pt.t.sc, pt.t.name, pt.label)
		if err != nil {
			return err
		}
		if err := checkExpectedRevision(in.ExpectedRevisionId, cur, resource); err != nil {
			return err
		}
		if cur != nil && cur.Doc == doc {
			out.RevisionId = ptr(cur.Revision)
			return nil
		}
		next := &storedPolicy{Doc: doc, Revision: nextRevision(cur, p.clock.Now().UnixMilli())}
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
func checkExpectedRevision(expected *string, cur *storedPolicy, resource string) error {
	if expected == nil {
		return nil
	}
	if *expected == revisionNoPolicy {
		if cur != nil {
			return policyNotFound(resource)
		}
		return nil
	}
	if cur == nil || cur.Revision != *expected {
		return policyNotFound(resource)
	}
	return nil
}

func (p *Provider) getResourcePolicy(ctx context.Context, in *dynamodbapi.GetResourcePolicyInput) (*dynamodbapi.GetResourcePolicyOutput, error) {
	resource := deref(in.ResourceArn)
	out := &dynamodbapi.GetResourcePolicyOutput{}
	err := p.withPolicyTarget(ctx, "GetResourcePolicy", resource, false, func(tx storage.Txn, pt policyTarget) error {
		cur, err := loadPolicy(ctx, tx, pt.t.sc, pt.t.name, pt.label)
		if err != nil {
			return err
		}
		if cur == nil {
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
	err := p.withPolicyTarget(ctx, "DeleteResourcePolicy", resource, true, func(tx storage.Txn, pt policyTarget) error {
		cur, err := loadPolicy(ctx, tx, pt.t.sc, pt.t.name, pt.label)
		if err != nil {
			return err
		}
		if in.ExpectedRevisionId != nil && (cur == nil || cur.Revision != *in.ExpectedRevisionId) {
			return policyNotFound(resource)
		}
		if cur == nil {
			return nil // idempotent: nothing to delete
		}
		out.RevisionId = ptr(cur.Revision)
		if err := tx.Delete(policyKey(pt.t.sc, pt.t.name, pt.label)); err != nil {
			return awserr.Internal(err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// createPolicy checks CreateTable's ResourcePolicy and returns what to
// store (nil when the request has none).
func createPolicy(doc *string, nowMS int64) (*storedPolicy, error) {
	if doc == nil {
		return nil, nil
	}
	if *doc == "" {
		return nil, validation(msgCreatePolicyNull)
	}
	if _, err := parsePolicy(*doc); err != nil {
		return nil, err
	}
	return &storedPolicy{Doc: *doc, Revision: nextRevision(nil, nowMS)}, nil
}
