package logs

import (
	"testing"
)

func FuzzParseFilterPattern(f *testing.F) {
	for _, s := range []string{"", "ERROR", `"timeout: db" -GET ?WARN`, `%^a.*b$%`, `{ $.level = "ERROR" }`,
		`[ip, user, ...]`, `"\"quoted\""`, `"open`, `?`, `-`, `"a"b`, "\t ERROR\n"} {
		f.Add(s, "ERROR timeout: db")
	}
	f.Fuzz(func(t *testing.T, pattern, msg string) {
		fp, err := parseFilterPattern(pattern)
		if err != nil {
			return
		}
		fp.match(msg)
		for _, term := range fp.all {
			if term == "" {
				t.Fatalf("empty required term from %q", pattern)
			}
		}
	})
}

func FuzzParseEventToken(f *testing.F) {
	f.Add("f/000000000000000000000000000000000000000")
	f.Add(eventToken(true, position{TS: 1735689600000, Seq: 7}))
	f.Add(eventToken(false, position{TS: minTS}))
	f.Add("b/999999999999999999999999999999999999999")
	f.Add("f/37915410227131133516094413373581330540423487946633707520/s")
	f.Fuzz(func(t *testing.T, s string) {
		fwd, p, err := parseEventToken(s)
		if err != nil {
			return
		}
		if got := eventToken(fwd, p); got != s {
			t.Fatalf("parse(%q) formats back as %q", s, got)
		}
	})
}

func FuzzParsePageToken(f *testing.F) {
	f.Add(pageToken{Name: "/aws/lambda/fn"}.String())
	f.Add(pageToken{TS: 1735689600000, Seq: 3, Name: "stream"}.String())
	f.Add("AQID")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := parsePageToken(s)
		if err != nil {
			return
		}
		again, err := parsePageToken(tok.String())
		if err != nil || again != tok {
			t.Fatalf("re-parse of %+v = %+v, %v", tok, again, err)
		}
	})
}

func FuzzDecodeRecords(f *testing.F) {
	f.Add((&streamRecord{Created: 1, Seq: 2}).encode())
	f.Add(encodeEvent(1735689600000, "hello"))
	f.Add([]byte(`{"c":1,"r":7,"t":{"a":"b"}}`))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		if s, err := decodeStream(b); err == nil {
			if again, err := decodeStream(s.encode()); err != nil || *again != *s {
				t.Fatalf("stream record %+v does not round trip", s)
			}
		}
		if ingest, msg, err := decodeEvent(b); err == nil {
			if i2, m2, err := decodeEvent(encodeEvent(ingest, msg)); err != nil || i2 != ingest || m2 != msg {
				t.Fatal("event value does not round trip")
			}
		}
		_, _ = decodeGroup(b)
		_, _, _ = eventPos(b)
	})
}
