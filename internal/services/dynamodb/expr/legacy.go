package expr

import (
	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
)

// legacyArity gives the AttributeValueList length each legacy comparison
// operator takes: n ≥ 0 exactly, -1 one or more.
var legacyArity = map[string]int{
	"EQ": 1, "NE": 1, "LE": 1, "LT": 1, "GE": 1, "GT": 1,
	"CONTAINS": 1, "NOT_CONTAINS": 1, "BEGINS_WITH": 1,
	"NULL": 0, "NOT_NULL": 0, "IN": -1, "BETWEEN": 2,
}

// legacyCmp maps legacy operators to comparison tokens.
var legacyCmp = map[string]string{"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}

// FromExpected converts the legacy Expected parameter, joined by
// ConditionalOperator op (AND when nil).
func FromExpected(expected map[string]dynamodbapi.ExpectedAttributeValue, op *string) (*Condition, error) {
	var kids []*node
	for _, name := range sortedKeys(expected) {
		e := expected[name]
		var n *node
		var err error
		switch {
		case e.ComparisonOperator != nil:
			if e.Exists != nil {
				return nil, validation(msgLegacyExistsAndOp, name)
			}
			if e.Value != nil && e.AttributeValueList != nil {
				return nil, validation(msgLegacyValueAndList, name)
			}
			vals := e.AttributeValueList
			if e.Value != nil {
				vals = []av{*e.Value}
			}
			n, err = legacyNode(name, *e.ComparisonOperator, vals, expectedCountErr, "expected."+name)
			if err != nil {
				return nil, err
			}
		case e.AttributeValueList != nil:
			return nil, validation(msgLegacyListNoOp, name)
		default:
			exists := e.Exists == nil || *e.Exists
			switch {
			case exists && e.Value == nil:
				state := "null"
				if e.Exists != nil {
					state = "true"
				}
				return nil, validation(msgLegacyNeedValue, state, name)
			case !exists && e.Value != nil:
				return nil, validation(msgLegacyValueFalse, name)
			case exists:
				n = &node{kind: nCmp, op: "=", args: []*operand{pathOperand(name), {kind: oValue, val: e.Value}}}
			default:
				n = &node{kind: nFunc, op: "attribute_not_exists", args: []*operand{pathOperand(name)}}
			}
		}
		kids = append(kids, n)
	}
	return joinLegacy(kids, op)
}

// FromFilter converts a legacy QueryFilter or ScanFilter, joined by
// ConditionalOperator op (AND when nil).
func FromFilter(f map[string]dynamodbapi.Condition, op *string) (*Condition, error) {
	var kids []*node
	for _, name := range sortedKeys(f) {
		c := f[name]
		o := ""
		if c.ComparisonOperator != nil {
			o = *c.ComparisonOperator
		}
		n, err := legacyNode(name, o, c.AttributeValueList, filterCountErr, "scanFilter."+name)
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
	return joinLegacy(kids, op)
}

// expectedCountErr is Expected's error for a wrong number of values.
func expectedCountErr(op string) error { return validation(msgLegacyArgCount, op) }

// filterCountErr is QueryFilter's and ScanFilter's error for a wrong number
// of values.
func filterCountErr(string) error { return validation(msgFilterArgCount) }

// joinLegacy joins legacy conditions with AND or OR.
func joinLegacy(kids []*node, op *string) (*Condition, error) {
	kind := nAnd
	if op != nil {
		switch *op {
		case "AND":
		case "OR":
			kind = nOr
		default:
			return nil, validation(msgLegacyCondOp, *op)
		}
	}
	switch len(kids) {
	case 0:
		if op != nil {
			return nil, validation(msgLegacyCondOpAlone)
		}
		return &Condition{root: &node{kind: nTrue}}, nil
	case 1:
		return &Condition{root: kids[0]}, nil
	}
	return &Condition{root: &node{kind: kind, kids: kids}}, nil
}

// pathOperand is a top-level attribute operand.
func pathOperand(name string) *operand {
	return &operand{kind: oPath, path: Path{{Name: name}}}
}

// scalarTypes are the types ordering operators accept.
var scalarTypes = map[string]bool{"S": true, "N": true, "B": true}

// legacyNode converts one legacy comparison on attribute name. countErr
// gives the error for a wrong number of values; where names the parameter for
// enum errors.
func legacyNode(name, op string, vals []av, countErr func(op string) error, where string) (*node, error) {
	want, ok := legacyArity[op]
	if !ok {
		return nil, validation(msgLegacyBadOp, op, where+".member.comparisonOperator")
	}
	if want >= 0 && len(vals) != want || want < 0 && len(vals) == 0 {
		return nil, countErr(op)
	}
	for _, v := range vals {
		t := attr.TypeOf(v)
		bad := false
		switch op {
		case "LE", "LT", "GE", "GT", "BETWEEN", "IN", "CONTAINS", "NOT_CONTAINS":
			bad = !scalarTypes[t]
		case "BEGINS_WITH":
			bad = t != "S" && t != "B"
		}
		if bad {
			return nil, validation(msgLegacyOpType, op, t)
		}
	}
	if (op == "BETWEEN" || op == "IN") && len(vals) > 1 {
		for _, v := range vals[1:] {
			if attr.TypeOf(v) != attr.TypeOf(vals[0]) {
				return nil, validation(msgLegacySameType)
			}
		}
	}
	if op == "BETWEEN" {
		if c, ok := attr.Compare(vals[0], vals[1]); ok && c > 0 {
			return nil, validation(msgLegacyBetween)
		}
	}
	p := pathOperand(name)
	args := []*operand{p}
	for i := range vals {
		args = append(args, &operand{kind: oValue, val: &vals[i]})
	}
	switch op {
	case "NULL":
		return &node{kind: nFunc, op: "attribute_not_exists", args: args}, nil
	case "NOT_NULL":
		return &node{kind: nFunc, op: "attribute_exists", args: args}, nil
	case "CONTAINS":
		return &node{kind: nFunc, op: "contains", args: args}, nil
	case "NOT_CONTAINS":
		exists := &node{kind: nFunc, op: "attribute_exists", args: args[:1]}
		not := &node{kind: nNot, kids: []*node{{kind: nFunc, op: "contains", args: args}}}
		return &node{kind: nAnd, kids: []*node{exists, not}}, nil
	case "BEGINS_WITH":
		return &node{kind: nFunc, op: "begins_with", args: args}, nil
	case "IN":
		return &node{kind: nIn, args: args}, nil
	case "BETWEEN":
		return &node{kind: nBetween, args: args}, nil
	}
	return &node{kind: nCmp, op: legacyCmp[op], args: args}, nil
}

// FromKeyConditions converts the legacy KeyConditions parameter.
func FromKeyConditions(kc map[string]dynamodbapi.Condition) (*KeyCondition, error) {
	if len(kc) < 1 || len(kc) > 2 {
		return nil, validation(msgKeyCondCount)
	}
	out := &KeyCondition{}
	for _, name := range sortedKeys(kc) {
		c := kc[name]
		op := ""
		if c.ComparisonOperator != nil {
			op = *c.ComparisonOperator
		}
		want, ok := legacyArity[op]
		if !ok {
			return nil, validation(msgLegacyBadOp, op, "keyConditions."+name+".member.comparisonOperator")
		}
		switch op {
		case OpEQ, OpLE, OpLT, OpGE, OpGT, OpBetween, OpBeginsWith:
		default:
			return nil, validation(msgKeyCondOp)
		}
		if len(c.AttributeValueList) != want {
			return nil, validation(msgFilterArgCount)
		}
		for _, v := range c.AttributeValueList {
			t := attr.TypeOf(v)
			if !scalarTypes[t] || op == OpBeginsWith && t == "N" {
				return nil, validation(msgLegacyOpType, op, t)
			}
		}
		if op == OpBetween {
			if attr.TypeOf(c.AttributeValueList[0]) != attr.TypeOf(c.AttributeValueList[1]) {
				return nil, validation(msgLegacySameType)
			}
			if cmp, ok := attr.Compare(c.AttributeValueList[0], c.AttributeValueList[1]); ok && cmp > 0 {
				return nil, validation(msgLegacyBetween)
			}
		}
		out.Terms = append(out.Terms, KeyTerm{Name: name, Op: op, Values: c.AttributeValueList})
	}
	out.guess()
	return out, nil
}

// FromAttributeUpdates converts the legacy AttributeUpdates parameter.
func FromAttributeUpdates(u map[string]dynamodbapi.AttributeValueUpdate) (*Update, error) {
	up := &Update{}
	for _, name := range sortedKeys(u) {
		x := u[name]
		act := "PUT"
		if x.Action != nil {
			act = *x.Action
		}
		path := Path{{Name: name}}
		switch act {
		case "PUT":
			if x.Value == nil {
				return nil, validation(msgLegacyNoValue)
			}
			up.actions = append(up.actions, action{kind: aSet, path: path, rhs: &operand{kind: oValue, val: x.Value}})
		case "ADD":
			if x.Value == nil {
				return nil, validation(msgLegacyNoValue)
			}
			switch t := attr.TypeOf(*x.Value); t {
			case "N", "SS", "NS", "BS", "L":
			default:
				return nil, validation(msgLegacyAddType, t)
			}
			up.actions = append(up.actions, action{kind: aAdd, path: path, val: *x.Value})
		case "DELETE":
			if x.Value == nil {
				up.actions = append(up.actions, action{kind: aRemove, path: path})
				continue
			}
			switch t := attr.TypeOf(*x.Value); t {
			case "SS", "NS", "BS":
			default:
				return nil, validation(msgLegacyDeleteType, t)
			}
			up.actions = append(up.actions, action{kind: aDelete, path: path, val: *x.Value})
		default:
			return nil, validation(msgLegacyBadAction, act, name)
		}
	}
	return up, nil
}
