package dynamodb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/unkai-cloud/unkai/internal/arn"
)

// Resource-based policies: the JSON documents PutResourcePolicy attaches
// to a table or a stream (policy_api.go), parsed and checked here, and
// evaluated for strict-mode requests (policy_auth.go).
//
// What unkai evaluates: Effect, Principal ("*", {"AWS": "*"}, an account
// id or an account's root ARN: unkai's access keys act as their account's
// root, so a user or role ARN is accepted in a document but matches no
// caller, nor does a service principal), Action and NotAction with * and ?
// wildcards, Resource and NotResource likewise. Condition blocks are not
// evaluated: an Allow that carries one grants nothing and a Deny that
// carries one applies, so a condition never widens access.
//
// PutResourcePolicy refuses an unconditional Allow to every principal
// ("*" or {"AWS":"*"}), as DynamoDB's public-access guardrail does; an
// Allow to everyone that carries a Condition is accepted (AWS judges the
// condition keys, unkai does not). Duplicate Sids, a missing Effect,
// Principal, Action or Resource are refused with IAM's texts.

// maxPolicyBytes is the largest policy document, whitespace included.
const maxPolicyBytes = 20 * 1024

// Policy document messages.
const (
	msgBadPolicy        = msgInvalid + "Invalid policy document: %s"
	msgPolicyTooLarge   = msgInvalid + "Maximum policy size of 20480 bytes exceeded"
	msgBadActions       = "The following action names are invalid: %s"
	msgBadPrincipal     = msgInvalid + "Invalid principal in policy document."
	msgPolicyBadJSON    = "This policy contains invalid Json"
	msgPolicyNotPolicy  = "This text appears not to be a policy"
	msgPolicyNoStmt     = "Could not parse the policy: Statement is empty!"
	msgPolicyDupSid     = "The Statement Ids in the policy are not unique"
	msgPolicyUnbounded  = "Resource-based policy grants unbounded access in one or more elements. Please revise the policy to ensure least-privilege form of access"
	policyVersionLatest = "2012-10-17"
	policyVersionOld    = "2008-10-17"
)

// policyActions are the DynamoDB actions a resource-based policy may name
// (the actions on tables, indexes and streams).
var policyActions = map[string]bool{
	"BatchGetItem": true, "BatchWriteItem": true, "ConditionCheckItem": true, "CreateBackup": true,
	"CreateTableReplica": true, "DeleteItem": true, "DeleteResourcePolicy": true, "DeleteTable": true,
	"DeleteTableReplica": true, "DescribeContinuousBackups": true, "DescribeContributorInsights": true,
	"DescribeKinesisStreamingDestination": true, "DescribeStream": true, "DescribeTable": true,
	"DescribeTableReplicaAutoScaling": true, "DescribeTimeToLive": true, "DisableKinesisStreamingDestination": true,
	"EnableKinesisStreamingDestination": true, "ExportTableToPointInTime": true, "GetItem": true,
	"GetRecords": true, "GetResourcePolicy": true, "GetShardIterator": true, "ImportTable": true,
	"ListTagsOfResource": true, "PartiQLDelete": true, "PartiQLInsert": true, "PartiQLSelect": true,
	"PartiQLUpdate": true, "PutItem": true, "PutResourcePolicy": true, "Query": true,
	"RestoreTableFromBackup": true, "RestoreTableToPointInTime": true, "Scan": true, "TagResource": true,
	"UntagResource": true, "UpdateContinuousBackups": true, "UpdateContributorInsights": true,
	"UpdateItem": true, "UpdateKinesisStreamingDestination": true, "UpdateTable": true,
	"UpdateTableReplicaAutoScaling": true, "UpdateTimeToLive": true,
}

// policyDoc is a parsed, checked policy document.
type policyDoc struct {
	Statements []policyStatement
}

// policyStatement is one statement of a policy.
type policyStatement struct {
	Sid  *string // nil when the statement has none
	Deny bool
	// AnyPrincipal is set for "*"; Accounts lists the accounts named by id
	// or root ARN.
	AnyPrincipal bool
	Accounts     []string
	Actions      []string // patterns, "dynamodb:" prefix removed; "*" for any
	NotAction    bool
	Resources    []string // ARN patterns
	NotResource  bool
	Conditional  bool
}

