package logs

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/logsapi"
	"github.com/unkai-cloud/unkai/internal/storage"
)

func TestPutLogEvents(t *testing.T) {
	const hour = int64(60 * 60 * 1000)
	now := epoch.UnixMilli()
	big := strings.Repeat("x", 200_000)
	tests := []struct {
		name      string
		group     string
		stream    string
		retention int64
		ts        []int64
		msgs      []string
		code, msg string
		rejected  *logsapi.RejectedLogEventsInfo
		stored    []string // messages readable afterwards
	}{
		{name: "accepted", ts: []int64{now - 2, now - 1, now - 1}, stored: []string{"event 0", "event 1", "event 2"}},
		{name: "equal timestamps keep arrival order", ts: []int64{now, now, now}, msgs: []string{"c", "a", "b"}, stored: []string{"c", "a", "b"}},
		{name: "out of order", ts: []int64{now, now - 1}, code: codeInvalidParameter,
			msg: "Log events in a single PutLogEvents request must be in chronological order."},
		{name: "span over a day", ts: []int64{now - 25*hour, now}, code: codeInvalidParameter},
		{name: "too large", ts: []int64{now, now, now, now, now, now}, msgs: []string{big, big, big, big, big, big}, code: codeInvalidParameter},
		{name: "missing group", group: "nope", ts: []int64{now}, code: codeNotFound, msg: "The specified log group does not exist."},
		{name: "missing stream", stream: "nope", ts: []int64{now}, code: codeNotFound, msg: "The specified log stream does not exist."},
		{name: "too old", ts: []int64{now - 14*24*hour - 2*hour, now - 14*24*hour - 1, now - 14*24*hour + hour},
			rejected: &logsapi.RejectedLogEventsInfo{TooOldLogEventEndIndex: ptr(int64(2))}, stored: []string{"event 2"}},
		{name: "too new", ts: []int64{now, now + 2*hour, now + 2*hour + 1, now + 3*hour},
			rejected: &logsapi.RejectedLogEventsInfo{TooNewLogEventStartIndex: ptr(int64(2))}, stored: []string{"event 0", "event 1"}},
		{name: "expired by retention", retention: 1, ts: []int64{now - 24*hour - 1, now - 24*hour, now - hour},
			rejected: &logsapi.RejectedLogEventsInfo{ExpiredLogEventEndIndex: ptr(int64(1))}, stored: []string{"event 1", "event 2"}},
		{name: "all rejected", ts: []int64{now + 5*hour},
			rejected: &logsapi.RejectedLogEventsInfo{TooNewLogEventStartIndex: ptr(int64(0))}, stored: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.mustGroup(t, "g")
			f.mustStream(t, "g", "s")
			if tt.retention > 0 {
				_, err := f.p.PutRetentionPolicy(f.ctx, &logsapi.PutRetentionPolicyRequest{LogGroupName: ptr("g"), RetentionInDays: ptr(tt.retention)})
				checkErr(t, err, "", "")
			}
			group, stream := cmpOr(tt.group, "g"), cmpOr(tt.stream, "s")
			in := putReq(group, stream, tt.ts, tt.msgs)
			in.SequenceToken = ptr("49590302047697475918541231486582939498123400876187846754") // ignored
			out, err := f.p.PutLogEvents(f.ctx, in)
			checkErr(t, err, tt.code, tt.msg)
			if err != nil {
				return
			}
			if out.NextSequenceToken == nil {
				t.Fatal("no nextSequenceToken")
			}
			if got, want := rejectedString(out.RejectedLogEventsInfo), rejectedString(tt.rejected); got != want {
				t.Fatalf("rejected = %s, want %s", got, want)
			}
			got, err := f.p.GetLogEvents(f.ctx, &logsapi.GetLogEventsRequest{LogGroupName: ptr("g"), LogStreamName: ptr("s"), StartFromHead: ptr(true)})
			checkErr(t, err, "", "")
			if m := messages(got.Events); !slices.Equal(m, tt.stored) {
				t.Fatalf("stored = %q, want %q", m, tt.stored)
			}
			for _, e := range got.Events {
				if *e.IngestionTime != now {
					t.Fatalf("ingestionTime = %d, want %d", *e.IngestionTime, now)
				}
			}
		})
	}
}

