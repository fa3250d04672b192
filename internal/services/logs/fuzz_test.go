package logs

import (
	"errors"
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

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"fields @timestamp, @message | sort @timestamp desc | limit 20",
		`filter @message like /(?i)error/ and status >= 500 | stats count(*) as n, pct(ms, 99) by bin(5m), host`,
		`parse @message "* [*] *" as a, b, c | display a, b`,
		`parse @message /user=(?<u>\w+)/ | dedup u | fields concat(u, "-", strlen(u)) as x`,
		"fields `odd-name`, -a ^ 2 % 3 | filter a not in [1, 'x'] or not ispresent(b)",
		"# comment\nstats avg(x) / count(*) by datefloor(@timestamp, 1mo)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := parseQuery(s)
		if err != nil {
			var qe *queryError
			if !errors.As(err, &qe) || qe.start < 0 || qe.start > len(s) || qe.end < qe.start {
				t.Fatalf("error %v for %q", err, s)
			}
			return
		}
		// A parsed query runs over an event without panicking.
		sink := &sinkStage{cap: 10}
		var n int64
		head, cols := plan(q, sink, &n)
		ev := &queryEvent{account: "1", group: "/aws/lambda/g", stream: "s", ts: 1000, msg: `{"a":1,"b":"x","c":[1,{"d":2}]}`}
		head.push(&row{ev: ev})
		head.push(&row{ev: &queryEvent{msg: "REPORT RequestId: r\tDuration: 1.5 ms\tMemory Size: 128 MB", group: "/aws/lambda/g"}})
		head.finish()
		for _, r := range sink.rows {
			resultFields(r, cols)
		}
	})
}
