package logs

import (
	"errors"
	"slices"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/logsapi"
)

func TestFilterLogEvents(t *testing.T) {
	f := newFixture(t)
	f.mustGroup(t, "g")
	for _, s := range []string{"app-1", "app-2", "web"} {
		f.mustStream(t, "g", s)
	}
	base := f.now() - 1000
	f.mustPut(t, "g", "app-1", []int64{base, base + 20, base + 40}, []string{"ERROR disk full", "INFO ok", "WARN slow request"})
	f.mustPut(t, "g", "app-2", []int64{base + 10, base + 20, base + 50}, []string{"INFO start", "ERROR timeout: db", `ERROR "quoted" thing`})
	f.mustPut(t, "g", "web", []int64{base + 20, base + 30}, []string{"GET /index 200", "GET /missing 404 ERROR"})
	allInOrder := []string{"app-1:ERROR disk full", "app-2:INFO start", "app-1:INFO ok", "app-2:ERROR timeout: db",
		"web:GET /index 200", "web:GET /missing 404 ERROR", "app-1:WARN slow request", "app-2:ERROR \"quoted\" thing"}

	tests := []struct {
		name string
		in   logsapi.FilterLogEventsRequest
		want []string
		code string
	}{
		{name: "everything interleaved", want: allInOrder},
		{name: "term", in: logsapi.FilterLogEventsRequest{FilterPattern: ptr("ERROR")},
			want: []string{"app-1:ERROR disk full", "app-2:ERROR timeout: db", "web:GET /missing 404 ERROR", "app-2:ERROR \"quoted\" thing"}},
		{name: "terms all required", in: logsapi.FilterLogEventsRequest{FilterPattern: ptr("ERROR GET")}, want: []string{"web:GET /missing 404 ERROR"}},
		{name: "case sensitive", in: logsapi.FilterLogEventsRequest{FilterPattern: ptr("error")}, want: []string{}},
		{name: "quoted phrase", in: logsapi.FilterLogEventsRequest{FilterPattern: ptr(`"timeout: db"`)}, want: []string{"app-2:ERROR timeout: db"}},
		{name: "escaped quote", in: logsapi.FilterLogEventsRequest{FilterPattern: ptr(`"\"quoted\""`)}, want: []string{"app-2:ERROR \"quoted\" thing"}},
		{name: "optional terms", in: logsapi.FilterLogEventsRequest{FilterPattern: ptr("?WARN ?404")},
			want: []string{"web:GET /missing 404 ERROR", "app-1:WARN slow request"}},
		{name: "excluded term", in: logsapi.FilterLogEventsRequest{FilterPattern: ptr("ERROR -GET")},
			want: []string{"app-1:ERROR disk full", "app-2:ERROR timeout: db", "app-2:ERROR \"quoted\" thing"}},
		{name: "regex", in: logsapi.FilterLogEventsRequest{FilterPattern: ptr("%[0-9]{3}%")}, want: []string{"web:GET /index 200", "web:GET /missing 404 ERROR"}},
		{name: "time range", in: logsapi.FilterLogEventsRequest{StartTime: ptr(base + 20), EndTime: ptr(base + 40)},
			want: []string{"app-1:INFO ok", "app-2:ERROR timeout: db", "web:GET /index 200", "web:GET /missing 404 ERROR"}},
		{name: "stream names", in: logsapi.FilterLogEventsRequest{LogStreamNames: []string{"web", "missing", "web"}},
			want: []string{"web:GET /index 200", "web:GET /missing 404 ERROR"}},
		{name: "stream prefix", in: logsapi.FilterLogEventsRequest{LogStreamNamePrefix: ptr("app-2")},
			want: []string{"app-2:INFO start", "app-2:ERROR timeout: db", "app-2:ERROR \"quoted\" thing"}},
		{name: "identifier", in: logsapi.FilterLogEventsRequest{LogGroupIdentifier: ptr("arn:aws:logs:eu-west-1:111122223333:log-group:g:*")}, want: allInOrder},
		{name: "names and prefix", in: logsapi.FilterLogEventsRequest{LogStreamNames: []string{"web"}, LogStreamNamePrefix: ptr("w")}, code: codeInvalidParameter},
		{name: "json pattern", in: logsapi.FilterLogEventsRequest{FilterPattern: ptr(`{ $.level = "ERROR" }`)}, code: codeInvalidParameter},
		{name: "unterminated quote", in: logsapi.FilterLogEventsRequest{FilterPattern: ptr(`"ERROR`)}, code: codeInvalidParameter},
		{name: "missing group", in: logsapi.FilterLogEventsRequest{LogGroupName: ptr("nope")}, code: codeNotFound},
		{name: "bad token", in: logsapi.FilterLogEventsRequest{NextToken: ptr("%%%")}, code: codeInvalidParameter},
	}
	for _, tt := range tests {
		for _, limit := range []int64{0, 1, 3} {
			t.Run(tt.name, func(t *testing.T) {
				in := tt.in
				if in.LogGroupName == nil && in.LogGroupIdentifier == nil {
					in.LogGroupName = ptr("g")
				}
				if limit > 0 {
					in.Limit = ptr(limit)
				}
				var got []string
				for pages := 0; ; pages++ {
					if pages > 20 {
						t.Fatal("pagination does not end")
					}
					out, err := f.p.FilterLogEvents(f.ctx, &in)
					checkErr(t, err, tt.code, "")
					if err != nil {
						return
					}
					if out.Events == nil || limit > 0 && len(out.Events) > int(limit) {
						t.Fatalf("page of %d events with limit %d", len(out.Events), limit)
					}
					for _, e := range out.Events {
						got = append(got, *e.LogStreamName+":"+*e.Message)
						if e.EventId == nil || e.IngestionTime == nil {
							t.Fatalf("event without id or ingestion time: %+v", e)
						}
					}
					if in.NextToken = out.NextToken; in.NextToken == nil {
						break
					}
				}
				if !slices.Equal(got, tt.want) {
					t.Fatalf("events = %q, want %q", got, tt.want)
				}
			})
		}
	}
}

