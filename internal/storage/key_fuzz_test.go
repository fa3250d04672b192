package storage_test

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"reflect"
	"testing"

	"github.com/unkai-cloud/unkai/internal/storage"
)

// fuzzTuple builds a tuple from fuzz input: each element starts with a type
// byte, then a length byte and that many bytes (strings, bytes) or 8 bytes
// (integers).
func fuzzTuple(data []byte) []any {
	var out []any
	for len(data) >= 2 {
		typ, n := data[0]%4, int(data[1])
		data = data[2:]
		if typ >= 2 {
			n = 8
		}
		n = min(n, len(data))
		raw := data[:n]
		data = data[n:]
		switch typ {
		case 0:
			out = append(out, string(raw))
		case 1:
			out = append(out, append([]byte{}, raw...))
		case 2, 3:
			var b [8]byte
			copy(b[:], raw)
			v := binary.BigEndian.Uint64(b[:])
			if typ == 2 {
				out = append(out, v)
			} else {
				out = append(out, int64(v))
			}
		}
	}
	return out
}

// encode builds the key of a tuple.
func encode(tuple []any) []byte {
	var k []byte
	for _, e := range tuple {
		switch v := e.(type) {
		case string:
			k = storage.AppendString(k, v)
		case []byte:
			k = storage.AppendBytes(k, v)
		case uint64:
			k = storage.AppendUint64(k, v)
		case int64:
			k = storage.AppendInt64(k, v)
		}
	}
	return k
}

// typeRank orders element types as the encoding does.
func typeRank(e any) int {
	switch e.(type) {
	case []byte:
		return 0
	case string:
		return 1
	case uint64:
		return 2
	default:
		return 3
	}
}

// compareTuples compares tuples element by element.
func compareTuples(a, b []any) int {
	for i := range min(len(a), len(b)) {
		if c := cmp.Compare(typeRank(a[i]), typeRank(b[i])); c != 0 {
			return c
		}
		var c int
		switch x := a[i].(type) {
		case string:
			c = cmp.Compare(x, b[i].(string))
		case []byte:
			c = bytes.Compare(x, b[i].([]byte))
		case uint64:
			c = cmp.Compare(x, b[i].(uint64))
		case int64:
			c = cmp.Compare(x, b[i].(int64))
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

func FuzzKey(f *testing.F) {
	f.Add([]byte("\x00\x04acct\x00\x09us-east-1"), []byte("\x00\x04acct\x00\x09us-west-2"))
	f.Add([]byte("\x00\x01a"), []byte("\x00\x02a\x00"))
	f.Add([]byte("\x00\x02a\x00\x00\x01b"), []byte("\x00\x03a\x00\x01"))
	f.Add([]byte("\x02\x00\x00\x00\x00\x00\x00\x00\x00\x01"), []byte("\x03\x00\xff\xff\xff\xff\xff\xff\xff\xff"))
	f.Add([]byte("\x01\x02\x00\xff"), []byte("\x00\x00"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		ta, tb := fuzzTuple(a), fuzzTuple(b)
		ka, kb := encode(ta), encode(tb)
		got, err := storage.Decode(ka)
		if err != nil {
			t.Fatalf("Decode(%x): %v", ka, err)
		}
		if len(ta) == 0 {
			ta = nil
		}
		if !reflect.DeepEqual(got, ta) {
			t.Fatalf("round trip: %#v -> %#v", ta, got)
		}
		if c, want := bytes.Compare(ka, kb), compareTuples(ta, tb); c != want {
			t.Fatalf("order: compare(%#v, %#v) = %d, keys compare %d", ta, tb, want, c)
		}
		// A tuple is a prefix of another exactly when its key is.
		if len(ta) <= len(tb) {
			if prefix := compareTuples(ta, tb[:len(ta)]) == 0; prefix != bytes.HasPrefix(kb, ka) {
				t.Fatalf("prefix: %#v of %#v is %v, keys say %v", ta, tb, prefix, !prefix)
			}
		}
		// Decoding arbitrary bytes must not panic, and what decodes must
		// re-encode to the same key.
		if tup, err := storage.Decode(a); err == nil && !bytes.Equal(encode(tup), a) {
			t.Fatalf("Decode(%x) = %#v re-encodes to %x", a, tup, encode(tup))
		}
	})
}
