package s3

import (
	"encoding/json"
	"sort"
	"strings"
)

// The bucket policy evaluator: a pure function of a compiled policy and a
// request's facts (who, which action on which resource, the condition
// keys), answering as IAM's policy logic does for one resource-based
// policy: an explicit Deny wins over an Allow, and a request no statement
// allows is implicitly denied. Who may then do what (the bucket owner's
// account, other accounts, anonymous users, ACLs, public access blocks) is
// decided in policy_eval_request.go.

// decision is the outcome of evaluating a policy for one request.
type decision int

// The decisions, weakest first.
const (
	implicitDeny decision = iota
	allowed
	explicitDeny
)

func (d decision) String() string {
	switch d {
	case allowed:
		return "Allow"
	case explicitDeny:
		return "Deny"
	}
	return "ImplicitDeny"
}

// principal is who sends a request, as policies name them. unkai's keys
// are account root keys, so a signed request's principal is its account's
// root user.
type principal struct {
	// Anonymous is true for unsigned requests; the other fields are then
	// empty.
	Anonymous bool
	// Account is the 12-digit account id.
	Account string
}

// arn is the principal's IAM ARN.
func (p principal) arn() string {
	if p.Anonymous {
		return ""
	}
	return "arn:aws:iam::" + p.Account + ":root"
}

// evalRequest is one authorization question: may principal do action on
// resource, given the condition keys key reports.
type evalRequest struct {
	Principal principal
	// Action is "s3:<Name>".
	Action string
	// Resource is the ARN acted on: arn:aws:s3:::bucket or
	// arn:aws:s3:::bucket/key.
	Resource string
	// Key returns a condition key's values and false when the request
	// has no such key. It receives names lowercased up to any '/'. Nil
	// means no keys.
	Key func(name string) ([]string, bool)
}

// key looks a condition key up. Key names compare without case; a
// qualifier after '/' (the tag key of s3:ExistingObjectTag/<key>) keeps
// its case.
func (r *evalRequest) key(name string) ([]string, bool) {
	if r.Key == nil {
		return nil, false
	}
	if i := strings.IndexByte(name, '/'); i >= 0 {
		return r.Key(strings.ToLower(name[:i]) + name[i:])
	}
	return r.Key(strings.ToLower(name))
}

// compiledPolicy is a policy ready to evaluate.
type compiledPolicy struct {
	statements []compiledStatement
	// public is the parsed document's public() answer.
	public bool
}

// compiledStatement is one statement with its members decoded.
type compiledStatement struct {
	deny bool
	// principals (or notPrincipals when notPrincipal) the statement names.
	principals   principalSet
	notPrincipal bool
	actions      []string // lowercased patterns
	notAction    bool
	resources    []string
	notResource  bool
	conditions   []condition
}

// principalSet is a Principal or NotPrincipal element.
type principalSet struct {
	everyone  bool
	aws       []string // account ids and IAM ARNs
	canonical []string
}

// compilePolicy decodes a parsed policy's principals and conditions. A
// condition it cannot read (an unknown operator, a value of the wrong
// type) is kept as one that never holds, so the statement carrying it
// never applies.
func compilePolicy(doc *policyDoc) *compiledPolicy {
	cp := &compiledPolicy{public: doc.public()}
	for _, s := range doc.Statements {
		cs := compiledStatement{deny: s.Effect == "Deny"}
		if s.NotPrincipal != nil {
			cs.principals, cs.notPrincipal = decodePrincipals(s.NotPrincipal), true
		} else {
			cs.principals = decodePrincipals(s.Principal)
		}
		actions := s.Action
		if s.NotAction != nil {
			actions, cs.notAction = s.NotAction, true
		}
		for _, a := range actions {
			cs.actions = append(cs.actions, strings.ToLower(a))
		}
		cs.resources, cs.notResource = s.Resource, false
		if s.NotResource != nil {
			cs.resources, cs.notResource = s.NotResource, true
		}
		cs.conditions = decodeConditions(s.Condition)
		cp.statements = append(cp.statements, cs)
	}
	return cp
}

