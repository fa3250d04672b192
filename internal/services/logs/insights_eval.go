package logs

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
)

// queryEvent is one stored event as a query sees it.
type queryEvent struct {
	account, group, stream string
	ts, ingest             int64
	seq                    uint64
	msg                    string

	discovered bool
	fields     map[string]string
	order      []string
}

// System fields every event has.
const (
	fTimestamp = "@timestamp"
	fMessage   = "@message"
	fStream    = "@logStream"
	fLog       = "@log"
	fIngestion = "@ingestionTime"
	fPtr       = "@ptr"
)

// defaultColumns are the system fields a query without fields or display
// shows, before the discovered ones (the @ptr column comes last).
var defaultColumns = []string{fTimestamp, fMessage, fStream, fLog}

// maxDiscovered bounds the fields discovered in one JSON event, as AWS
// extracts at most 200.
const maxDiscovered = 200

// field returns a field of the event: a system field, or one discovered
// in its message.
func (e *queryEvent) field(name string) (value, bool) {
	switch name {
	case fTimestamp:
		return timeValue(e.ts), true
	case fIngestion:
		return timeValue(e.ingest), true
	case fMessage:
		return strValue(e.msg), true
	case fStream:
		return strValue(e.stream), true
	case fLog:
		return strValue(e.account + ":" + e.group), true
	}
	e.discover()
	s, ok := e.fields[name]
	if !ok {
		return nullValue, false
	}
	return strValue(s), true
}

// discover finds the event's fields once: the members of a JSON message,
// flattened with dots (array elements by index), and the fields of the
// lines Lambda writes to /aws/lambda/ groups.
func (e *queryEvent) discover() {
	if e.discovered {
		return
	}
	e.discovered = true
	msg := strings.TrimSpace(e.msg)
	if strings.HasPrefix(msg, "{") {
		d := json.NewDecoder(strings.NewReader(msg))
		d.UseNumber()
		var v any
		if d.Decode(&v) == nil {
			e.flatten("", v)
		}
	}
	if strings.HasPrefix(e.group, "/aws/lambda/") {
		e.lambdaFields(msg)
	}
}

func (e *queryEvent) set(name, v string) {
	if e.fields == nil {
		e.fields = map[string]string{}
	}
	if _, ok := e.fields[name]; !ok {
		if len(e.order) >= maxDiscovered {
			return
		}
		e.order = append(e.order, name)
	}
	e.fields[name] = v
}

func (e *queryEvent) flatten(prefix string, v any) {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			e.flatten(join(k), x[k])
		}
	case []any:
		for i, el := range x {
			e.flatten(join(strconv.Itoa(i)), el)
		}
	case string:
		e.set(prefix, x)
	case json.Number:
		e.set(prefix, x.String())
	case bool:
		e.set(prefix, strconv.FormatBool(x))
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Sorted for a stable column order; JSON objects have no order of
	// their own once decoded.
	slices.Sort(keys)
	return keys
}

// lambdaFields discovers @type and @requestId on START, END and REPORT
// lines and the REPORT line's measures: durations in milliseconds,
// memory in bytes (AWS's units for these fields).
func (e *queryEvent) lambdaFields(msg string) {
	kind, rest, ok := strings.Cut(msg, " ")
	if !ok || kind != "START" && kind != "END" && kind != "REPORT" {
		return
	}
	e.set("@type", kind)
	for _, part := range strings.Split(rest, "\t") {
		key, val, ok := strings.Cut(strings.TrimSpace(part), ": ")
		if !ok {
			continue
		}
		if key == "RequestId" {
			id, _, _ := strings.Cut(val, " ")
			e.set("@requestId", id)
			continue
		}
		num, unit, _ := strings.Cut(val, " ")
		f, err := strconv.ParseFloat(num, 64)
		if err != nil {
			continue
		}
		if unit == "MB" {
			num = formatNum(f * 1e6)
		}
		switch key {
		case "Duration":
			e.set("@duration", num)
		case "Billed Duration":
			e.set("@billedDuration", num)
		case "Memory Size":
			e.set("@memorySize", num)
		case "Max Memory Used":
			e.set("@maxMemoryUsed", num)
		case "Init Duration":
			e.set("@initDuration", num)
		}
	}
}

