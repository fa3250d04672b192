package attr

import (
	"reflect"
	"testing"
)

func TestTypeOf(t *testing.T) {
	tests := []struct {
		v    av
		want string
	}{
		{sv(""), "S"}, {nv("1"), "N"}, {av{B: []byte{}}, "B"}, {ssv("a"), "SS"},
		{nsv("1"), "NS"}, {bsv("a"), "BS"}, {av{M: map[string]av{}}, "M"},
		{av{L: []av{}}, "L"}, {nullv(true), "NULL"}, {boolv(false), "BOOL"}, {av{}, ""},
	}
	for _, tt := range tests {
		if got := TypeOf(tt.v); got != tt.want {
			t.Errorf("TypeOf(%+v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestEqual(t *testing.T) {
	tests := []struct {
		name string
		a, b av
		want bool
	}{
		{"S", sv("a"), sv("a"), true},
		{"S differs", sv("a"), sv("b"), false},
		{"N numeric", nv("1.0"), nv("1"), true},
		{"N exp", nv("1e2"), nv("100"), true},
		{"N differs", nv("1"), nv("2"), false},
		{"N invalid", nv("x"), nv("1"), false},
		{"B", bv("a"), bv("a"), true},
		{"B empty vs nil type", av{B: []byte{}}, sv(""), false},
		{"S vs N", sv("1"), nv("1"), false},
		{"SS order", ssv("a", "b"), ssv("b", "a"), true},
		{"SS differs", ssv("a", "b"), ssv("a", "c"), false},
		{"SS size", ssv("a"), ssv("a", "b"), false},
		{"NS numeric", nsv("1", "2.0"), nsv("2", "1.00"), true},
		{"BS order", bsv("a", "b"), bsv("b", "a"), true},
		{"M", mv(map[string]av{"a": nv("1"), "b": sv("x")}), mv(map[string]av{"b": sv("x"), "a": nv("1.0")}), true},
		{"M differs", mv(map[string]av{"a": nv("1")}), mv(map[string]av{"b": nv("1")}), false},
		{"L", lv(sv("a"), nv("1")), lv(sv("a"), nv("1")), true},
		{"L order", lv(sv("a"), nv("1")), lv(nv("1"), sv("a")), false},
		{"NULL", nullv(true), nullv(true), true},
		{"BOOL", boolv(true), boolv(false), false},
		{"empty", av{}, av{}, true},
	}
	for _, tt := range tests {
		if got := Equal(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: Equal = %v, want %v", tt.name, got, tt.want)
		}
		if got := Equal(tt.b, tt.a); got != tt.want {
			t.Errorf("%s: Equal reversed = %v, want %v", tt.name, got, tt.want)
		}
	}
	if !EqualItems(Item{"a": nv("1")}, Item{"a": nv("1.0")}) || EqualItems(Item{"a": nv("1")}, Item{}) {
		t.Error("EqualItems")
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name string
		a, b av
		want int
		ok   bool
	}{
		{"S", sv("a"), sv("b"), -1, true},
		{"S bytes", sv("Z"), sv("a"), -1, true},
		{"S utf8", sv("é"), sv("z"), 1, true},
		{"N", nv("10"), nv("9"), 1, true},
		{"N equal", nv("1.0"), nv("1"), 0, true},
		{"N neg", nv("-10"), nv("-9"), -1, true},
		{"B unsigned", bv("\xff"), bv("\x01"), 1, true},
		{"B prefix", bv("a"), bv("ab"), -1, true},
		{"mixed", sv("1"), nv("1"), 0, false},
		{"SS", ssv("a"), ssv("a"), 0, false},
		{"bad N", nv("x"), nv("1"), 0, false},
	}
	for _, tt := range tests {
		got, ok := Compare(tt.a, tt.b)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: Compare = %d, %v; want %d, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNormalize(t *testing.T) {
	shared := []string{"1.0", "2"}
	v := mv(map[string]av{
		"n":  nv("1.50"),
		"ns": {NS: shared},
		"l":  lv(nv("1e2"), sv("1.0"), nv("bad")),
		"m":  mv(map[string]av{"z": nv("-0")}),
	})
	Normalize(&v)
	want := mv(map[string]av{
		"n":  nv("1.5"),
		"ns": nsv("1", "2"),
		"l":  lv(nv("100"), sv("1.0"), nv("bad")),
		"m":  mv(map[string]av{"z": nv("0")}),
	})
	if !reflect.DeepEqual(v, want) {
		t.Errorf("Normalize = %+v", v)
	}
	if shared[0] != "1.0" {
		t.Error("Normalize wrote through a shared NS slice")
	}
	it := Item{"a": nv("0010"), "b": sv("x")}
	NormalizeItem(it)
	if *it["a"].N != "10" || *it["b"].S != "x" {
		t.Errorf("NormalizeItem = %+v", it)
	}
}

func TestClone(t *testing.T) {
	it := Item{
		"s": sv("a"), "n": nv("1"), "b": bv("x"), "eb": {B: []byte{}},
		"ss": ssv("a"), "ns": nsv("1"), "bs": bsv("a", ""),
		"m": mv(map[string]av{"x": lv(nullv(true), boolv(false))}), "empty": {},
	}
	c := Clone(it)
	if !reflect.DeepEqual(c, it) {
		t.Fatalf("Clone = %+v", c)
	}
	*c["s"].S = "changed"
	c["b"].B[0] = 'y'
	c["m"].M["x"].L[1] = sv("z")
	c["bs"].BS[0][0] = 'z'
	if *it["s"].S != "a" || it["b"].B[0] != 'x' || it["m"].M["x"].L[1].BOOL == nil || it["bs"].BS[0][0] != 'a' {
		t.Error("Clone shares memory with the original")
	}
	if Clone(nil) != nil {
		t.Error("Clone(nil) != nil")
	}
}