// decodePrincipals reads a Principal element: "*" or an object of
// principal types to a string or list of strings. parsePolicy has already
// checked its shape.
func decodePrincipals(raw json.RawMessage) principalSet {
	var ps principalSet
	var s string
	if json.Unmarshal(raw, &s) == nil {
		ps.everyone = s == "*"
		return ps
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return ps
	}
	for kind, v := range m {
		vals := stringOrList(v)
		switch kind {
		case "AWS":
			for _, a := range vals {
				if a == "*" {
					ps.everyone = true
				}
			}
			ps.aws = append(ps.aws, vals...)
		case "CanonicalUser":
			ps.canonical = append(ps.canonical, vals...)
		}
		// Service and Federated principals never send requests to unkai.
	}
	return ps
}

func stringOrList(raw json.RawMessage) []string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []string{s}
	}
	var l []string
	_ = json.Unmarshal(raw, &l)
	return l
}

// matches reports whether the set names p. "*" names everyone, anonymous
// users included; an account id or its root ARN names every principal of
// that account; other ARNs name that user or role alone.
func (ps principalSet) matches(p principal) bool {
	if ps.everyone {
		return true
	}
	if p.Anonymous {
		return false
	}
	for _, a := range ps.aws {
		if a == p.Account || a == p.arn() {
			return true
		}
	}
	if len(ps.canonical) > 0 {
		id := CanonicalUserID(p.Account)
		for _, c := range ps.canonical {
			if c == id {
				return true
			}
		}
	}
	return false
}

// evaluate answers req: explicitDeny when a matching statement denies it,
// allowed when one allows it and none denies, implicitDeny otherwise.
func (cp *compiledPolicy) evaluate(req *evalRequest) decision {
	d := implicitDeny
	for i := range cp.statements {
		s := &cp.statements[i]
		if !s.applies(req) {
			continue
		}
		if s.deny {
			return explicitDeny
		}
		d = allowed
	}
	return d
}

// applies reports whether every element of the statement matches req.
func (s *compiledStatement) applies(req *evalRequest) bool {
	if s.principals.matches(req.Principal) == s.notPrincipal {
		return false
	}
	if s.matchesAction(req.Action) == s.notAction {
		return false
	}
	if s.matchesResource(req) == s.notResource {
		return false
	}
	for i := range s.conditions {
		if !s.conditions[i].holds(req) {
			return false
		}
	}
	return true
}

func (s *compiledStatement) matchesAction(action string) bool {
	action = strings.ToLower(action)
	for _, a := range s.actions {
		if a == "*" || globMatch(a, action) {
			return true
		}
	}
	return false
}

func (s *compiledStatement) matchesResource(req *evalRequest) bool {
	for _, r := range s.resources {
		pat, ok := expandVariables(r, req)
		if ok && (pat == "*" || globMatch(pat, req.Resource)) {
			return true
		}
	}
	return false
}

// expandVariables replaces the policy variables in s: ${*}, ${?} and ${$}
// by the literal character, ${key} by the request's single value of key.
// It reports false when a named key is absent or multi-valued (the
// element then matches nothing); ${key, 'default'} falls back to the
// default. Wildcards a value brings in are matched literally only where
// the value holds none, which is the case for every key unkai sets.
func expandVariables(s string, req *evalRequest) (string, bool) {
	if !strings.Contains(s, "${") {
		return s, true
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		b.WriteString(s[:i])
		name := strings.TrimSpace(s[i+2 : i+j])
		s = s[i+j+1:]
		switch name {
		case "*", "?", "$":
			b.WriteString(name)
			continue
		}
		def, hasDef := "", false
		if k, d, ok := strings.Cut(name, ","); ok {
			d = strings.TrimSpace(d)
			if len(d) >= 2 && d[0] == '\'' && d[len(d)-1] == '\'' {
				name, def, hasDef = strings.TrimSpace(k), d[1:len(d)-1], true
			}
		}
		vals, ok := req.key(name)
		switch {
		case ok && len(vals) == 1:
			b.WriteString(vals[0])
		case hasDef:
			b.WriteString(def)
		default:
			return "", false
		}
	}
}

// globMatch matches s against pattern, where '*' stands for any run of
// characters (none included) and '?' for exactly one character.
func globMatch(pattern, s string) bool {
	if isASCII(pattern) && isASCII(s) {
		return matchRunes([]byte(pattern), []byte(s))
	}
	return matchRunes([]rune(pattern), []rune(s))
}

func matchRunes[T byte | rune](pattern, s []T) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// sortedKeys returns m's keys in order, so compiled conditions are
// evaluated (and tested) deterministically.
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
