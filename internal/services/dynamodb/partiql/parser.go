package partiql

import (
	"strconv"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
)

// maxDepth bounds the nesting of parentheses and literals the parser
// accepts, so hostile input cannot exhaust the stack.
const maxDepth = 128

// keywords are the words that cannot stand as unquoted attribute or table
// names; quote them ("name") to use them as names.
var keywords = map[string]bool{
	"ALL": true, "AND": true, "ASC": true, "BETWEEN": true, "BY": true, "DELETE": true,
	"DESC": true, "EXISTS": true, "FALSE": true, "FROM": true, "IN": true, "INSERT": true,
	"INTO": true, "IS": true, "MISSING": true, "MODIFIED": true, "NEW": true, "NOT": true,
	"NULL": true, "OLD": true, "OR": true, "ORDER": true, "REMOVE": true, "RETURNING": true,
	"SELECT": true, "SET": true, "TRUE": true, "UPDATE": true, "VALUE": true, "VALUES": true,
	"WHERE": true,
}

// parser is a recursive-descent parser over a token slice. Parameters are
// bound as they are met; count records how many markers the statement holds.
type parser struct {
	toks   []token
	i      int
	params []dynamodbapi.AttributeValue
	count  int
	depth  int
}

// parse parses one statement, binding ? markers to params in order.
func parse(stmt string, params []dynamodbapi.AttributeValue) (statement, error) {
	toks, err := lex(stmt)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, params: params}
	s, err := p.statement()
	if err != nil {
		return nil, err
	}
	if p.peek().is(";") {
		p.next()
	}
	if p.peek().kind != tEOF {
		return nil, p.unexpected()
	}
	if p.count != len(params) {
		return nil, validation(msgParamCount)
	}
	return s, nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

// unexpected describes the current token as AWS's parser would.
func (p *parser) unexpected() *awserr.Error {
	t := p.peek()
	switch {
	case t.kind == tEOF:
		return malformed(detUnexpectedEnd)
	case t.kind == tIdent && keywords[strings.ToUpper(t.text)]:
		return malformed(detUnexpectedKeyword)
	}
	return malformed(detUnexpectedToken)
}

