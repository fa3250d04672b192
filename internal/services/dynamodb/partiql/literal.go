package partiql

import (
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

// value reads a PartiQL literal or a ? parameter: 'string', number, true,
// false, null, [list], {'key': value, ...} and <<set>>.
func (p *parser) value() (dynamodbapi.AttributeValue, error) {
	t := p.peek()
	switch {
	case t.kind == tParam:
		return p.param()
	case t.kind == tString:
		p.next()
		s := t.text
		return dynamodbapi.AttributeValue{S: &s}, nil
	case t.kind == tNumber:
		p.next()
		n := t.text
		return dynamodbapi.AttributeValue{N: &n}, nil
	case t.is("-") && p.toks[p.i+1].kind == tNumber:
		p.next()
		n := "-" + p.next().text
		return dynamodbapi.AttributeValue{N: &n}, nil
	case t.isKeyword("TRUE"), t.isKeyword("FALSE"):
		p.next()
		b := strings.EqualFold(t.text, "TRUE")
		return dynamodbapi.AttributeValue{BOOL: &b}, nil
	case t.isKeyword("NULL"):
		p.next()
		b := true
		return dynamodbapi.AttributeValue{NULL: &b}, nil
	case t.is("["):
		return p.nested(p.listLiteral)
	case t.is("{"):
		return p.nested(p.mapLiteral)
	case t.is("<<"):
		return p.nested(p.setLiteral)
	}
	return dynamodbapi.AttributeValue{}, p.unexpected()
}

// nested runs a collection-literal parser one level deeper.
func (p *parser) nested(f func() (dynamodbapi.AttributeValue, error)) (dynamodbapi.AttributeValue, error) {
	if err := p.enter(); err != nil {
		return dynamodbapi.AttributeValue{}, err
	}
	defer p.leave()
	p.next() // the opening bracket
	return f()
}

// values reads comma-separated values up to the closing punctuation.
func (p *parser) values(closing string) ([]dynamodbapi.AttributeValue, error) {
	vs := []dynamodbapi.AttributeValue{}
	if p.accept(closing) {
		return vs, nil
	}
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
		if p.accept(closing) {
			return vs, nil
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
}

func (p *parser) listLiteral() (dynamodbapi.AttributeValue, error) {
	vs, err := p.values("]")
	if err != nil {
		return dynamodbapi.AttributeValue{}, err
	}
	return dynamodbapi.AttributeValue{L: vs}, nil
}

func (p *parser) mapLiteral() (dynamodbapi.AttributeValue, error) {
	m := map[string]dynamodbapi.AttributeValue{}
	if p.accept("}") {
		return dynamodbapi.AttributeValue{M: m}, nil
	}
	for {
		k := p.peek()
		if k.kind != tString {
			return dynamodbapi.AttributeValue{}, p.unexpected()
		}
		p.next()
		if err := p.expect(":"); err != nil {
			return dynamodbapi.AttributeValue{}, err
		}
		v, err := p.value()
		if err != nil {
			return dynamodbapi.AttributeValue{}, err
		}
		if _, dup := m[k.text]; dup {
			return dynamodbapi.AttributeValue{}, validation(msgDuplicateField + k.text)
		}
		m[k.text] = v
		if p.accept("}") {
			return dynamodbapi.AttributeValue{M: m}, nil
		}
		if err := p.expect(","); err != nil {
			return dynamodbapi.AttributeValue{}, err
		}
	}
}

// setLiteral builds SS, NS or BS from <<...>>; elements may be scalars or
// parameters of one type.
func (p *parser) setLiteral() (dynamodbapi.AttributeValue, error) {
	vs, err := p.values(">>")
	if err != nil {
		return dynamodbapi.AttributeValue{}, err
	}
	if len(vs) == 0 {
		return dynamodbapi.AttributeValue{}, validation(msgSetEmpty)
	}
	var out dynamodbapi.AttributeValue
	switch {
	case vs[0].S != nil:
		out.SS = make([]string, 0, len(vs))
	case vs[0].N != nil:
		out.NS = make([]string, 0, len(vs))
	case vs[0].B != nil:
		out.BS = make([][]byte, 0, len(vs))
	default:
		return dynamodbapi.AttributeValue{}, validation(msgSetMixed)
	}
	for _, v := range vs {
		switch {
		case out.SS != nil && v.S != nil && scalarOnly(v):
			out.SS = append(out.SS, *v.S)
		case out.NS != nil && v.N != nil && scalarOnly(v):
			out.NS = append(out.NS, *v.N)
		case out.BS != nil && v.B != nil && scalarOnly(v):
			out.BS = append(out.BS, v.B)
		default:
			return dynamodbapi.AttributeValue{}, validation(msgSetMixed)
		}
	}
	return out, nil
}

// scalarOnly reports whether v sets exactly one member.
func scalarOnly(v dynamodbapi.AttributeValue) bool {
	n := 0
	for _, set := range []bool{v.S != nil, v.N != nil, v.B != nil, v.SS != nil, v.NS != nil, v.BS != nil, v.M != nil, v.L != nil, v.NULL != nil, v.BOOL != nil} {
		if set {
			n++
		}
	}
	return n == 1
}
