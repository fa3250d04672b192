package partiql

import (
	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

// translateSelect picks GetItem, Query or Scan from the WHERE clause's
// top-level conjuncts.
func translateSelect(s *selectStmt, schema SchemaLookup) (*Request, error) {
	ks, err := schema(s.table, s.index)
	if err != nil {
		return nil, err
	}
	table := s.table
	var index *string
	if s.index != "" {
		ix := s.index
		index = &ix
	}
	conj := conjuncts(s.where)
	pk, pkAt := keyEquality(conj, ks.PartitionKey)
	if s.orderBy != nil {
		if s.where == nil {
			return nil, validation(msgOrderByWhere)
		}
		if pkAt < 0 {
			return nil, validation(msgOrderByScan)
		}
		name, ok := s.orderBy.topName()
		if !ok || (name != ks.SortKey && name != ks.PartitionKey) {
			return nil, validation(msgOrderByKey)
		}
	}
	if pkAt < 0 {
		b := &builder{}
		in := &dynamodbapi.ScanInput{TableName: &table, IndexName: index}
		if s.where != nil {
			f := b.cond(s.where)
			in.FilterExpression = &f
		}
		in.ProjectionExpression = projection(b, s.proj)
		in.ExpressionAttributeNames, in.ExpressionAttributeValues = b.names, b.values
		return &Request{Kind: KindScan, Scan: in}, nil
	}
	rest := without(conj, pkAt)
	var sortCond cond
	if ks.SortKey != "" {
		if _, at := keyEquality(rest, ks.SortKey); at >= 0 {
			sortCond, rest = rest[at], without(rest, at)
		} else if at := sortCondition(rest, ks.SortKey); at >= 0 {
			sortCond, rest = rest[at], without(rest, at)
		}
	}
	fullKey := ks.SortKey == "" || (sortCond != nil && isEquality(sortCond))
	if s.index == "" && fullKey && len(rest) == 0 && s.orderBy == nil {
		key := map[string]dynamodbapi.AttributeValue{ks.PartitionKey: pk}
		if ks.SortKey != "" {
			key[ks.SortKey] = equalityValue(sortCond)
		}
		b := &builder{}
		in := &dynamodbapi.GetItemInput{TableName: &table, Key: key}
		in.ProjectionExpression = projection(b, s.proj)
		in.ExpressionAttributeNames = b.names
		return &Request{Kind: KindGetItem, GetItem: in}, nil
	}
	b := &builder{}
	kc := b.name(ks.PartitionKey) + " = " + b.value(pk)
	if sortCond != nil {
		kc += " AND " + b.cond(sortCond)
	}
	in := &dynamodbapi.QueryInput{TableName: &table, IndexName: index, KeyConditionExpression: &kc}
	in.FilterExpression = b.conds(rest)
	in.ProjectionExpression = projection(b, s.proj)
	in.ExpressionAttributeNames, in.ExpressionAttributeValues = b.names, b.values
	if s.orderBy != nil {
		fwd := !s.orderDesc
		in.ScanIndexForward = &fwd
	}
	return &Request{Kind: KindQuery, Query: in}, nil
}

// projection writes a ProjectionExpression, or nil for SELECT *.
func projection(b *builder, proj []path) *string {
	if len(proj) == 0 {
		return nil
	}
	var s string
	for i, p := range proj {
		if i > 0 {
			s += ", "
		}
		s += b.path(p)
	}
	return &s
}

// conjuncts flattens the top-level ANDs of c.
func conjuncts(c cond) []cond {
	switch c := c.(type) {
	case nil:
		return nil
	case *andCond:
		return append(conjuncts(c.l), conjuncts(c.r)...)
	}
	return []cond{c}
}

// without returns cs minus its i-th element, leaving cs untouched.
func without(cs []cond, i int) []cond {
	out := make([]cond, 0, len(cs)-1)
	out = append(out, cs[:i]...)
	return append(out, cs[i+1:]...)
}

// keyEquality finds a conjunct name = value (either way round) and returns
// the value and the conjunct's position, or -1.
func keyEquality(cs []cond, name string) (dynamodbapi.AttributeValue, int) {
	for i, c := range cs {
		if v, ok := equalityOn(c, name); ok {
			return v, i
		}
	}
	return dynamodbapi.AttributeValue{}, -1
}

// equalityOn reports whether c is name = value or value = name.
func equalityOn(c cond, name string) (dynamodbapi.AttributeValue, bool) {
	cmp, ok := c.(*cmpCond)
	if !ok || cmp.op != "=" {
		return dynamodbapi.AttributeValue{}, false
	}
	if isName(cmp.l, name) {
		if v, ok := cmp.r.(*valueOp); ok {
			return v.v, true
		}
	}
	if isName(cmp.r, name) {
		if v, ok := cmp.l.(*valueOp); ok {
			return v.v, true
		}
	}
	return dynamodbapi.AttributeValue{}, false
}

func isEquality(c cond) bool {
	cmp, ok := c.(*cmpCond)
	return ok && cmp.op == "="
}

// equalityValue returns the value side of an equality found by keyEquality.
func equalityValue(c cond) dynamodbapi.AttributeValue {
	cmp := c.(*cmpCond)
	if v, ok := cmp.r.(*valueOp); ok {
		return v.v
	}
	return cmp.l.(*valueOp).v
}

// isName reports whether o is the top-level attribute name.
func isName(o operand, name string) bool {
	p, ok := o.(*pathOp)
	if !ok {
		return false
	}
	n, ok := p.p.topName()
	return ok && n == name
}

// flipped gives the comparison seen from the other side.
var flipped = map[string]string{"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

// sortCondition finds a conjunct a Query key condition can take on the sort
// key (comparison, BETWEEN or begins_with against values) and normalizes
// it to put the key first. It returns the position, or -1.
func sortCondition(cs []cond, name string) int {
	for i, c := range cs {
		switch c := c.(type) {
		case *cmpCond:
			if _, ok := flipped[c.op]; !ok {
				continue
			}
			if isName(c.l, name) && isValue(c.r) {
				return i
			}
			if isName(c.r, name) && isValue(c.l) {
				cs[i] = &cmpCond{op: flipped[c.op], l: c.r, r: c.l}
				return i
			}
		case *betweenCond:
			if isName(c.v, name) && isValue(c.lo) && isValue(c.hi) {
				return i
			}
		case *funcCond:
			if c.name == "begins_with" && isName(c.args[0], name) && isValue(c.args[1]) {
				return i
			}
		}
	}
	return -1
}

func isValue(o operand) bool {
	_, ok := o.(*valueOp)
	return ok
}
