package partiql

import (
	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

// pathElem is one step of a document path: an attribute or map key name,
// or a list index when isIndex is set.
type pathElem struct {
	name    string
	index   int
	isIndex bool
}

// path is a document path such as a.b[1].
type path []pathElem

// topName returns the attribute name when p is a single top-level name.
func (p path) topName() (string, bool) {
	if len(p) == 1 && !p[0].isIndex {
		return p[0].name, true
	}
	return "", false
}

// operand is a value-producing term: *pathOp, *valueOp, *sizeOp, or (in
// UPDATE's SET) *callOp and *arithOp.
type operand interface{ isOperand() }

type pathOp struct{ p path }

type valueOp struct{ v dynamodbapi.AttributeValue }

type sizeOp struct{ p path }

// callOp is a function call in an update value: list_append, if_not_exists,
// set_add or set_delete (name lower-cased).
type callOp struct {
	name string
	args []operand
}

// arithOp is a + b or a - b in an update value.
type arithOp struct {
	op   string
	l, r operand
}

func (*pathOp) isOperand()  {}
func (*valueOp) isOperand() {}
func (*sizeOp) isOperand()  {}
func (*callOp) isOperand()  {}
func (*arithOp) isOperand() {}

// cond is a WHERE-clause predicate.
type cond interface{ isCond() }

// cmpCond is l op r with op one of = <> < <= > >=.
type cmpCond struct {
	op   string
	l, r operand
}

type betweenCond struct{ v, lo, hi operand }

type inCond struct {
	v    operand
	list []operand
}

type andCond struct{ l, r cond }

type orCond struct{ l, r cond }

type notCond struct{ c cond }

// funcCond is begins_with, contains or attribute_type (name lower-cased).
type funcCond struct {
	name string
	args []operand
}

// isCond is p IS [NOT] MISSING or p IS [NOT] NULL.
type isCond struct {
	p       path
	not     bool
	missing bool // false: NULL
}

func (*cmpCond) isCond()     {}
func (*betweenCond) isCond() {}
func (*inCond) isCond()      {}
func (*andCond) isCond()     {}
func (*orCond) isCond()      {}
func (*notCond) isCond()     {}
func (*funcCond) isCond()    {}
func (*isCond) isCond()      {}

// statement is a parsed PartiQL statement.
type statement interface{ isStatement() }

type selectStmt struct {
	proj      []path // nil for *
	table     string
	index     string
	where     cond // may be nil
	orderBy   path // may be nil
	orderDesc bool
}

type insertStmt struct {
	table string
	item  dynamodbapi.AttributeValue
}

// updateAction is SET p = v (v != nil) or REMOVE p (v == nil).
type updateAction struct {
	p path
	v operand
}

type updateStmt struct {
	table     string
	actions   []updateAction
	where     cond
	returning string // a ReturnValue, "" for none
}

type deleteStmt struct {
	table     string
	where     cond
	returning string
}

// existsStmt is EXISTS(SELECT * FROM t WHERE ...), a transaction's
// condition check.
type existsStmt struct{ sel *selectStmt }

func (*selectStmt) isStatement() {}
func (*insertStmt) isStatement() {}
func (*updateStmt) isStatement() {}
func (*deleteStmt) isStatement() {}
func (*existsStmt) isStatement() {}
