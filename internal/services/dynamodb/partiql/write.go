package partiql

import (
	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

// translateInsert makes a PutItem that refuses to overwrite.
func translateInsert(s *insertStmt, schema SchemaLookup) (*Request, error) {
	ks, err := schema(s.table, "")
	if err != nil {
		return nil, err
	}
	table := s.table
	b := &builder{}
	c := "attribute_not_exists(" + b.name(ks.PartitionKey) + ")"
	return &Request{Kind: KindInsert, Put: &dynamodbapi.PutItemInput{
		TableName:                &table,
		Item:                     s.item.M,
		ConditionExpression:      &c,
		ExpressionAttributeNames: b.names,
	}}, nil
}

// fullKey takes the primary key out of a WHERE clause that must name all of
// it by equality, returning the key and the remaining conjuncts.
func fullKey(where cond, ks KeySchema) (map[string]dynamodbapi.AttributeValue, []cond, error) {
	conj := conjuncts(where)
	pk, at := keyEquality(conj, ks.PartitionKey)
	if at < 0 {
		return nil, nil, validation(msgKeyEquality)
	}
	conj = without(conj, at)
	key := map[string]dynamodbapi.AttributeValue{ks.PartitionKey: pk}
	if ks.SortKey != "" {
		sk, at := keyEquality(conj, ks.SortKey)
		if at < 0 {
			return nil, nil, validation(msgKeyEquality)
		}
		conj = without(conj, at)
		key[ks.SortKey] = sk
	}
	return key, conj, nil
}

// translateUpdate makes an UpdateItem conditioned on the item existing and
// on whatever else WHERE says.
func translateUpdate(s *updateStmt, schema SchemaLookup) (*Request, error) {
	ks, err := schema(s.table, "")
	if err != nil {
		return nil, err
	}
	key, rest, err := fullKey(s.where, ks)
	if err != nil {
		return nil, err
	}
	b := &builder{}
	ue, err := updateExpression(b, s.actions)
	if err != nil {
		return nil, err
	}
	ce := "attribute_exists(" + b.name(ks.PartitionKey) + ")"
	if extra := b.conds(rest); extra != nil {
		ce += " AND (" + *extra + ")"
	}
	table := s.table
	in := &dynamodbapi.UpdateItemInput{
		TableName:           &table,
		Key:                 key,
		UpdateExpression:    &ue,
		ConditionExpression: &ce,
	}
	if s.returning != "" {
		rv := s.returning
		in.ReturnValues = &rv
	}
	in.ExpressionAttributeNames, in.ExpressionAttributeValues = b.names, b.values
	return &Request{Kind: KindUpdate, Update: in}, nil
}

// updateExpression groups the statement's actions into SET, REMOVE, ADD
// (set_add) and DELETE (set_delete) clauses.
func updateExpression(b *builder, actions []updateAction) (string, error) {
	var set, remove, add, del []string
	for _, a := range actions {
		p := b.path(a.p)
		if a.v == nil {
			remove = append(remove, p)
			continue
		}
		if c, ok := a.v.(*callOp); ok && (c.name == "set_add" || c.name == "set_delete") {
			target, ok := c.args[0].(*pathOp)
			if !ok || !samePath(target.p, a.p) {
				return "", validation(msgUnsupported + "First argument of function " + c.name + " must be the attribute being set")
			}
			v, ok := c.args[1].(*valueOp)
			if !ok {
				return "", validation(msgUnsupported + "Second argument of function " + c.name + " must be a set")
			}
			clause := p + " " + b.value(v.v)
			if c.name == "set_add" {
				add = append(add, clause)
			} else {
				del = append(del, clause)
			}
			continue
		}
		if err := checkSetValue(a.v); err != nil {
			return "", err
		}
		set = append(set, p+" = "+b.operand(a.v))
	}
	var out string
	for _, cl := range []struct {
		kw    string
		items []string
	}{{"SET", set}, {"REMOVE", remove}, {"ADD", add}, {"DELETE", del}} {
		if len(cl.items) == 0 {
			continue
		}
		if out != "" {
			out += " "
		}
		out += cl.kw + " "
		for i, it := range cl.items {
			if i > 0 {
				out += ", "
			}
			out += it
		}
	}
	return out, nil
}

// checkSetValue refuses set_add and set_delete nested inside a SET value.
func checkSetValue(o operand) error {
	switch o := o.(type) {
	case *callOp:
		if o.name == "set_add" || o.name == "set_delete" {
			return validation(msgUnsupported + "Function " + o.name + " must be the whole value of a SET action")
		}
		for _, a := range o.args {
			if err := checkSetValue(a); err != nil {
				return err
			}
		}
	case *arithOp:
		if err := checkSetValue(o.l); err != nil {
			return err
		}
		return checkSetValue(o.r)
	}
	return nil
}

func samePath(a, b path) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// translateDelete makes a DeleteItem. A missing item is no error; an item
// that exists but fails the rest of WHERE is.
func translateDelete(s *deleteStmt, schema SchemaLookup) (*Request, error) {
	ks, err := schema(s.table, "")
	if err != nil {
		return nil, err
	}
	key, rest, err := fullKey(s.where, ks)
	if err != nil {
		return nil, err
	}
	table := s.table
	in := &dynamodbapi.DeleteItemInput{TableName: &table, Key: key}
	b := &builder{}
	if extra := b.conds(rest); extra != nil {
		ce := "attribute_not_exists(" + b.name(ks.PartitionKey) + ") OR (" + *extra + ")"
		in.ConditionExpression = &ce
	}
	if s.returning != "" {
		rv := s.returning
		in.ReturnValues = &rv
	}
	in.ExpressionAttributeNames, in.ExpressionAttributeValues = b.names, b.values
	return &Request{Kind: KindDelete, Delete: in}, nil
}

// translateExists makes a transaction's condition check: the item must
// exist and satisfy the rest of WHERE.
func translateExists(s *existsStmt, schema SchemaLookup) (*Request, error) {
	sel := s.sel
	if sel.index != "" || sel.proj != nil || sel.orderBy != nil {
		return nil, validation(msgUnsupported + "EXISTS requires SELECT * FROM a table with a WHERE clause on its primary key")
	}
	ks, err := schema(sel.table, "")
	if err != nil {
		return nil, err
	}
	key, rest, err := fullKey(sel.where, ks)
	if err != nil {
		return nil, err
	}
	b := &builder{}
	ce := "attribute_exists(" + b.name(ks.PartitionKey) + ")"
	if extra := b.conds(rest); extra != nil {
		ce += " AND (" + *extra + ")"
	}
	table := sel.table
	cc := &dynamodbapi.ConditionCheck{TableName: &table, Key: key, ConditionExpression: &ce}
	cc.ExpressionAttributeNames, cc.ExpressionAttributeValues = b.names, b.values
	return &Request{Kind: KindConditionCheck, ConditionCheck: cc}, nil
}
