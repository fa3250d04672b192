package s3

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/awserr"
)

// postPolicy is the policy document of a browser-form upload: when it
// expires and the conditions the form's fields must meet.
type postPolicy struct {
	expiration time.Time
	conditions []postCondition
	// minSize and maxSize bound the file when the policy has a
	// content-length-range condition (hasRange).
	minSize, maxSize int64
	hasRange         bool
}

// postCondition is one condition on a form field (lowercase, without its
// leading $): equality or a prefix.
type postCondition struct {
	op    string // "eq" or "starts-with"
	field string
	value string
	text  string // the condition as the policy wrote it, for messages
}

// errInvalidPolicy is S3's answer to a policy document it cannot read.
func errInvalidPolicy(detail string) *awserr.Error {
	return awserr.New("InvalidPolicyDocument", http.StatusBadRequest, "Invalid Policy: %s", detail)
}

// errPolicyDenied is S3's answer to a form its policy does not allow.
func errPolicyDenied(detail string) *awserr.Error {
	return awserr.New("AccessDenied", http.StatusForbidden, "Invalid according to Policy: %s", detail)
}

// parsePostPolicy decodes a base64 policy document.
func parsePostPolicy(b64 string) (*postPolicy, error) {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, errInvalidPolicy("Invalid Base64 Encoding.")
	}
	var doc struct {
		Expiration *string           `json:"expiration"`
		Conditions []json.RawMessage `json:"conditions"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, errInvalidPolicy("Invalid JSON.")
	}
	if doc.Expiration == nil {
		return nil, errInvalidPolicy("Policy missing expiration.")
	}
	exp, err := time.Parse(time.RFC3339Nano, *doc.Expiration)
	if err != nil {
		return nil, errInvalidPolicy(fmt.Sprintf("Invalid 'expiration' value: '%s'", clipText(*doc.Expiration)))
	}
	if doc.Conditions == nil {
		return nil, errInvalidPolicy("Policy missing conditions.")
	}
	p := &postPolicy{expiration: exp}
	for _, c := range doc.Conditions {
		if err := p.addCondition(c); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// addCondition reads one condition: {"field": "value"} or
// ["eq"|"starts-with", "$field", "value"] or
// ["content-length-range", min, max].
func (p *postPolicy) addCondition(raw json.RawMessage) error {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) == nil {
		if len(obj) != 1 {
			return errInvalidPolicy("Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.")
		}
		for k, v := range obj {
			var s string
			if json.Unmarshal(v, &s) != nil {
				return errInvalidPolicy(fmt.Sprintf("Invalid Simple-Condition: value of '%s' must be a string.", clipText(k)))
			}
			p.conditions = append(p.conditions, postCondition{op: "eq", field: strings.ToLower(k), value: s,
				text: fmt.Sprintf(`["eq", "$%s", "%s"]`, k, s)})
		}
		return nil
	}
	var arr []json.RawMessage
	if json.Unmarshal(raw, &arr) != nil || len(arr) != 3 {
		return errInvalidPolicy("Invalid Condition: conditions must be objects or three-element arrays.")
	}
	var op string
	if json.Unmarshal(arr[0], &op) != nil {
		return errInvalidPolicy("Invalid Condition: the first element must be a string.")
	}
	op = strings.ToLower(op)
	if op == "content-length-range" {
		lo, err1 := jsonInt(arr[1])
		hi, err2 := jsonInt(arr[2])
		if err1 != nil || err2 != nil || lo < 0 || hi < lo {
			return errInvalidPolicy("Invalid content-length-range: the bounds must be integers, 0 <= min <= max.")
		}
		p.minSize, p.maxSize, p.hasRange = lo, hi, true
		return nil
	}
	if op != "eq" && op != "starts-with" {
		return errInvalidPolicy(fmt.Sprintf("Invalid Condition: unknown operation '%s'.", clipText(op)))
	}
	var field, value string
	if json.Unmarshal(arr[1], &field) != nil || json.Unmarshal(arr[2], &value) != nil || !strings.HasPrefix(field, "$") {
		return errInvalidPolicy("Invalid Condition: a field condition is [operation, \"$field\", \"value\"].")
	}
	p.conditions = append(p.conditions, postCondition{op: op, field: strings.ToLower(field[1:]), value: value,
		text: fmt.Sprintf(`["%s", "%s", "%s"]`, op, field, value)})
	return nil
}

// jsonInt reads a JSON number or numeric string as an int64.
func jsonInt(raw json.RawMessage) (int64, error) {
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.Int64()
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, err
	}
	return strconv.ParseInt(s, 10, 64)
}

// check applies the policy to a form's fields (names lowercase; "bucket"
// is the addressed bucket) at time now. Every field but the signature and
// legacy access key, the policy, the file and x-ignore-* ones must be
// named by a condition.
func (p *postPolicy) check(fields map[string]string, now time.Time) error {
	if !now.Before(p.expiration) {
		return errPolicyDenied("Policy expired.")
	}
	covered := map[string]bool{}
	for _, c := range p.conditions {
		covered[c.field] = true
		v := fields[c.field]
		ok := v == c.value
		if c.op == "starts-with" {
			ok = strings.HasPrefix(v, c.value)
			if c.field == "content-type" && ok {
				// Each of a comma-separated list must match.
				for _, part := range strings.Split(v, ",") {
					ok = ok && strings.HasPrefix(strings.TrimSpace(part), c.value)
				}
			}
		}
		if !ok {
			return errPolicyDenied("Policy Condition failed: " + c.text)
		}
	}
	var extra []string
	for name := range fields {
		switch {
		case name == "bucket", name == "policy", name == "x-amz-signature", name == "file",
			name == "awsaccesskeyid", name == "signature",
			strings.HasPrefix(name, "x-ignore-"), covered[name]:
		default:
			extra = append(extra, name)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return errPolicyDenied("Extra input fields: " + strings.Join(extra, ", "))
	}
	return nil
}

// clipText bounds client text echoed in messages.
func clipText(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