func (p *parser) acceptKeyword(kw string) bool {
	if p.peek().isKeyword(kw) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expectKeyword(kw string) error {
	if !p.acceptKeyword(kw) {
		return p.unexpected()
	}
	return nil
}

func (p *parser) accept(punct string) bool {
	if p.peek().is(punct) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expect(punct string) error {
	if !p.accept(punct) {
		return p.unexpected()
	}
	return nil
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return malformed(detUnexpectedToken)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

func (p *parser) statement() (statement, error) {
	t := p.peek()
	switch {
	case t.isKeyword("SELECT"):
		return p.selectStmt()
	case t.isKeyword("INSERT"):
		return p.insertStmt()
	case t.isKeyword("UPDATE"):
		return p.updateStmt()
	case t.isKeyword("DELETE"):
		return p.deleteStmt()
	case t.isKeyword("EXISTS"):
		p.next()
		if err := p.expect("("); err != nil {
			return nil, err
		}
		if !p.peek().isKeyword("SELECT") {
			return nil, p.unexpected()
		}
		sel, err := p.selectStmt()
		if err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return &existsStmt{sel: sel}, nil
	}
	return nil, p.unexpected()
}

// name reads an identifier: a double-quoted one, or an unquoted word that is
// not a keyword.
func (p *parser) name() (string, error) {
	t := p.peek()
	switch {
	case t.kind == tQIdent:
		p.next()
		return t.text, nil
	case t.kind == tIdent && !keywords[strings.ToUpper(t.text)]:
		p.next()
		return t.text, nil
	}
	return "", p.unexpected()
}

func (p *parser) selectStmt() (*selectStmt, error) {
	if err := p.expectKeyword("SELECT"); err != nil {
		return nil, err
	}
	s := &selectStmt{}
	if !p.accept("*") {
		for {
			pa, err := p.path()
			if err != nil {
				return nil, err
			}
			s.proj = append(s.proj, pa)
			if !p.accept(",") {
				break
			}
		}
	}
	if err := p.expectKeyword("FROM"); err != nil {
		return nil, err
	}
	var err error
	if s.table, err = p.name(); err != nil {
		return nil, err
	}
	if p.accept(".") {
		if s.index, err = p.name(); err != nil {
			return nil, err
		}
	}
	if p.acceptKeyword("WHERE") {
		if s.where, err = p.cond(); err != nil {
			return nil, err
		}
	}
	if p.acceptKeyword("ORDER") {
		if err := p.expectKeyword("BY"); err != nil {
			return nil, err
		}
		if s.orderBy, err = p.path(); err != nil {
			return nil, err
		}
		if p.acceptKeyword("DESC") {
			s.orderDesc = true
		} else {
			p.acceptKeyword("ASC")
		}
	}
	return s, nil
}

func (p *parser) insertStmt() (*insertStmt, error) {
	p.next() // INSERT
	if err := p.expectKeyword("INTO"); err != nil {
		return nil, err
	}
	table, err := p.name()
	if err != nil {
		return nil, err
	}
	if err := p.expectKeyword("VALUE"); err != nil {
		return nil, err
	}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	if v.M == nil {
		return nil, validation(msgInsertValue)
	}
	return &insertStmt{table: table, item: v}, nil
}

func (p *parser) updateStmt() (*updateStmt, error) {
	p.next() // UPDATE
	table, err := p.name()
	if err != nil {
		return nil, err
	}
	s := &updateStmt{table: table}
	for {
		switch {
		case p.acceptKeyword("SET"):
			for {
				pa, err := p.path()
				if err != nil {
					return nil, err
				}
				if err := p.expect("="); err != nil {
					return nil, err
				}
				v, err := p.updateValue()
				if err != nil {
					return nil, err
				}
				s.actions = append(s.actions, updateAction{p: pa, v: v})
				if !p.accept(",") {
					break
				}
			}
			continue
		case p.acceptKeyword("REMOVE"):
			for {
				pa, err := p.path()
				if err != nil {
					return nil, err
				}
				s.actions = append(s.actions, updateAction{p: pa})
				if !p.accept(",") {
					break
				}
			}
			continue
		}
		break
	}
	if len(s.actions) == 0 {
		return nil, p.unexpected()
	}
	if err := p.expectKeyword("WHERE"); err != nil {
		return nil, err
	}
	if s.where, err = p.cond(); err != nil {
		return nil, err
	}
	if s.returning, err = p.returning(false); err != nil {
		return nil, err
	}
	return s, nil
}

func (p *parser) deleteStmt() (*deleteStmt, error) {
	p.next() // DELETE
	if err := p.expectKeyword("FROM"); err != nil {
		return nil, err
	}
	table, err := p.name()
	if err != nil {
		return nil, err
	}
	s := &deleteStmt{table: table}
	if err := p.expectKeyword("WHERE"); err != nil {
		return nil, err
	}
	if s.where, err = p.cond(); err != nil {
		return nil, err
	}
	if s.returning, err = p.returning(true); err != nil {
		return nil, err
	}
	return s, nil
}

// returning parses an optional RETURNING clause into a ReturnValue. DELETE
// allows only ALL OLD *.
func (p *parser) returning(deleting bool) (string, error) {
	if !p.acceptKeyword("RETURNING") {
		return "", nil
	}
	var rv, clause string
	switch {
	case p.acceptKeyword("ALL"):
		rv, clause = "ALL_", "ALL"
	case p.acceptKeyword("MODIFIED"):
		rv, clause = "UPDATED_", "MODIFIED"
	default:
		return "", p.unexpected()
	}
	switch {
	case p.acceptKeyword("OLD"):
		rv, clause = rv+"OLD", clause+" OLD"
	case p.acceptKeyword("NEW"):
		rv, clause = rv+"NEW", clause+" NEW"
	default:
		return "", p.unexpected()
	}
	if err := p.expect("*"); err != nil {
		return "", err
	}
	if deleting && rv != "ALL_OLD" {
		return "", validation(strings.Replace(msgDeleteReturning, "%s", clause, 1))
	}
	return rv, nil
}

// path reads a document path: name { .name | [index] }.
func (p *parser) path() (path, error) {
	first, err := p.name()
	if err != nil {
		if p.peek().kind != tEOF && p.peek().kind != tIdent {
			return nil, malformed(detExpectedPath)
		}
		return nil, err
	}
	pa := path{{name: first}}
	for {
		switch {
		case p.accept("."):
			t := p.next()
			if t.kind != tIdent && t.kind != tQIdent {
				return nil, malformed(detInvalidPath)
			}
			pa = append(pa, pathElem{name: t.text})
		case p.accept("["):
			t := p.next()
			if t.kind != tNumber {
				return nil, malformed(detInvalidPath)
			}
			n, err := strconv.Atoi(t.text)
			if err != nil || n < 0 {
				return nil, malformed(detInvalidPath)
			}
			if err := p.expect("]"); err != nil {
				return nil, err
			}
			pa = append(pa, pathElem{index: n, isIndex: true})
		default:
			return pa, nil
		}
	}
}

// cond parses a predicate: OR binds loosest, then AND, then NOT.
func (p *parser) cond() (cond, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	l, err := p.andCond()
	if err != nil {
		return nil, err
	}
	for p.acceptKeyword("OR") {
		r, err := p.andCond()
		if err != nil {
			return nil, err
		}
		l = &orCond{l: l, r: r}
	}
	return l, nil
}

func (p *parser) andCond() (cond, error) {
	l, err := p.notCond()
	if err != nil {
		return nil, err
	}
	for p.acceptKeyword("AND") {
		r, err := p.notCond()
		if err != nil {
			return nil, err
		}
		l = &andCond{l: l, r: r}
	}
	return l, nil
}

func (p *parser) notCond() (cond, error) {
	if p.acceptKeyword("NOT") {
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
		c, err := p.notCond()
		if err != nil {
			return nil, err
		}
		return &notCond{c: c}, nil
	}
	return p.predicate()
}

// condFuncs are the WHERE-clause functions and their argument counts.
var condFuncs = map[string]int{"begins_with": 2, "contains": 2, "attribute_type": 2}

func (p *parser) predicate() (cond, error) {
	if p.accept("(") {
		c, err := p.cond()
		if err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return c, nil
	}
	t := p.peek()
	if t.kind == tIdent && p.toks[p.i+1].is("(") {
		fn := strings.ToLower(t.text)
		if n, ok := condFuncs[fn]; ok {
			p.i += 2
			args, err := p.operandList(")")
			if err != nil {
				return nil, err
			}
			if len(args) != n {
				return nil, validation(msgUnsupported + "Incorrect number of arguments for function " + fn)
			}
			if _, ok := args[0].(*pathOp); !ok {
				return nil, validation(msgUnsupported + "First argument of function " + fn + " must be an attribute path")
			}
			return &funcCond{name: fn, args: args}, nil
		}
	}
	l, err := p.operand()
	if err != nil {
		return nil, err
	}
	t = p.peek()
	switch {
	case t.kind == tPunct && (t.text == "=" || t.text == "<>" || t.text == "!=" || t.text == "<" || t.text == "<=" || t.text == ">" || t.text == ">="):
		p.next()
		r, err := p.operand()
		if err != nil {
			return nil, err
		}
		op := t.text
		if op == "!=" {
			op = "<>"
		}
		return &cmpCond{op: op, l: l, r: r}, nil
	case t.isKeyword("IS"):
		p.next()
		pa, ok := l.(*pathOp)
		if !ok {
			return nil, validation(msgUnsupported + "IS requires an attribute path")
		}
		c := &isCond{p: pa.p, not: p.acceptKeyword("NOT")}
		switch {
		case p.acceptKeyword("MISSING"):
			c.missing = true
		case p.acceptKeyword("NULL"):
		default:
			return nil, p.unexpected()
		}
		return c, nil
	case t.isKeyword("NOT"):
		p.next()
		c, err := p.rangeCond(l)
		if err != nil {
			return nil, err
		}
		return &notCond{c: c}, nil
	case t.isKeyword("BETWEEN") || t.isKeyword("IN"):
		return p.rangeCond(l)
	}
	return nil, p.unexpected()
}

// rangeCond parses the BETWEEN or IN that follows operand l.
func (p *parser) rangeCond(l operand) (cond, error) {
	switch {
	case p.acceptKeyword("BETWEEN"):
		lo, err := p.operand()
		if err != nil {
			return nil, err
		}
		if err := p.expectKeyword("AND"); err != nil {
			return nil, err
		}
		hi, err := p.operand()
		if err != nil {
			return nil, err
		}
		return &betweenCond{v: l, lo: lo, hi: hi}, nil
	case p.acceptKeyword("IN"):
		var list []operand
		switch {
		case p.accept("["):
			ops, err := p.operandList("]")
			if err != nil {
				return nil, err
			}
			list = ops
		case p.accept("("):
			ops, err := p.operandList(")")
			if err != nil {
				return nil, err
			}
			list = ops
		case p.peek().kind == tParam:
			v, err := p.param()
			if err != nil {
				return nil, err
			}
			if v.L == nil {
				return nil, validation(msgUnsupported + "IN requires a list")
			}
			for _, e := range v.L {
				list = append(list, &valueOp{v: e})
			}
		default:
			return nil, p.unexpected()
		}
		if len(list) == 0 {
			return nil, validation(msgUnsupported + "IN requires a non-empty list")
		}
		return &inCond{v: l, list: list}, nil
	}
	return nil, p.unexpected()
}

// operandList reads comma-separated operands up to the closing punctuation.
func (p *parser) operandList(closing string) ([]operand, error) {
	var ops []operand
	if p.accept(closing) {
		return ops, nil
	}
	for {
		o, err := p.operand()
		if err != nil {
			return nil, err
		}
		ops = append(ops, o)
		if p.accept(closing) {
			return ops, nil
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
}

// operand reads size(path), a path, or a value.
func (p *parser) operand() (operand, error) {
	t := p.peek()
	if t.kind == tIdent && strings.EqualFold(t.text, "size") && p.toks[p.i+1].is("(") {
		p.i += 2
		pa, err := p.path()
		if err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return &sizeOp{p: pa}, nil
	}
	if t.kind == tQIdent || (t.kind == tIdent && !keywords[strings.ToUpper(t.text)]) {
		if p.toks[p.i+1].is("(") {
			return nil, validation(msgUnsupported + "Function " + t.text + " is not supported here")
		}
		pa, err := p.path()
		if err != nil {
			return nil, err
		}
		return &pathOp{p: pa}, nil
	}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	return &valueOp{v: v}, nil
}

// updateFuncs are the functions allowed in an UPDATE's SET values, with
// their argument counts.
var updateFuncs = map[string]int{"list_append": 2, "if_not_exists": 2, "set_add": 2, "set_delete": 2}

// updateValue reads term [(+|-) term] on the right of SET p =.
func (p *parser) updateValue() (operand, error) {
	l, err := p.updateTerm()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.is("+") || t.is("-") {
		p.next()
		r, err := p.updateTerm()
		if err != nil {
			return nil, err
		}
		return &arithOp{op: t.text, l: l, r: r}, nil
	}
	return l, nil
}

func (p *parser) updateTerm() (operand, error) {
	t := p.peek()
	if t.kind == tIdent && p.toks[p.i+1].is("(") {
		fn := strings.ToLower(t.text)
		n, ok := updateFuncs[fn]
		if !ok {
			return nil, validation(msgUnsupported + "Function " + t.text + " is not supported here")
		}
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
		p.i += 2
		var args []operand
		for {
			a, err := p.updateTerm()
			if err != nil {
				return nil, err
			}
			args = append(args, a)
			if p.accept(")") {
				break
			}
			if err := p.expect(","); err != nil {
				return nil, err
			}
		}
		if len(args) != n {
			return nil, validation(msgUnsupported + "Incorrect number of arguments for function " + fn)
		}
		return &callOp{name: fn, args: args}, nil
	}
	return p.operand()
}

// param binds the next ? marker; a marker beyond the request's parameters
// fails at once.
func (p *parser) param() (dynamodbapi.AttributeValue, error) {
	p.next()
	p.count++
	if p.count > len(p.params) {
		return dynamodbapi.AttributeValue{}, validation(msgParamCount)
	}
	return p.params[p.count-1], nil
}