func TestParseFilterPattern(t *testing.T) {
	tests := []struct {
		pattern string
		err     error
		match   []string
		nomatch []string
	}{
		{pattern: "", match: []string{"anything", ""}},
		{pattern: "   ", match: []string{"x"}},
		{pattern: `""`, match: []string{"x"}},
		{pattern: "ERROR", match: []string{"an ERROR here", "ERRORS"}, nomatch: []string{"error"}},
		{pattern: "ERROR  Exception", match: []string{"Exception then ERROR"}, nomatch: []string{"ERROR"}},
		{pattern: `"a b"`, match: []string{"xa by"}, nomatch: []string{"a  b"}},
		{pattern: `?a ?b -c`, match: []string{"a", "b"}, nomatch: []string{"ac", "x"}},
		{pattern: `%^start.*end$%`, match: []string{"start mid end"}, nomatch: []string{"mid end"}},
		{pattern: `{ $.a = 1 }`, err: errJSONPattern},
		{pattern: `[ip, user]`, err: errSpacePattern},
		{pattern: `"open`, err: errBadPattern},
		{pattern: `"a"b`, err: errBadPattern},
		{pattern: `a"b`, err: errBadPattern},
		{pattern: `?`, err: errBadPattern},
		{pattern: `%(%`, err: errBadPattern},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			fp, err := parseFilterPattern(tt.pattern)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			for _, m := range tt.match {
				if !fp.match(m) {
					t.Errorf("%q does not match %q", tt.pattern, m)
				}
			}
			for _, m := range tt.nomatch {
				if fp.match(m) {
					t.Errorf("%q matches %q", tt.pattern, m)
				}
			}
		})
	}
}
