package attr

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/awserr"
)

// errMessage returns err's client message, or "" for nil.
func errMessage(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var ae *awserr.Error
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an *awserr.Error", err)
	}
	if ae.Code != "ValidationException" || ae.Status != 400 {
		t.Fatalf("error %v: code %q status %d", err, ae.Code, ae.Status)
	}
	return ae.Message
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{in: "0", want: "0"},
		{in: "-0", want: "0"},
		{in: "+0.000", want: "0"},
		{in: "0e999999999999999999", want: "0"},
		{in: "42", want: "42"},
		{in: "+42", want: "42"},
		{in: "-7", want: "-7"},
		{in: "00042", want: "42"},
		{in: "1.50", want: "1.5"},
		{in: "1.0", want: "1"},
		{in: "1e2", want: "100"},
		{in: "1E2", want: "100"},
		{in: "1.5E2", want: "150"},
		{in: "1e-3", want: "0.001"},
		{in: "1e+3", want: "1000"},
		{in: ".5", want: "0.5"},
		{in: "5.", want: "5"},
		{in: "-0.5", want: "-0.5"},
		{in: "123.456", want: "123.456"},
		{in: "0.000120", want: "0.00012"},
		{in: "1200", want: "1200"},
		{in: "12.34e1", want: "123.4"},
		{in: "12.34e-5", want: "0.0001234"},
		{in: strings.Repeat("9", 38), want: strings.Repeat("9", 38)},
		{in: strings.Repeat("1", 38) + "000", want: strings.Repeat("1", 38) + "000"},
		{in: "0." + strings.Repeat("0", 20) + strings.Repeat("1", 38), want: "0." + strings.Repeat("0", 20) + strings.Repeat("1", 38)},
		{in: "9.9999999999999999999999999999999999999E+125", want: strings.Repeat("9", 38) + strings.Repeat("0", 88)},
		{in: "1E-130", want: "0." + strings.Repeat("0", 129) + "1"},
		{in: "-1E-130", want: "-0." + strings.Repeat("0", 129) + "1"},
		{in: "", err: "The parameter cannot be converted to a numeric value"},
		{in: "abc", err: "The parameter cannot be converted to a numeric value: abc"},
		{in: " 5", err: "The parameter cannot be converted to a numeric value:  5"},
		{in: "5 ", err: "The parameter cannot be converted to a numeric value: 5 "},
		{in: ".", err: "The parameter cannot be converted to a numeric value: ."},
		{in: "-", err: "The parameter cannot be converted to a numeric value: -"},
		{in: "1e", err: "The parameter cannot be converted to a numeric value: 1e"},
		{in: "1e+", err: "The parameter cannot be converted to a numeric value: 1e+"},
		{in: "e5", err: "The parameter cannot be converted to a numeric value: e5"},
		{in: "1.2.3", err: "The parameter cannot be converted to a numeric value: 1.2.3"},
		{in: "0x10", err: "The parameter cannot be converted to a numeric value: 0x10"},
		{in: "NaN", err: "The parameter cannot be converted to a numeric value: NaN"},
		{in: "Infinity", err: "The parameter cannot be converted to a numeric value: Infinity"},
		{in: "1_000", err: "The parameter cannot be converted to a numeric value: 1_000"},
		{in: "--1", err: "The parameter cannot be converted to a numeric value: --1"},
		{in: strings.Repeat("1", 39), err: msgTooManyDigits},
		{in: "1." + strings.Repeat("0", 37) + "1", err: msgTooManyDigits},
		{in: "1E126", err: msgNumberOverflow},
		{in: "-1E126", err: msgNumberOverflow},
		{in: "1e99999999999999999999", err: msgNumberOverflow},
		{in: "1E-131", err: msgNumberUnder},
		{in: "0.99E-130", err: msgNumberUnder},
		{in: "1e-99999999999999999999", err: msgNumberUnder},
	}
	for _, tt := range tests {
		n, err := ParseNumber(tt.in)
		if got := errMessage(t, err); got != tt.err {
			t.Errorf("ParseNumber(%q) error %q, want %q", tt.in, got, tt.err)
			continue
		}
		if err == nil && n.String() != tt.want {
			t.Errorf("ParseNumber(%q) = %q, want %q", tt.in, n.String(), tt.want)
		}
	}
}

func mustNum(t testing.TB, s string) Number {
	t.Helper()
	n, err := ParseNumber(s)
	if err != nil {
		t.Fatalf("ParseNumber(%q): %v", s, err)
	}
	return n
}

