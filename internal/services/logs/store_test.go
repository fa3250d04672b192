package logs

import (
	"math"
	"testing"
)

func TestStreamRecordRoundTrip(t *testing.T) {
	for _, r := range []streamRecord{
		{},
		{Created: 1, First: 2, Last: 3, LastIngest: 4, Bytes: 5, Seq: 6},
		{Created: math.MinInt64, First: math.MaxInt64, Last: -1, LastIngest: 1 << 40, Bytes: 1 << 50, Seq: math.MaxUint64},
	} {
		got, err := decodeStream(r.encode())
		if err != nil || *got != r {
			t.Fatalf("round trip of %+v = %+v, %v", r, got, err)
		}
	}
	for _, bad := range [][]byte{nil, {}, {2}, {1}, {1, 0, 0, 0, 0, 0}, append((&streamRecord{}).encode(), 0)} {
		if _, err := decodeStream(bad); err == nil {
			t.Fatalf("decodeStream(%x) succeeded", bad)
		}
	}
}

func TestEventKeyAndValue(t *testing.T) {
	ks := newKeyspace("000000000000", "us-east-1")
	prefix := ks.events("g", "s")
	for _, tt := range []struct {
		ts  int64
		seq uint64
	}{{0, 1}, {1735689600000, 42}, {math.MinInt64, 0}, {math.MaxInt64, math.MaxUint64}, {-5, 7}} {
		ts, seq, err := eventPos(eventKey(prefix, tt.ts, tt.seq))
		if err != nil || ts != tt.ts || seq != tt.seq {
			t.Fatalf("eventPos = %d %d %v, want %d %d", ts, seq, err, tt.ts, tt.seq)
		}
	}
	if _, _, err := eventPos([]byte{1, 2}); err == nil {
		t.Fatal("eventPos of a short key succeeded")
	}
	for _, tt := range []struct {
		ingest int64
		msg    string
	}{{0, "x"}, {1735689600000, "hello\x00world"}, {-1, ""}} {
		ingest, msg, err := decodeEvent(encodeEvent(tt.ingest, tt.msg))
		if err != nil || ingest != tt.ingest || msg != tt.msg {
			t.Fatalf("event round trip = %d %q %v", ingest, msg, err)
		}
	}
	if _, _, err := decodeEvent(nil); err == nil {
		t.Fatal("decodeEvent(nil) succeeded")
	}
}

func TestPageTokenRoundTrip(t *testing.T) {
	for _, tok := range []pageToken{{}, {Name: "/aws/lambda/fn"}, {TS: math.MinInt64, Seq: math.MaxUint64, Name: "s\x00"}} {
		got, err := parsePageToken(tok.String())
		if err != nil || got != tok {
			t.Fatalf("round trip of %+v = %+v, %v", tok, got, err)
		}
	}
	for _, bad := range []string{"", "!", "gA"} {
		if _, err := parsePageToken(bad); err == nil {
			t.Fatalf("parsePageToken(%q) succeeded", bad)
		}
	}
}
