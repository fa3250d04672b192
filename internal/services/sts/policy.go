package sts

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/stsapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
)

// Session policy limits. AWS takes at most 10 managed policy ARNs; the
// inline policy's 2,048 characters and the 50 tags are the model's bounds,
// which the codec enforces.
const maxPolicyARNs = 10

// packedCapacity is the room, in compressed bytes, that session policies
// and tags share. AWS packs them into the token in a binary form it does
// not document and reports the result as a percentage of the room
// (PackedPolicySize); unkai measures the DEFLATE size of what was sent
// against this room, chosen so that AWS's documented example (a one-statement
// policy and two tags) packs to its 8%, and an inline policy at its 2,048
// character limit fits unless it is barely compressible.
const packedCapacity = 1700

// sessionPolicies are GetFederationToken's checked session policies and
// tags.
type sessionPolicies struct {
	policy        string
	arns          []string
	tags          map[string]string
	packedPercent int64
}

// errPolicySyntax is the error of a session policy that is not a JSON
// policy document. AWS's wording for it has changed over time; unkai sends
// IAM's classic text. cause, which may be nil, is for logs.
func errPolicySyntax(cause error) error {
	e := awserr.New("MalformedPolicyDocument", http.StatusBadRequest, "Syntax errors in policy.")
	if cause != nil {
		return e.WithCause(cause)
	}
	return e
}

// errPolicyPrincipal is the error of a session policy naming a principal.
func errPolicyPrincipal() error {
	return awserr.New("MalformedPolicyDocument", http.StatusBadRequest, "Policy document should not specify a principal.")
}

// errDuplicateTags is the error of session tags whose keys repeat, ignoring case.
func errDuplicateTags() error {
	return awserr.New("InvalidParameterValue", http.StatusBadRequest, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
}

// checkSessionPolicies validates the session policies and tags of in and
// measures their packed size.
func checkSessionPolicies(in *stsapi.GetFederationTokenRequest) (sessionPolicies, error) {
	var sp sessionPolicies
	var packed bytes.Buffer
	if in.Policy != nil {
		compact, err := checkPolicy(*in.Policy)
		if err != nil {
			return sp, err
		}
		sp.policy = *in.Policy
		packed.Write(compact)
	}
	if len(in.PolicyArns) > maxPolicyARNs {
		return sp, validationError("Value '%d' at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to %d",
			len(in.PolicyArns), maxPolicyARNs)
	}
	for i, d := range in.PolicyArns {
		if d.Arn == nil {
			return sp, validationError("Value null at 'policyArns.%d.member.arn' failed to satisfy constraint: Member must not be null", i+1)
		}
		sp.arns = append(sp.arns, *d.Arn)
		packed.WriteString(*d.Arn)
	}
	if len(in.Tags) > 0 {
		sp.tags = make(map[string]string, len(in.Tags))
		seen := make(map[string]bool, len(in.Tags))
		for _, t := range in.Tags {
			if t.Key == nil || t.Value == nil {
				return sp, validationError("Value null at 'tags.member.%s' failed to satisfy constraint: Member must not be null", missingTagPart(t))
			}
			k := strings.ToLower(*t.Key)
			if seen[k] {
				return sp, errDuplicateTags()
			}
			seen[k] = true
			sp.tags[*t.Key] = *t.Value
			packed.WriteString(*t.Key)
			packed.WriteString(*t.Value)
		}
	}
	n, err := deflatedSize(packed.Bytes())
	if err != nil {
		return sp, err
	}
	sp.packedPercent = int64((n*100 + packedCapacity - 1) / packedCapacity)
	if packed.Len() == 0 {
		sp.packedPercent = 0
	}
	if sp.packedPercent > 100 {
		return sp, awserr.New("PackedPolicyTooLarge", http.StatusBadRequest,
			"Packed policy consumes %d%% of allotted space, please use smaller policy.", sp.packedPercent)
	}
	return sp, nil
}

func missingTagPart(t stsapi.Tag) string {
	if t.Key == nil {
		return "key"
	}
	return "value"
}

// checkPolicy checks that doc is a JSON policy document fit for a session
// (an object whose statements name no principal) and returns it compacted.
func checkPolicy(doc string) ([]byte, error) {
	var policy struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &policy); err != nil {
		return nil, errPolicySyntax(err)
	}
	var statements []map[string]json.RawMessage
	switch trimmed := bytes.TrimSpace(policy.Statement); {
	case len(trimmed) == 0:
		return nil, errPolicySyntax(nil)
	case trimmed[0] == '[':
		if err := json.Unmarshal(trimmed, &statements); err != nil {
			return nil, errPolicySyntax(err)
		}
	default:
		var one map[string]json.RawMessage
		if err := json.Unmarshal(trimmed, &one); err != nil {
			return nil, errPolicySyntax(err)
		}
		statements = append(statements, one)
	}
	for _, st := range statements {
		if _, ok := st["Principal"]; ok {
			return nil, errPolicyPrincipal()
		}
		if _, ok := st["NotPrincipal"]; ok {
			return nil, errPolicyPrincipal()
		}
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(doc)); err != nil {
		return nil, errPolicySyntax(err)
	}
	return compact.Bytes(), nil
}

// deflatedSize is the size of b compressed with DEFLATE at its best.
func deflatedSize(b []byte) (int, error) {
	var out bytes.Buffer
	w, err := flate.NewWriter(&out, flate.BestCompression)
	if err != nil {
		return 0, fmt.Errorf("sts: pack policies: %w", err)
	}
	if _, err := w.Write(b); err != nil {
		return 0, fmt.Errorf("sts: pack policies: %w", err)
	}
	if err := w.Close(); err != nil {
		return 0, fmt.Errorf("sts: pack policies: %w", err)
	}
	return out.Len(), nil
}
