package attr

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func sampleItem() Item {
	f := "x"
	return Item{
		"pk":    sv("user#123"),
		"sk":    nv("42"),
		"empty": sv(""),
		"bin":   bv("\x00\x01\x02"),
		"eb":    {B: []byte{}},
		"ss":    ssv("a", "b", ""),
		"ns":    nsv("1", "2.5", "-3e10"),
		"bs":    bsv("x", "", "yz"),
		"m": mv(map[string]av{
			"inner": lv(sv("a"), nv("1"), nullv(true), boolv(false), av{M: map[string]av{}}, av{L: []av{}}),
			"z":     boolv(true),
		}),
		"null":  nullv(true),
		"nullf": nullv(false),
		"none":  {},
		"multi": {S: &f, N: &f},
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	items := []Item{{}, {"a": sv("b")}, sampleItem(), {"deep": nest(sv("x"), 40)}, {"ü": sv(strings.Repeat("é", 300))}}
	for _, it := range items {
		data := MarshalItem(it)
		if data[0] != codecV1 {
			t.Fatalf("version byte %d", data[0])
		}
		got, err := UnmarshalItem(data)
		if err != nil {
			t.Fatalf("UnmarshalItem: %v", err)
		}
		want := it
		if m, ok := it["multi"]; ok { // several types: only the first is kept
			want = Clone(it)
			want["multi"] = av{S: m.S}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
		}
		if len(data) != 1+mapLen(it) {
			t.Errorf("encoded %d bytes, mapLen says %d", len(data), 1+mapLen(it))
		}
		if again := MarshalItem(got); !bytes.Equal(again, MarshalItem(want)) {
			t.Error("encoding is not deterministic")
		}
	}
}

func TestUnmarshalIndependentOfInput(t *testing.T) {
	data := MarshalItem(Item{"s": sv("abc"), "b": bv("xyz"), "bs": bsv("p", "q")})
	it, err := UnmarshalItem(data)
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		data[i] = 0
	}
	if *it["s"].S != "abc" || string(it["b"].B) != "xyz" || string(it["bs"].BS[1]) != "q" {
		t.Errorf("decoded item changed with its input: %+v", it)
	}
	// Appending to one binary must not overwrite its neighbour.
	_ = append(it["bs"].BS[0], 'Z')
	if string(it["bs"].BS[1]) != "q" {
		t.Error("binaries share capacity")
	}
}

func TestUnmarshalCorrupt(t *testing.T) {
	good := MarshalItem(sampleItem())
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"version", []byte{2, 0}},
		{"no count", []byte{1}},
		{"huge count", []byte{1, 0xff, 0xff, 0xff, 0xff, 0x0f}},
		{"trailing", []byte{1, 0, 0}},
		{"bad tag", []byte{1, 1, 1, 'a', 99}},
		{"short string", []byte{1, 1, 1, 'a', tagS, 5, 'x'}},
		{"missing value", []byte{1, 1, 1, 'a'}},
		{"bad varint", []byte{1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}},
		{"too deep", append(append([]byte{1, 1, 1, 'a'}, bytes.Repeat([]byte{tagL, 1}, maxDecodeDepth+2)...), tagEmpty)},
		{"truncated", good[:len(good)-1]},
	}
	for _, tt := range tests {
		if it, err := UnmarshalItem(tt.data); err == nil {
			t.Errorf("%s: UnmarshalItem = %+v, want error", tt.name, it)
		}
	}
	for i := 1; i < len(good); i++ { // no prefix decodes; none panics
		if _, err := UnmarshalItem(good[:i]); err == nil {
			t.Errorf("prefix of %d bytes decoded", i)
		}
	}
}

// kilobyteItem is a typical ~1 KB item.
func kilobyteItem() Item {
	return Item{
		"pk":       sv("customer#0001234567"),
		"sk":       sv("order#2024-06-01T12:34:56Z#98765"),
		"status":   sv("SHIPPED"),
		"total":    nv("1234.56"),
		"count":    nv("17"),
		"tags":     ssv("priority", "gift", "international", "fragile"),
		"notes":    sv(strings.Repeat("lorem ipsum dolor sit amet ", 12)),
		"shipping": mv(map[string]av{"street": sv("1 Infinite Loop"), "city": sv("Cupertino"), "zip": sv("95014"), "country": sv("US")}),
		"lines": lv(
			mv(map[string]av{"sku": sv("SKU-000001"), "qty": nv("2"), "price": nv("19.99")}),
			mv(map[string]av{"sku": sv("SKU-000002"), "qty": nv("1"), "price": nv("249.00")}),
			mv(map[string]av{"sku": sv("SKU-000003"), "qty": nv("5"), "price": nv("3.50")}),
		),
		"paid":     boolv(true),
		"coupon":   nullv(true),
		"checksum": bv(strings.Repeat("\xab", 64)),
		"history":  lv(sv("created"), sv("paid"), sv("packed"), sv("shipped")),
		"scores":   nsv("1", "2", "3", "5", "8", "13"),
		"payload":  sv(strings.Repeat("x", 300)),
	}
}

func BenchmarkMarshalItem(b *testing.B) {
	it := kilobyteItem()
	b.SetBytes(int64(len(MarshalItem(it))))
	b.ReportAllocs()
	for b.Loop() {
		_ = MarshalItem(it)
	}
}

func BenchmarkUnmarshalItem(b *testing.B) {
	data := MarshalItem(kilobyteItem())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := UnmarshalItem(data); err != nil {
			b.Fatal(err)
		}
	}
}
