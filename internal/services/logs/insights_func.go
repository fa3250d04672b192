package logs

import (
	"math"
	"net/netip"
	"strings"
	"unicode/utf8"
)

// scalarFunc is a function of the query language: its arity (maxArgs -1
// for any number) and its body, which gets the evaluated arguments and,
// for functions that need them, the raw argument expressions and the row.
type scalarFunc struct {
	minArgs, maxArgs int
	fn               func(args []value, c *callExpr, r *row) value
}

// unsupportedFuncs are functions of the language unkai does not run.
var unsupportedFuncs = map[string]bool{
	"jsonparse": true, "jsonstringify": true, "sortsfirst": true, "sortslast": true,
}

// scalarFuncs maps lower-cased names to the functions: numeric (abs, ceil,
// floor, greatest, least, log, sqrt), datetime (bin, datefloor, dateceil,
// frommillis, tomillis), general (ispresent, coalesce), string (concat,
// ltrim, rtrim, trim, strlen, toupper, tolower, substr, replace,
// strcontains, isempty, isblank) and IP address functions.
var scalarFuncs = map[string]scalarFunc{
	"abs":         num1(math.Abs),
	"ceil":        num1(math.Ceil),
	"floor":       num1(math.Floor),
	"sqrt":        num1(math.Sqrt),
	"log":         num1(math.Log),
	"greatest":    {1, -1, func(a []value, _ *callExpr, _ *row) value { return extreme(a, 1) }},
	"least":       {1, -1, func(a []value, _ *callExpr, _ *row) value { return extreme(a, -1) }},
	"bin":         {1, 1, fnBin},
	"datefloor":   {2, 2, fnDateFloor},
	"dateceil":    {2, 2, fnDateCeil},
	"frommillis":  {1, 1, fnFromMillis},
	"tomillis":    {1, 1, fnToMillis},
	"ispresent":   {1, 1, func(a []value, _ *callExpr, _ *row) value { return boolValue(a[0].k != vNull) }},
	"coalesce":    {1, -1, fnCoalesce},
	"concat":      {1, -1, fnConcat},
	"ltrim":       trimFunc(strings.TrimLeft, strings.TrimLeftFunc),
	"rtrim":       trimFunc(strings.TrimRight, strings.TrimRightFunc),
	"trim":        trimFunc(strings.Trim, strings.TrimFunc),
	"strlen":      str1(func(s string) value { return numValue(float64(utf8.RuneCountInString(s))) }),
	"toupper":     str1(func(s string) value { return strValue(strings.ToUpper(s)) }),
	"tolower":     str1(func(s string) value { return strValue(strings.ToLower(s)) }),
	"substr":      {2, 3, fnSubstr},
	"replace":     {3, 3, fnReplace},
	"strcontains": {2, 2, fnStrContains},
	"isempty":     {1, 1, func(a []value, _ *callExpr, _ *row) value { return boolValue(a[0].k == vNull || a[0].str() == "") }},
	"isblank": {1, 1, func(a []value, _ *callExpr, _ *row) value {
		return boolValue(a[0].k == vNull || strings.TrimSpace(a[0].str()) == "")
	}},
	"isvalidip":      ipFunc(func(a netip.Addr) bool { return true }),
	"isvalidipv4":    ipFunc(func(a netip.Addr) bool { return a.Is4() }),
	"isvalidipv6":    ipFunc(func(a netip.Addr) bool { return a.Is6() && !a.Is4In6() }),
	"isipinsubnet":   {2, 2, subnetFunc(func(netip.Addr) bool { return true })},
	"isipv4insubnet": {2, 2, subnetFunc(func(a netip.Addr) bool { return a.Is4() })},
	"isipv6insubnet": {2, 2, subnetFunc(func(a netip.Addr) bool { return a.Is6() })},
}

func num1(f func(float64) float64) scalarFunc {
	return scalarFunc{1, 1, func(a []value, _ *callExpr, _ *row) value {
		n, ok := a[0].num()
		if !ok {
			return nullValue
		}
		r := f(n)
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return nullValue
		}
		return numValue(r)
	}}
}

func str1(f func(string) value) scalarFunc {
	return scalarFunc{1, 1, func(a []value, _ *callExpr, _ *row) value {
		if a[0].k == vNull {
			return nullValue
		}
		return f(a[0].str())
	}}
}

// extreme returns the greatest (sign 1) or least (-1) of the numeric
// arguments.
func extreme(args []value, sign int) value {
	best := nullValue
	for _, a := range args {
		if _, ok := a.num(); !ok {
			continue
		}
		if c, _ := compare(a, best); best.k == vNull || c == sign {
			best = a
		}
	}
	if n, ok := best.num(); ok && best.k == vStr {
		return numValue(n)
	}
	return best
}

