package s3

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Bucket policies are validated at PUT as S3 does and stored as sent. In
// strict auth mode every request is authorized by them (Authorize,
// policy_eval_request.go); open mode, for tests that do not care about
// access control, does not enforce them.

// maxPolicyBytes is the largest bucket policy S3 accepts (20 KB).
const maxPolicyBytes = 20 << 10

func (p *Provider) putBucketPolicy(ctx context.Context, in *s3api.PutBucketPolicyRequest) (*protocol.Empty, error) {
	bucket, text := deref(in.Bucket), deref(in.Policy)
	doc, err := parsePolicy(bucket, text)
	if err != nil {
		return nil, err
	}
	return emptyOr(p.putConfig(ctx, bucket, cfgPolicy, text, func(tx storage.Txn) error {
		var pab s3api.PublicAccessBlockConfiguration
		found, err := readConfig(ctx, tx, bucket, cfgPublic, &pab)
		if err != nil {
			return err
		}
		if found && val(pab.BlockPublicPolicy) && doc.public() {
			return errAccessDenied()
		}
		return nil
	}))
}

func (p *Provider) getBucketPolicy(ctx context.Context, in *s3api.GetBucketPolicyRequest) (*s3api.GetBucketPolicyOutput, error) {
	text, err := p.policyOf(ctx, deref(in.Bucket))
	if err != nil {
		return nil, err
	}
	return &s3api.GetBucketPolicyOutput{Policy: &text}, nil
}

func (p *Provider) getBucketPolicyStatus(ctx context.Context, in *s3api.GetBucketPolicyStatusRequest) (*s3api.GetBucketPolicyStatusOutput, error) {
	bucket := deref(in.Bucket)
	text, err := p.policyOf(ctx, bucket)
	if err != nil {
		return nil, err
	}
	doc, err := parsePolicy(bucket, text)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	return &s3api.GetBucketPolicyStatusOutput{PolicyStatus: &s3api.PolicyStatus{IsPublic: ptr(doc.public())}}, nil
}

func (p *Provider) deleteBucketPolicy(ctx context.Context, in *s3api.DeleteBucketPolicyRequest) (*protocol.Empty, error) {
	return emptyOr(p.deleteConfig(ctx, deref(in.Bucket), cfgPolicy))
}

// policyOf returns the stored policy text: NoSuchBucketPolicy when none.
func (p *Provider) policyOf(ctx context.Context, bucket string) (string, error) {
	var text string
	found, err := p.getConfig(ctx, bucket, cfgPolicy, &text)
	if err != nil {
		return "", err
	}
	if !found {
		return "", awserr.New("NoSuchBucketPolicy", http.StatusNotFound, "The bucket policy does not exist")
	}
	return text, nil
}

// policyDoc is a parsed bucket policy.
type policyDoc struct {
	Statements []policyStatement
}

// policyStatement is one statement; the members that may be a string or a
// list are held as lists.
type policyStatement struct {
	Effect       string
	Principal    json.RawMessage
	NotPrincipal json.RawMessage
	Action       []string
	NotAction    []string
	Resource     []string
	NotResource  []string
	Condition    json.RawMessage
}

