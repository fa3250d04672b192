package logs

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// vkind is the type of a query value.
type vkind uint8

const (
	vNull vkind = iota // an absent field or an undefined result
	vStr
	vNum
	vTime // milliseconds since the epoch
)

// value is a query value. Booleans are the numbers 1 and 0, which is how
// Logs Insights shows the result of a boolean function in a column.
type value struct {
	k vkind
	s string
	n float64
}

var nullValue = value{}

func strValue(s string) value  { return value{k: vStr, s: s} }
func numValue(n float64) value { return value{k: vNum, n: n} }
func timeValue(ms int64) value { return value{k: vTime, n: float64(ms)} }
func boolValue(b bool) value {
	if b {
		return numValue(1)
	}
	return numValue(0)
}

// num returns v as a number: numbers and times as they are, strings that
// read as numbers.
func (v value) num() (float64, bool) {
	switch v.k {
	case vNum, vTime:
		return v.n, true
	case vStr:
		f, err := strconv.ParseFloat(strings.TrimSpace(v.s), 64)
		if err != nil {
			return 0, false
		}
		return f, true
	}
	return 0, false
}

// str returns v as text, the way results show it.
func (v value) str() string {
	switch v.k {
	case vStr:
		return v.s
	case vNum:
		return formatNum(v.n)
	case vTime:
		return formatTS(int64(v.n))
	}
	return ""
}

// truthy reports whether v counts as true in a filter: a non-zero number.
func (v value) truthy() bool {
	n, ok := v.num()
	return ok && n != 0 && !math.IsNaN(n)
}

// formatNum writes integers without a fraction and other numbers in the
// shortest form that reads back the same.
func formatNum(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// tsLayout is how results show timestamps.
const tsLayout = "2006-01-02 15:04:05.000"

func formatTS(ms int64) string { return time.UnixMilli(ms).UTC().Format(tsLayout) }

// compare orders two values: numerically when both read as numbers,
// otherwise as text. ok is false when either is absent.
func compare(a, b value) (int, bool) {
	if a.k == vNull || b.k == vNull {
		return 0, false
	}
	if x, ok := a.num(); ok {
		if y, ok := b.num(); ok {
			switch {
			case x < y:
				return -1, true
			case x > y:
				return 1, true
			}
			return 0, true
		}
	}
	return strings.Compare(a.str(), b.str()), true
}

// period is a time span of bin, datefloor and dateceil: n units.
type period struct {
	n    int64
	unit string // ms s m h d w mo q y
}

var errPeriod = errors.New("logs: bad period")

// unitMillis is the length of the fixed-length units.
var unitMillis = map[string]int64{
	"ms": 1, "s": 1000, "m": 60000, "h": 3600000, "d": 86400000, "w": 7 * 86400000,
}

func parsePeriod(s string) (period, error) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	unit := s[i:]
	_, fixed := unitMillis[unit]
	if err != nil || n <= 0 || n > 1e9 || !fixed && unit != "mo" && unit != "q" && unit != "y" {
		return period{}, errPeriod
	}
	return period{n: n, unit: unit}, nil
}

// floor returns the start of the period containing ms. Fixed-length
// periods count from the epoch (so weeks start on Thursdays, a choice AWS
// does not document); months, quarters and years follow the UTC calendar.
func (d period) floor(ms int64) int64 {
	if u, ok := unitMillis[d.unit]; ok {
		size := d.n * u
		q := ms / size
		if ms%size != 0 && ms < 0 {
			q--
		}
		return q * size
	}
	t := time.UnixMilli(ms).UTC()
	months := int64(t.Year())*12 + int64(t.Month()) - 1
	step := d.n
	switch d.unit {
	case "q":
		step *= 3
	case "y":
		step *= 12
	}
	m := months - ((months%step)+step)%step
	return time.Date(int(m/12), time.Month(m%12+1), 1, 0, 0, 0, 0, time.UTC).UnixMilli()
}

// ceil returns the end of the period containing ms (ms itself when it
// starts a period).
func (d period) ceil(ms int64) int64 {
	f := d.floor(ms)
	if f == ms {
		return ms
	}
	if u, ok := unitMillis[d.unit]; ok {
		return f + d.n*u
	}
	t := time.UnixMilli(f).UTC()
	months := int(d.n)
	switch d.unit {
	case "q":
		months *= 3
	case "y":
		months *= 12
	}
	return t.AddDate(0, months, 0).UnixMilli()
}