func rejectedString(r *logsapi.RejectedLogEventsInfo) string {
	if r == nil {
		return "none"
	}
	f := func(v *int64) string {
		if v == nil {
			return "-"
		}
		return fmt.Sprint(*v)
	}
	return "old " + f(r.TooOldLogEventEndIndex) + " new " + f(r.TooNewLogEventStartIndex) + " expired " + f(r.ExpiredLogEventEndIndex)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func TestGetLogEvents(t *testing.T) {
	f := newFixture(t)
	f.mustGroup(t, "g")
	f.mustStream(t, "g", "s")
	f.mustStream(t, "g", "empty")
	base := f.now() - 100
	ts := []int64{base, base + 10, base + 20, base + 30, base + 40}
	f.mustPut(t, "g", "s", ts, nil)
	all := []string{"event 0", "event 1", "event 2", "event 3", "event 4"}

	tests := []struct {
		name string
		in   logsapi.GetLogEventsRequest
		want []string
		code string
	}{
		{name: "tail by default", in: logsapi.GetLogEventsRequest{}, want: all},
		{name: "tail with limit", in: logsapi.GetLogEventsRequest{Limit: ptr(int64(2))}, want: all[3:]},
		{name: "head with limit", in: logsapi.GetLogEventsRequest{Limit: ptr(int64(2)), StartFromHead: ptr(true)}, want: all[:2]},
		{name: "start inclusive end exclusive", in: logsapi.GetLogEventsRequest{StartTime: ptr(base + 10), EndTime: ptr(base + 30)}, want: all[1:3]},
		{name: "empty range", in: logsapi.GetLogEventsRequest{StartTime: ptr(base + 31), EndTime: ptr(base + 39)}, want: []string{}},
		{name: "inverted range", in: logsapi.GetLogEventsRequest{StartTime: ptr(base + 30), EndTime: ptr(base)}, want: []string{}},
		{name: "empty stream", in: logsapi.GetLogEventsRequest{LogStreamName: ptr("empty")}, want: []string{}},
		{name: "identifier", in: logsapi.GetLogEventsRequest{LogGroupIdentifier: ptr("arn:aws:logs:eu-west-1:111122223333:log-group:g")}, want: all},
		{name: "identifier of another account", in: logsapi.GetLogEventsRequest{LogGroupIdentifier: ptr("arn:aws:logs:eu-west-1:999999999999:log-group:g")}, code: codeNotFound},
		{name: "missing stream", in: logsapi.GetLogEventsRequest{LogStreamName: ptr("nope")}, code: codeNotFound},
		{name: "missing group", in: logsapi.GetLogEventsRequest{LogGroupName: ptr("nope")}, code: codeNotFound},
		{name: "no group", in: logsapi.GetLogEventsRequest{LogGroupName: ptr("")}, code: codeInvalidParameter},
		{name: "bad token", in: logsapi.GetLogEventsRequest{NextToken: ptr("f/123")}, code: codeInvalidParameter},
		{name: "bad token direction", in: logsapi.GetLogEventsRequest{NextToken: ptr("x/000000000000000000000000000000000000000")}, code: codeInvalidParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if in.LogGroupIdentifier == nil && in.LogGroupName == nil {
				in.LogGroupName = ptr("g")
			}
			if in.LogGroupName != nil && *in.LogGroupName == "" {
				in.LogGroupName = nil
			}
			if in.LogStreamName == nil {
				in.LogStreamName = ptr("s")
			}
			out, err := f.p.GetLogEvents(f.ctx, &in)
			checkErr(t, err, tt.code, "")
			if err != nil {
				return
			}
			if got := messages(out.Events); !slices.Equal(got, tt.want) || out.Events == nil {
				t.Fatalf("events = %q, want %q", got, tt.want)
			}
			// Both tokens lead nowhere new when the page holds everything in
			// range: following one returns nothing and the same token.
			if len(out.Events) == 0 || len(out.Events) == len(tt.want) && tt.in.Limit == nil {
				for _, tok := range []*string{out.NextForwardToken, out.NextBackwardToken} {
					in.NextToken = tok
					again, err := f.p.GetLogEvents(f.ctx, &in)
					checkErr(t, err, "", "")
					next := again.NextForwardToken
					if strings.HasPrefix(*tok, "b/") {
						next = again.NextBackwardToken
					}
					if len(again.Events) != 0 || *next != *tok {
						t.Fatalf("token %s gave %d events and token %s", *tok, len(again.Events), *next)
					}
				}
			}
		})
	}
}

