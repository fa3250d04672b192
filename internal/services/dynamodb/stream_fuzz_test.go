package dynamodb

import (
	"net/http"
	"testing"
)

// FuzzShardIterator feeds arbitrary ShardIterator strings to the decoder
// and to GetRecords: they decode or are refused, never panic, and GetRecords
// answers a client error or success.
func FuzzShardIterator(f *testing.F) {
	fx := newFixture(f)
	streamArn, shard := fx.streamTable(f, "fuzz", viewNewAndOld)
	fx.mustCall(f, "PutItem", `{"TableName":"fuzz","Item":{"pk":{"S":"a"}}}`)
	f.Add(fx.iteratorOf(f, streamArn, shard, iterTrimHorizon, ""))
	f.Add(iterator{table: "fuzz", label: "x", from: position{Stamp: 1}, issued: epoch}.encode())
	f.Add(iterator{account: otherAccount, table: "fuzz", label: "x", from: position{Stamp: 1}, issued: epoch}.encode())
	f.Add("AQ")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if it, ok := decodeIterator(s); ok {
			if got, ok := decodeIterator(it.encode()); !ok || got.account != it.account || got.table != it.table || got.label != it.label || got.from != it.from {
				t.Fatalf("round trip of %q: %+v", s, got)
			}
		}
		if len(s) > 2048 {
			return
		}
		status, out := fx.streamsCall(t, "GetRecords", `{"ShardIterator":"`+jsonEscape(s)+`"}`)
		if status >= http.StatusInternalServerError {
			t.Fatalf("GetRecords %q: %d %s", s, status, out)
		}
	})
}

// FuzzSequenceNumber checks that sequence numbers parse only in their one
// form and round-trip.
func FuzzSequenceNumber(f *testing.F) {
	f.Add(position{Stamp: 1785000000123456789, N: 3}.seq())
	f.Add("100000000000000000000")
	f.Add("1" + "99999999999999999999" + "9999999999")
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := parseSeq(s)
		if ok && p.seq() != s {
			t.Fatalf("parseSeq(%q) = %+v, prints %s", s, p, p.seq())
		}
	})
}

// FuzzStreamRecord decodes arbitrary stored records: an error or a
// record, never a panic.
func FuzzStreamRecord(f *testing.F) {
	f.Add([]byte{recordVersion, eventInsert, 0, 0, 0, 0, 0, 0, 0, 1, 0, 4, 1, 0, 0, 0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeRecord(b)
		if err != nil {
			return
		}
		if eventName(r.event) == "" {
			t.Fatalf("decoded a record with event %d", r.event)
		}
		s := &stream{streamMeta: streamMeta{Table: "t", Label: "l", View: viewNewAndOld}}
		_, _ = apiRecord(s, "r", position{}, b)
	})
}

// jsonEscape escapes s for a JSON string literal.
func jsonEscape(s string) string {
	out := make([]byte, 0, len(s))
	for _, c := range []byte(s) {
		switch {
		case c == '"' || c == '\\':
			out = append(out, '\\', c)
		case c < 0x20 || c >= 0x80:
			out = append(out, []byte(`\u00`)...)
			out = append(out, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		default:
			out = append(out, c)
		}
	}
	return string(out)
}