// parsePolicy parses and checks a policy document as PutResourcePolicy
// does, returning the ValidationException DynamoDB sends for a bad one.
func parsePolicy(doc string) (*policyDoc, error) {
	if len(doc) > maxPolicyBytes {
		return nil, validation(msgPolicyTooLarge)
	}
	if strings.TrimSpace(doc) == "null" {
		return nil, validation(msgBadPolicy, msgPolicyNotPolicy)
	}
	var top map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(doc))
	if err := dec.Decode(&top); err != nil || top == nil || dec.More() {
		return nil, validation(msgBadPolicy, msgPolicyBadJSON)
	}
	end := int(dec.InputOffset())
	for k := range top {
		switch k {
		case "Version", "Id", "Statement":
		default:
			return nil, validation(msgBadPolicy, fmt.Sprintf("Unknown field %s", k))
		}
	}
	if raw, ok := top["Version"]; ok {
		var v string
		if json.Unmarshal(raw, &v) != nil || v != policyVersionLatest && v != policyVersionOld {
			return nil, validation(msgBadPolicy, "The policy must contain a valid version string")
		}
	}
	raw, ok := top["Statement"]
	if !ok {
		// IAM's parser reports where the document ended without one: "{}"
		// is "(1,3)" on AWS (DDB-TABLE-457).
		line := 1 + strings.Count(doc[:end], "\n")
		col := end - strings.LastIndex(doc[:end], "\n")
		return nil, validation(msgBadPolicy, fmt.Sprintf("Syntax error at position (%d,%d)", line, col))
	}
	var stmts []json.RawMessage
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		stmts = []json.RawMessage{raw}
	} else if json.Unmarshal(raw, &stmts) != nil {
		return nil, validation(msgBadPolicy, "Statement must be an object or a list of objects")
	}
	if len(stmts) == 0 {
		return nil, validation(msgBadPolicy, msgPolicyNoStmt)
	}
	out := &policyDoc{}
	var badActions []string
	sids := map[string]bool{}
	for _, r := range stmts {
		st, bad, err := parseStatement(r)
		if err != nil {
			return nil, err
		}
		if st.Sid != nil {
			if sids[*st.Sid] {
				return nil, validation(msgBadPolicy, msgPolicyDupSid)
			}
			sids[*st.Sid] = true
		}
		badActions = append(badActions, bad...)
		out.Statements = append(out.Statements, st)
	}
	if len(badActions) > 0 {
		sort.Strings(badActions)
		quoted := make([]string, len(badActions))
		for i, a := range badActions {
			quoted[i] = `"` + a + `"`
		}
		return nil, validation(msgBadPolicy, fmt.Sprintf(msgBadActions, strings.Join(quoted, ", ")))
	}
	for _, st := range out.Statements {
		if !st.Deny && st.AnyPrincipal && !st.Conditional {
			return nil, validation(msgPolicyUnbounded)
		}
	}
	return out, nil
}

// parseStatement parses one statement; bad lists its invalid action names.
func parseStatement(raw json.RawMessage) (st policyStatement, bad []string, err error) {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || m == nil {
		return st, nil, validation(msgBadPolicy, "Statement must be an object or a list of objects")
	}
	for k := range m {
		switch k {
		case "Sid", "Effect", "Principal", "Action", "NotAction", "Resource", "NotResource", "Condition":
		case "NotPrincipal":
			return st, nil, validation(msgBadPolicy, "NotPrincipal is not supported in resource-based policies")
		default:
			return st, nil, validation(msgBadPolicy, fmt.Sprintf("Unknown field %s", k))
		}
	}
	if raw, ok := m["Sid"]; ok {
		var sid string
		if json.Unmarshal(raw, &sid) != nil {
			return st, nil, validation(msgBadPolicy, "Sid must be a string")
		}
		st.Sid = &sid
	}
	raw, ok := m["Effect"]
	if !ok {
		return st, nil, validation(msgBadPolicy, "Missing required field Effect")
	}
	var effect string
	if json.Unmarshal(raw, &effect) != nil || !strings.EqualFold(effect, "Allow") && !strings.EqualFold(effect, "Deny") {
		return st, nil, validation(msgBadPolicy, "Effect must be Allow or Deny")
	}
	st.Deny = strings.EqualFold(effect, "Deny")
	if err := st.parsePrincipal(m["Principal"]); err != nil {
		return st, nil, err
	}
	actKey := "Action"
	if _, ok := m["NotAction"]; ok {
		if _, both := m["Action"]; both {
			return st, nil, validation(msgBadPolicy, "Statement cannot have both Action and NotAction")
		}
		actKey, st.NotAction = "NotAction", true
	}
	actions, ok := stringOrList(m[actKey])
	if !ok || len(actions) == 0 {
		return st, nil, validation(msgBadPolicy, "Missing required field Action")
	}
	for _, a := range actions {
		p, valid := policyActionPattern(a)
		if !valid {
			bad = append(bad, a)
			continue
		}
		st.Actions = append(st.Actions, p)
	}
	resKey := "Resource"
	if _, ok := m["NotResource"]; ok {
		if _, both := m["Resource"]; both {
			return st, nil, validation(msgBadPolicy, "Statement cannot have both Resource and NotResource")
		}
		resKey, st.NotResource = "NotResource", true
	}
	if st.Resources, ok = stringOrList(m[resKey]); !ok || len(st.Resources) == 0 {
		return st, nil, validation(msgBadPolicy, "Missing required field Resource")
	}
	for _, r := range st.Resources {
		if r != "*" && !strings.HasPrefix(r, "arn:") {
			return st, nil, validation(msgBadPolicy, fmt.Sprintf("Invalid resource %s", r))
		}
	}
	if c, ok := m["Condition"]; ok {
		var cm map[string]json.RawMessage
		if json.Unmarshal(c, &cm) != nil {
			return st, nil, validation(msgBadPolicy, "Condition must be an object")
		}
		st.Conditional = len(cm) > 0
	}
	return st, bad, nil
}