func TestGetLogEventsRetentionHidesOldEvents(t *testing.T) {
	f := newFixture(t)
	f.mustGroup(t, "g")
	f.mustStream(t, "g", "s")
	now := f.now()
	f.mustPut(t, "g", "s", []int64{now - 3*dayMillis, now - 3*dayMillis + 1}, nil)
	f.mustPut(t, "g", "s", []int64{now - dayMillis/2}, []string{"event 1"})
	_, err := f.p.PutRetentionPolicy(f.ctx, &logsapi.PutRetentionPolicyRequest{LogGroupName: ptr("g"), RetentionInDays: ptr(int64(1))})
	checkErr(t, err, "", "")
	out, err := f.p.GetLogEvents(f.ctx, &logsapi.GetLogEventsRequest{LogGroupName: ptr("g"), LogStreamName: ptr("s")})
	checkErr(t, err, "", "")
	if got := messages(out.Events); !slices.Equal(got, []string{"event 1"}) {
		t.Fatalf("events = %q", got)
	}
	f.clk.Advance(dayMillis * 1e6)
	out, err = f.p.GetLogEvents(f.ctx, &logsapi.GetLogEventsRequest{LogGroupName: ptr("g"), LogStreamName: ptr("s")})
	checkErr(t, err, "", "")
	if len(out.Events) != 0 {
		t.Fatalf("events after the retention period = %q", messages(out.Events))
	}
}

// TestGetLogEventsPaging writes 10,000 events in one batch and pages through
// them forward from the head and backward from the tail, as the SDKs'
// paginators do: until the token comes back unchanged.
func TestGetLogEventsPaging(t *testing.T) {
	f := newFixture(t)
	f.mustGroup(t, "g")
	f.mustStream(t, "g", "s")
	const n = 10000
	ts := make([]int64, n)
	msgs := make([]string, n)
	base := f.now() - n
	for i := range n {
		ts[i] = base + int64(i/3) // runs of equal timestamps
		msgs[i] = fmt.Sprintf("message %05d", i)
	}
	out := f.mustPut(t, "g", "s", ts, msgs)
	if out.RejectedLogEventsInfo != nil {
		t.Fatalf("rejected %+v", out.RejectedLogEventsInfo)
	}

	for _, limit := range []int64{1000, 997, 10000} {
		t.Run(fmt.Sprintf("forward limit %d", limit), func(t *testing.T) {
			in := &logsapi.GetLogEventsRequest{LogGroupName: ptr("g"), LogStreamName: ptr("s"), StartFromHead: ptr(true), Limit: ptr(limit)}
			var got []string
			for pages := 0; ; pages++ {
				if pages > n {
					t.Fatal("pagination does not end")
				}
				page, err := f.p.GetLogEvents(f.ctx, in)
				checkErr(t, err, "", "")
				got = append(got, messages(page.Events)...)
				if in.NextToken != nil && *page.NextForwardToken == *in.NextToken {
					if len(page.Events) != 0 {
						t.Fatal("repeated token with events")
					}
					break
				}
				in.NextToken = page.NextForwardToken
			}
			if !slices.Equal(got, msgs) {
				t.Fatalf("forward read %d events, want all %d in order", len(got), n)
			}
		})
		t.Run(fmt.Sprintf("backward limit %d", limit), func(t *testing.T) {
			in := &logsapi.GetLogEventsRequest{LogGroupName: ptr("g"), LogStreamName: ptr("s"), Limit: ptr(limit)}
			var pages [][]string
			for i := 0; ; i++ {
				if i > n {
					t.Fatal("pagination does not end")
				}
				page, err := f.p.GetLogEvents(f.ctx, in)
				checkErr(t, err, "", "")
				pages = append(pages, messages(page.Events))
				if in.NextToken != nil && *page.NextBackwardToken == *in.NextToken {
					break
				}
				in.NextToken = page.NextBackwardToken
			}
			slices.Reverse(pages)
			if got := slices.Concat(pages...); !slices.Equal(got, msgs) {
				t.Fatalf("backward read %d events, want all %d in order", len(got), n)
			}
		})
	}

	t.Run("forward token sees new events", func(t *testing.T) {
		tail, err := f.p.GetLogEvents(f.ctx, &logsapi.GetLogEventsRequest{LogGroupName: ptr("g"), LogStreamName: ptr("s"), Limit: ptr(int64(10))})
		checkErr(t, err, "", "")
		f.mustPut(t, "g", "s", []int64{ts[n-1], ts[n-1] + 1}, []string{"late same ts", "later"})
		next, err := f.p.GetLogEvents(f.ctx, &logsapi.GetLogEventsRequest{LogGroupName: ptr("g"), LogStreamName: ptr("s"), NextToken: tail.NextForwardToken})
		checkErr(t, err, "", "")
		if got := messages(next.Events); !slices.Equal(got, []string{"late same ts", "later"}) {
			t.Fatalf("new events = %q", got)
		}
	})
}

func TestEventTokenRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		forward bool
		p       position
	}{
		{true, position{TS: minTS}},
		{false, position{TS: 1735689600000, Seq: 42}},
		{true, position{TS: -1, Seq: ^uint64(0)}},
		{false, position{TS: 1<<63 - 1, Seq: ^uint64(0)}},
	} {
		tok := eventToken(tt.forward, tt.p)
		fwd, p, err := parseEventToken(tok)
		if err != nil || fwd != tt.forward || p != tt.p {
			t.Fatalf("parse(%q) = %v %+v %v, want %v %+v", tok, fwd, p, err, tt.forward, tt.p)
		}
	}
}

func TestPutLogEventsConcurrent(t *testing.T) {
	f := newFixture(t)
	f.mustGroup(t, "g")
	f.mustStream(t, "g", "s")
	f.mustStream(t, "g", "t")
	const writers, batches, perBatch = 4, 10, 25
	now := f.now()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stream := []string{"s", "t"}[w%2]
			for b := range batches {
				ts := make([]int64, perBatch)
				msgs := make([]string, perBatch)
				for i := range ts {
					ts[i] = now
					msgs[i] = fmt.Sprintf("w%d b%d i%02d", w, b, i)
				}
				if _, err := f.p.PutLogEvents(f.ctx, putReq("g", stream, ts, msgs)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	out, err := f.p.FilterLogEvents(f.ctx, &logsapi.FilterLogEventsRequest{LogGroupName: ptr("g")})
	checkErr(t, err, "", "")
	if len(out.Events) != writers*batches*perBatch {
		t.Fatalf("stored %d events, want %d", len(out.Events), writers*batches*perBatch)
	}
	seen := map[string]bool{}
	for _, e := range out.Events {
		if seen[*e.EventId] {
			t.Fatalf("duplicate eventId %s", *e.EventId)
		}
		seen[*e.EventId] = true
	}
	// Within one writer, batches and their events keep their order.
	last := map[string]string{}
	for _, e := range out.Events {
		w := (*e.Message)[:2]
		if prev, ok := last[w]; ok && *e.Message < prev {
			t.Fatalf("%q after %q", *e.Message, prev)
		}
		last[w] = *e.Message
	}
}

func TestPutLogEventsPurgesExpired(t *testing.T) {
	f := newFixture(t)
	f.mustGroup(t, "g")
	f.mustStream(t, "g", "s")
	now := f.now()
	f.mustPut(t, "g", "s", []int64{now - 10, now - 5}, []string{"old-1", "old-2"})
	_, err := f.p.PutRetentionPolicy(f.ctx, &logsapi.PutRetentionPolicyRequest{LogGroupName: ptr("g"), RetentionInDays: ptr(int64(1))})
	checkErr(t, err, "", "")
	f.clk.Advance(2 * 24 * time.Hour)
	f.mustPut(t, "g", "s", []int64{f.now()}, []string{"new"})

	prefix := newKeyspace(testAccount, testRegion).events("g", "s")
	kvs, err := storage.Collect(f.store.Scan(f.ctx, prefix, storage.PrefixEnd(prefix), storage.ScanOptions{}))
	if err != nil || len(kvs) != 1 {
		t.Fatalf("stream keeps %d events after purge (%v), want 1", len(kvs), err)
	}
	groups, err := f.p.DescribeLogGroups(f.ctx, &logsapi.DescribeLogGroupsRequest{})
	checkErr(t, err, "", "")
	if got := *groups.LogGroups[0].StoredBytes; got != int64(len("new")) {
		t.Fatalf("storedBytes = %d, want %d", got, len("new"))
	}
}