func TestNumberArithmetic(t *testing.T) {
	big38 := strings.Repeat("9", 38)
	tests := []struct {
		a, b, sum, diff, sumErr, diffErr string
	}{
		{a: "1", b: "2", sum: "3", diff: "-1"},
		{a: "0", b: "0", sum: "0", diff: "0"},
		{a: "1.5", b: "1.5", sum: "3", diff: "0"},
		{a: "0.1", b: "0.2", sum: "0.3", diff: "-0.1"},
		{a: "-5", b: "3", sum: "-2", diff: "-8"},
		{a: "5", b: "-5", sum: "0", diff: "10"},
		{a: "999", b: "1", sum: "1000", diff: "998"},
		{a: "1000", b: "0.001", sum: "1000.001", diff: "999.999"},
		{a: "1e-130", b: "1e-130", sum: "0." + strings.Repeat("0", 129) + "2", diff: "0"},
		{a: big38, b: "1", sum: "1" + strings.Repeat("0", 38), diff: strings.Repeat("9", 37) + "8"},
		{a: big38, b: "0.1", sumErr: msgTooManyDigits, diffErr: msgTooManyDigits},
		{a: "1e125", b: "1e-125", sumErr: msgTooManyDigits, diffErr: msgTooManyDigits},
		{a: "9.9e125", b: "9.9e125", sumErr: msgNumberOverflow, diff: "0"},
		{a: "-9.9e125", b: "9.9e125", sum: "0", diffErr: msgNumberOverflow},
		{a: "2e-130", b: "1.5e-130", sum: "0." + strings.Repeat("0", 129) + "35", diffErr: msgNumberUnder},
	}
	for _, tt := range tests {
		a, b := mustNum(t, tt.a), mustNum(t, tt.b)
		s, err := a.Add(b)
		if got := errMessage(t, err); got != tt.sumErr {
			t.Errorf("%s + %s error %q, want %q", tt.a, tt.b, got, tt.sumErr)
		} else if err == nil && s.String() != tt.sum {
			t.Errorf("%s + %s = %s, want %s", tt.a, tt.b, s, tt.sum)
		}
		d, err := a.Sub(b)
		if got := errMessage(t, err); got != tt.diffErr {
			t.Errorf("%s - %s error %q, want %q", tt.a, tt.b, got, tt.diffErr)
		} else if err == nil && d.String() != tt.diff {
			t.Errorf("%s - %s = %s, want %s", tt.a, tt.b, d, tt.diff)
		}
	}
}

func TestNumberCmp(t *testing.T) {
	ordered := []string{
		"-9.9e125", "-1e100", "-100", "-99.5", "-1", "-0.5", "-1e-130",
		"0", "1e-130", "0.001", "0.01", "0.1", "0.15", "0.151", "0.2",
		"1", "1.5", "2", "10", "15", "100", "1e100", "9.9e125",
	}
	for i, a := range ordered {
		for j, b := range ordered {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := mustNum(t, a).Cmp(mustNum(t, b)); got != want {
				t.Errorf("Cmp(%s, %s) = %d, want %d", a, b, got, want)
			}
		}
	}
}

// randNumber returns a random number text in (or near the edges of)
// DynamoDB's range, in varied spellings.
func randNumber(r *rand.Rand) string {
	var b strings.Builder
	if r.IntN(2) == 0 {
		b.WriteByte('-')
	}
	if r.IntN(10) == 0 {
		b.WriteString("0")
		return b.String()
	}
	nd := 1 + r.IntN(MaxDigits)
	if r.IntN(4) == 0 {
		nd = 1 + r.IntN(4) // short numbers collide more often
	}
	b.WriteByte(byte('1' + r.IntN(9)))
	for range nd - 1 {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	e := r.IntN(MaxExponent-MinExponent+1) + MinExponent - (nd - 1)
	if r.IntN(3) == 0 {
		e = r.IntN(21) - 10 - (nd - 1)
	}
	b.WriteString("e")
	b.WriteString(big.NewInt(int64(e)).String())
	return b.String()
}

func ratOf(t testing.TB, s string) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("big.Rat cannot parse %q", s)
	}
	return r
}

// sigDigits returns the significant digits and the sci exponent of a
// nonzero rational that is a finite decimal.
func sigDigits(r *big.Rat) (int, int) {
	// Scale by 10^k until integral.
	x := new(big.Rat).Abs(r)
	k := 0
	ten := big.NewRat(10, 1)
	for !x.IsInt() {
		x.Mul(x, ten)
		k++
	}
	num := x.Num().String()
	return len(strings.TrimRight(num, "0")), len(num) - 1 - k
}

func TestNumberProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		as, bs := randNumber(r), randNumber(r)
		a, err := ParseNumber(as)
		if err != nil {
			continue // out of range spellings are covered elsewhere
		}
		b, err := ParseNumber(bs)
		if err != nil {
			continue
		}
		ra, rb := ratOf(t, as), ratOf(t, bs)
		if got := ratOf(t, a.String()); got.Cmp(ra) != 0 {
			t.Fatalf("String(%s) = %s changes the value", as, a)
		}
		if a.Cmp(b) != ra.Cmp(rb) {
			t.Fatalf("Cmp(%s, %s) = %d, want %d", as, bs, a.Cmp(b), ra.Cmp(rb))
		}
		for _, op := range []string{"+", "-"} {
			var got Number
			want := new(big.Rat)
			if op == "+" {
				got, err = a.Add(b)
				want.Add(ra, rb)
			} else {
				got, err = a.Sub(b)
				want.Sub(ra, rb)
			}
			var wantErr string
			if want.Sign() != 0 {
				nd, e := sigDigits(want)
				switch {
				case e > MaxExponent:
					wantErr = msgNumberOverflow
				case e < MinExponent:
					wantErr = msgNumberUnder
				case nd > MaxDigits:
					wantErr = msgTooManyDigits
				}
			}
			if msg := errMessage(t, err); msg != wantErr {
				t.Fatalf("%s %s %s: error %q, want %q", as, op, bs, msg, wantErr)
			}
			if err == nil && ratOf(t, got.String()).Cmp(want) != 0 {
				t.Fatalf("%s %s %s = %s, want %s", as, op, bs, got, want.FloatString(140))
			}
		}
	}
}
