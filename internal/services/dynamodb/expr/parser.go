package expr

import (
	"encoding/base64"
	"fmt"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"strconv"
	"strings"
)

// errCat is a class of semantic error. DynamoDB parses an expression fully
// and then reports the first class of error found, in a fixed order per
// expression kind, so the parser records the first message of each class.
type errCat uint8

const (
	ecLimit errCat = iota
	ecParens
	ecUnknownFunc
	ecMisused
	ecReserved
	ecSection
	ecName
	ecValue
	ecOverlap
	ecConflict
	ecOperand
	ecDistinct
	ecFunction
	numCats
)

// Error reporting orders per expression family.
var (
	condOrder   = []errCat{ecLimit, ecParens, ecUnknownFunc, ecMisused, ecReserved, ecName, ecValue, ecOperand, ecDistinct, ecFunction}
	updateOrder = []errCat{ecLimit, ecReserved, ecUnknownFunc, ecSection, ecName, ecValue, ecOverlap, ecConflict, ecOperand, ecFunction, ecMisused, ecParens, ecDistinct}
	projOrder   = []errCat{ecLimit, ecReserved, ecName, ecValue, ecOverlap, ecConflict}
)

// opKind classifies an operand.
type opKind uint8

const (
	oPath  opKind = iota // a document path
	oValue               // an expression attribute value
	oFunc                // a function call: name and args
	oPlus                // args[0] + args[1] (update SET only)
	oMinus               // args[0] - args[1] (update SET only)
)

// operand is one operand of a condition or a SET value.
type operand struct {
	kind opKind
	path Path
	val  *av // oValue
	name string
	args []*operand
}

// parser is a recursive-descent parser over one expression string.
type parser struct {
	kind     string
	src      string
	toks     []token
	i        int
	names    Names
	values   Values
	update   bool     // update-expression rules (keywords, functions, error classes)
	keywords []string // words that end a path in this kind of expression
	err      error    // first syntax error; sticky
	errs     [numCats]string
	ops      int
	usedN    []string
	usedV    []string
}

var (
	condKeywords   = []string{"AND", "OR", "NOT", "BETWEEN", "IN"}
	updateKeywords = []string{"SET", "REMOVE", "ADD", "DELETE"}
)

// newParser checks the expression's size and emptiness and lexes it.
func newParser(kind, src string, names Names, values Values) (*parser, error) {
	if len(src) > maxExprSize {
		return nil, invalid(kind, msgTooLarge, len(src))
	}
	if strings.TrimSpace(src) == "" {
		return nil, invalid(kind, msgEmpty)
	}
	p := &parser{kind: kind, src: src, toks: lex(src), names: names, values: values}
	switch kind {
	case KindUpdate:
		p.update, p.keywords = true, updateKeywords
	case KindProjection:
	default:
		p.keywords = condKeywords
	}
	return p, nil
}

// peek returns the current token.
func (p *parser) peek() token { return p.toks[p.i] }

// syntaxErr records a syntax error at the current token, with DynamoDB's
// "near" context: the source from the previous token to the next one.
func (p *parser) syntaxErr() {
	if p.err != nil {
		return
	}
	t := p.toks[p.i]
	start, end := t.pos, t.end
	if p.i > 0 {
		start = p.toks[p.i-1].pos
		if t.kind == tEOF {
			end = p.toks[p.i-1].end
		}
	}
	if t.kind != tEOF && p.toks[p.i+1].kind != tEOF {
		end = p.toks[p.i+1].end
	}
	p.err = invalid(p.kind, msgSyntax, t.text, p.src[start:end])
}

// semantic records the first message of class c.
func (p *parser) semantic(c errCat, format string, args ...any) {
	if p.errs[c] == "" {
		p.errs[c] = fmt.Sprintf(format, args...)
	}
}

// isPunct reports whether the current token is the punctuation s.
func (p *parser) isPunct(s string) bool {
	t := p.toks[p.i]
	return t.kind == tPunct && t.text == s
}

// isKeyword reports whether the current token is the keyword k.
func (p *parser) isKeyword(k string) bool {
	t := p.toks[p.i]
	return t.kind == tWord && strings.EqualFold(t.text, k)
}

// isCtxKeyword reports whether w is a keyword of this expression kind.
func (p *parser) isCtxKeyword(w string) bool {
	for _, k := range p.keywords {
		if strings.EqualFold(w, k) {
			return true
		}
	}
	return false
}

// expect consumes the punctuation s or records a syntax error.
func (p *parser) expect(s string) bool {
	if p.err != nil {
		return false
	}
	if p.isPunct(s) {
		p.i++
		return true
	}
	p.syntaxErr()
	return false
}

