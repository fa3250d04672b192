package attr

import (
	"bytes"
	"math/big"
	"reflect"
	"testing"
)

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"0", "-0", "1.50", "1e2", "1E-130", "9.9999999999999999999999999999999999999E+125",
		"1e126", "abc", "", ".5", "5.", "+1", "12345678901234567890123456789012345678", "0.000120", "1e-99999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNumber(s)
		if err != nil {
			errMessage(t, err)
			return
		}
		text := n.String()
		r, ok := new(big.Rat).SetString(s)
		if !ok { // big.Rat refuses huge exponents, which only zero survives
			if !n.IsZero() {
				t.Fatalf("accepted %q that big.Rat rejects", s)
			}
			r = new(big.Rat)
		}
		if c, ok := new(big.Rat).SetString(text); !ok || c.Cmp(r) != 0 {
			t.Fatalf("ParseNumber(%q) = %q, a different value", s, text)
		}
		again, err := ParseNumber(text)
		if err != nil || again != n || again.String() != text {
			t.Fatalf("canonical text %q does not round-trip: %v", text, err)
		}
		k, rest, err := decodeNumberKey(AppendNumberKey(nil, n))
		if err != nil || len(rest) != 0 || k != n {
			t.Fatalf("key of %q does not round-trip: %v", text, err)
		}
		if sum, err := n.Sub(n); err != nil || !sum.IsZero() {
			t.Fatalf("%s - itself = %v, %v", text, sum, err)
		}
	})
}

func FuzzNumberKeyOrder(f *testing.F) {
	f.Add("1", "2")
	f.Add("-1.5", "-1.49")
	f.Add("0.1", "0.10001")
	f.Add("1e125", "-1e-130")
	f.Fuzz(func(t *testing.T, a, b string) {
		na, err := ParseNumber(a)
		if err != nil {
			return
		}
		nb, err := ParseNumber(b)
		if err != nil {
			return
		}
		ka, kb := AppendNumberKey(nil, na), AppendNumberKey(nil, nb)
		if got, want := bytes.Compare(ka, kb), na.Cmp(nb); got != want {
			t.Fatalf("key order of %q, %q = %d, Cmp = %d", a, b, got, want)
		}
		sum, err := na.Add(nb)
		if err == nil {
			back, err := sum.Sub(nb)
			if err == nil && back != na {
				t.Fatalf("(%s + %s) - %s = %s", a, b, b, back)
			}
		}
	})
}

// FuzzUnmarshalItem decodes arbitrary bytes (never panicking), validates,
// sizes, clones and normalizes what decodes, and checks that re-encoding
// round-trips.
func FuzzUnmarshalItem(f *testing.F) {
	f.Add(MarshalItem(sampleItem()))
	f.Add(MarshalItem(kilobyteItem()))
	f.Add(MarshalItem(Item{"a": nest(nsv("1", "1.0"), 3)}))
	f.Add([]byte{1, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		it, err := UnmarshalItem(data)
		if err != nil {
			return
		}
		_ = ValidateItem(it)
		_ = ItemSize(it)
		for _, v := range it {
			_ = Size(v)
			_ = AppendKey(nil, v)
			_, _ = Compare(v, v)
			if Validate(v) == nil && !Equal(v, v) {
				t.Fatalf("valid value %+v not equal to itself", v)
			}
		}
		enc := MarshalItem(it)
		back, err := UnmarshalItem(enc)
		if err != nil {
			t.Fatalf("re-encoded item does not decode: %v", err)
		}
		if !reflect.DeepEqual(back, it) {
			t.Fatalf("round trip changed the item")
		}
		c := Clone(it)
		NormalizeItem(c)
		if !reflect.DeepEqual(MarshalItem(it), enc) {
			t.Fatal("normalizing a clone changed the original")
		}
	})
}

// FuzzValidate validates sets and nested values built from fuzz strings:
// Validate must never panic and must agree with ParseNumber on numbers.
func FuzzValidate(f *testing.F) {
	f.Add("1", "1.0", "a")
	f.Add("abc", "", "\x00")
	f.Add("1e126", "-0", "b")
	f.Fuzz(func(t *testing.T, a, b, s string) {
		_, ea := ParseNumber(a)
		if (Validate(nv(a)) == nil) != (ea == nil) {
			t.Fatalf("Validate(N %q) disagrees with ParseNumber", a)
		}
		for _, v := range []av{nsv(a, b), ssv(a, b, s), bsv(a, b), mv(map[string]av{s: lv(nv(a), sv(b))}), nest(nsv(a), len(s)%40)} {
			if err := Validate(v); err != nil {
				errMessage(t, err)
			}
		}
		na, eb := ParseNumber(a)
		nb, ec := ParseNumber(b)
		dup := Validate(nsv(a, b))
		if ea == nil && eb == nil && ec == nil && (na == nb) != (dup != nil) {
			t.Fatalf("NS [%q, %q]: duplicate verdict %v", a, b, dup)
		}
	})
}
