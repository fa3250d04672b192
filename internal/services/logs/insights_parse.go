package logs

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// The Logs Insights query language, as unkai parses it: commands joined by
// "|", "#" comments, and expressions built from fields (@system fields,
// discovered and computed ones, `backquoted` names), literals (numbers,
// 'strings' and "strings", /regular expressions/, durations like 5m),
// arithmetic (+ - * / % ^), comparisons (= != < <= > >=, like, not like,
// =~, in, not in) and the boolean operators and, or and not.
//
// Commands: fields, display, filter, stats, sort, limit, parse (glob or
// regular expression with named groups) and dedup; functions are listed in
// insights_func.go and the aggregates in insights_exec.go.
//
// Not supported, and answered with MalformedQueryException naming them
// rather than with a wrong result: the commands pattern, diff, anomaly,
// unnest, unmask, lookup, join, filterIndex, fieldsSummary, addtotals and
// SOURCE; the JSON functions (jsonParse, jsonStringify); the aggregates
// sortsFirst and sortsLast; regular expression flags after the closing
// slash (as on AWS, use (?i) instead).

// expr is a parsed expression.
type expr interface{ pos() (int, int) }

// span is an expression's offsets in the query.
type span struct{ start, end int }

func (s span) pos() (int, int) { return s.start, s.end }

type (
	litExpr struct {
		span
		v value
	}
	fieldExpr struct {
		span
		name string
	}
	durExpr struct {
		span
		d period
	}
	callExpr struct {
		span
		name string // lower case
		args []expr
		star bool // count(*)
		agg  int  // index among the stats command's aggregates, or -1
	}
	unaryExpr struct {
		span
		op string // "-" or "not"
		x  expr
	}
	binExpr struct {
		span
		op   string
		l, r expr
	}
	likeExpr struct {
		span
		x   expr
		re  *regexp.Regexp // nil for a substring match
		sub string
		neg bool
	}
	inExpr struct {
		span
		x    expr
		list []expr
		neg  bool
	}
)

// namedExpr is an output column: an expression and its name (its alias,
// or the text it was written as).
type namedExpr struct {
	e    expr
	name string
}

// sortKey is one key of a sort command.
type sortKey struct {
	e    expr
	desc bool
}

// command is one stage of a query.
type command struct {
	kind  string // fields, display, filter, stats, sort, limit, parse, dedup
	items []namedExpr
	cond  expr
	by    []namedExpr
	aggs  []*callExpr
	keys  []sortKey
	limit int
	// parse
	src   expr
	re    *regexp.Regexp
	names []string
	glob  bool // names go to re's groups in order
}

// query is a parsed Logs Insights query.
type query struct {
	cmds []*command
	// limited is true when a limit command appears.
	limited bool
}

// maxQueryLimit is the largest limit a query or StartQuery may ask for.
const maxQueryLimit = 10000

// unsupportedCommands are commands of the language unkai does not run.
var unsupportedCommands = map[string]bool{
	"pattern": true, "diff": true, "anomaly": true, "unnest": true, "unmask": true,
	"lookup": true, "join": true, "filterindex": true, "fieldssummary": true,
	"addtotals": true, "source": true,
}

// errAt builds a malformed-query error at [start, end) in AWS's form.
func errAt(src string, start, end int, format string, args ...any) *queryError {
	line, col := lineCol(src, start)
	msg := fmt.Sprintf(format, args...)
	return &queryError{msg: fmt.Sprintf("%s at line %d and position %d", msg, line, col), start: start, end: max(start, end-1)}
}

// parser is a recursive-descent parser over the lexer's tokens, with one
// token of lookahead.
type parser struct {
	src  string
	lx   lexer
	tok  token
	aggs *[]*callExpr // set while parsing stats: aggregates found
}

// maxDepth bounds expression nesting.
const maxDepth = 100