// parsePrincipal reads a statement's Principal.
func (st *policyStatement) parsePrincipal(raw json.RawMessage) error {
	if raw == nil {
		return validation(msgBadPolicy, "Missing required field Principal")
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if s != "*" {
			return validation(msgBadPrincipal)
		}
		st.AnyPrincipal = true
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		return validation(msgBadPrincipal)
	}
	for kind, v := range m {
		ids, ok := stringOrList(v)
		if !ok || len(ids) == 0 {
			return validation(msgBadPrincipal)
		}
		switch kind {
		case "AWS":
			for _, id := range ids {
				if err := st.addAWSPrincipal(id); err != nil {
					return err
				}
			}
		case "Service":
			for _, id := range ids {
				if !strings.HasSuffix(id, ".amazonaws.com") {
					return validation(msgBadPrincipal)
				}
			}
		default:
			return validation(msgBadPrincipal)
		}
	}
	return nil
}

// addAWSPrincipal adds one "AWS" principal: "*", an account id, or an IAM
// ARN (only an account's root matches unkai's callers).
func (st *policyStatement) addAWSPrincipal(id string) error {
	switch {
	case id == "*":
		st.AnyPrincipal = true
		return nil
	case isAccountID(id):
		st.Accounts = append(st.Accounts, id)
		return nil
	}
	a, err := arn.Parse(id)
	if err != nil || a.Service != "iam" && a.Service != "sts" || !isAccountID(a.Account) || a.Resource == "" {
		return validation(msgBadPrincipal)
	}
	if a.Service == "iam" && a.Resource == "root" {
		st.Accounts = append(st.Accounts, a.Account)
	}
	return nil
}

// policyActionPattern checks one Action entry and returns its pattern
// without the "dynamodb:" prefix ("*" for any action).
func policyActionPattern(a string) (string, bool) {
	if a == "*" {
		return "*", true
	}
	svc, name, ok := strings.Cut(a, ":")
	if !ok || !strings.EqualFold(svc, Name) || name == "" {
		return "", false
	}
	if strings.ContainsAny(name, "*?") {
		return name, true
	}
	for k := range policyActions {
		if strings.EqualFold(k, name) {
			return k, true
		}
	}
	return "", false
}

// stringOrList reads a JSON string or list of strings.
func stringOrList(raw json.RawMessage) ([]string, bool) {
	if raw == nil {
		return nil, false
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []string{s}, true
	}
	var l []string
	if json.Unmarshal(raw, &l) != nil {
		return nil, false
	}
	return l, true
}

// decision is the outcome of evaluating a policy for one request.
type decision int

// Decisions: no statement applies, an Allow applies, a Deny applies.
const (
	decideNone decision = iota
	decideAllow
	decideDeny
)

// evaluate decides whether the policy lets account perform action (a
// DynamoDB action name, e.g. "GetItem") on resource (an ARN). A Deny wins.
func (d *policyDoc) evaluate(account, action, resource string) decision {
	out := decideNone
	for i := range d.Statements {
		st := &d.Statements[i]
		if !st.matchesPrincipal(account) || !st.matchesAction(action) || !st.matchesResource(resource) {
			continue
		}
		switch {
		case st.Deny:
			return decideDeny
		case !st.Conditional:
			out = decideAllow
		}
	}
	return out
}

func (st *policyStatement) matchesPrincipal(account string) bool {
	if st.AnyPrincipal {
		return true
	}
	for _, a := range st.Accounts {
		if a == account {
			return true
		}
	}
	return false
}

func (st *policyStatement) matchesAction(action string) bool {
	found := false
	for _, p := range st.Actions {
		if globMatch(strings.ToLower(p), strings.ToLower(action)) {
			found = true
			break
		}
	}
	return found != st.NotAction
}

func (st *policyStatement) matchesResource(resource string) bool {
	found := false
	for _, p := range st.Resources {
		if globMatch(p, resource) {
			found = true
			break
		}
	}
	return found != st.NotResource
}

// globMatch matches s against pattern, where * matches any run of
// characters and ? any one character.
func globMatch(pattern, s string) bool {
	p, t := 0, 0
	star, mark := -1, 0
	for t < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[t]):
			p++
			t++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, t
			p++
		case star >= 0:
			p = star + 1
			mark++
			t = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
