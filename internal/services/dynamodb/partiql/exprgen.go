package partiql

import (
	"strconv"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

// builder writes DynamoDB expression strings, giving every attribute name a
// #n placeholder (so reserved words and odd characters are safe) and every
// value a :v placeholder. Only what is written is recorded, so the maps it
// hands out never hold unused entries.
type builder struct {
	nameOf map[string]string // attribute name → placeholder
	names  map[string]string // placeholder → attribute name
	values map[string]dynamodbapi.AttributeValue
}

func (b *builder) name(n string) string {
	if ph, ok := b.nameOf[n]; ok {
		return ph
	}
	if b.nameOf == nil {
		b.nameOf = map[string]string{}
		b.names = map[string]string{}
	}
	ph := "#n" + strconv.Itoa(len(b.names))
	b.nameOf[n] = ph
	b.names[ph] = n
	return ph
}

func (b *builder) value(v dynamodbapi.AttributeValue) string {
	if b.values == nil {
		b.values = map[string]dynamodbapi.AttributeValue{}
	}
	ph := ":v" + strconv.Itoa(len(b.values))
	b.values[ph] = v
	return ph
}

func (b *builder) path(p path) string {
	var sb strings.Builder
	for i, e := range p {
		switch {
		case e.isIndex:
			sb.WriteString("[" + strconv.Itoa(e.index) + "]")
		case i > 0:
			sb.WriteString("." + b.name(e.name))
		default:
			sb.WriteString(b.name(e.name))
		}
	}
	return sb.String()
}

func (b *builder) operand(o operand) string {
	switch o := o.(type) {
	case *pathOp:
		return b.path(o.p)
	case *valueOp:
		return b.value(o.v)
	case *sizeOp:
		return "size(" + b.path(o.p) + ")"
	case *callOp:
		args := make([]string, len(o.args))
		for i, a := range o.args {
			args[i] = b.operand(a)
		}
		return o.name + "(" + strings.Join(args, ", ") + ")"
	case *arithOp:
		return b.operand(o.l) + " " + o.op + " " + b.operand(o.r)
	}
	return ""
}

// cond writes a condition; compound parts are parenthesized so the output
// never depends on precedence.
func (b *builder) cond(c cond) string {
	switch c := c.(type) {
	case *cmpCond:
		return b.operand(c.l) + " " + c.op + " " + b.operand(c.r)
	case *betweenCond:
		return b.operand(c.v) + " BETWEEN " + b.operand(c.lo) + " AND " + b.operand(c.hi)
	case *inCond:
		items := make([]string, len(c.list))
		for i, o := range c.list {
			items[i] = b.operand(o)
		}
		return b.operand(c.v) + " IN (" + strings.Join(items, ", ") + ")"
	case *andCond:
		return b.join(conjuncts(c), " AND ")
	case *orCond:
		return b.join(disjuncts(c), " OR ")
	case *notCond:
		return "NOT (" + b.cond(c.c) + ")"
	case *funcCond:
		args := make([]string, len(c.args))
		for i, a := range c.args {
			args[i] = b.operand(a)
		}
		return c.name + "(" + strings.Join(args, ", ") + ")"
	case *isCond:
		p := b.path(c.p)
		if c.missing {
			if c.not {
				return "attribute_exists(" + p + ")"
			}
			return "attribute_not_exists(" + p + ")"
		}
		s := "attribute_type(" + p + ", " + b.value(strValue("NULL")) + ")"
		if c.not {
			return "NOT " + s
		}
		return s
	}
	return ""
}

// join writes each of cs in parentheses, separated by sep.
func (b *builder) join(cs []cond, sep string) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = "(" + b.cond(c) + ")"
	}
	return strings.Join(parts, sep)
}

// disjuncts flattens the top-level ORs of c.
func disjuncts(c cond) []cond {
	if o, ok := c.(*orCond); ok {
		return append(disjuncts(o.l), disjuncts(o.r)...)
	}
	return []cond{c}
}

// conds writes the conjunction of cs; nil when cs is empty.
func (b *builder) conds(cs []cond) *string {
	if len(cs) == 0 {
		return nil
	}
	if len(cs) == 1 {
		s := b.cond(cs[0])
		return &s
	}
	s := b.join(cs, " AND ")
	return &s
}

func strValue(s string) dynamodbapi.AttributeValue { return dynamodbapi.AttributeValue{S: &s} }
