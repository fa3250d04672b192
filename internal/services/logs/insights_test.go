package logs

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/logsapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
)

// runQuery starts a query over [start, end] seconds and waits for it.
func (f *fixture) runQuery(tb testing.TB, in *logsapi.StartQueryRequest) *logsapi.GetQueryResultsResponse {
	tb.Helper()
	started, err := f.p.StartQuery(f.ctx, in)
	if err != nil {
		tb.Fatalf("StartQuery(%q): %v", deref(in.QueryString), err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, err := f.p.GetQueryResults(f.ctx, &logsapi.GetQueryResultsRequest{QueryId: started.QueryId})
		if err != nil {
			tb.Fatalf("GetQueryResults: %v", err)
		}
		switch *out.Status {
		case qScheduled, qRunning:
		default:
			return out
		}
		if time.Now().After(deadline) {
			tb.Fatalf("query still %s", *out.Status)
		}
		time.Sleep(time.Millisecond)
	}
}

// rowsText renders results as "field=value" lists, leaving out @ptr.
func rowsText(res [][]logsapi.ResultField) []string {
	var out []string
	for _, r := range res {
		var parts []string
		for _, f := range r {
			if *f.Field == fPtr {
				continue
			}
			parts = append(parts, *f.Field+"="+*f.Value)
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

// insightsFixture writes a small data set: a text stream and a JSON one.
func insightsFixture(tb testing.TB) (*fixture, int64) {
	f := newFixture(tb)
	f.mustGroup(tb, "/app")
	f.mustStream(tb, "/app", "text")
	f.mustStream(tb, "/app", "json")
	base := f.now() - 3600_000 // an hour ago, on a whole second
	f.mustPut(tb, "/app", "text", []int64{base, base + 1000, base + 2000, base + 3000}, []string{
		"INFO user=alice action=login latency=120",
		"ERROR user=bob action=pay latency=300",
		"INFO user=alice action=pay latency=80",
		"WARN user=carol action=logout latency=45",
	})
	f.mustPut(tb, "/app", "json", []int64{base + 500, base + 1500, base + 2500}, []string{
		`{"level":"info","status":200,"req":{"path":"/a","ms":12.5},"tags":["x","y"]}`,
		`{"level":"error","status":500,"req":{"path":"/b","ms":40}}`,
		`{"level":"info","status":200,"req":{"path":"/a","ms":7.5}}`,
	})
	return f, base
}

func TestInsightsLanguage(t *testing.T) {
	f, base := insightsFixture(t)
	ts := func(off int64) string { return formatTS(base + off) }
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"fields and sort", "fields @timestamp, @message | filter @logStream = 'text' | sort @timestamp asc | limit 2",
			[]string{"@timestamp=" + ts(0) + " @message=INFO user=alice action=login latency=120", "@timestamp=" + ts(1000) + " @message=ERROR user=bob action=pay latency=300"}},
		{"default order newest first", "fields @message | filter @logStream = 'text' | limit 1",
			[]string{"@message=WARN user=carol action=logout latency=45"}},
		{"filter like regex", "filter @message like /ERROR|WARN/ | fields @message | sort @timestamp",
			[]string{"@message=ERROR user=bob action=pay latency=300", "@message=WARN user=carol action=logout latency=45"}},
		{"filter like string", `filter @message like "carol" | fields @logStream`, []string{"@logStream=text"}},
		{"not like", `filter @logStream = "text" and @message not like /INFO/ | fields @message | sort @timestamp`,
			[]string{"@message=ERROR user=bob action=pay latency=300", "@message=WARN user=carol action=logout latency=45"}},
		{"regex operator", `filter @message =~ /^WARN/ | fields @message`, []string{"@message=WARN user=carol action=logout latency=45"}},
		{"parse glob", `parse @message "* user=* action=* latency=*" as lvl, user, action, latency | filter latency > 100 | fields user, latency | sort latency desc`,
			[]string{"user=bob latency=300", "user=alice latency=120"}},
		{"parse regex", `parse @message /user=(?<who>\w+)/ | filter ispresent(who) | stats count(*) as n by who`,
			[]string{"who=alice n=2", "who=bob n=1", "who=carol n=1"}},
		{"json fields", `filter level = "error" | fields req.path, req.ms, status`, []string{"req.path=/b req.ms=40 status=500"}},
		{"json array", `filter ispresent(tags.1) | fields tags.0, tags.1`, []string{"tags.0=x tags.1=y"}},
		{"in", `filter status in [500, 404] | fields status`, []string{"status=500"}},
		{"not in", `filter ispresent(status) and status not in [500] | stats count(*)`, []string{"count(*)=2"}},
		{"stats count by", `filter ispresent(level) | stats count(*) as c by level`, []string{"level=error c=1", "level=info c=2"}},
		{"stats many", `filter ispresent(req.ms) | stats sum(req.ms) as s, avg(req.ms) as a, min(req.ms) as lo, max(req.ms) as hi, count_distinct(req.path) as d`,
			[]string{"s=60 a=20 lo=7.5 hi=40 d=2"}},
		{"pct and stddev", `parse @message "latency=*" as l | filter ispresent(l) | stats pct(l, 50) as p50, pct(l, 100) as p100, stddev(l) as sd`,
			[]string{"p50=80 p100=300 sd=113.38540470448567"}},
		{"earliest latest", `parse @message "user=* " as u | filter ispresent(u) | stats earliest(u) as first, latest(u) as last`,
			[]string{"first=alice last=carol"}},
		// base is 02:04:05.000: the 2s bins start at :04, :06 and :08.
		{"bin", `stats count(*) as n by bin(2s)`, []string{"bin(2s)=" + ts(-1000) + " n=2", "bin(2s)=" + ts(1000) + " n=4", "bin(2s)=" + ts(3000) + " n=1"}},
		{"stats expression", `filter ispresent(status) | stats sum(status) / count(*) as mean`, []string{"mean=300"}},
		{"arithmetic", `filter level = "error" | fields status * 2 + 1 as x, status % 7 as m, 2 ^ 3 as p, -status as neg`,
			[]string{"x=1001 m=3 p=8 neg=-500"}},
		{"string functions", `filter level = "error" | fields toupper(level) as u, strlen(req.path) as n, concat(level, "-", status) as c, substr(level, 1, 3) as s, replace(req.path, "/", "_") as r, strcontains(level, "rr") as has`,
			[]string{"u=ERROR n=2 c=error-500 s=rro r=_b has=1"}},
		{"trim", `filter level = "error" | fields trim("  a  ") as t, ltrim("xxa", "x") as l, rtrim("a  ") as r`, []string{"t=a l=a r=a"}},
		{"empty and blank", `filter level = "error" | fields isempty(nope) as e, isblank("  ") as b, ispresent(nope) as p, coalesce(nope, level) as c`,
			[]string{"e=1 b=1 p=0 c=error"}},
		{"numeric functions", `filter level = "error" | fields abs(-2) as a, ceil(1.2) as c, floor(1.8) as f, greatest(1, 5, 3) as g, least(4, 2) as l, sqrt(16) as s, log(1) as z`,
			[]string{"a=2 c=2 f=1 g=5 l=2 s=4 z=0"}},
		{"datetime", `filter level = "error" | fields toMillis(@timestamp) - toMillis(datefloor(@timestamp, 1s)) as frac, fromMillis(0) as e, dateceil(fromMillis(1), 1d) as d`,
			[]string{"frac=500 e=1970-01-01 00:00:00.000 d=1970-01-02 00:00:00.000"}},
		{"ip", `filter level = "error" | fields isValidIp("10.0.0.1") as a, isValidIpV6("10.0.0.1") as b, isIpv4InSubnet("10.1.2.3", "10.0.0.0/8") as c`,
			[]string{"a=1 b=0 c=1"}},
		{"dedup", `filter ispresent(level) | sort @timestamp asc | dedup level | fields level, req.path`,
			[]string{"level=info req.path=/a", "level=error req.path=/b"}},
		{"display", `filter level = "error" | fields status * 10 as big | display big`, []string{"big=5000"}},
		{"comment and case", "# a comment\nFILTER level = 'error' | FIELDS status # trailing\n", []string{"status=500"}},
		{"or and parens", `filter (status = 500 or level = "info") and req.path = "/b" | fields status`, []string{"status=500"}},
		{"stats then filter and sort", `filter ispresent(level) | stats count(*) as c by level | filter c > 1 | sort c desc`, []string{"level=info c=2"}},
		{"limit after sort", `fields @logStream | sort @timestamp desc | limit 2`, []string{"@logStream=text", "@logStream=json"}},
		{"no match", `filter @message like /nothing-here/`, nil},
		{"backquoted", "filter level = 'error' | fields `req.path`", []string{"req.path=/b"}},
		{"default columns", `filter level = "error"`, []string{
			"@timestamp=" + ts(1500) + ` @message={"level":"error","status":500,"req":{"path":"/b","ms":40}} @logStream=json @log=111122223333:/app level=error req.ms=40 req.path=/b status=500`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := f.runQuery(t, &logsapi.StartQueryRequest{
				LogGroupName: ptr("/app"), QueryString: ptr(tt.query),
				StartTime: ptr(base/1000 - 10), EndTime: ptr(base/1000 + 10),
			})
			if *out.Status != qComplete {
				t.Fatalf("status %s", *out.Status)
			}
			if got := rowsText(out.Results); !slices.Equal(got, tt.want) {
				t.Errorf("rows\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestInsightsMalformed(t *testing.T) {
	f, base := insightsFixture(t)
	tests := []struct {
		query      string
		msg        string
		start, end int64
	}{
		{"", "unexpected symbol found <EOF> at line 1 and position 0", 0, 0},
		{"fields @message |", "unexpected symbol found <EOF> at line 1 and position 17", 17, 17},
		{"fields @message | sort bin(5m", "unexpected symbol found <EOF> at line 1 and position 29", 29, 29},
		{"statss count(*)", "unexpected symbol found statss at line 1 and position 0", 0, 5},
		{"fields a\n| filter @message like /x/i", "unexpected symbol found i at line 2 and position 26", 35, 35},
		{"filter x = ", "unexpected symbol found <EOF> at line 1 and position 11", 11, 11},
		{"fields nosuch(a)", "unexpected symbol found nosuch at line 1 and position 7", 7, 12},
		{"fields count(*)", "aggregate function count is only allowed in stats at line 1 and position 7", 7, 11},
		{"stats level", "unexpected symbol found level at line 1 and position 6", 6, 10},
		{"pattern @message", "the pattern command is not supported by unkai at line 1 and position 0", 0, 6},
		{"fields jsonParse(@message)", "the jsonParse function is not supported by unkai at line 1 and position 7", 7, 15},
		{"limit 0", "limit must be an integer between 1 and 10000, found 0 at line 1 and position 6", 6, 6},
		{`parse @message "* *" as a`, "parse pattern has 2 wildcards but 1 fields are named at line 1 and position 15", 15, 19},
		{"fields strlen(a, b)", "function strlen called with 2 arguments at line 1 and position 7", 7, 18},
		{`filter @message like "unterminated`, "unexpected symbol found <EOF> at line 1 and position 34", 34, 34},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			_, err := f.p.StartQuery(f.ctx, &logsapi.StartQueryRequest{
				LogGroupName: ptr("/app"), QueryString: ptr(tt.query), StartTime: ptr(base / 1000), EndTime: ptr(base/1000 + 1),
			})
			checkErr(t, err, codeMalformedQuery, tt.msg)
			var ae *awserr.Error
			errors.As(err, &ae)
			fields := ae.Fields.(*logsapi.MalformedQueryException)
			loc := fields.QueryCompileError.Location
			if *loc.StartCharOffset != tt.start || *loc.EndCharOffset != tt.end || *fields.QueryCompileError.Message != tt.msg {
				t.Errorf("location %d-%d, want %d-%d", *loc.StartCharOffset, *loc.EndCharOffset, tt.start, tt.end)
			}
		})
	}
}

func TestQueryLifecycle(t *testing.T) {
	f, base := insightsFixture(t)
	req := func(q string) *logsapi.StartQueryRequest {
		return &logsapi.StartQueryRequest{LogGroupName: ptr("/app"), QueryString: ptr(q), StartTime: ptr(base / 1000), EndTime: ptr(base/1000 + 1)}
	}
	// The time range: [base, base+1s] inclusive holds 4 events.
	out := f.runQuery(t, req("stats count(*) as n"))
	if got := rowsText(out.Results); !slices.Equal(got, []string{"n=4"}) {
		t.Errorf("count over the range = %q", got)
	}
	if *out.Statistics.RecordsScanned != 4 || *out.Statistics.RecordsMatched != 4 || *out.Statistics.BytesScanned == 0 {
		t.Errorf("statistics %+v", out.Statistics)
	}
	// A request limit caps rows; each event row carries @ptr last.
	r := req("fields @message")
	r.Limit = ptr(int64(2))
	out = f.runQuery(t, r)
	if len(out.Results) != 2 || *out.Results[0][len(out.Results[0])-1].Field != fPtr {
		t.Errorf("limited results %v", rowsText(out.Results))
	}

	// Errors.
	_, err := f.p.StartQuery(f.ctx, &logsapi.StartQueryRequest{QueryString: ptr("fields a"), StartTime: ptr(int64(0)), EndTime: ptr(int64(1))})
	checkErr(t, err, codeInvalidParameter, "")
	_, err = f.p.StartQuery(f.ctx, &logsapi.StartQueryRequest{LogGroupName: ptr("/none"), QueryString: ptr("fields a"), StartTime: ptr(int64(0)), EndTime: ptr(int64(1))})
	checkErr(t, err, codeNotFound, "Log group '/none' does not exist for account ID '111122223333'")
	_, err = f.p.StartQuery(f.ctx, &logsapi.StartQueryRequest{LogGroupName: ptr("/app"), QueryString: ptr("fields a"), StartTime: ptr(int64(5)), EndTime: ptr(int64(1))})
	checkErr(t, err, codeInvalidParameter, "")
	_, err = f.p.GetQueryResults(f.ctx, &logsapi.GetQueryResultsRequest{QueryId: ptr("nope")})
	checkErr(t, err, codeNotFound, "Query does not exist.")

	// StopQuery on a finished query is an error; DescribeQueries lists both.
	started, err := f.p.StartQuery(f.ctx, req("fields @message"))
	if err != nil {
		t.Fatal(err)
	}
	f.runQuery(t, req("fields 1"))
	for {
		st, _ := f.p.GetQueryResults(f.ctx, &logsapi.GetQueryResultsRequest{QueryId: started.QueryId})
		if *st.Status == qComplete {
			break
		}
		time.Sleep(time.Millisecond)
	}
	_, err = f.p.StopQuery(f.ctx, &logsapi.StopQueryRequest{QueryId: started.QueryId})
	checkErr(t, err, codeInvalidParameter, "")
	d, err := f.p.DescribeQueries(f.ctx, &logsapi.DescribeQueriesRequest{Status: ptr(qComplete), MaxResults: ptr(int64(3))})
	if err != nil || len(d.Queries) != 3 || d.NextToken == nil {
		t.Fatalf("DescribeQueries = %+v, %v", d, err)
	}
	d2, err := f.p.DescribeQueries(f.ctx, &logsapi.DescribeQueriesRequest{NextToken: d.NextToken})
	if err != nil || len(d2.Queries) != 1 || *d2.Queries[0].LogGroupName != "/app" {
		t.Fatalf("DescribeQueries page 2 = %+v, %v", d2, err)
	}

	// Results go after seven days.
	f.clk.Advance(queryRetention + time.Minute)
	_, err = f.p.GetQueryResults(f.ctx, &logsapi.GetQueryResultsRequest{QueryId: started.QueryId})
	checkErr(t, err, codeNotFound, "")
	if err := f.p.sweepQueries(f.ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := getQuery(f.ctx, f.store, newKeyspace(testAccount, testRegion), *started.QueryId); err == nil {
		t.Error("swept query still stored")
	}
}

func TestQueryRetentionHidesOldEvents(t *testing.T) {
	f, base := insightsFixture(t)
	if _, err := f.p.PutRetentionPolicy(f.ctx, &logsapi.PutRetentionPolicyRequest{LogGroupName: ptr("/app"), RetentionInDays: ptr(int64(1))}); err != nil {
		t.Fatal(err)
	}
	f.clk.Advance(24 * time.Hour)
	out := f.runQuery(t, &logsapi.StartQueryRequest{LogGroupName: ptr("/app"), QueryString: ptr("stats count(*)"), StartTime: ptr(base/1000 - 10), EndTime: ptr(base/1000 + 10)})
	if len(out.Results) != 0 {
		t.Errorf("expired events counted: %v", rowsText(out.Results))
	}
}
