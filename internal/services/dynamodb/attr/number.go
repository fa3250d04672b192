package attr

import (
	"net/http"
	"strings"

	"github.com/unkai-cloud/unkai/internal/awserr"
)

// Limits of DynamoDB's Number type.
const (
	// MaxDigits is the most significant digits a Number holds.
	MaxDigits = 38
	// MaxExponent is the largest power of ten a Number's leading digit may
	// carry: magnitudes stay below 1E+126.
	MaxExponent = 125
	// MinExponent is the smallest power of ten a Number's leading digit may
	// carry: magnitudes are at least 1E-130.
	MinExponent = -130
)

// Number is an exact decimal as DynamoDB holds it: up to 38 significant
// digits, magnitude zero or within [1E-130, 1E+126). The zero value is 0.
// Numbers are comparable values; equal numbers have equal representations.
type Number struct {
	// digits are the significant digits, without leading or trailing
	// zeros; empty for zero.
	digits string
	// exp places the decimal point: the value is 0.digits × 10^exp.
	exp int32
	// neg is set for negative numbers, never for zero.
	neg bool
}

// ParseNumber parses s as DynamoDB does: an optional sign, decimal digits
// with an optional point, and an optional exponent ("e" or "E", optional
// sign, digits). Errors are ValidationExceptions with AWS's messages.
func ParseNumber(s string) (Number, error) {
	n, e := parseNumber(s)
	if e != nil {
		return Number{}, e
	}
	return n, nil
}

// maxExpDigits bounds the exponent's magnitude while parsing: anything
// larger is far outside the supported range already.
const maxExpDigits = 1 << 30

func parseNumber(s string) (Number, *awserr.Error) {
	if s == "" {
		return Number{}, awserr.New(codeValidation, http.StatusBadRequest, msgNotNumeric)
	}
	bad := func() (Number, *awserr.Error) {
		return Number{}, awserr.New(codeValidation, http.StatusBadRequest, msgNotNumericArg, s)
	}
	i := 0
	neg := false
	switch s[0] {
	case '-':
		neg = true
		i++
	case '+':
		i++
	}
	// Mantissa: int digits [intStart, intEnd), fraction digits [fracStart, fracEnd).
	intStart := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intEnd := i
	fracStart, fracEnd := i, i
	if i < len(s) && s[i] == '.' {
		i++
		fracStart = i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		fracEnd = i
	}
	if intEnd == intStart && fracEnd == fracStart {
		return bad()
	}
	var e int64
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			eneg = s[i] == '-'
			i++
		}
		start := i
		for i < len(s) && isDigit(s[i]) {
			if e < maxExpDigits {
				e = e*10 + int64(s[i]-'0')
			}
			i++
		}
		if i == start {
			return bad()
		}
		if eneg {
			e = -e
		}
	}
	if i != len(s) {
		return bad()
	}

	// Locate the significant digits in int ++ frac.
	nInt := intEnd - intStart
	total := nInt + fracEnd - fracStart
	at := func(k int) byte { // k-th digit of int ++ frac
		if k < nInt {
			return s[intStart+k]
		}
		return s[fracStart+k-nInt]
	}
	first := 0
	for first < total && at(first) == '0' {
		first++
	}
	if first == total {
		return Number{}, nil
	}
	last := total
	for at(last-1) == '0' {
		last--
	}
	exp := int64(nInt-first) + e
	if ae := checkRange(exp, last-first); ae != nil {
		return Number{}, ae
	}
	var digits string
	switch {
	case last <= nInt: // all in the integer part
		digits = s[intStart+first : intStart+last]
	case first >= nInt: // all in the fraction
		digits = s[fracStart+first-nInt : fracStart+last-nInt]
	default:
		var b strings.Builder
		b.Grow(last - first)
		b.WriteString(s[intStart+first : intEnd])
		b.WriteString(s[fracStart : fracStart+last-nInt])
		digits = b.String()
	}
	return Number{digits: digits, exp: int32(exp), neg: neg}, nil
}

