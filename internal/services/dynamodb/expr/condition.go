package expr

import (
	"bytes"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"slices"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

// nodeKind classifies a condition node.
type nodeKind uint8

const (
	nAnd nodeKind = iota
	nOr
	nNot
	nCmp     // op is = <> < <= > >=; args are two operands
	nBetween // args: operand, lower, upper
	nIn      // args: operand, candidates...
	nFunc    // op is the function name; args are its arguments
	nTrue    // always true (an empty legacy condition)
)

// node is one node of a condition tree.
type node struct {
	kind  nodeKind
	op    string
	kids  []*node
	args  []*operand
	group bool // written in parentheses (for the redundant-parentheses rule)
}

// Condition is a parsed condition or filter expression (or a legacy
// Expected/QueryFilter/ScanFilter converted to one).
type Condition struct {
	root *node
}

// ParseCondition parses a ConditionExpression.
func ParseCondition(s string, names Names, values Values, t *Tracker) (*Condition, error) {
	return parseCond(KindCondition, s, names, values, t)
}

// ParseFilter parses a FilterExpression: the same language as
// ParseCondition, with "Invalid FilterExpression" in its messages.
func ParseFilter(s string, names Names, values Values, t *Tracker) (*Condition, error) {
	return parseCond(KindFilter, s, names, values, t)
}

// parseCond parses a condition of the given kind.
func parseCond(kind, s string, names Names, values Values, t *Tracker) (*Condition, error) {
	p, err := newParser(kind, s, names, values)
	if err != nil {
		return nil, err
	}
	root := p.parseOr()
	if err := p.finish(condOrder, t); err != nil {
		return nil, err
	}
	return &Condition{root: root}, nil
}

// parseOr parses and-conditions joined by OR.
func (p *parser) parseOr() *node {
	l := p.parseAnd()
	for p.err == nil && p.isKeyword("OR") {
		p.i++
		p.ops++
		r := p.parseAnd()
		l = &node{kind: nOr, kids: []*node{l, r}}
	}
	return l
}

// parseAnd parses not-conditions joined by AND.
func (p *parser) parseAnd() *node {
	l := p.parseNot()
	for p.err == nil && p.isKeyword("AND") {
		p.i++
		p.ops++
		r := p.parseNot()
		l = &node{kind: nAnd, kids: []*node{l, r}}
	}
	return l
}

// parseNot parses NOT* primary.
func (p *parser) parseNot() *node {
	if p.err == nil && p.isKeyword("NOT") {
		p.i++
		p.ops++
		x := p.parseNot()
		return &node{kind: nNot, kids: []*node{x}}
	}
	return p.parsePrimary()
}

// isComparator reports whether s is a comparison operator.
func isComparator(s string) bool {
	switch s {
	case "=", "<>", "<", "<=", ">", ">=":
		return true
	}
	return false
}

// parsePrimary parses a parenthesized condition, a comparison, BETWEEN, IN
// or a boolean function call.
func (p *parser) parsePrimary() *node {
	if p.err != nil {
		return nil
	}
	if p.isPunct("(") {
		// A parenthesis opens a condition, or an operand as in "(a) = :v":
		// what follows the matching ")" decides.
		if p.operandParen() {
			return p.parseComparison()
		}
		return p.parseGroup()
	}
	return p.parseComparison()
}

// operandParen reports whether the "(" at the current token encloses an
// operand: its matching ")" is followed by a comparator, BETWEEN or IN.
func (p *parser) operandParen() bool {
	depth := 0
	for j := p.i; j < len(p.toks); j++ {
		t := p.toks[j]
		if t.kind != tPunct {
			continue
		}
		switch t.text {
		case "(":
			depth++
		case ")":
			depth--
			if depth == 0 {
				n := p.toks[j+1]
				return n.kind == tPunct && isComparator(n.text) ||
					n.kind == tWord && (strings.EqualFold(n.text, "BETWEEN") || strings.EqualFold(n.text, "IN"))
			}
		}
	}
	return false
}

// parseGroup parses "(" condition ")".
func (p *parser) parseGroup() *node {
	p.i++
	inner := p.parseOr()
	if !p.expect(")") {
		return nil
	}
	if inner.group {
		p.semantic(ecParens, msgParens)
	}
	inner.group = true
	return inner
}

// parseComparison parses an operand followed by a comparator, BETWEEN or
// IN, or a boolean function call.
func (p *parser) parseComparison() *node {
	l := p.parseOperand()
	if l == nil {
		return nil
	}
	t := p.peek()
	switch {
	case t.kind == tPunct && isComparator(t.text):
		p.i++
		p.ops++
		r := p.parseOperand()
		if r == nil {
			return nil
		}
		p.checkMisused(l, r)
		p.checkDistinct(t.text, l, r)
		if t.text != "=" && t.text != "<>" {
			p.checkOrdered(t.text, l, r)
		}
		return &node{kind: nCmp, op: t.text, args: []*operand{l, r}}
	case p.isKeyword("BETWEEN"):
		p.i++
		p.ops++
		lo := p.parseOperand()
		if lo == nil {
			return nil
		}
		if !p.isKeyword("AND") {
			p.syntaxErr()
			return nil
		}
		p.i++
		hi := p.parseOperand()
		if hi == nil {
			return nil
		}
		p.checkMisused(l, lo, hi)
		p.checkOrdered("BETWEEN", l, lo, hi)
		p.checkBetween(lo, hi)
		return &node{kind: nBetween, args: []*operand{l, lo, hi}}
	case p.isKeyword("IN"):
		p.i++
		p.ops++
		if !p.expect("(") {
			return nil
		}
		args := []*operand{l}
		for {
			a := p.parseOperand()
			if a == nil {
				return nil
			}
			args = append(args, a)
			if !p.isPunct(",") {
				break
			}
			p.i++
		}
		if !p.expect(")") {
			return nil
		}
		if n := len(args); n > maxInOperands {
			p.semantic(ecLimit, msgTooManyIn, n, maxInOperands)
		}
		p.checkMisused(args...)
		return &node{kind: nIn, args: args}
	}
	if l.kind == oFunc {
		if l.name == "size" {
			p.semantic(ecMisused, msgMisused, l.name)
		}
		return &node{kind: nFunc, op: l.name, args: l.args}
	}
	p.syntaxErr()
	return nil
}

// checkMisused flags boolean functions used as operands.
func (p *parser) checkMisused(args ...*operand) {
	for _, a := range args {
		if a.kind == oFunc && a.name != "size" {
			p.semantic(ecMisused, msgMisused, a.name)
		}
	}
}

// checkDistinct flags an operator whose two operands are the same path.
func (p *parser) checkDistinct(op string, a, b *operand) {
	if a.kind == oPath && b.kind == oPath && equalPath(a.path, b.path) {
		p.semantic(ecDistinct, msgDistinct, op, a.path.String())
	}
}

// checkOrdered checks that constant operands of an ordering operator are
// of a type with an order (S, N, B); item attributes of other types only
// make the comparison false.
func (p *parser) checkOrdered(op string, args ...*operand) {
	for _, a := range args {
		if a.kind != oValue {
			continue
		}
		switch t := attr.TypeOf(*a.val); t {
		case "", "S", "N", "B":
		default:
			p.semantic(ecFunction, msgOperandType, op, t)
			return
		}
	}
}

// checkBetween checks constant BETWEEN bounds: same type, lower <= upper.
func (p *parser) checkBetween(lo, hi *operand) {
	if lo.kind != oValue || hi.kind != oValue {
		return
	}
	t1, t2 := attr.TypeOf(*lo.val), attr.TypeOf(*hi.val)
	if t1 == "" || t2 == "" {
		return
	}
	if t1 != t2 {
		p.semantic(ecFunction, msgBetweenTypes, fmtValue(*lo.val), fmtValue(*hi.val))
		return
	}
	if c, ok := attr.Compare(*lo.val, *hi.val); ok && c > 0 {
		p.semantic(ecFunction, msgBetweenOrder, fmtValue(*lo.val), fmtValue(*hi.val))
	}
}

// condArity is the operand count of each condition function.
var condArity = map[string]int{
	"attribute_exists":     1,
	"attribute_not_exists": 1,
	"attribute_type":       2,
	"begins_with":          2,
	"contains":             2,
	"size":                 1,
}

// validTypeNames are attribute_type's accepted type names.
var validTypeNames = map[string]bool{
	"S": true, "SS": true, "N": true, "NS": true, "B": true, "BS": true,
	"BOOL": true, "NULL": true, "L": true, "M": true,
}

// checkCondFunc validates a condition function call.
func (p *parser) checkCondFunc(f *operand) {
	n, ok := condArity[f.name]
	if !ok {
		if _, known := updateArity[f.name]; known {
			p.semantic(ecMisused, msgMisused, f.name)
		} else {
			p.semantic(ecUnknownFunc, msgBadFunction, f.name)
		}
		return
	}
	p.checkMisused(f.args...)
	if len(f.args) != n {
		p.semantic(ecOperand, msgOperandCount, f.name, len(f.args))
		return
	}
	if n == 2 {
		p.checkDistinct(f.name, f.args[0], f.args[1])
	}
	switch f.name {
	case "attribute_exists", "attribute_not_exists":
		if f.args[0].kind != oPath {
			p.semantic(ecFunction, msgNeedsPath, f.name)
		}
	case "begins_with":
		for _, a := range f.args {
			if t := operandType(a); t != "" && t != "S" && t != "B" {
				p.semantic(ecFunction, msgOperandType, f.name, t)
				return
			}
		}
	case "attribute_type":
		t := operandType(f.args[1])
		switch {
		case t == "" && f.args[1].kind == oValue:
			// undefined value, reported elsewhere
		case t != "S":
			if t == "" {
				t = "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"
			}
			p.semantic(ecFunction, msgOperandType, f.name, t)
		case !validTypeNames[*f.args[1].val.S]:
			p.semantic(ecFunction, msgBadTypeName, *f.args[1].val.S)
		}
	case "size":
		switch t := operandType(f.args[0]); t {
		case "N", "BOOL", "NULL":
			p.semantic(ecFunction, msgOperandType, f.name, t)
		}
	}
}

// Eval reports whether item satisfies the condition. item may be nil (no
// item). Evaluation of a parsed condition does not fail; the error is for
// future checks.
func (c *Condition) Eval(item map[string]dynamodbapi.AttributeValue) (bool, error) {
	if c == nil || c.root == nil {
		return true, nil
	}
	return evalNode(c.root, item), nil
}

// evalNode evaluates one node.
func evalNode(n *node, item map[string]av) bool {
	switch n.kind {
	case nTrue:
		return true
	case nAnd:
		for _, k := range n.kids {
			if !evalNode(k, item) {
				return false
			}
		}
		return true
	case nOr:
		for _, k := range n.kids {
			if evalNode(k, item) {
				return true
			}
		}
		return false
	case nNot:
		return !evalNode(n.kids[0], item)
	case nCmp:
		a, okA := evalOperand(n.args[0], item)
		b, okB := evalOperand(n.args[1], item)
		return compareOp(n.op, a, okA, b, okB)
	case nBetween:
		v, ok := evalOperand(n.args[0], item)
		lo, okLo := evalOperand(n.args[1], item)
		hi, okHi := evalOperand(n.args[2], item)
		if !ok || !okLo || !okHi {
			return false
		}
		c1, ok1 := attr.Compare(v, lo)
		c2, ok2 := attr.Compare(v, hi)
		return ok1 && ok2 && c1 >= 0 && c2 <= 0
	case nIn:
		v, ok := evalOperand(n.args[0], item)
		if !ok {
			return false
		}
		for _, a := range n.args[1:] {
			if w, ok := evalOperand(a, item); ok && attr.Equal(v, w) {
				return true
			}
		}
		return false
	case nFunc:
		return evalFunc(n.op, n.args, item)
	}
	return false
}

// compareOp applies a comparison operator; values of different types (or
// missing ones) are unequal and unordered.
func compareOp(op string, a av, okA bool, b av, okB bool) bool {
	switch op {
	case "=":
		return okA && okB && attr.Equal(a, b)
	case "<>":
		return !(okA && okB && attr.Equal(a, b))
	}
	if !okA || !okB {
		return false
	}
	c, ok := attr.Compare(a, b)
	if !ok {
		return false
	}
	switch op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return false
}

// evalOperand returns an operand's value and whether it has one.
func evalOperand(o *operand, item map[string]av) (av, bool) {
	switch o.kind {
	case oValue:
		return *o.val, true
	case oPath:
		return lookup(item, o.path)
	case oFunc:
		if o.name == "size" && len(o.args) == 1 {
			v, ok := evalOperand(o.args[0], item)
			if !ok {
				return av{}, false
			}
			n, ok := sizeOf(v)
			if !ok {
				return av{}, false
			}
			s := itoa(n)
			return av{N: &s}, true
		}
	}
	return av{}, false
}

// evalFunc evaluates a boolean function.
func evalFunc(name string, args []*operand, item map[string]av) bool {
	switch name {
	case "attribute_exists":
		_, ok := evalOperand(args[0], item)
		return ok
	case "attribute_not_exists":
		_, ok := evalOperand(args[0], item)
		return !ok
	case "attribute_type":
		v, ok := evalOperand(args[0], item)
		t, okT := evalOperand(args[1], item)
		return ok && okT && t.S != nil && attr.TypeOf(v) == *t.S
	case "begins_with":
		v, ok := evalOperand(args[0], item)
		pre, okP := evalOperand(args[1], item)
		switch {
		case !ok || !okP:
			return false
		case v.S != nil && pre.S != nil:
			return strings.HasPrefix(*v.S, *pre.S)
		case v.B != nil && pre.B != nil:
			return bytes.HasPrefix(v.B, pre.B)
		}
		return false
	case "contains":
		v, ok := evalOperand(args[0], item)
		x, okX := evalOperand(args[1], item)
		return ok && okX && contains(v, x)
	}
	return false
}

// contains implements contains(): substring, set membership, list element.
func contains(v, x av) bool {
	switch {
	case v.S != nil:
		return x.S != nil && strings.Contains(*v.S, *x.S)
	case v.B != nil:
		return x.B != nil && bytes.Contains(v.B, x.B)
	case v.SS != nil:
		if x.S != nil {
			for _, s := range v.SS {
				if s == *x.S {
					return true
				}
			}
		}
	case v.NS != nil:
		if x.N != nil {
			for _, s := range v.NS {
				if c, ok := cmpNumbers(s, *x.N); ok && c == 0 {
					return true
				}
			}
		}
	case v.BS != nil:
		if x.B != nil {
			for _, b := range v.BS {
				if bytes.Equal(b, x.B) {
					return true
				}
			}
		}
	case v.L != nil:
		for _, e := range v.L {
			if attr.Equal(e, x) {
				return true
			}
		}
	}
	return false
}

// TopLevelNames returns the distinct top-level attribute names the condition
// reads, sorted (e.g. to check a filter against an index's projection).
func (c *Condition) TopLevelNames() []string {
	var out []string
	var walk func(n *node)
	var walkOp func(o *operand)
	walkOp = func(o *operand) {
		if o.kind == oPath && !slices.Contains(out, o.path[0].Name) {
			out = append(out, o.path[0].Name)
		}
		for _, a := range o.args {
			walkOp(a)
		}
	}
	walk = func(n *node) {
		for _, k := range n.kids {
			walk(k)
		}
		for _, a := range n.args {
			walkOp(a)
		}
	}
	if c != nil && c.root != nil {
		walk(c.root)
	}
	slices.Sort(out)
	return out
}