// row is a result row: an event's fields with those the query computed,
// or after stats the computed fields alone.
type row struct {
	ev    *queryEvent
	vals  map[string]value
	order []string // computed fields in the order they were first set
}

func (r *row) get(name string) value {
	if v, ok := r.vals[name]; ok {
		return v
	}
	if r.ev != nil {
		v, _ := r.ev.field(name)
		return v
	}
	return nullValue
}

func (r *row) put(name string, v value) {
	if r.vals == nil {
		r.vals = map[string]value{}
	}
	if _, ok := r.vals[name]; !ok {
		r.order = append(r.order, name)
	}
	r.vals[name] = v
}

// eval evaluates e for r; aggs holds the values of the stats command's
// aggregates when evaluating its outputs.
func eval(e expr, r *row, aggs []value) value {
	switch x := e.(type) {
	case *litExpr:
		return x.v
	case *fieldExpr:
		return r.get(x.name)
	case *durExpr:
		return numValue(float64(x.d.n))
	case *unaryExpr:
		v := eval(x.x, r, aggs)
		if x.op == "not" {
			return boolValue(!v.truthy())
		}
		n, ok := v.num()
		if !ok {
			return nullValue
		}
		return numValue(-n)
	case *binExpr:
		return evalBinary(x, r, aggs)
	case *likeExpr:
		v := eval(x.x, r, aggs)
		if v.k == vNull {
			return boolValue(false)
		}
		var m bool
		if x.re != nil {
			m = x.re.MatchString(v.str())
		} else {
			m = strings.Contains(v.str(), x.sub)
		}
		return boolValue(m != x.neg)
	case *inExpr:
		v := eval(x.x, r, aggs)
		if v.k == vNull {
			return boolValue(false)
		}
		found := false
		for _, el := range x.list {
			if c, ok := compare(v, eval(el, r, aggs)); ok && c == 0 {
				found = true
				break
			}
		}
		return boolValue(found != x.neg)
	case *callExpr:
		if x.agg >= 0 {
			if x.agg < len(aggs) {
				return aggs[x.agg]
			}
			return nullValue
		}
		f := scalarFuncs[x.name]
		args := make([]value, len(x.args))
		for i, a := range x.args {
			if _, ok := a.(*durExpr); ok {
				continue
			}
			args[i] = eval(a, r, aggs)
		}
		return f.fn(args, x, r)
	}
	return nullValue
}

func evalBinary(x *binExpr, r *row, aggs []value) value {
	switch x.op {
	case "and":
		return boolValue(eval(x.l, r, aggs).truthy() && eval(x.r, r, aggs).truthy())
	case "or":
		return boolValue(eval(x.l, r, aggs).truthy() || eval(x.r, r, aggs).truthy())
	}
	l, rv := eval(x.l, r, aggs), eval(x.r, r, aggs)
	switch x.op {
	case "=", "==", "!=", "<", "<=", ">", ">=":
		c, ok := compare(l, rv)
		if !ok {
			return boolValue(false)
		}
		switch x.op {
		case "=", "==":
			return boolValue(c == 0)
		case "!=":
			return boolValue(c != 0)
		case "<":
			return boolValue(c < 0)
		case "<=":
			return boolValue(c <= 0)
		case ">":
			return boolValue(c > 0)
		}
		return boolValue(c >= 0)
	}
	a, ok1 := l.num()
	b, ok2 := rv.num()
	if !ok1 || !ok2 {
		return nullValue
	}
	var n float64
	switch x.op {
	case "+":
		n = a + b
	case "-":
		n = a - b
	case "*":
		n = a * b
	case "/":
		n = a / b
	case "%":
		n = math.Mod(a, b)
	case "^":
		n = math.Pow(a, b)
	}
	if math.IsNaN(n) || math.IsInf(n, 0) {
		return nullValue
	}
	// A time plus or minus a number stays a time.
	if (l.k == vTime) != (rv.k == vTime) && (x.op == "+" || x.op == "-") && math.Abs(n) < 1e16 {
		return timeValue(int64(n))
	}
	return numValue(n)
}

// valueKey encodes a tuple of values as a map key for grouping and dedup.
func valueKey(vals []value) string {
	var b bytes.Buffer
	for _, v := range vals {
		b.WriteByte(byte(v.k))
		s := v.str()
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	}
	return b.String()
}
