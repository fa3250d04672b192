package attr

import (
	"strings"
	"testing"
)

func TestValueSize(t *testing.T) {
	tests := []struct {
		name string
		v    av
		want int
	}{
		{"S ascii", sv("hello"), 5},
		{"S utf8", sv("héllo"), 6},
		{"S empty", sv(""), 0},
		{"N zero", nv("0"), 1},
		{"N one digit", nv("7"), 2},
		{"N two digits", nv("12"), 2},
		{"N three digits", nv("123"), 3},
		{"N trailing zeros trimmed", nv("1000000"), 2},
		{"N leading zeros trimmed", nv("0.0001"), 2},
		{"N 38 digits", nv(strings.Repeat("9", 38)), 20},
		{"N negative", nv("-12"), 2},
		{"B", bv("abc"), 3},
		{"NULL", nullv(true), 1},
		{"BOOL", boolv(true), 1},
		{"SS", ssv("ab", "cde"), 5},
		{"NS", nsv("1", "123"), 5},
		{"BS", bsv("a", "bc"), 3},
		{"M empty", av{M: map[string]av{}}, 3},
		{"L empty", av{L: []av{}}, 3},
		{"M", mv(map[string]av{"ab": sv("xyz"), "c": boolv(true)}), 3 + (1 + 2 + 3) + (1 + 1 + 1)},
		{"L", lv(sv("xyz"), nv("12")), 3 + (1 + 3) + (1 + 2)},
	}
	for _, tt := range tests {
		if got := ValueSize(tt.v); got != tt.want {
			t.Errorf("%s: ValueSize = %d, want %d", tt.name, got, tt.want)
		}
	}
	if got, want := ItemSize(Item{"id": sv("abc"), "n": nv("12")}), 2+3+1+2; got != want {
		t.Errorf("ItemSize = %d, want %d", got, want)
	}
}

func TestSize(t *testing.T) {
	tests := []struct {
		v    av
		want int
	}{
		{sv("héllo"), 6}, {bv("abc"), 3}, {ssv("a", "b"), 2}, {nsv("1"), 1},
		{bsv("a", "b", "c"), 3}, {mv(map[string]av{"a": sv("")}), 1}, {lv(), 0},
		{nv("123"), -1}, {boolv(true), -1}, {nullv(true), -1}, {av{}, -1},
	}
	for _, tt := range tests {
		if got := Size(tt.v); got != tt.want {
			t.Errorf("Size(%+v) = %d, want %d", tt.v, got, tt.want)
		}
	}
}
