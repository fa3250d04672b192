package logs

import (
	"math"
	"slices"
	"sort"
)

// A query runs as a chain of stages, one per command, that rows are
// pushed through: fields, parse, filter, dedup and limit stream rows on;
// stats and sort hold rows until the input ends. A sort followed by a
// limit (or by the result cap) keeps only that many rows, so memory stays
// bounded by the limit rather than by the events scanned; stats holds one
// accumulator per group (pct and count_distinct keep their values).
//
// Choices where AWS does not say: rows of a query without sort come in
// descending @timestamp order (the scan order); stats rows come ordered by
// their by values; sort without asc or desc is ascending and puts absent
// values last; dedup keeps rows whose dedup fields are absent; stats over
// no events gives no rows; stddev is the sample standard deviation; pct
// is the nearest-rank percentile.

// stage is one step of a running query.
type stage interface {
	// push hands the stage a row; false means no more rows are wanted.
	push(r *row) bool
	// finish says the input ended.
	finish()
}

// columns decides a query's result columns: all of a row's fields (when no
// fields, display or stats command chose them) or a fixed list.
type columns struct {
	all  bool
	list []string
	ptr  bool
}

func (c *columns) add(names ...string) {
	if c.all {
		c.all, c.list = false, nil
	}
	for _, n := range names {
		if !slices.Contains(c.list, n) {
			c.list = append(c.list, n)
		}
	}
}

// plan builds the stage chain of q ending in sink, and the columns.
func plan(q *query, sink *sinkStage, matched *int64) (stage, columns) {
	cols := columns{all: true, ptr: true}
	for _, c := range q.cmds {
		switch c.kind {
		case "fields":
			for _, it := range c.items {
				cols.add(it.name)
			}
		case "stats":
			cols = columns{}
			for _, it := range c.by {
				cols.add(it.name)
			}
			for _, it := range c.items {
				cols.add(it.name)
			}
		case "display":
			cols = columns{ptr: cols.ptr}
			for _, it := range c.items {
				cols.add(it.name)
			}
		}
	}
	var next stage = sink
	firstStats := slices.IndexFunc(q.cmds, func(c *command) bool { return c.kind == "stats" })
	if firstStats < 0 {
		sink.matched = matched
	}
	for i := len(q.cmds) - 1; i >= 0; i-- {
		c := q.cmds[i]
		switch c.kind {
		case "fields":
			next = &fieldsStage{items: c.items, next: next}
		case "parse":
			next = &parseStage{c: c, next: next}
		case "filter":
			next = &filterStage{cond: c.cond, next: next}
		case "stats":
			next = &statsStage{c: c, next: next, groups: map[string]*statsGroup{}}
		case "sort":
			next = &sortStage{keys: c.keys, next: next, cap: sortCap(q.cmds[i+1:], sink.cap)}
		case "limit":
			next = &limitStage{n: c.limit, next: next}
		case "dedup":
			next = &dedupStage{items: c.items, next: next, seen: map[string]bool{}}
		}
		if i == firstStats {
			next = &countStage{next: next, n: matched}
		}
	}
	return next, cols
}

// sortCap is how many rows a sort must keep given the commands after it:
// the next limit's, or the result cap when nothing after it drops rows.
func sortCap(after []*command, final int) int {
	for _, c := range after {
		switch c.kind {
		case "limit":
			return min(c.limit, final)
		case "fields", "display":
		default:
			return 0
		}
	}
	return final
}

// sinkStage collects the result rows, up to cap.
type sinkStage struct {
	cap     int
	rows    []*row
	matched *int64 // counts rows here when no stats counted them
}

func (s *sinkStage) push(r *row) bool {
	if s.matched != nil {
		*s.matched++
	}
	s.rows = append(s.rows, r)
	return len(s.rows) < s.cap
}

func (s *sinkStage) finish() {}

// countStage counts the rows that reach the first stats command.
type countStage struct {
	next stage
	n    *int64
}

func (s *countStage) push(r *row) bool { *s.n++; return s.next.push(r) }
func (s *countStage) finish()          { s.next.finish() }

type fieldsStage struct {
	items []namedExpr
	next  stage
}

func (s *fieldsStage) push(r *row) bool {
	for _, it := range s.items {
		if f, ok := it.e.(*fieldExpr); ok && f.name == it.name {
			continue // a plain field stays what it is
		}
		r.put(it.name, eval(it.e, r, nil))
	}
	return s.next.push(r)
}
func (s *fieldsStage) finish() { s.next.finish() }

type parseStage struct {
	c    *command
	next stage
}

