package storagetest

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/storage"
)

func testGetPutDelete(t *testing.T, s storage.Store) {
	ctx := context.Background()
	if _, err := s.Get(ctx, []byte("k")); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("Get missing: err = %v, want ErrNotFound", err)
	}
	steps := []struct {
		op, key, value string
		want           string
		found          bool
	}{
		{op: "put", key: "k", value: "v1", want: "v1", found: true},
		{op: "put", key: "k", value: "v2", want: "v2", found: true},
		{op: "delete", key: "k", found: false},
		{op: "delete", key: "k", found: false},
		{op: "put", key: "k", value: "v3", want: "v3", found: true},
	}
	for i, st := range steps {
		err := s.Update(ctx, func(tx storage.Txn) error {
			if st.op == "put" {
				return tx.Put([]byte(st.key), []byte(st.value))
			}
			return tx.Delete([]byte(st.key))
		})
		if err != nil {
			t.Fatalf("step %d %s: %v", i, st.op, err)
		}
		got, found := get(t, s, st.key)
		if got != st.want || found != st.found {
			t.Fatalf("step %d %s: get = %q, %v; want %q, %v", i, st.op, got, found, st.want, st.found)
		}
	}
}

func testEmpty(t *testing.T, s storage.Store) {
	ctx := context.Background()
	err := s.Update(ctx, func(tx storage.Txn) error {
		if err := tx.Put([]byte("nil"), nil); err != nil {
			return err
		}
		if err := tx.Put([]byte("empty"), []byte{}); err != nil {
			return err
		}
		return tx.Put([]byte{}, []byte("empty key"))
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"nil", "empty"} {
		v, err := s.Get(ctx, []byte(k))
		if err != nil || v == nil || len(v) != 0 {
			t.Errorf("Get %q = %q (nil %v), %v; want empty non-nil", k, v, v == nil, err)
		}
	}
	if v, found := get(t, s, ""); !found || v != "empty key" {
		t.Errorf("Get empty key = %q, %v", v, found)
	}
	got := scan(t, s, nil, nil, storage.ScanOptions{})
	want := []string{"=empty key", "empty=", "nil="}
	if !slices.Equal(got, want) {
		t.Errorf("scan = %q, want %q", got, want)
	}
}

func testOwnership(t *testing.T, s storage.Store) {
	ctx := context.Background()
	key, val := []byte("key"), []byte("value")
	err := s.Update(ctx, func(tx storage.Txn) error { return tx.Put(key, val) })
	if err != nil {
		t.Fatal(err)
	}
	key[0], val[0] = 'X', 'X'
	v, err := s.Get(ctx, []byte("key"))
	if err != nil || string(v) != "value" {
		t.Fatalf("after mutating Put's arguments: Get = %q, %v", v, err)
	}
	v[0] = 'Y'
	it := s.Scan(ctx, nil, nil, storage.ScanOptions{})
	for it.Next() {
		it.Key()[0], it.Value()[0] = 'Z', 'Z'
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	if got := scan(t, s, nil, nil, storage.ScanOptions{}); !slices.Equal(got, []string{"key=value"}) {
		t.Fatalf("after mutating returned slices: scan = %q", got)
	}
}

func testScan(t *testing.T, s storage.Store) {
	keys := []string{"a", "b", "c", "d", "e", "\x00", "\x00\x00", "\xff", "\xff\xff", "a\x00", "a\xff"}
	for _, k := range keys {
		put(t, s, k, "v"+k)
	}
	sorted := slices.Clone(keys)
	slices.Sort(sorted)
	all := make([]string, len(sorted))
	for i, k := range sorted {
		all[i] = k + "=v" + k
	}
	rev := slices.Clone(all)
	slices.Reverse(rev)
	bs := func(s string) []byte { return []byte(s) }
	cases := []struct {
		name       string
		start, end []byte
		opts       storage.ScanOptions
		want       []string
	}{
		{"all", nil, nil, storage.ScanOptions{}, all},
		{"all reverse", nil, nil, storage.ScanOptions{Reverse: true}, rev},
		{"bounded", bs("b"), bs("d"), storage.ScanOptions{}, []string{"b=vb", "c=vc"}},
		{"bounded reverse", bs("b"), bs("d"), storage.ScanOptions{Reverse: true}, []string{"c=vc", "b=vb"}},
		{"bounds between keys", bs("a\x01"), bs("c\x00"), storage.ScanOptions{}, []string{"a\xff=va\xff", "b=vb", "c=vc"}},
		{"limit", bs("a"), nil, storage.ScanOptions{Limit: 2}, []string{"a=va", "a\x00=va\x00"}},
		{"limit reverse", nil, bs("c"), storage.ScanOptions{Reverse: true, Limit: 2}, []string{"b=vb", "a\xff=va\xff"}},
		{"limit above count", bs("d"), bs("e\x00"), storage.ScanOptions{Limit: 10}, []string{"d=vd", "e=ve"}},
		{"open start", nil, bs("a"), storage.ScanOptions{}, []string{"\x00=v\x00", "\x00\x00=v\x00\x00"}},
		{"open end reverse", bs("\xff"), nil, storage.ScanOptions{Reverse: true}, []string{"\xff\xff=v\xff\xff", "\xff=v\xff"}},
		{"empty range", bs("c"), bs("c"), storage.ScanOptions{}, []string{}},
		{"inverted range", bs("d"), bs("b"), storage.ScanOptions{}, []string{}},
		{"inverted range reverse", bs("d"), bs("b"), storage.ScanOptions{Reverse: true}, []string{}},
		{"no keys in range", bs("b\x00"), bs("c"), storage.ScanOptions{}, []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := scan(t, s, c.start, c.end, c.opts)
			if !slices.Equal(got, c.want) {
				t.Errorf("got %q\nwant %q", got, c.want)
			}
			var inTxn []string
			err := s.View(context.Background(), func(tx storage.Txn) error {
				inTxn = scan(t, tx, c.start, c.end, c.opts)
				return nil
			})
			if err != nil || !slices.Equal(inTxn, c.want) {
				t.Errorf("in View: got %q, %v\nwant %q", inTxn, err, c.want)
			}
		})
	}
}

func testScanPrefix(t *testing.T, s storage.Store) {
	ctx := context.Background()
	keys := [][]byte{
		storage.Key("111", "us-east-1", "dynamodb", "table", "t1"),
		storage.Key("111", "us-east-1", "dynamodb", "table", "t2"),
		storage.Key("111", "us-east-1", "dynamodb", "table", "t1", "item", "a"),
		storage.Key("111", "us-east-1", "dynamodb", "tables"),
		storage.Key("111", "us-east-1", "dynamodb", "tabl"),
		storage.Key("111", "us-east-1", "dynamodb", "table\x00"),
		storage.Key("111", "us-west-2", "dynamodb", "table", "t3"),
		storage.Key("1111", "us-east-1", "dynamodb", "table", "t4"),
		storage.AppendUint64(storage.Key("111", "us-east-1", "dynamodb", "table"), 7),
	}
	err := s.Update(ctx, func(tx storage.Txn) error {
		for i, k := range keys {
			if err := tx.Put(k, []byte{byte(i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		prefix []byte
		want   []int // indexes into keys, in scan order
	}{
		{storage.Key("111", "us-east-1", "dynamodb", "table"), []int{0, 2, 1, 8}},
		{storage.Key("111", "us-east-1", "dynamodb", "table", "t1"), []int{0, 2}},
		{storage.Key("111"), []int{4, 0, 2, 1, 8, 5, 3, 6}},
		{storage.Key("222"), nil},
	}
	for i, c := range cases {
		start, end := storage.PrefixRange(c.prefix)
		kvs, err := storage.Collect(s.Scan(ctx, start, end, storage.ScanOptions{}))
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for _, kv := range kvs {
			got = append(got, int(kv.Value[0]))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("case %d: got %v, want %v", i, got, c.want)
		}
	}
}

func testModel(t *testing.T, s storage.Store) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	model := map[string]string{}
	key := func() string {
		return string([]byte{byte(rng.IntN(4)), byte(rng.IntN(256)), byte(rng.IntN(3))})
	}
	for round := range 200 {
		err := s.Update(ctx, func(tx storage.Txn) error {
			for range 1 + rng.IntN(8) {
				k := key()
				if rng.IntN(4) == 0 {
					delete(model, k)
					if err := tx.Delete([]byte(k)); err != nil {
						return err
					}
					continue
				}
				v := strings.Repeat("v", rng.IntN(3)) + k
				model[k] = v
				if err := tx.Put([]byte(k), []byte(v)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if round%20 != 0 {
			continue
		}
		var want []string
		for k, v := range model {
			want = append(want, k+"="+v)
		}
		slices.SortFunc(want, func(a, b string) int {
			return bytes.Compare([]byte(a[:3]), []byte(b[:3]))
		})
		if got := scan(t, s, nil, nil, storage.ScanOptions{}); !slices.Equal(got, want) {
			t.Fatalf("round %d: scan has %d pairs, model %d", round, len(got), len(want))
		}
		lo, hi := key(), key()
		got := scan(t, s, []byte(lo), []byte(hi), storage.ScanOptions{Reverse: true})
		var wantRange []string
		for i := len(want) - 1; i >= 0; i-- {
			if k := want[i][:3]; k >= lo && k < hi {
				wantRange = append(wantRange, want[i])
			}
		}
		if !slices.Equal(got, wantRange) {
			t.Fatalf("round %d: reverse range scan got %d pairs, want %d", round, len(got), len(wantRange))
		}
	}
}
