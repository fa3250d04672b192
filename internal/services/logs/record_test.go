package logs

import (
	"maps"
	"strconv"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/logsapi"
)

// TestGetLogRecord follows each @ptr of a query's results back to its
// event's fields.
func TestGetLogRecord(t *testing.T) {
	f, base := insightsFixture(t)
	res := f.runQuery(t, &logsapi.StartQueryRequest{
		LogGroupName: ptr("/app"),
		StartTime:    ptr(base/1000 - 1), EndTime: ptr(f.now() / 1000),
		QueryString: ptr(`fields @message | filter @logStream = "json" | sort @timestamp asc | limit 1`),
	})
	if len(res.Results) != 1 {
		t.Fatalf("results = %v", rowsText(res.Results))
	}
	var pointer string
	for _, field := range res.Results[0] {
		if *field.Field == fPtr {
			pointer = *field.Value
		}
	}
	out, err := f.p.GetLogRecord(f.ctx, &logsapi.GetLogRecordRequest{LogRecordPointer: &pointer})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"@timestamp":     strconv.FormatInt(base+500, 10),
		"@message":       `{"level":"info","status":200,"req":{"path":"/a","ms":12.5},"tags":["x","y"]}`,
		"@logStream":     "json",
		"@log":           testAccount + ":/app",
		"level":          "info",
		"status":         "200",
		"req.path":       "/a",
		"req.ms":         "12.5",
		"tags.0":         "x",
		"tags.1":         "y",
		"@ingestionTime": out.LogRecord["@ingestionTime"],
	}
	if out.LogRecord["@ingestionTime"] == "" || !maps.Equal(out.LogRecord, want) {
		t.Errorf("record = %v\nwant     %v", out.LogRecord, want)
	}

	gone := recordPointer(&queryEvent{group: "/app", stream: "json", ts: base + 501, seq: 0})
	noGroup := recordPointer(&queryEvent{group: "/nope", stream: "json", ts: base + 500})
	for _, tc := range []struct{ name, pointer, code string }{
		{"not base64", "%%%", codeInvalidParameter},
		{"empty", "", codeInvalidParameter},
		{"truncated", pointer[:4], codeInvalidParameter},
		{"no such event", gone, codeNotFound},
		{"no such group", noGroup, codeNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.p.GetLogRecord(f.ctx, &logsapi.GetLogRecordRequest{LogRecordPointer: ptr(tc.pointer)})
			checkErr(t, err, tc.code, "")
		})
	}
}

// FuzzRecordPointer checks that pointers parse back to what made them and
// that no input panics.
func FuzzRecordPointer(f *testing.F) {
	f.Add("/app", "s", int64(1700000000000), uint64(3), "")
	f.Add("", "", int64(-1), uint64(0), "AQID")
	f.Fuzz(func(t *testing.T, group, stream string, ts int64, seq uint64, raw string) {
		parseRecordPointer(raw)
		if group == "" || stream == "" {
			return
		}
		p := recordPointer(&queryEvent{group: group, stream: stream, ts: ts, seq: seq})
		got, ok := parseRecordPointer(p)
		if !ok || got != (recordRef{ts: ts, seq: seq, group: group, stream: stream}) {
			t.Fatalf("round trip of %q/%q/%d/%d: %+v %v", group, stream, ts, seq, got, ok)
		}
	})
}