// finish checks that the whole input was consumed, reports the first
// recorded error in order, and otherwise marks names and values as used.
func (p *parser) finish(order []errCat, t *Tracker) error {
	if p.err == nil && p.peek().kind != tEOF {
		p.syntaxErr()
	}
	if p.err != nil {
		return p.err
	}
	if p.ops > maxOperators {
		p.semantic(ecLimit, msgTooManyOps, p.ops, maxOperators)
	}
	for _, c := range order {
		if p.errs[c] != "" {
			return invalid(p.kind, "%s", p.errs[c])
		}
	}
	if t != nil {
		t.see(p.names, p.values)
		for _, n := range p.usedN {
			t.useName(n)
		}
		for _, v := range p.usedV {
			t.useValue(v)
		}
	}
	return nil
}

// parsePath parses a document path: name ('.' name | '[' n ']')*.
func (p *parser) parsePath() Path {
	e, ok := p.pathName()
	if !ok {
		return nil
	}
	path := Path{e}
	for p.err == nil {
		switch {
		case p.isPunct("."):
			p.i++
			e, ok := p.pathName()
			if !ok {
				return nil
			}
			path = append(path, e)
		case p.isPunct("["):
			p.i++
			t := p.peek()
			n, err := strconv.Atoi(t.text)
			if t.kind != tNumber || err != nil {
				p.syntaxErr()
				return nil
			}
			p.i++
			if !p.expect("]") {
				return nil
			}
			path = append(path, PathElem{Index: n, IsIndex: true})
		default:
			if len(path) > maxPathDepth {
				p.semantic(ecLimit, msgTooDeep, len(path))
			}
			return path
		}
	}
	return nil
}

// pathName parses one name of a path: a bare word or a #name.
func (p *parser) pathName() (PathElem, bool) {
	t := p.peek()
	switch {
	case t.kind == tWord && !p.isCtxKeyword(t.text):
		p.i++
		if isReserved(t.text) {
			p.semantic(ecReserved, msgReserved, t.text)
		}
		return PathElem{Name: t.text}, true
	case t.kind == tName:
		p.i++
		v, ok := p.names[t.text]
		if !ok {
			p.semantic(ecName, msgNameUndefined, t.text)
			return PathElem{Name: t.text}, true
		}
		p.usedN = append(p.usedN, t.text)
		return PathElem{Name: v}, true
	}
	p.syntaxErr()
	return PathElem{}, false
}

// valueRef resolves the :value token t.
func (p *parser) valueRef(t token) av {
	v, ok := p.values[t.text]
	if !ok {
		c := ecName // conditions report undefined names and values as one class
		if p.update {
			c = ecValue
		}
		p.semantic(c, msgValueUndefined, t.text)
		return av{}
	}
	p.usedV = append(p.usedV, t.text)
	return v
}

// parseOperand parses a path, a value, a function call or a parenthesized
// operand.
func (p *parser) parseOperand() *operand {
	if p.err != nil {
		return nil
	}
	t := p.peek()
	switch {
	case t.kind == tValue:
		p.i++
		v := p.valueRef(t)
		return &operand{kind: oValue, val: &v}
	case t.kind == tWord && !p.isCtxKeyword(t.text) && p.toks[p.i+1].kind == tPunct && p.toks[p.i+1].text == "(":
		p.i += 2
		f := &operand{kind: oFunc, name: t.text}
		for {
			a := p.parseOperand()
			if a == nil {
				return nil
			}
			f.args = append(f.args, a)
			if !p.isPunct(",") {
				break
			}
			p.i++
		}
		if !p.expect(")") {
			return nil
		}
		p.ops++
		if p.update {
			p.checkUpdateFunc(f)
		} else {
			p.checkCondFunc(f)
		}
		return f
	case t.kind == tWord || t.kind == tName:
		path := p.parsePath()
		if path == nil {
			return nil
		}
		return &operand{kind: oPath, path: path}
	case t.kind == tPunct && t.text == "(":
		p.i++
		o := p.parseOperand()
		if o == nil || !p.expect(")") {
			return nil
		}
		return o
	}
	p.syntaxErr()
	return nil
}

// operandType is the static type of o when known: a value's type or a
// function's result type; "" for paths.
func operandType(o *operand) string {
	switch o.kind {
	case oValue:
		return attr.TypeOf(*o.val)
	case oPlus, oMinus:
		return "N"
	case oFunc:
		switch o.name {
		case "size":
			return "N"
		case "list_append":
			return "L"
		case "if_not_exists":
			if len(o.args) == 2 {
				return operandType(o.args[1])
			}
			return ""
		}
		return "BOOL"
	}
	return ""
}

// fmtValue formats a value as DynamoDB does in BETWEEN messages ("N:5").
func fmtValue(v av) string {
	switch t := attr.TypeOf(v); t {
	case "S":
		return "S:" + *v.S
	case "N":
		return "N:" + *v.N
	case "B":
		return "B:" + base64.StdEncoding.EncodeToString(v.B)
	default:
		return t + ":" + fmt.Sprint(v)
	}
}