// checkRange reports whether a nonzero number 0.d × 10^exp with n
// significant digits fits DynamoDB's range, in the order DynamoDB checks.
func checkRange(exp int64, n int) *awserr.Error {
	switch {
	case exp-1 > MaxExponent:
		return awserr.New(codeValidation, http.StatusBadRequest, msgNumberOverflow)
	case exp-1 < MinExponent:
		return awserr.New(codeValidation, http.StatusBadRequest, msgNumberUnder)
	case n > MaxDigits:
		return awserr.New(codeValidation, http.StatusBadRequest, msgTooManyDigits)
	}
	return nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// IsZero reports whether n is zero.
func (n Number) IsZero() bool { return n.digits == "" }

// Sign returns -1, 0 or +1 as n is negative, zero or positive.
func (n Number) Sign() int {
	switch {
	case n.digits == "":
		return 0
	case n.neg:
		return -1
	}
	return 1
}

// Neg returns -n.
func (n Number) Neg() Number {
	if n.digits != "" {
		n.neg = !n.neg
	}
	return n
}

// Cmp returns -1, 0 or +1 as n is less than, equal to or greater than o.
func (n Number) Cmp(o Number) int {
	sn, so := n.Sign(), o.Sign()
	if sn != so {
		if sn < so {
			return -1
		}
		return 1
	}
	if sn == 0 {
		return 0
	}
	return sn * cmpAbs(n, o)
}

// cmpAbs compares |a| and |b| for nonzero a and b.
func cmpAbs(a, b Number) int {
	switch {
	case a.exp < b.exp:
		return -1
	case a.exp > b.exp:
		return 1
	}
	// Same exponent: digit strings compare as fractions 0.digits, which
	// lexicographic order gets right since neither has trailing zeros.
	return strings.Compare(a.digits, b.digits)
}

// String returns n in DynamoDB's canonical text: no exponent, no leading
// or trailing zeros, "0" for zero.
func (n Number) String() string {
	return string(n.AppendText(nil))
}

// AppendText appends n's canonical text to dst.
func (n Number) AppendText(dst []byte) []byte {
	if n.digits == "" {
		return append(dst, '0')
	}
	if n.neg {
		dst = append(dst, '-')
	}
	nd := int(len(n.digits))
	exp := int(n.exp)
	switch {
	case exp <= 0:
		dst = append(dst, '0', '.')
		for range -exp {
			dst = append(dst, '0')
		}
		dst = append(dst, n.digits...)
	case exp >= nd:
		dst = append(dst, n.digits...)
		for range exp - nd {
			dst = append(dst, '0')
		}
	default:
		dst = append(dst, n.digits[:exp]...)
		dst = append(dst, '.')
		dst = append(dst, n.digits[exp:]...)
	}
	return dst
}

// Add returns n + o exactly, or a ValidationException when the sum needs
// more than 38 significant digits or leaves DynamoDB's range.
func (n Number) Add(o Number) (Number, error) {
	r, e := add(n, o)
	if e != nil {
		return Number{}, e
	}
	return r, nil
}

// Sub returns n - o exactly, with Add's errors.
func (n Number) Sub(o Number) (Number, error) {
	return n.Add(o.Neg())
}

func add(a, b Number) (Number, *awserr.Error) {
	if a.digits == "" {
		return b, nil
	}
	if b.digits == "" {
		return a, nil
	}
	// Digit k of x has weight 10^(x.exp-1-k). Lay both out on a common
	// grid from weight 10^lo up to 10^hi (one spare place for a carry).
	lo := min(a.exp-int32(len(a.digits)), b.exp-int32(len(b.digits)))
	hi := max(a.exp, b.exp) // exclusive; index hi-lo is the carry place
	width := int(hi-lo) + 1
	var stack [128]byte
	var buf []byte
	if width <= len(stack) {
		buf = stack[:width]
	} else {
		buf = make([]byte, width)
	}
	// buf[j] holds the digit of weight 10^(hi-j) - most significant first.
	if a.neg == b.neg {
		place(buf, a, hi)
		addInto(buf, b, hi)
		return finish(buf, hi, a.neg)
	}
	big, small := a, b
	if cmpAbs(a, b) < 0 {
		big, small = b, a
	}
	if cmpAbs(a, b) == 0 {
		return Number{}, nil
	}
	place(buf, big, hi)
	subFrom(buf, small, hi)
	return finish(buf, hi, big.neg)
}

// place writes x's digits into buf, where buf[j] has weight 10^(hi-j).
func place(buf []byte, x Number, hi int32) {
	off := int(hi - x.exp + 1)
	for k := 0; k < len(x.digits); k++ {
		buf[off+k] = x.digits[k] - '0'
	}
}

func addInto(buf []byte, x Number, hi int32) {
	off := int(hi - x.exp + 1)
	carry := byte(0)
	j := off + len(x.digits) - 1
	for ; j >= off; j-- {
		d := buf[j] + x.digits[j-off] - '0' + carry
		carry = d / 10
		buf[j] = d % 10
	}
	for ; carry != 0 && j >= 0; j-- {
		d := buf[j] + carry
		carry = d / 10
		buf[j] = d % 10
	}
}

func subFrom(buf []byte, x Number, hi int32) {
	off := int(hi - x.exp + 1)
	borrow := byte(0)
	j := off + len(x.digits) - 1
	for ; j >= off; j-- {
		d := x.digits[j-off] - '0' + borrow
		if buf[j] >= d {
			buf[j] -= d
			borrow = 0
		} else {
			buf[j] = buf[j] + 10 - d
			borrow = 1
		}
	}
	for ; borrow != 0 && j >= 0; j-- {
		if buf[j] >= 1 {
			buf[j]--
			borrow = 0
		} else {
			buf[j] = 9
		}
	}
}

// finish turns a digit grid (buf[j] of weight 10^(hi-j)) into a Number.
func finish(buf []byte, hi int32, neg bool) (Number, *awserr.Error) {
	first := 0
	for first < len(buf) && buf[first] == 0 {
		first++
	}
	if first == len(buf) {
		return Number{}, nil
	}
	last := len(buf)
	for buf[last-1] == 0 {
		last--
	}
	exp := int64(hi) + 1 - int64(first)
	if e := checkRange(exp, last-first); e != nil {
		return Number{}, e
	}
	var d strings.Builder
	d.Grow(last - first)
	for _, c := range buf[first:last] {
		d.WriteByte(c + '0')
	}
	return Number{digits: d.String(), exp: int32(exp), neg: neg}, nil
}
