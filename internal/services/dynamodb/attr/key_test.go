package attr

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestAppendKeyOrder(t *testing.T) {
	tests := []struct {
		name   string
		values []av // ascending
	}{
		{"S", []av{sv(""), sv("\x00"), sv("\x00\x00"), sv("\x00a"), sv("\x01"), sv("a"), sv("a\x00"), sv("a\x00b"), sv("a\x01"), sv("ab"), sv("b"), sv("é"), sv("\U0001F600")}},
		{"B", []av{bv(""), bv("\x00"), bv("\x00\xff"), bv("\x01"), bv("\x7f"), bv("\x80"), bv("\xff"), bv("\xff\x00"), bv("\xff\xff")}},
		{"N", []av{
			nv("-9.9999999999999999999999999999999999999e125"), nv("-1e125"), nv("-101"), nv("-100"), nv("-99"), nv("-10.5"), nv("-10"),
			nv("-1.01"), nv("-1"), nv("-0.15"), nv("-0.1"), nv("-1e-130"), nv("0"), nv("1e-130"), nv("0.001"), nv("0.1"),
			nv("0.15"), nv("0.151"), nv("0.2"), nv("1"), nv("1.01"), nv("1.1"), nv("9"), nv("10"), nv("10.5"), nv("11"),
			nv("99"), nv("100"), nv("101"), nv("1e125"), nv("9.9999999999999999999999999999999999999e125"),
		}},
	}
	for _, tt := range tests {
		for i := 1; i < len(tt.values); i++ {
			a := AppendKey(nil, tt.values[i-1])
			b := AppendKey(nil, tt.values[i])
			if bytes.Compare(a, b) >= 0 {
				t.Errorf("%s: key(%+v)=%x not below key(%+v)=%x", tt.name, tt.values[i-1], a, tt.values[i], b)
			}
			// Self-delimiting: any suffix keeps the order.
			if bytes.Compare(append(a, 0xff, 0xff), append(b, 0x00)) >= 0 {
				t.Errorf("%s: order of %x and %x changes with a suffix", tt.name, a, b)
			}
		}
		for _, v := range tt.values {
			k := AppendKey(nil, v)
			got, rest, err := DecodeKey(TypeOf(v), append(k, 'x'))
			if err != nil || string(rest) != "x" || !Equal(got, v) {
				t.Errorf("%s: DecodeKey(%x) = %+v, %q, %v", tt.name, k, got, rest, err)
			}
		}
	}
	if k := AppendKey([]byte("p"), boolv(true)); string(k) != "p" {
		t.Errorf("AppendKey(BOOL) = %q", k)
	}
	if k := AppendKey(nil, nv("bad")); len(k) != 0 {
		t.Errorf("AppendKey(bad N) = %x", k)
	}
}

func TestAppendKeyNumberProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var nums []Number
	for len(nums) < 3000 {
		n, err := ParseNumber(randNumber(r))
		if err == nil {
			nums = append(nums, n)
		}
	}
	for i := range 20000 {
		a, b := nums[r.IntN(len(nums))], nums[r.IntN(len(nums))]
		if i < len(nums) {
			a = nums[i]
		}
		ka, kb := AppendNumberKey(nil, a), AppendNumberKey(nil, b)
		if got, want := bytes.Compare(ka, kb), a.Cmp(b); got != want {
			t.Fatalf("key order of %s, %s = %d, Cmp = %d", a, b, got, want)
		}
		if got, want := bytes.Compare(append(ka, 0xff), append(kb, 0)), a.Cmp(b); want != 0 && got != want {
			t.Fatalf("suffixed key order of %s, %s = %d, Cmp = %d", a, b, got, want)
		}
		d, rest, err := decodeNumberKey(ka)
		if err != nil || len(rest) != 0 || d != a {
			t.Fatalf("decodeNumberKey(%x) = %v, %x, %v; want %v", ka, d, rest, err, a)
		}
	}
}

func TestDecodeKeyErrors(t *testing.T) {
	tests := []struct {
		typ string
		in  string
	}{
		{"S", "abc"}, {"S", "a\x00"}, {"S", "a\x00\x02"}, {"B", ""},
		{"N", ""}, {"N", "\x04"}, {"N", "\x03"}, {"N", "\x03\x80"}, {"N", "\x03\x80\x00"},
		{"N", "\x03\x80\x01\x00"}, {"N", "\x03\x80\x65"}, {"N", "\x03\x80" + strings.Repeat("\x02", 30) + "\x00"},
		{"BOOL", "\x01"},
	}
	for _, tt := range tests {
		if v, _, err := DecodeKey(tt.typ, []byte(tt.in)); err == nil {
			t.Errorf("DecodeKey(%s, %x) = %+v, want error", tt.typ, tt.in, v)
		}
	}
}
