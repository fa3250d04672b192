package storage_test

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/unkai-cloud/unkai/internal/storage"
)

func TestKeyRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		key  []byte
		want []any
	}{
		{"empty", storage.Key(), nil},
		{"strings", storage.Key("acct", "us-east-1", "dynamodb", "table", "t1"),
			[]any{"acct", "us-east-1", "dynamodb", "table", "t1"}},
		{"empty string", storage.Key(""), []any{""}},
		{"zero bytes", storage.Key("a\x00b", "\x00", "\x00\xff\x01"), []any{"a\x00b", "\x00", "\x00\xff\x01"}},
		{"mixed", storage.AppendInt64(storage.AppendUint64(storage.AppendBytes(storage.Key("s"), []byte{0, 1}), 42), -7),
			[]any{"s", []byte{0, 1}, uint64(42), int64(-7)}},
		{"empty bytes", storage.AppendBytes(nil, nil), []any{[]byte{}}},
		{"extremes", storage.AppendInt64(storage.AppendInt64(storage.AppendUint64(nil, math.MaxUint64), math.MinInt64), math.MaxInt64),
			[]any{uint64(math.MaxUint64), int64(math.MinInt64), int64(math.MaxInt64)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := storage.Decode(c.key)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("Decode(%q) = %#v, want %#v", c.key, got, c.want)
			}
		})
	}
}

func TestKeyOrder(t *testing.T) {
	// Each key must sort strictly before the next.
	ordered := [][]byte{
		storage.Key(),
		storage.AppendBytes(nil, nil),
		storage.AppendBytes(nil, []byte{0}),
		storage.AppendBytes(nil, []byte{0xff}),
		storage.Key(""),
		storage.Key("", "a"),
		storage.Key("\x00"),
		storage.Key("\x00", "a"),
		storage.Key("\x00\x00"),
		storage.Key("\x01"),
		storage.Key("a"),
		storage.Key("a", ""),
		storage.AppendUint64(storage.Key("a"), 0),
		storage.AppendUint64(storage.Key("a"), 1),
		storage.AppendUint64(storage.Key("a"), 256),
		storage.AppendInt64(storage.Key("a"), math.MinInt64),
		storage.AppendInt64(storage.Key("a"), -1),
		storage.AppendInt64(storage.Key("a"), 0),
		storage.AppendInt64(storage.Key("a"), math.MaxInt64),
		storage.Key("a\x00"),
		storage.Key("a\x00", "b"),
		storage.Key("a\x01"),
		storage.Key("ab"),
		storage.Key("b"),
		storage.Key("\xff"),
		storage.Key("\xff\xff"),
		storage.AppendUint64(nil, 0),
		storage.AppendInt64(nil, 0),
	}
	for i := 1; i < len(ordered); i++ {
		if bytes.Compare(ordered[i-1], ordered[i]) >= 0 {
			t.Errorf("key %d %q does not sort before key %d %q", i-1, ordered[i-1], i, ordered[i])
		}
	}
}

func TestPrefix(t *testing.T) {
	table := storage.Key("acct", "us-east-1", "dynamodb", "table")
	cases := []struct {
		key  []byte
		want bool
	}{
		{storage.Key("acct", "us-east-1", "dynamodb", "table"), true},
		{storage.Key("acct", "us-east-1", "dynamodb", "table", "t1"), true},
		{storage.AppendUint64(table, math.MaxUint64), true},
		{storage.Key("acct", "us-east-1", "dynamodb", "table\x00"), false},
		{storage.Key("acct", "us-east-1", "dynamodb", "tables"), false},
		{storage.Key("acct", "us-east-1", "dynamodb", "tabl"), false},
		{storage.Key("acct", "us-east-1", "dynamodb"), false},
	}
	start, end := storage.PrefixRange(table)
	for i, c := range cases {
		in := bytes.Compare(c.key, start) >= 0 && bytes.Compare(c.key, end) < 0
		if in != c.want || bytes.HasPrefix(c.key, table) != c.want {
			t.Errorf("case %d: in range %v, want %v", i, in, c.want)
		}
	}
}

func TestPrefixEnd(t *testing.T) {
	cases := []struct {
		prefix, want []byte
	}{
		{nil, nil},
		{[]byte{}, nil},
		{[]byte{0xff, 0xff}, nil},
		{[]byte("a"), []byte("b")},
		{[]byte{'a', 0xff}, []byte("b")},
		{[]byte{'a', 0xff, 0xff}, []byte("b")},
		{[]byte{0, 0}, []byte{0, 1}},
	}
	for _, c := range cases {
		if got := storage.PrefixEnd(c.prefix); !bytes.Equal(got, c.want) || (got == nil) != (c.want == nil) {
			t.Errorf("PrefixEnd(%x) = %x, want %x", c.prefix, got, c.want)
		}
	}
	p := []byte("ab")
	_ = storage.PrefixEnd(p)
	if string(p) != "ab" {
		t.Error("PrefixEnd modified its argument")
	}
	if got := storage.KeyAfter([]byte("k")); !slices.Equal(got, []byte("k\x00")) {
		t.Errorf("KeyAfter = %q", got)
	}
}

func TestDecodeErrors(t *testing.T) {
	cases := [][]byte{
		{0x02, 'a'},
		{0x02, 'a', 0},
		{0x02, 'a', 0, 2},
		{0x01, 0, 0},
		{0x03, 1, 2, 3},
		{0x04},
		{0x09},
		{0x00},
		append(storage.Key("ok"), 0xff),
	}
	for _, k := range cases {
		if _, err := storage.Decode(k); !errors.Is(err, storage.ErrBadKey) {
			t.Errorf("Decode(%x) err = %v, want ErrBadKey", k, err)
		}
	}
}