// periodArg returns the period a duration argument gives.
func periodArg(c *callExpr, i int) (period, bool) {
	d, ok := c.args[i].(*durExpr)
	if !ok {
		return period{}, false
	}
	return d.d, true
}

func fnBin(_ []value, c *callExpr, r *row) value {
	d, ok := periodArg(c, 0)
	if !ok || r.ev == nil {
		return nullValue
	}
	return timeValue(d.floor(r.ev.ts))
}

func fnDateFloor(a []value, c *callExpr, _ *row) value {
	d, ok := periodArg(c, 1)
	ms, isNum := a[0].num()
	if !ok || !isNum || math.Abs(ms) > 1e16 {
		return nullValue
	}
	return timeValue(d.floor(int64(ms)))
}

func fnDateCeil(a []value, c *callExpr, _ *row) value {
	d, ok := periodArg(c, 1)
	ms, isNum := a[0].num()
	if !ok || !isNum || math.Abs(ms) > 1e16 {
		return nullValue
	}
	return timeValue(d.ceil(int64(ms)))
}

func fnFromMillis(a []value, _ *callExpr, _ *row) value {
	ms, ok := a[0].num()
	if !ok || math.Abs(ms) > 1e16 {
		return nullValue
	}
	return timeValue(int64(ms))
}

func fnToMillis(a []value, _ *callExpr, _ *row) value {
	ms, ok := a[0].num()
	if !ok {
		return nullValue
	}
	return numValue(ms)
}

func fnCoalesce(a []value, _ *callExpr, _ *row) value {
	for _, v := range a {
		if v.k != vNull {
			return v
		}
	}
	return nullValue
}

func fnConcat(a []value, _ *callExpr, _ *row) value {
	var b strings.Builder
	for _, v := range a {
		b.WriteString(v.str())
	}
	return strValue(b.String())
}

// trimFunc makes trim, ltrim and rtrim: whitespace, or the characters of
// the second argument.
func trimFunc(cut func(string, string) string, space func(string, func(rune) bool) string) scalarFunc {
	return scalarFunc{1, 2, func(a []value, _ *callExpr, _ *row) value {
		if a[0].k == vNull {
			return nullValue
		}
		if len(a) == 2 {
			return strValue(cut(a[0].str(), a[1].str()))
		}
		return strValue(space(a[0].str(), isUnicodeSpace))
	}}
}

func isUnicodeSpace(r rune) bool { return strings.ContainsRune(" \t\n\r\v\f\u0085\u00a0", r) }

// fnSubstr returns the characters from a zero-based start, to the end or
// for a length.
func fnSubstr(a []value, _ *callExpr, _ *row) value {
	if a[0].k == vNull {
		return nullValue
	}
	rs := []rune(a[0].str())
	start, ok := a[1].num()
	if !ok {
		return nullValue
	}
	i := int(math.Max(0, math.Min(float64(len(rs)), math.Trunc(start))))
	j := len(rs)
	if len(a) == 3 {
		n, ok := a[2].num()
		if !ok {
			return nullValue
		}
		j = int(math.Max(float64(i), math.Min(float64(len(rs)), float64(i)+math.Trunc(n))))
	}
	return strValue(string(rs[i:j]))
}

func fnReplace(a []value, _ *callExpr, _ *row) value {
	if a[0].k == vNull {
		return nullValue
	}
	return strValue(strings.ReplaceAll(a[0].str(), a[1].str(), a[2].str()))
}

func fnStrContains(a []value, _ *callExpr, _ *row) value {
	if a[0].k == vNull {
		return nullValue
	}
	return boolValue(strings.Contains(a[0].str(), a[1].str()))
}

func ipFunc(ok func(netip.Addr) bool) scalarFunc {
	return scalarFunc{1, 1, func(a []value, _ *callExpr, _ *row) value {
		ip, err := netip.ParseAddr(a[0].str())
		return boolValue(a[0].k != vNull && err == nil && ok(ip))
	}}
}

func subnetFunc(ok func(netip.Addr) bool) func([]value, *callExpr, *row) value {
	return func(a []value, _ *callExpr, _ *row) value {
		ip, err := netip.ParseAddr(a[0].str())
		if a[0].k == vNull || err != nil || !ok(ip) {
			return boolValue(false)
		}
		pfx, err := netip.ParsePrefix(a[1].str())
		return boolValue(err == nil && pfx.Contains(ip))
	}
}