func (s *parseStage) push(r *row) bool {
	v := eval(s.c.src, r, nil)
	if v.k != vNull {
		if m := s.c.re.FindStringSubmatch(v.str()); m != nil {
			for i, n := range s.c.re.SubexpNames() {
				if s.c.glob && i > 0 {
					n = s.c.names[i-1]
				}
				if n != "" {
					r.put(n, strValue(m[i]))
				}
			}
		}
	}
	return s.next.push(r)
}
func (s *parseStage) finish() { s.next.finish() }

type filterStage struct {
	cond expr
	next stage
}

func (s *filterStage) push(r *row) bool {
	if !eval(s.cond, r, nil).truthy() {
		return true
	}
	return s.next.push(r)
}
func (s *filterStage) finish() { s.next.finish() }

type limitStage struct {
	n, seen int
	next    stage
}

func (s *limitStage) push(r *row) bool {
	if s.seen >= s.n {
		return false
	}
	s.seen++
	return s.next.push(r) && s.seen < s.n
}
func (s *limitStage) finish() { s.next.finish() }

type dedupStage struct {
	items []namedExpr
	seen  map[string]bool
	next  stage
}

func (s *dedupStage) push(r *row) bool {
	vals := make([]value, len(s.items))
	for i, it := range s.items {
		vals[i] = eval(it.e, r, nil)
		if vals[i].k == vNull {
			return s.next.push(r)
		}
	}
	k := valueKey(vals)
	if s.seen[k] {
		return true
	}
	s.seen[k] = true
	return s.next.push(r)
}
func (s *dedupStage) finish() { s.next.finish() }

// sortStage orders rows; with a cap it keeps the first cap rows only,
// trimming whenever it holds twice as many.
type sortStage struct {
	keys []sortKey
	cap  int
	rows []sortRow
	seq  int
	next stage
}

type sortRow struct {
	r    *row
	keys []value
	seq  int
}

func (s *sortStage) push(r *row) bool {
	keys := make([]value, len(s.keys))
	for i, k := range s.keys {
		keys[i] = eval(k.e, r, nil)
	}
	s.rows = append(s.rows, sortRow{r: r, keys: keys, seq: s.seq})
	s.seq++
	if s.cap > 0 && len(s.rows) >= 2*s.cap {
		s.order()
		clear(s.rows[s.cap:])
		s.rows = s.rows[:s.cap]
	}
	return true
}

func (s *sortStage) order() {
	sort.Slice(s.rows, func(i, j int) bool {
		a, b := s.rows[i], s.rows[j]
		for k, key := range s.keys {
			x, y := a.keys[k], b.keys[k]
			if (x.k == vNull) != (y.k == vNull) {
				return y.k == vNull
			}
			c, _ := compare(x, y)
			if c != 0 {
				return (c < 0) != key.desc
			}
		}
		return a.seq < b.seq
	})
}

func (s *sortStage) finish() {
	s.order()
	for _, sr := range s.rows {
		if !s.next.push(sr.r) {
			break
		}
	}
	s.rows = nil
	s.next.finish()
}

// statsGroup is one group of a stats command: its by values and the
// state of each aggregate.
type statsGroup struct {
	by   []value
	accs []aggState
}

type statsStage struct {
	c      *command
	groups map[string]*statsGroup
	next   stage
}

func (s *statsStage) push(r *row) bool {
	by := make([]value, len(s.c.by))
	for i, b := range s.c.by {
		by[i] = eval(b.e, r, nil)
	}
	k := valueKey(by)
	g := s.groups[k]
	if g == nil {
		g = &statsGroup{by: by, accs: make([]aggState, len(s.c.aggs))}
		for i, a := range s.c.aggs {
			g.accs[i] = aggregates[a.name].make(a)
		}
		s.groups[k] = g
	}
	for i, a := range s.c.aggs {
		var v value
		if len(a.args) > 0 {
			v = eval(a.args[0], r, nil)
		}
		g.accs[i].add(v, r)
	}
	return true
}

func (s *statsStage) finish() {
	groups := make([]*statsGroup, 0, len(s.groups))
	for _, g := range s.groups {
		groups = append(groups, g)
	}
	sort.Slice(groups, func(i, j int) bool {
		for k := range groups[i].by {
			a, b := groups[i].by[k], groups[j].by[k]
			if (a.k == vNull) != (b.k == vNull) {
				return b.k == vNull
			}
			if c, _ := compare(a, b); c != 0 {
				return c < 0
			}
		}
		return valueKey(groups[i].by) < valueKey(groups[j].by)
	})
	s.groups = nil
	for _, g := range groups {
		out := &row{}
		for i, b := range s.c.by {
			out.put(b.name, g.by[i])
		}
		vals := make([]value, len(g.accs))
		for i, a := range g.accs {
			vals[i] = a.result()
		}
		for _, it := range s.c.items {
			out.put(it.name, eval(it.e, out, vals))
		}
		if !s.next.push(out) {
			break
		}
	}
	s.next.finish()
}