// parsePolicy checks a bucket policy as S3 does at PUT and parses it: JSON
// whose first byte is '{', a Statement (one or a list), each with Effect
// Allow or Deny, a principal, s3 actions, and resources inside bucket.
func parsePolicy(bucket, text string) (*policyDoc, error) {
	if len(text) > maxPolicyBytes {
		return nil, errMalformedPolicy("Policies must be less than 20 KB")
	}
	if t := bytes.TrimLeft([]byte(text), " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return nil, errMalformedPolicy("Policies must be valid JSON and the first byte must be '{'")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return nil, errMalformedPolicy("This policy contains invalid Json")
	}
	st, ok := raw["Statement"]
	if !ok {
		return nil, errMalformedPolicy("Missing required field Statement")
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(st, &list); err != nil {
		var one map[string]json.RawMessage
		if err := json.Unmarshal(st, &one); err != nil {
			return nil, errMalformedPolicy("This policy contains invalid Json")
		}
		list = []map[string]json.RawMessage{one}
	}
	if len(list) == 0 {
		return nil, errMalformedPolicy("Could not parse the policy: Statement is empty!")
	}
	doc := &policyDoc{}
	for _, m := range list {
		s, err := parseStatement(bucket, m)
		if err != nil {
			return nil, err
		}
		doc.Statements = append(doc.Statements, s)
	}
	return doc, nil
}

func parseStatement(bucket string, m map[string]json.RawMessage) (policyStatement, error) {
	var s policyStatement
	if raw, ok := m["Effect"]; !ok {
		return s, errMalformedPolicy("Missing required field Effect")
	} else if err := json.Unmarshal(raw, &s.Effect); err != nil || (s.Effect != "Allow" && s.Effect != "Deny") {
		return s, errMalformedPolicy("Invalid effect: " + strings.Trim(string(raw), `"`))
	}
	s.Principal, s.NotPrincipal, s.Condition = m["Principal"], m["NotPrincipal"], m["Condition"]
	if s.Principal == nil && s.NotPrincipal == nil {
		return s, errMalformedPolicy("Missing required field Principal")
	}
	if !validPrincipal(s.Principal) || !validPrincipal(s.NotPrincipal) {
		return s, errMalformedPolicy("Invalid principal in policy")
	}
	var err error
	if s.Action, s.NotAction, err = stringsOf(m, "Action", "NotAction"); err != nil {
		return s, err
	}
	for _, a := range append(append([]string(nil), s.Action...), s.NotAction...) {
		if !validS3Action(a) {
			return s, errMalformedPolicy("Policy has invalid action")
		}
	}
	if s.Resource, s.NotResource, err = stringsOf(m, "Resource", "NotResource"); err != nil {
		return s, err
	}
	for _, r := range append(append([]string(nil), s.Resource...), s.NotResource...) {
		if !resourceInBucket(bucket, r) {
			return s, errMalformedPolicy("Policy has invalid resource")
		}
	}
	return s, nil
}

// stringsOf reads the member named field (or its negated twin), a string or
// a list of strings.
func stringsOf(m map[string]json.RawMessage, field, not string) ([]string, []string, error) {
	a, aok := m[field]
	n, nok := m[not]
	if !aok && !nok {
		return nil, nil, errMalformedPolicy("Missing required field " + field)
	}
	var out [2][]string
	for i, raw := range []json.RawMessage{a, n} {
		if raw == nil {
			continue
		}
		var one string
		if err := json.Unmarshal(raw, &one); err == nil {
			out[i] = []string{one}
			continue
		}
		if err := json.Unmarshal(raw, &out[i]); err != nil {
			return nil, nil, errMalformedPolicy("This policy contains invalid Json")
		}
	}
	return out[0], out[1], nil
}

// validPrincipal accepts "*" or an object whose values are strings or lists
// of strings (AWS, Service, Federated, CanonicalUser).
func validPrincipal(raw json.RawMessage) bool {
	if raw == nil {
		return true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s == "*"
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || len(m) == 0 {
		return false
	}
	for k, v := range m {
		switch k {
		case "AWS", "Service", "Federated", "CanonicalUser":
		default:
			return false
		}
		if err := json.Unmarshal(v, &s); err == nil {
			continue
		}
		var list []string
		if err := json.Unmarshal(v, &list); err != nil || len(list) == 0 {
			return false
		}
	}
	return true
}

// validS3Action accepts "*" and "s3:<name>" where the name may hold
// wildcards.
func validS3Action(a string) bool {
	if a == "*" {
		return true
	}
	svc, name, ok := strings.Cut(a, ":")
	return ok && strings.EqualFold(svc, "s3") && name != "" && !strings.ContainsAny(name, " :")
}

// resourceInBucket reports whether a policy resource ARN names bucket or
// objects in it: arn:<partition>:s3:::<bucket>[/<key pattern>], where the
// bucket part may be a wildcard pattern the bucket's name matches.
func resourceInBucket(bucket, arn string) bool {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "s3" || parts[3] != "" || parts[4] != "" {
		return false
	}
	name, _, _ := strings.Cut(parts[5], "/")
	if name == bucket {
		return true
	}
	ok, err := path.Match(name, bucket)
	return err == nil && ok && strings.ContainsAny(name, "*?")
}

// public reports whether the policy grants access to everyone: an Allow
// statement whose principal is "*" (or {"AWS": "*"}) with no condition. S3
// also treats some conditions as non-restricting; unkai counts any
// condition as restricting.
func (d *policyDoc) public() bool {
	for _, s := range d.Statements {
		if s.Effect == "Allow" && s.Condition == nil && everyone(s.Principal) {
			return true
		}
	}
	return false
}

func everyone(raw json.RawMessage) bool {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s == "*"
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return false
	}
	aws := m["AWS"]
	if json.Unmarshal(aws, &s) == nil {
		return s == "*"
	}
	var list []string
	if json.Unmarshal(aws, &list) == nil {
		return contains(list, "*")
	}
	return false
}

func errMalformedPolicy(msg string) *awserr.Error {
	return awserr.New("MalformedPolicy", http.StatusBadRequest, "%s", msg)
}
