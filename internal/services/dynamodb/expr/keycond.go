package expr

import (
	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

// Sort key operators of a KeyCondition.
const (
	OpEQ         = "EQ"
	OpLT         = "LT"
	OpLE         = "LE"
	OpGT         = "GT"
	OpGE         = "GE"
	OpBetween    = "BETWEEN"
	OpBeginsWith = "BEGINS_WITH"
)

// KeyTerm is one condition on one key attribute.
type KeyTerm struct {
	// Name is the attribute name.
	Name string
	// Op is one of the Op* constants.
	Op string
	// Values holds one value, or two for BETWEEN.
	Values []dynamodbapi.AttributeValue
}

// KeyCondition is a parsed KeyConditionExpression (or legacy KeyConditions).
// Parsing cannot know the key schema: it fills PartitionName/Value from the
// first equality and Sort from the other term; Bind re-assigns them against
// the table's or index's key schema and reports AWS's errors.
type KeyCondition struct {
	// PartitionName is the partition key attribute name.
	PartitionName string
	// PartitionValue is the value the partition key must equal.
	PartitionValue dynamodbapi.AttributeValue
	// Sort is the optional sort key condition.
	Sort *KeyTerm
	// Terms are all terms in expression order.
	Terms []KeyTerm
}

// cmpOps maps comparison tokens to key operators.
var cmpOps = map[string]string{"=": OpEQ, "<": OpLT, "<=": OpLE, ">": OpGT, ">=": OpGE}

// flipped maps a key operator to its mirror (for ":v < k").
var flipped = map[string]string{OpEQ: OpEQ, OpLT: OpGT, OpLE: OpGE, OpGT: OpLT, OpGE: OpLE}

// ParseKeyCondition parses a KeyConditionExpression: "k = :v" optionally
// AND one sort key condition (= < <= > >= BETWEEN begins_with).
func ParseKeyCondition(s string, names Names, values Values, t *Tracker) (*KeyCondition, error) {
	p, err := newParser(KindKeyCondition, s, names, values)
	if err != nil {
		return nil, err
	}
	root := p.parseOr()
	if err := p.finish(condOrder, t); err != nil {
		return nil, err
	}
	kc := &KeyCondition{}
	if err := kc.collect(root); err != nil {
		return nil, err
	}
	for i, t := range kc.Terms {
		for _, u := range kc.Terms[:i] {
			if u.Name == t.Name {
				return nil, invalid(KindKeyCondition, msgKeyOnePerKey)
			}
		}
	}
	if len(kc.Terms) > 2 {
		return nil, validation(msgKeyCondCount)
	}
	kc.guess()
	return kc, nil
}

// collect flattens the AND tree into terms, rejecting other operators.
func (kc *KeyCondition) collect(n *node) error {
	keyErr := func(op string) error { return invalid(KindKeyCondition, msgKeyOperator, op) }
	switch n.kind {
	case nAnd:
		for _, k := range n.kids {
			if err := kc.collect(k); err != nil {
				return err
			}
		}
		return nil
	case nOr:
		return keyErr("OR")
	case nNot:
		return keyErr("NOT")
	case nIn:
		return keyErr("IN")
	case nCmp:
		op, ok := cmpOps[n.op]
		if !ok {
			return keyErr(n.op)
		}
		a, b := n.args[0], n.args[1]
		if a.kind == oValue && b.kind == oPath {
			a, b, op = b, a, flipped[op]
		}
		return kc.add(op, a, b)
	case nBetween:
		return kc.add(OpBetween, n.args[0], n.args[1], n.args[2])
	case nFunc:
		if n.op != "begins_with" {
			return keyErr(n.op)
		}
		return kc.add(OpBeginsWith, n.args[0], n.args[1])
	}
	return validation(msgKeyNotSupported)
}

// add appends a term whose first operand must be a top-level attribute and
// whose others must be values.
func (kc *KeyCondition) add(op string, key *operand, vals ...*operand) error {
	if key.kind != oPath {
		return validation(msgKeyNotSupported)
	}
	if len(key.path) != 1 {
		return invalid(KindKeyCondition, msgKeyNested)
	}
	t := KeyTerm{Name: key.path[0].Name, Op: op}
	for _, v := range vals {
		if v.kind != oValue {
			return validation(msgKeyNotSupported)
		}
		t.Values = append(t.Values, *v.val)
	}
	kc.Terms = append(kc.Terms, t)
	return nil
}

// guess fills PartitionName/Value and Sort without the key schema.
func (kc *KeyCondition) guess() {
	pi := -1
	for i, t := range kc.Terms {
		if t.Op == OpEQ {
			pi = i
			break
		}
	}
	if pi < 0 {
		return
	}
	kc.PartitionName, kc.PartitionValue = kc.Terms[pi].Name, kc.Terms[pi].Values[0]
	for i := range kc.Terms {
		if i != pi {
			t := kc.Terms[i]
			kc.Sort = &t
			return
		}
	}
}

// Bind assigns the terms to the key schema (rangeKey may be empty) and
// returns DynamoDB's errors for conditions that do not fit it.
func (kc *KeyCondition) Bind(hashKey, rangeKey string) error {
	var part, sort *KeyTerm
	for i := range kc.Terms {
		t := &kc.Terms[i]
		switch {
		case t.Name == hashKey:
			if part != nil {
				return invalid(KindKeyCondition, msgKeyOnePerKey)
			}
			if t.Op != OpEQ {
				return validation(msgKeyNotSupported)
			}
			part = t
		case rangeKey != "" && t.Name == rangeKey:
			if sort != nil {
				return invalid(KindKeyCondition, msgKeyOnePerKey)
			}
			sort = t
		case rangeKey != "" && len(kc.Terms) > 1:
			return validation(msgKeyMissed, rangeKey)
		case len(kc.Terms) == 1:
			// A lone condition on a non-key attribute misses the hash key.
			return validation(msgKeyMissed, hashKey)
		default:
			return validation(msgKeyNotSupported)
		}
	}
	if part == nil {
		return validation(msgKeyMissed, hashKey)
	}
	kc.PartitionName, kc.PartitionValue, kc.Sort = part.Name, part.Values[0], nil
	if sort != nil {
		s := *sort
		kc.Sort = &s
	}
	return nil
}

// Match reports whether an item's sort key value satisfies the sort
// condition (true when there is none).
func (kc *KeyCondition) Match(sortValue dynamodbapi.AttributeValue) bool {
	if kc.Sort == nil {
		return true
	}
	return matchTerm(kc.Sort.Op, sortValue, kc.Sort.Values)
}

// matchTerm evaluates one key operator.
func matchTerm(op string, v av, vals []av) bool {
	switch op {
	case OpBetween:
		return compareOp(">=", v, true, vals[0], true) && compareOp("<=", v, true, vals[1], true)
	case OpBeginsWith:
		return evalFunc("begins_with", []*operand{{kind: oValue, val: &v}, {kind: oValue, val: &vals[0]}}, nil)
	}
	for tok, o := range cmpOps {
		if o == op {
			return compareOp(tok, v, true, vals[0], true)
		}
	}
	return false
}