// aggState accumulates one aggregate of one group.
type aggState interface {
	add(v value, r *row)
	result() value
}

// aggDef is an aggregate function: its arity and a constructor.
type aggDef struct {
	minArgs, maxArgs int
	make             func(c *callExpr) aggState
}

// aggregates are the stats functions: count, count_distinct, sum, avg,
// min, max, pct, stddev, earliest and latest.
var aggregates = map[string]aggDef{
	"count":          {0, 1, func(c *callExpr) aggState { return &countAgg{star: c.star || len(c.args) == 0} }},
	"count_distinct": {1, 1, func(*callExpr) aggState { return &distinctAgg{seen: map[string]bool{}} }},
	"sum":            {1, 1, func(*callExpr) aggState { return &momentAgg{kind: "sum"} }},
	"avg":            {1, 1, func(*callExpr) aggState { return &momentAgg{kind: "avg"} }},
	"stddev":         {1, 1, func(*callExpr) aggState { return &momentAgg{kind: "stddev"} }},
	"min":            {1, 1, func(*callExpr) aggState { return &extremeAgg{sign: -1} }},
	"max":            {1, 1, func(*callExpr) aggState { return &extremeAgg{sign: 1} }},
	"pct":            {2, 2, newPctAgg},
	"earliest":       {1, 1, func(*callExpr) aggState { return &timedAgg{sign: -1} }},
	"latest":         {1, 1, func(*callExpr) aggState { return &timedAgg{sign: 1} }},
}

type countAgg struct {
	star bool
	n    int64
}

func (a *countAgg) add(v value, _ *row) {
	if a.star || v.k != vNull {
		a.n++
	}
}
func (a *countAgg) result() value { return numValue(float64(a.n)) }

type distinctAgg struct{ seen map[string]bool }

func (a *distinctAgg) add(v value, _ *row) {
	if v.k != vNull {
		a.seen[v.str()] = true
	}
}
func (a *distinctAgg) result() value { return numValue(float64(len(a.seen))) }

// momentAgg computes sum, avg and stddev with Welford's method.
type momentAgg struct {
	kind          string
	n             int64
	sum, mean, m2 float64
}

func (a *momentAgg) add(v value, _ *row) {
	x, ok := v.num()
	if !ok || v.k == vNull {
		return
	}
	a.n++
	a.sum += x
	d := x - a.mean
	a.mean += d / float64(a.n)
	a.m2 += d * (x - a.mean)
}

func (a *momentAgg) result() value {
	if a.n == 0 {
		return nullValue
	}
	switch a.kind {
	case "sum":
		return numValue(a.sum)
	case "avg":
		return numValue(a.sum / float64(a.n))
	}
	if a.n < 2 {
		return numValue(0)
	}
	return numValue(math.Sqrt(a.m2 / float64(a.n-1)))
}

type extremeAgg struct {
	sign int
	best value
}

func (a *extremeAgg) add(v value, _ *row) {
	if _, ok := v.num(); !ok {
		return
	}
	if c, _ := compare(v, a.best); a.best.k == vNull || c == a.sign {
		a.best = v
	}
}

func (a *extremeAgg) result() value {
	if n, ok := a.best.num(); ok && a.best.k == vStr {
		return numValue(n)
	}
	return a.best
}

type pctAgg struct {
	p    float64
	vals []float64
}

func newPctAgg(c *callExpr) aggState {
	p := 50.0
	if l, ok := c.args[1].(*litExpr); ok {
		if n, ok := l.v.num(); ok {
			p = math.Max(0, math.Min(100, n))
		}
	}
	return &pctAgg{p: p}
}

func (a *pctAgg) add(v value, _ *row) {
	if x, ok := v.num(); ok && v.k != vNull {
		a.vals = append(a.vals, x)
	}
}

func (a *pctAgg) result() value {
	if len(a.vals) == 0 {
		return nullValue
	}
	slices.Sort(a.vals)
	rank := int(math.Ceil(a.p / 100 * float64(len(a.vals))))
	return numValue(a.vals[max(0, min(len(a.vals)-1, rank-1))])
}

// timedAgg keeps the value from the earliest (sign -1) or latest event.
type timedAgg struct {
	sign int
	ts   int64
	v    value
	set  bool
}

func (a *timedAgg) add(v value, r *row) {
	if v.k == vNull {
		return
	}
	t, ok := r.get(fTimestamp).num()
	if !ok {
		return
	}
	ts := int64(t)
	if !a.set || a.sign < 0 && ts < a.ts || a.sign > 0 && ts >= a.ts {
		a.ts, a.v, a.set = ts, v, true
	}
}

func (a *timedAgg) result() value { return a.v }
