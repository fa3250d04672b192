package attr

import (
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

func TestValidate(t *testing.T) {
	bad := "x"
	tests := []struct {
		name string
		v    av
		err  string
	}{
		{"S", sv("a"), ""},
		{"empty S", sv(""), ""},
		{"N", nv("1.5"), ""},
		{"B", bv("ab"), ""},
		{"empty B", av{B: []byte{}}, ""},
		{"BOOL false", boolv(false), ""},
		{"NULL", nullv(true), ""},
		{"SS", ssv("a", "b"), ""},
		{"NS", nsv("1", "2"), ""},
		{"BS", bsv("a", "b"), ""},
		{"empty M", av{M: map[string]av{}}, ""},
		{"empty L", av{L: []av{}}, ""},
		{"nested", mv(map[string]av{"l": lv(sv("a"), nsv("1"))}), ""},
		{"32 levels", nest(sv("a"), 32), ""},
		{"empty", av{}, msgEmptyValue},
		{"two types", av{S: &bad, N: &bad}, msgManyTypes},
		{"S and empty L", av{S: &bad, L: []av{}}, msgManyTypes},
		{"NULL false", nullv(false), msgNullNotTrue},
		{"bad N", nv("x"), "The parameter cannot be converted to a numeric value: x"},
		{"empty N", nv(""), "The parameter cannot be converted to a numeric value"},
		{"big N", nv("1e126"), msgNumberOverflow},
		{"empty SS", av{SS: []string{}}, msgEmptySS},
		{"empty NS", av{NS: []string{}}, msgEmptyNS},
		{"empty BS", av{BS: [][]byte{}}, msgEmptyBS},
		{"dup SS", ssv("a", "a"), "One or more parameter values were invalid: Input collection [a, a] contains duplicates."},
		{"dup NS numerically", nsv("1", "2", "1.0"), "One or more parameter values were invalid: Input collection [1, 2, 1.0] contains duplicates."},
		{"dup BS", bsv("a", "a"), "One or more parameter values were invalid: Input collection [YQ==, YQ==]of type BS contains duplicates."},
		{"bad NS member", nsv("1", "y"), "The parameter cannot be converted to a numeric value: y"},
		{"dup in big SS", ssv("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "a"),
			"One or more parameter values were invalid: Input collection [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, a] contains duplicates."},
		{"bad inside M", mv(map[string]av{"x": nullv(false)}), msgNullNotTrue},
		{"bad inside L", lv(sv("a"), av{}), msgEmptyValue},
		{"33 levels", nest(sv("a"), 33), msgNesting},
		{"33 levels of L", func() av {
			v := sv("a")
			for range 33 {
				v = lv(v)
			}
			return v
		}(), msgNesting},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errMessage(t, Validate(tt.v)); got != tt.err {
				t.Errorf("Validate: %q, want %q", got, tt.err)
			}
			it := map[string]dynamodbapi.AttributeValue{"k": sv("v"), "a": tt.v}
			if got := errMessage(t, ValidateItem(it)); got != tt.err {
				t.Errorf("ValidateItem: %q, want %q", got, tt.err)
			}
		})
	}
}

func TestBigSetUniqueness(t *testing.T) {
	var ns []string
	for i := range 100 {
		ns = append(ns, string(rune('0'+i%10))+"e"+string(rune('0'+i/10)))
	}
	// 0e0..0e9 are all zero: duplicates.
	if errMessage(t, Validate(nsv(ns...))) == "" {
		t.Fatal("duplicate zeros accepted")
	}
	if err := Validate(nsv(ns[10:19]...)); err != nil {
		t.Fatalf("distinct numbers rejected: %v", err)
	}
}