// parseQuery parses a query string.
func parseQuery(src string) (*query, error) {
	p := &parser{src: src, lx: lexer{src: src}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	q := &query{}
	for {
		c, err := p.command()
		if err != nil {
			return nil, err
		}
		if c.kind == "limit" {
			q.limited = true
		}
		q.cmds = append(q.cmds, c)
		if p.tok.kind == tkEOF {
			return q, nil
		}
		if !p.isPunct("|") {
			return nil, p.unexpected()
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
	}
}

func (p *parser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) unexpected() *queryError {
	t := p.tok
	if t.kind == tkEOF {
		return errAt(p.src, t.start, t.end, "unexpected symbol found <EOF>")
	}
	return errAt(p.src, t.start, t.end, "unexpected symbol found %s", p.src[t.start:t.end])
}

// wantRegex re-reads a "/" the lexer took for a division as the start of
// a regular expression, where the grammar expects one.
func (p *parser) wantRegex() error {
	if !p.isPunct("/") {
		return nil
	}
	t, err := p.lx.regex(p.tok.start)
	if err != nil {
		return err
	}
	p.lx.prev, p.lx.prevText = t.kind, t.text
	p.tok = t
	return nil
}

func (p *parser) isPunct(s string) bool { return p.tok.kind == tkPunct && p.tok.text == s }

func (p *parser) isKeyword(s string) bool {
	return p.tok.kind == tkIdent && strings.EqualFold(p.tok.text, s) && p.src[p.tok.start] != '`'
}

func (p *parser) expectPunct(s string) error {
	if !p.isPunct(s) {
		return p.unexpected()
	}
	return p.advance()
}

// command parses one command.
func (p *parser) command() (*command, error) {
	if p.tok.kind != tkIdent || p.src[p.tok.start] == '`' {
		return nil, p.unexpected()
	}
	name := strings.ToLower(p.tok.text)
	start, end := p.tok.start, p.tok.end
	if unsupportedCommands[name] {
		return nil, errAt(p.src, start, end, "the %s command is not supported by unkai", p.tok.text)
	}
	c := &command{kind: name}
	switch name {
	case "fields", "display", "dedup", "filter", "stats", "sort", "limit", "parse":
	default:
		return nil, errAt(p.src, start, end, "unexpected symbol found %s", p.tok.text)
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	var err error
	switch name {
	case "fields":
		c.items, err = p.namedList(true)
	case "display", "dedup":
		c.items, err = p.fieldList()
	case "filter":
		c.cond, err = p.expr(0)
	case "stats":
		err = p.stats(c)
	case "sort":
		err = p.sort(c)
	case "limit":
		err = p.limitCmd(c)
	case "parse":
		err = p.parseCmd(c)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// namedList parses "expr [as name], ...".
func (p *parser) namedList(allowAlias bool) ([]namedExpr, error) {
	var out []namedExpr
	for {
		start := p.tok.start
		e, err := p.expr(0)
		if err != nil {
			return nil, err
		}
		_, end := e.pos()
		n := namedExpr{e: e, name: exprName(p.src, e, start, end)}
		if allowAlias && p.isKeyword("as") {
			if err := p.advance(); err != nil {
				return nil, err
			}
			if p.tok.kind != tkIdent {
				return nil, p.unexpected()
			}
			n.name = p.tok.text
			if err := p.advance(); err != nil {
				return nil, err
			}
		}
		out = append(out, n)
		if !p.isPunct(",") {
			return out, nil
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
	}
}

// exprName is the column name of an expression without an alias: a
// field's own name, otherwise the text the expression was written as.
func exprName(src string, e expr, start, end int) string {
	if f, ok := e.(*fieldExpr); ok {
		return f.name
	}
	return strings.TrimSpace(src[start:end])
}

// fieldList parses "field, ..." (display, dedup).
func (p *parser) fieldList() ([]namedExpr, error) {
	var out []namedExpr
	for {
		if p.tok.kind != tkIdent {
			return nil, p.unexpected()
		}
		f := &fieldExpr{span{p.tok.start, p.tok.end}, p.tok.text}
		out = append(out, namedExpr{e: f, name: f.name})
		if err := p.advance(); err != nil {
			return nil, err
		}
		if !p.isPunct(",") {
			return out, nil
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
	}
}

func (p *parser) stats(c *command) error {
	p.aggs = &c.aggs
	items, err := p.namedList(true)
	p.aggs = nil
	if err != nil {
		return err
	}
	for _, it := range items {
		if !hasAggregate(it.e) {
			s, e := it.e.pos()
			return errAt(p.src, s, e, "unexpected symbol found %s", p.src[s:e])
		}
	}
	c.items = items
	if p.isKeyword("by") {
		if err := p.advance(); err != nil {
			return err
		}
		if c.by, err = p.namedList(true); err != nil {
			return err
		}
	}
	return nil
}

// hasAggregate reports whether e contains an aggregate call.
func hasAggregate(e expr) bool {
	switch x := e.(type) {
	case *callExpr:
		if x.agg >= 0 {
			return true
		}
		for _, a := range x.args {
			if hasAggregate(a) {
				return true
			}
		}
	case *unaryExpr:
		return hasAggregate(x.x)
	case *binExpr:
		return hasAggregate(x.l) || hasAggregate(x.r)
	}
	return false
}

func (p *parser) sort(c *command) error {
	for {
		e, err := p.expr(0)
		if err != nil {
			return err
		}
		k := sortKey{e: e}
		switch {
		case p.isKeyword("desc"):
			k.desc = true
			err = p.advance()
		case p.isKeyword("asc"):
			err = p.advance()
		}
		if err != nil {
			return err
		}
		c.keys = append(c.keys, k)
		if !p.isPunct(",") {
			return nil
		}
		if err := p.advance(); err != nil {
			return err
		}
	}
}

func (p *parser) limitCmd(c *command) error {
	if p.tok.kind != tkNumber {
		return p.unexpected()
	}
	n, err := strconv.Atoi(p.tok.text)
	if err != nil || n < 1 || n > maxQueryLimit {
		return errAt(p.src, p.tok.start, p.tok.end, "limit must be an integer between 1 and %d, found %s", maxQueryLimit, p.tok.text)
	}
	c.limit = n
	return p.advance()
}

// parseCmd parses "parse field "glob" as a, b" or "parse field /re/".
func (p *parser) parseCmd(c *command) error {
	src, err := p.unary(0)
	if err != nil {
		return err
	}
	c.src = src
	if err := p.wantRegex(); err != nil {
		return err
	}
	pat := p.tok
	switch pat.kind {
	case tkRegex:
		re, err := compileQueryRegex(p.src, pat)
		if err != nil {
			return err
		}
		for _, n := range re.SubexpNames()[1:] {
			if n != "" {
				c.names = append(c.names, n)
			}
		}
		if len(c.names) == 0 {
			return errAt(p.src, pat.start, pat.end, "parse regular expression must name its groups, found %s", p.src[pat.start:pat.end])
		}
		c.re = re
		return p.advance()
	case tkString:
	default:
		return p.unexpected()
	}
	parts := strings.Split(pat.text, "*")
	var b strings.Builder
	b.WriteString("(?s)")
	for i, part := range parts {
		if i > 0 {
			if i == len(parts)-1 && part == "" {
				b.WriteString("(.*)")
			} else {
				b.WriteString("(.*?)")
			}
		}
		b.WriteString(regexp.QuoteMeta(part))
	}
	re, err := regexp.Compile(b.String())
	if err != nil {
		// Only text that is not UTF-8 makes a quoted pattern fail.
		return errAt(p.src, pat.start, pat.end, "unexpected symbol found %s", p.src[pat.start:pat.end])
	}
	c.re, c.glob = re, true
	if err := p.advance(); err != nil {
		return err
	}
	if !p.isKeyword("as") {
		return p.unexpected()
	}
	if err := p.advance(); err != nil {
		return err
	}
	for {
		if p.tok.kind != tkIdent {
			return p.unexpected()
		}
		c.names = append(c.names, p.tok.text)
		if err := p.advance(); err != nil {
			return err
		}
		if !p.isPunct(",") {
			break
		}
		if err := p.advance(); err != nil {
			return err
		}
	}
	if len(c.names) != len(parts)-1 {
		return errAt(p.src, pat.start, pat.end, "parse pattern has %d wildcards but %d fields are named", len(parts)-1, len(c.names))
	}
	return nil
}

// compileQueryRegex compiles a regex token; a flag after the closing slash
// (as in /x/i) is not part of the language.
func compileQueryRegex(src string, t token) (*regexp.Regexp, error) {
	if t.end < len(src) && isIdentStart(src[t.end]) {
		return nil, errAt(src, t.end, t.end+1, "unexpected symbol found %c", src[t.end])
	}
	re, err := regexp.Compile(t.text)
	if err != nil {
		return nil, errAt(src, t.start, t.end, "invalid regular expression %s", src[t.start:t.end])
	}
	return re, nil
}

// Binary operator precedence, loosest first.
var binPrec = map[string]int{
	"or": 1, "and": 2,
	"=": 4, "==": 4, "!=": 4, "<": 4, "<=": 4, ">": 4, ">=": 4,
	"+": 5, "-": 5,
	"*": 6, "/": 6, "%": 6,
	"^": 7,
}

// binOp returns the binary operator at the current token, if any.
func (p *parser) binOp() string {
	switch {
	case p.tok.kind == tkPunct:
		if _, ok := binPrec[p.tok.text]; ok {
			return p.tok.text
		}
	case p.isKeyword("and"):
		return "and"
	case p.isKeyword("or"):
		return "or"
	}
	return ""
}

// expr parses an expression by precedence climbing; like, =~ and in bind
// as comparisons.
func (p *parser) expr(depth int) (expr, error) { return p.binary(1, depth) }

func (p *parser) binary(minPrec, depth int) (expr, error) {
	if depth > maxDepth {
		return nil, errAt(p.src, p.tok.start, p.tok.end, "query nests too deeply")
	}
	var l expr
	var err error
	if minPrec <= 3 && p.isKeyword("not") {
		start := p.tok.start
		if err := p.advance(); err != nil {
			return nil, err
		}
		x, err := p.binary(3, depth+1)
		if err != nil {
			return nil, err
		}
		_, end := x.pos()
		l = &unaryExpr{span{start, end}, "not", x}
	} else if l, err = p.unary(depth); err != nil {
		return nil, err
	}
	for {
		if minPrec <= 4 {
			if x, ok, err := p.matchOp(l, depth); err != nil {
				return nil, err
			} else if ok {
				l = x
				continue
			}
		}
		op := p.binOp()
		prec := binPrec[op]
		if op == "" || prec < minPrec {
			return l, nil
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		next := prec + 1
		if op == "^" {
			next = prec
		}
		r, err := p.binary(next, depth+1)
		if err != nil {
			return nil, err
		}
		start, _ := l.pos()
		_, end := r.pos()
		l = &binExpr{span{start, end}, op, l, r}
	}
}

// matchOp parses "like", "not like", "=~", "in" and "not in" after l.
func (p *parser) matchOp(l expr, depth int) (expr, bool, error) {
	neg := false
	save := p.lx
	saveTok := p.tok
	if p.isKeyword("not") {
		neg = true
		if err := p.advance(); err != nil {
			return nil, false, err
		}
	}
	start, _ := l.pos()
	switch {
	case p.isKeyword("like") || !neg && p.isPunct("=~"):
		if err := p.advance(); err != nil {
			return nil, false, err
		}
		if err := p.wantRegex(); err != nil {
			return nil, false, err
		}
		x := &likeExpr{x: l, neg: neg}
		switch p.tok.kind {
		case tkRegex:
			re, err := compileQueryRegex(p.src, p.tok)
			if err != nil {
				return nil, false, err
			}
			x.re = re
		case tkString:
			x.sub = p.tok.text
		default:
			return nil, false, p.unexpected()
		}
		x.span = span{start, p.tok.end}
		return x, true, p.advance()
	case p.isKeyword("in"):
		if err := p.advance(); err != nil {
			return nil, false, err
		}
		if err := p.expectPunct("["); err != nil {
			return nil, false, err
		}
		x := &inExpr{x: l, neg: neg}
		for !p.isPunct("]") {
			if len(x.list) > 0 {
				if err := p.expectPunct(","); err != nil {
					return nil, false, err
				}
			}
			e, err := p.unary(depth + 1)
			if err != nil {
				return nil, false, err
			}
			x.list = append(x.list, e)
		}
		x.span = span{start, p.tok.end}
		return x, true, p.advance()
	}
	if neg {
		p.lx, p.tok = save, saveTok
	}
	return nil, false, nil
}

// unary parses a primary expression with optional leading minus signs.
func (p *parser) unary(depth int) (expr, error) {
	if depth > maxDepth {
		return nil, errAt(p.src, p.tok.start, p.tok.end, "query nests too deeply")
	}
	t := p.tok
	switch t.kind {
	case tkPunct:
		switch t.text {
		case "-":
			if err := p.advance(); err != nil {
				return nil, err
			}
			x, err := p.binary(7, depth+1)
			if err != nil {
				return nil, err
			}
			_, end := x.pos()
			return &unaryExpr{span{t.start, end}, "-", x}, nil
		case "(":
			if err := p.advance(); err != nil {
				return nil, err
			}
			x, err := p.expr(depth + 1)
			if err != nil {
				return nil, err
			}
			if !p.isPunct(")") {
				return nil, p.unexpected()
			}
			end := p.tok.end
			if err := p.advance(); err != nil {
				return nil, err
			}
			// Keep the parentheses in the span, so the column name of
			// "(a + b)" is written as it was.
			return reSpan(x, t.start, end), nil
		}
	case tkNumber:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, errAt(p.src, t.start, t.end, "unexpected symbol found %s", t.text)
		}
		return &litExpr{span{t.start, t.end}, numValue(f)}, p.advance()
	case tkDuration:
		d, err := parsePeriod(t.text)
		if err != nil {
			return nil, errAt(p.src, t.start, t.end, "unexpected symbol found %s", t.text)
		}
		return &durExpr{span{t.start, t.end}, d}, p.advance()
	case tkString:
		return &litExpr{span{t.start, t.end}, strValue(t.text)}, p.advance()
	case tkIdent:
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.isPunct("(") && p.src[t.start] != '`' {
			return p.call(t, depth)
		}
		return &fieldExpr{span{t.start, t.end}, t.text}, nil
	}
	return nil, p.unexpected()
}

// reSpan widens an expression's span to include its parentheses.
func reSpan(e expr, start, end int) expr {
	switch x := e.(type) {
	case *litExpr:
		c := *x
		c.span = span{start, end}
		return &c
	case *binExpr:
		c := *x
		c.span = span{start, end}
		return &c
	case *unaryExpr:
		c := *x
		c.span = span{start, end}
		return &c
	}
	return e
}

// call parses a function call whose name is t; the current token is "(".
func (p *parser) call(t token, depth int) (expr, error) {
	name := strings.ToLower(t.text)
	c := &callExpr{name: name, agg: -1}
	_, isAgg := aggregates[name]
	_, isFunc := scalarFuncs[name]
	switch {
	case unsupportedFuncs[name]:
		return nil, errAt(p.src, t.start, t.end, "the %s function is not supported by unkai", t.text)
	case isAgg:
		if p.aggs == nil {
			return nil, errAt(p.src, t.start, t.end, "aggregate function %s is only allowed in stats", t.text)
		}
	case !isFunc:
		return nil, errAt(p.src, t.start, t.end, "unexpected symbol found %s", t.text)
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	aggs := p.aggs
	if isAgg {
		p.aggs = nil // no aggregates inside aggregates
	}
	for !p.isPunct(")") {
		if len(c.args) > 0 || c.star {
			if err := p.expectPunct(","); err != nil {
				return nil, err
			}
		}
		if p.isPunct("*") && name == "count" && len(c.args) == 0 {
			c.star = true
			if err := p.advance(); err != nil {
				return nil, err
			}
			continue
		}
		a, err := p.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		c.args = append(c.args, a)
	}
	p.aggs = aggs
	c.span = span{t.start, p.tok.end}
	if err := p.checkArity(c); err != nil {
		return nil, err
	}
	if isAgg {
		c.agg = len(*p.aggs)
		*p.aggs = append(*p.aggs, c)
	}
	return c, p.advance()
}

// checkArity checks a call's argument count against its function's.
func (p *parser) checkArity(c *callExpr) error {
	lo, hi := 0, 0
	if a, ok := aggregates[c.name]; ok {
		lo, hi = a.minArgs, a.maxArgs
		if c.name == "count" && c.star {
			lo, hi = 0, 0
		}
	} else {
		f := scalarFuncs[c.name]
		lo, hi = f.minArgs, f.maxArgs
	}
	n := len(c.args)
	if n < lo || hi >= 0 && n > hi {
		return errAt(p.src, c.start, c.end, "function %s called with %d arguments", c.name, n)
	}
	return nil
}
