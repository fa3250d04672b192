package expr

import (
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"slices"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

// actionKind is the clause an update action belongs to.
type actionKind uint8

const (
	aSet actionKind = iota
	aRemove
	aAdd
	aDelete
)

// action is one update action: SET path = rhs, REMOVE path, ADD path val,
// DELETE path val.
type action struct {
	kind actionKind
	path Path
	rhs  *operand // SET
	val  av       // ADD, DELETE
}

// Update is a parsed UpdateExpression (or legacy AttributeUpdates converted
// to one).
type Update struct {
	actions []action
}

// ParseUpdate parses an UpdateExpression.
func ParseUpdate(s string, names Names, values Values, t *Tracker) (*Update, error) {
	p, err := newParser(KindUpdate, s, names, values)
	if err != nil {
		return nil, err
	}
	u := p.parseUpdate()
	if err := p.finish(updateOrder, t); err != nil {
		return nil, err
	}
	return u, nil
}

// parseUpdate parses clauses until the end of input.
func (p *parser) parseUpdate() *Update {
	u := &Update{}
	var seen [4]bool
	for p.err == nil && p.peek().kind != tEOF {
		var k actionKind
		switch {
		case p.isKeyword("SET"):
			k = aSet
		case p.isKeyword("REMOVE"):
			k = aRemove
		case p.isKeyword("ADD"):
			k = aAdd
		case p.isKeyword("DELETE"):
			k = aDelete
		default:
			p.syntaxErr()
			return nil
		}
		p.i++
		if seen[k] {
			p.semantic(ecSection, msgSection, updateKeywords[k])
		}
		seen[k] = true
		for {
			a, ok := p.parseAction(k)
			if !ok {
				return nil
			}
			for _, prev := range u.actions {
				if o, c := checkOverlap(prev.path, a.path); o != "" {
					p.semantic(ecOverlap, "%s", o)
				} else if c != "" {
					p.semantic(ecConflict, "%s", c)
				}
			}
			u.actions = append(u.actions, a)
			if !p.isPunct(",") {
				break
			}
			p.i++
		}
	}
	return u
}

// parseAction parses one action of clause k.
func (p *parser) parseAction(k actionKind) (action, bool) {
	path := p.parsePath()
	if path == nil {
		return action{}, false
	}
	a := action{kind: k, path: path}
	switch k {
	case aSet:
		if !p.expect("=") {
			return action{}, false
		}
		l := p.parseOperand()
		if l == nil {
			return action{}, false
		}
		a.rhs = l
		if p.isPunct("+") || p.isPunct("-") {
			op := &operand{kind: oPlus, name: "+"}
			if p.isPunct("-") {
				op.kind, op.name = oMinus, "-"
			}
			p.i++
			p.ops++
			r := p.parseOperand()
			if r == nil {
				return action{}, false
			}
			op.args = []*operand{l, r}
			p.checkUpdateFunc(op)
			a.rhs = op
		}
	case aAdd, aDelete:
		t := p.peek()
		if t.kind != tValue {
			p.syntaxErr()
			return action{}, false
		}
		p.i++
		a.val = p.valueRef(t)
		p.checkClauseOperand(updateKeywords[k], a.val)
	}
	return a, true
}

// updateTypeNames are the type names ADD/DELETE operand errors use.
var updateTypeNames = map[string]string{
	"S": "STRING", "N": "NUMBER", "B": "BINARY", "NULL": "NULL",
	"BOOL": "BOOLEAN", "L": "LIST", "M": "MAP",
}

// checkClauseOperand checks ADD (number or set) and DELETE (set) operands.
func (p *parser) checkClauseOperand(clause string, v av) {
	t := attr.TypeOf(v)
	if name, ok := updateTypeNames[t]; ok && !(clause == "ADD" && t == "N") {
		p.semantic(ecOperand, msgUpdOperandType, clause, name)
	}
}

// updateArity is the operand count of each update function.
var updateArity = map[string]int{"if_not_exists": 2, "list_append": 2, "+": 2, "-": 2}

// checkUpdateFunc validates an update function or arithmetic operator.
func (p *parser) checkUpdateFunc(f *operand) {
	n, ok := updateArity[f.name]
	if !ok {
		if _, known := condArity[f.name]; known {
			p.semantic(ecMisused, msgMisused, f.name)
		} else {
			p.semantic(ecUnknownFunc, msgBadFunction, f.name)
		}
		return
	}
	if len(f.args) != n {
		p.semantic(ecFunction, msgOperandCount, f.name, len(f.args))
		return
	}
	want := ""
	switch f.name {
	case "if_not_exists":
		if f.args[0].kind != oPath {
			p.semantic(ecFunction, msgNeedsPath, f.name)
		}
		return
	case "list_append":
		want = "L"
		for _, a := range f.args {
			if a.kind == oFunc && a.name == "list_append" {
				p.semantic(ecMisused, msgMisused, a.name)
			}
		}
	default:
		want = "N"
	}
	for _, a := range f.args {
		if a.kind != oValue {
			continue
		}
		if t := attr.TypeOf(*a.val); t != "" && t != want {
			p.semantic(ecFunction, msgOperandType, f.name, t)
			return
		}
	}
}

// Paths returns the document paths the update sets, removes, adds to or
// deletes from, in expression order.
func (u *Update) Paths() [][]PathElem {
	out := make([][]PathElem, len(u.actions))
	for i, a := range u.actions {
		out[i] = a.path
	}
	return out
}

// TopLevelNames returns the distinct top-level attribute names the update
// touches, sorted; the engine checks them against the key schema.
func (u *Update) TopLevelNames() []string {
	var out []string
	for _, a := range u.actions {
		if !slices.Contains(out, a.path[0].Name) {
			out = append(out, a.path[0].Name)
		}
	}
	slices.Sort(out)
	return out
}

// CheckKeys returns DynamoDB's error when the update touches one of the key
// attribute names.
func (u *Update) CheckKeys(keys ...string) error {
	for _, a := range u.actions {
		if slices.Contains(keys, a.path[0].Name) {
			return validation("One or more parameter values were invalid: Cannot update attribute %s. This attribute is part of the key", a.path[0].Name)
		}
	}
	return nil
}

// Project returns the parts of item at the update's paths, keeping their
// nesting: applied to the old item it gives ReturnValues UPDATED_OLD, to the
// new item UPDATED_NEW.
func (u *Update) Project(item map[string]dynamodbapi.AttributeValue) map[string]dynamodbapi.AttributeValue {
	paths := make([]Path, len(u.actions))
	for i, a := range u.actions {
		paths[i] = a.path
	}
	return (&Projection{paths: paths}).Apply(item)
}

// Apply returns the item that results from applying the update to item (nil
// for no item). item is not modified. Right-hand sides are evaluated against
// the original item, as DynamoDB does.
func (u *Update) Apply(item map[string]dynamodbapi.AttributeValue) (map[string]dynamodbapi.AttributeValue, error) {
	vals := make([]av, len(u.actions))
	for i, a := range u.actions {
		if a.kind == aSet {
			v, err := evalSet(a.rhs, item)
			if err != nil {
				return nil, err
			}
			vals[i] = v
		}
	}
	out := attr.Clone(item)
	if out == nil {
		out = make(map[string]av)
	}
	// SETs run first, sorted so that SETs past the end of one list append in
	// index order whatever their order in the expression; paths never
	// overlap, so the order of the other actions does not matter.
	order := make([]int, 0, len(u.actions))
	for i, a := range u.actions {
		if a.kind == aSet {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(x, y int) int {
		return comparePathsDesc(u.actions[y].path, u.actions[x].path)
	})
	for i, a := range u.actions {
		if a.kind != aSet {
			order = append(order, i)
		}
	}
	var removes []Path
	for _, i := range order {
		a := u.actions[i]
		var err error
		switch a.kind {
		case aSet:
			err = setPath(out, a.path, vals[i])
		case aAdd:
			err = applyAdd(out, a.path, a.val)
		case aDelete:
			err = applyDelete(out, a.path, a.val)
		case aRemove:
			removes = append(removes, a.path)
		}
		if err != nil {
			return nil, err
		}
	}
	if item == nil {
		// DynamoDB ignores REMOVE, even of nested paths, on a missing item.
		removes = nil
	}
	// Remove higher list indexes first so lower ones keep their meaning.
	slices.SortStableFunc(removes, comparePathsDesc)
	for _, p := range removes {
		if err := removePath(out, p); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// comparePathsDesc orders paths with list indexes descending.
func comparePathsDesc(a, b Path) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		switch {
		case x.IsIndex && y.IsIndex && x.Index != y.Index:
			return y.Index - x.Index
		case !x.IsIndex && !y.IsIndex && x.Name != y.Name:
			return strings.Compare(x.Name, y.Name)
		case x.IsIndex != y.IsIndex:
			if x.IsIndex {
				return 1
			}
			return -1
		}
	}
	return len(b) - len(a)
}

// evalSet evaluates a SET right-hand side against the original item.
func evalSet(o *operand, item map[string]av) (av, error) {
	switch o.kind {
	case oValue:
		return *o.val, nil
	case oPath:
		v, ok := lookup(item, o.path)
		if !ok {
			return av{}, validation(msgMissingOperand)
		}
		return v, nil
	case oPlus, oMinus:
		a, err := evalSet(o.args[0], item)
		if err != nil {
			return av{}, err
		}
		b, err := evalSet(o.args[1], item)
		if err != nil {
			return av{}, err
		}
		if a.N == nil || b.N == nil {
			return av{}, validation(msgBadDataType)
		}
		n, err := addNumbers(*a.N, *b.N, o.kind == oMinus)
		if err != nil {
			return av{}, err
		}
		return av{N: &n}, nil
	case oFunc:
		switch o.name {
		case "if_not_exists":
			if v, ok := lookup(item, o.args[0].path); ok {
				return v, nil
			}
			return evalSet(o.args[1], item)
		case "list_append":
			a, err := evalSet(o.args[0], item)
			if err != nil {
				return av{}, err
			}
			b, err := evalSet(o.args[1], item)
			if err != nil {
				return av{}, err
			}
			if a.L == nil || b.L == nil {
				return av{}, validation(msgBadDataType)
			}
			l := make([]av, 0, len(a.L)+len(b.L))
			for _, x := range a.L {
				l = append(l, attr.CloneValue(x))
			}
			for _, x := range b.L {
				l = append(l, attr.CloneValue(x))
			}
			return av{L: l}, nil
		}
	}
	return av{}, validation(msgBadDataType)
}

// setPath stores val at p in item; every parent of p must exist.
func setPath(item map[string]av, p Path, val av) error {
	name := p[0].Name
	if len(p) == 1 {
		item[name] = attr.CloneValue(val)
		return nil
	}
	root, ok := item[name]
	if !ok {
		return validation(msgInvalidPath)
	}
	nv, err := setIn(root, p[1:], val)
	if err != nil {
		return err
	}
	item[name] = nv
	return nil
}

// setIn returns v with val stored at the relative path rest. An index past
// the end of a list appends.
func setIn(v av, rest Path, val av) (av, error) {
	if len(rest) == 0 {
		return attr.CloneValue(val), nil
	}
	e := rest[0]
	if e.IsIndex {
		if v.L == nil {
			return av{}, validation(msgInvalidPath)
		}
		if e.Index >= len(v.L) {
			if len(rest) > 1 {
				return av{}, validation(msgInvalidPath)
			}
			v.L = append(v.L, attr.CloneValue(val))
			return v, nil
		}
		c, err := setIn(v.L[e.Index], rest[1:], val)
		if err != nil {
			return av{}, err
		}
		v.L[e.Index] = c
		return v, nil
	}
	if v.M == nil {
		return av{}, validation(msgInvalidPath)
	}
	child, ok := v.M[e.Name]
	if !ok && len(rest) > 1 {
		return av{}, validation(msgInvalidPath)
	}
	c, err := setIn(child, rest[1:], val)
	if err != nil {
		return av{}, err
	}
	v.M[e.Name] = c
	return v, nil
}

// removePath deletes the value at p; a missing leaf is not an error, a
// missing or mistyped parent is.
func removePath(item map[string]av, p Path) error {
	name := p[0].Name
	if len(p) == 1 {
		delete(item, name)
		return nil
	}
	root, ok := item[name]
	if !ok {
		return validation(msgInvalidPath)
	}
	nv, err := removeIn(root, p[1:])
	if err != nil {
		return err
	}
	item[name] = nv
	return nil
}

// removeIn returns v without the value at the relative path rest.
func removeIn(v av, rest Path) (av, error) {
	e := rest[0]
	last := len(rest) == 1
	if e.IsIndex {
		if v.L == nil {
			return av{}, validation(msgInvalidPath)
		}
		if e.Index >= len(v.L) {
			if last {
				return v, nil
			}
			return av{}, validation(msgInvalidPath)
		}
		if last {
			v.L = slices.Delete(v.L, e.Index, e.Index+1)
			return v, nil
		}
		c, err := removeIn(v.L[e.Index], rest[1:])
		if err != nil {
			return av{}, err
		}
		v.L[e.Index] = c
		return v, nil
	}
	if v.M == nil {
		return av{}, validation(msgInvalidPath)
	}
	child, ok := v.M[e.Name]
	if last {
		delete(v.M, e.Name)
		return v, nil
	}
	if !ok {
		return av{}, validation(msgInvalidPath)
	}
	c, err := removeIn(child, rest[1:])
	if err != nil {
		return av{}, err
	}
	v.M[e.Name] = c
	return v, nil
}

// applyAdd implements ADD: number addition or set union; a missing
// attribute is created.
func applyAdd(item map[string]av, p Path, val av) error {
	cur, ok := lookup(item, p)
	if !ok {
		return setPath(item, p, val)
	}
	var res av
	switch {
	case cur.N != nil && val.N != nil:
		n, err := addNumbers(*cur.N, *val.N, false)
		if err != nil {
			return err
		}
		res = av{N: &n}
	case cur.SS != nil && val.SS != nil:
		res = av{SS: union(cur.SS, val.SS, func(a, b string) bool { return a == b })}
	case cur.NS != nil && val.NS != nil:
		res = av{NS: union(cur.NS, val.NS, numEqual)}
	case cur.BS != nil && val.BS != nil:
		res = av{BS: union(cur.BS, val.BS, bytesEqual)}
	case cur.L != nil && val.L != nil: // legacy AttributeUpdates only
		res = av{L: append(slices.Clone(cur.L), val.L...)}
	default:
		return validation(msgBadDataType)
	}
	return setPath(item, p, res)
}

// applyDelete implements DELETE: set difference; an empty result removes
// the attribute, a missing attribute is left alone.
func applyDelete(item map[string]av, p Path, val av) error {
	cur, ok := lookup(item, p)
	if !ok {
		return nil
	}
	var res av
	var n int
	switch {
	case cur.SS != nil && val.SS != nil:
		res.SS = minus(cur.SS, val.SS, func(a, b string) bool { return a == b })
		n = len(res.SS)
	case cur.NS != nil && val.NS != nil:
		res.NS = minus(cur.NS, val.NS, numEqual)
		n = len(res.NS)
	case cur.BS != nil && val.BS != nil:
		res.BS = minus(cur.BS, val.BS, bytesEqual)
		n = len(res.BS)
	default:
		return validation(msgBadDataType)
	}
	if n == 0 {
		return removePath(item, p)
	}
	return setPath(item, p, res)
}

// numEqual compares two number texts numerically.
func numEqual(a, b string) bool {
	c, ok := cmpNumbers(a, b)
	return ok && c == 0
}

// bytesEqual compares two byte slices.
func bytesEqual(a, b []byte) bool { return string(a) == string(b) }

// union returns a followed by the members of b not in a.
func union[T any](a, b []T, eq func(x, y T) bool) []T {
	out := slices.Clone(a)
	for _, y := range b {
		if !slices.ContainsFunc(out, func(x T) bool { return eq(x, y) }) {
			out = append(out, y)
		}
	}
	return out
}

// minus returns the members of a not in b.
func minus[T any](a, b []T, eq func(x, y T) bool) []T {
	out := make([]T, 0, len(a))
	for _, x := range a {
		if !slices.ContainsFunc(b, func(y T) bool { return eq(x, y) }) {
			out = append(out, x)
		}
	}
	return out
}
