package logs

import (
	"slices"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/logsapi"
)

func TestCreateDeleteLogStream(t *testing.T) {
	tests := []struct {
		name          string
		create        bool
		group, stream string
		code, msg     string
	}{
		{name: "create", create: true, group: "g", stream: "new"},
		{name: "create duplicate", create: true, group: "g", stream: "s", code: codeAlreadyExists, msg: "The specified log stream already exists"},
		{name: "create in missing group", create: true, group: "nope", stream: "s", code: codeNotFound, msg: "The specified log group does not exist."},
		{name: "delete", group: "g", stream: "s"},
		{name: "delete missing stream", group: "g", stream: "nope", code: codeNotFound, msg: "The specified log stream does not exist."},
		{name: "delete in missing group", group: "nope", stream: "s", code: codeNotFound, msg: "The specified log group does not exist."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.mustGroup(t, "g")
			f.mustStream(t, "g", "s")
			f.mustPut(t, "g", "s", []int64{f.now()}, nil)
			var err error
			if tt.create {
				_, err = f.p.CreateLogStream(f.ctx, &logsapi.CreateLogStreamRequest{LogGroupName: ptr(tt.group), LogStreamName: ptr(tt.stream)})
			} else {
				_, err = f.p.DeleteLogStream(f.ctx, &logsapi.DeleteLogStreamRequest{LogGroupName: ptr(tt.group), LogStreamName: ptr(tt.stream)})
			}
			checkErr(t, err, tt.code, tt.msg)
			if tt.code != "" || tt.create {
				return
			}
			_, err = f.p.GetLogEvents(f.ctx, &logsapi.GetLogEventsRequest{LogGroupName: ptr("g"), LogStreamName: ptr("s")})
			checkErr(t, err, codeNotFound, "The specified log stream does not exist.")
			// A stream recreated under the same name starts empty.
			f.mustStream(t, "g", "s")
			out, err := f.p.GetLogEvents(f.ctx, &logsapi.GetLogEventsRequest{LogGroupName: ptr("g"), LogStreamName: ptr("s")})
			checkErr(t, err, "", "")
			if len(out.Events) != 0 {
				t.Fatalf("recreated stream has %d events", len(out.Events))
			}
		})
	}
}

func TestDescribeLogStreams(t *testing.T) {
	f := newFixture(t)
	f.mustGroup(t, "g")
	// Streams get their last event at different times: c oldest, a newest,
	// "empty" never.
	for _, s := range []string{"a", "b", "c", "app/1", "empty"} {
		f.mustStream(t, "g", s)
	}
	base := f.now()
	f.mustPut(t, "g", "c", []int64{base - 3000, base - 2500}, nil)
	f.mustPut(t, "g", "b", []int64{base - 2000}, nil)
	f.mustPut(t, "g", "app/1", []int64{base - 1500}, nil)
	f.clk.Advance(time.Second)
	f.mustPut(t, "g", "a", []int64{base - 1000}, nil)

	tests := []struct {
		name string
		in   *logsapi.DescribeLogStreamsRequest
		want []string
		code string
	}{
		{name: "by name", in: &logsapi.DescribeLogStreamsRequest{}, want: []string{"a", "app/1", "b", "c", "empty"}},
		{name: "by name descending", in: &logsapi.DescribeLogStreamsRequest{Descending: ptr(true)}, want: []string{"empty", "c", "b", "app/1", "a"}},
		{name: "prefix", in: &logsapi.DescribeLogStreamsRequest{LogStreamNamePrefix: ptr("a")}, want: []string{"a", "app/1"}},
		{name: "prefix descending", in: &logsapi.DescribeLogStreamsRequest{LogStreamNamePrefix: ptr("a"), Descending: ptr(true)}, want: []string{"app/1", "a"}},
		{name: "by time", in: &logsapi.DescribeLogStreamsRequest{OrderBy: ptr("LastEventTime")}, want: []string{"empty", "c", "b", "app/1", "a"}},
		{name: "by time descending", in: &logsapi.DescribeLogStreamsRequest{OrderBy: ptr("LastEventTime"), Descending: ptr(true)}, want: []string{"a", "app/1", "b", "c", "empty"}},
		{name: "by identifier ARN", in: &logsapi.DescribeLogStreamsRequest{LogGroupName: nil,
			LogGroupIdentifier: ptr("arn:aws:logs:eu-west-1:111122223333:log-group:g:*"), LogStreamNamePrefix: ptr("b")}, want: []string{"b"}},
		{name: "time with prefix", in: &logsapi.DescribeLogStreamsRequest{OrderBy: ptr("LastEventTime"), LogStreamNamePrefix: ptr("a")}, code: codeInvalidParameter},
		{name: "missing group", in: &logsapi.DescribeLogStreamsRequest{LogGroupName: ptr("nope")}, code: codeNotFound},
		{name: "name and identifier", in: &logsapi.DescribeLogStreamsRequest{LogGroupIdentifier: ptr("g")}, code: codeInvalidParameter},
		{name: "bad token", in: &logsapi.DescribeLogStreamsRequest{NextToken: ptr("@")}, code: codeInvalidParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := *tt.in
			if in.LogGroupName == nil && in.LogGroupIdentifier == nil || tt.name == "name and identifier" {
				in.LogGroupName = ptr("g")
			}
			if tt.name == "by identifier ARN" {
				in.LogGroupName = nil
			}
			// Read page by page with limit 2: the result must not depend on it.
			var got []string
			for range 10 {
				in.Limit = ptr(int64(2))
				out, err := f.p.DescribeLogStreams(f.ctx, &in)
				checkErr(t, err, tt.code, "")
				if err != nil {
					return
				}
				for _, s := range out.LogStreams {
					got = append(got, *s.LogStreamName)
				}
				if in.NextToken = out.NextToken; in.NextToken == nil {
					break
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("streams = %q, want %q", got, tt.want)
			}
		})
	}

	t.Run("fields", func(t *testing.T) {
		out, err := f.p.DescribeLogStreams(f.ctx, &logsapi.DescribeLogStreamsRequest{LogGroupName: ptr("g")})
		checkErr(t, err, "", "")
		byName := map[string]logsapi.LogStream{}
		for _, s := range out.LogStreams {
			byName[*s.LogStreamName] = s
		}
		c := byName["c"]
		if *c.FirstEventTimestamp != base-3000 || *c.LastEventTimestamp != base-2500 || *c.LastIngestionTime != base ||
			*c.CreationTime != base || *c.Arn != "arn:aws:logs:eu-west-1:111122223333:log-group:g:log-stream:c" ||
			c.UploadSequenceToken == nil || *c.StoredBytes != 0 {
			t.Fatalf("stream c = %+v", c)
		}
		if a := byName["a"]; *a.LastIngestionTime != base+1000 {
			t.Fatalf("stream a lastIngestionTime = %d", *a.LastIngestionTime)
		}
		e := byName["empty"]
		if e.FirstEventTimestamp != nil || e.LastEventTimestamp != nil || e.LastIngestionTime != nil || e.UploadSequenceToken != nil {
			t.Fatalf("empty stream = %+v", e)
		}
		groups, err := f.p.DescribeLogGroups(f.ctx, &logsapi.DescribeLogGroupsRequest{})
		checkErr(t, err, "", "")
		if got := *groups.LogGroups[0].StoredBytes; got != 5*int64(len("event 0")) {
			t.Fatalf("group storedBytes = %d", got)
		}
	})
}
