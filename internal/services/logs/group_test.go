package logs

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/logsapi"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

func TestCreateLogGroup(t *testing.T) {
	manyTags := map[string]string{}
	for i := range 51 {
		manyTags[fmt.Sprint("k", i)] = "v"
	}
	tests := []struct {
		name     string
		in       *logsapi.CreateLogGroupRequest
		code     string
		msg      string
		wantTags map[string]string
	}{
		{name: "plain", in: &logsapi.CreateLogGroupRequest{LogGroupName: ptr("/aws/lambda/fn")}},
		{name: "tags and class", in: &logsapi.CreateLogGroupRequest{LogGroupName: ptr("tagged"),
			Tags: map[string]string{"team": "a"}, LogGroupClass: ptr("INFREQUENT_ACCESS")}, wantTags: map[string]string{"team": "a"}},
		{name: "duplicate", in: &logsapi.CreateLogGroupRequest{LogGroupName: ptr("existing")},
			code: codeAlreadyExists, msg: "The specified log group already exists"},
		{name: "too many tags", in: &logsapi.CreateLogGroupRequest{LogGroupName: ptr("many"), Tags: manyTags}, code: codeInvalidParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.mustGroup(t, "existing")
			_, err := f.p.CreateLogGroup(f.ctx, tt.in)
			checkErr(t, err, tt.code, tt.msg)
			if tt.code != "" {
				return
			}
			tags, err := f.p.ListTagsLogGroup(f.ctx, &logsapi.ListTagsLogGroupRequest{LogGroupName: tt.in.LogGroupName})
			checkErr(t, err, "", "")
			if want := tt.wantTags; len(want) != len(tags.Tags) || (want != nil && want["team"] != tags.Tags["team"]) {
				t.Fatalf("tags = %v, want %v", tags.Tags, want)
			}
		})
	}
}

func TestDescribeLogGroups(t *testing.T) {
	f := newFixture(t)
	names := []string{"/aws/lambda/a", "/aws/lambda/b", "/aws/batch/job", "app-Foo", "other"}
	for _, n := range names {
		f.mustGroup(t, n)
	}
	_, err := f.p.CreateLogGroup(f.ctx, &logsapi.CreateLogGroupRequest{LogGroupName: ptr("ia"), LogGroupClass: ptr("INFREQUENT_ACCESS")})
	checkErr(t, err, "", "")
	_, err = f.p.PutRetentionPolicy(f.ctx, &logsapi.PutRetentionPolicyRequest{LogGroupName: ptr("other"), RetentionInDays: ptr(int64(7))})
	checkErr(t, err, "", "")

	tests := []struct {
		name string
		in   *logsapi.DescribeLogGroupsRequest
		want []string
		code string
	}{
		{name: "all sorted", in: &logsapi.DescribeLogGroupsRequest{},
			want: []string{"/aws/batch/job", "/aws/lambda/a", "/aws/lambda/b", "app-Foo", "ia", "other"}},
		{name: "zero limit means default", in: &logsapi.DescribeLogGroupsRequest{Limit: ptr(int64(0))},
			want: []string{"/aws/batch/job", "/aws/lambda/a", "/aws/lambda/b", "app-Foo", "ia", "other"}},
		{name: "prefix", in: &logsapi.DescribeLogGroupsRequest{LogGroupNamePrefix: ptr("/aws/lambda/")},
			want: []string{"/aws/lambda/a", "/aws/lambda/b"}},
		{name: "prefix no match", in: &logsapi.DescribeLogGroupsRequest{LogGroupNamePrefix: ptr("zzz")}, want: []string{}},
		{name: "pattern substring case sensitive", in: &logsapi.DescribeLogGroupsRequest{LogGroupNamePattern: ptr("Foo")},
			want: []string{"app-Foo"}},
		{name: "pattern lower", in: &logsapi.DescribeLogGroupsRequest{LogGroupNamePattern: ptr("foo")}, want: []string{}},
		{name: "pattern lambda", in: &logsapi.DescribeLogGroupsRequest{LogGroupNamePattern: ptr("lambda")},
			want: []string{"/aws/lambda/a", "/aws/lambda/b"}},
		{name: "class", in: &logsapi.DescribeLogGroupsRequest{LogGroupClass: ptr("INFREQUENT_ACCESS")}, want: []string{"ia"}},
		{name: "prefix and pattern", in: &logsapi.DescribeLogGroupsRequest{LogGroupNamePrefix: ptr("a"), LogGroupNamePattern: ptr("b")},
			code: codeInvalidParameter},
		{name: "bad token", in: &logsapi.DescribeLogGroupsRequest{NextToken: ptr("!!!")}, code: codeInvalidParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := f.p.DescribeLogGroups(f.ctx, tt.in)
			checkErr(t, err, tt.code, "")
			if err != nil {
				return
			}
			var got []string
			for _, g := range out.LogGroups {
				got = append(got, *g.LogGroupName)
			}
			if !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Fatalf("groups = %q, want %q", got, tt.want)
			}
			if out.LogGroups == nil || out.NextToken != nil {
				t.Fatalf("logGroups nil or unexpected token: %+v", out)
			}
		})
	}

	t.Run("fields", func(t *testing.T) {
		out, err := f.p.DescribeLogGroups(f.ctx, &logsapi.DescribeLogGroupsRequest{LogGroupNamePrefix: ptr("other")})
		checkErr(t, err, "", "")
		g := out.LogGroups[0]
		wantARN := "arn:aws:logs:eu-west-1:111122223333:log-group:other"
		if *g.Arn != wantARN+":*" || *g.LogGroupArn != wantARN || *g.CreationTime != f.now() ||
			*g.RetentionInDays != 7 || *g.MetricFilterCount != 0 || *g.StoredBytes != 0 || *g.LogGroupClass != "STANDARD" {
			t.Fatalf("group = %+v", g)
		}
		out, err = f.p.DescribeLogGroups(f.ctx, &logsapi.DescribeLogGroupsRequest{LogGroupNamePattern: ptr("other")})
		checkErr(t, err, "", "")
		g = out.LogGroups[0]
		if g.Arn == nil || g.CreationTime == nil || g.LogGroupArn != nil || g.RetentionInDays != nil || g.StoredBytes != nil {
			t.Fatalf("pattern result should carry only name, arn, creationTime: %+v", g)
		}
	})

	t.Run("pages", func(t *testing.T) {
		var got []string
		var token *string
		for range 10 {
			out, err := f.p.DescribeLogGroups(f.ctx, &logsapi.DescribeLogGroupsRequest{Limit: ptr(int64(4)), NextToken: token})
			checkErr(t, err, "", "")
			for _, g := range out.LogGroups {
				got = append(got, *g.LogGroupName)
			}
			if token = out.NextToken; token == nil {
				break
			}
		}
		if len(got) != 6 || !slices.IsSorted(got) {
			t.Fatalf("paged groups = %q", got)
		}
	})
}

func TestRetentionPolicy(t *testing.T) {
	tests := []struct {
		name  string
		group string
		days  int64
		code  string
	}{
		{name: "one day", group: "g", days: 1},
		{name: "ten years", group: "g", days: 3653},
		{name: "invalid value", group: "g", days: 2, code: codeInvalidParameter},
		{name: "zero", group: "g", days: 0, code: codeInvalidParameter},
		{name: "missing group", group: "nope", days: 7, code: codeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.mustGroup(t, "g")
			_, err := f.p.PutRetentionPolicy(f.ctx, &logsapi.PutRetentionPolicyRequest{LogGroupName: ptr(tt.group), RetentionInDays: ptr(tt.days)})
			checkErr(t, err, tt.code, "")
			out, err := f.p.DescribeLogGroups(f.ctx, &logsapi.DescribeLogGroupsRequest{})
			checkErr(t, err, "", "")
			got := out.LogGroups[0].RetentionInDays
			if tt.code == "" && (got == nil || *got != tt.days) || tt.code != "" && got != nil {
				t.Fatalf("retentionInDays = %v", got)
			}
			_, err = f.p.DeleteRetentionPolicy(f.ctx, &logsapi.DeleteRetentionPolicyRequest{LogGroupName: ptr(tt.group)})
			if tt.group == "nope" {
				checkErr(t, err, codeNotFound, "The specified log group does not exist.")
				return
			}
			checkErr(t, err, "", "")
			out, _ = f.p.DescribeLogGroups(f.ctx, &logsapi.DescribeLogGroupsRequest{})
			if out.LogGroups[0].RetentionInDays != nil {
				t.Fatalf("retention still set after delete")
			}
		})
	}
}

func TestDeleteLogGroup(t *testing.T) {
	f := newFixture(t)
	f.mustGroup(t, "g")
	f.mustGroup(t, "g2")
	f.mustStream(t, "g", "s")
	f.mustStream(t, "g2", "s")
	ts := make([]int64, deleteBatchSize+5) // more than one delete batch
	for i := range ts {
		ts[i] = f.now()
	}
	msgs := make([]string, len(ts))
	for i := range msgs {
		msgs[i] = "m"
	}
	f.mustPut(t, "g", "s", ts[:5000], msgs[:5000])
	f.mustPut(t, "g", "s", ts[5000:], msgs[5000:])
	f.mustPut(t, "g2", "s", ts[:1], msgs[:1])

	_, err := f.p.DeleteLogGroup(f.ctx, &logsapi.DeleteLogGroupRequest{LogGroupName: ptr("g")})
	checkErr(t, err, "", "")
	_, err = f.p.DeleteLogGroup(f.ctx, &logsapi.DeleteLogGroupRequest{LogGroupName: ptr("g")})
	checkErr(t, err, codeNotFound, "The specified log group does not exist.")

	ks := newKeyspace(testAccount, testRegion)
	for _, prefix := range [][]byte{ks.group("g"), ks.streams("g"), ks.groupEvents("g")} {
		kvs, err := storage.Collect(f.store.Scan(f.ctx, prefix, storage.PrefixEnd(prefix), storage.ScanOptions{}))
		if err != nil || len(kvs) != 0 {
			t.Fatalf("left %d keys under a deleted group (%v)", len(kvs), err)
		}
	}
	// The other group is untouched, and a recreated group starts empty.
	out, err := f.p.GetLogEvents(f.ctx, &logsapi.GetLogEventsRequest{LogGroupName: ptr("g2"), LogStreamName: ptr("s")})
	checkErr(t, err, "", "")
	if len(out.Events) != 1 {
		t.Fatalf("g2 events = %d", len(out.Events))
	}
	f.mustGroup(t, "g")
	streams, err := f.p.DescribeLogStreams(f.ctx, &logsapi.DescribeLogStreamsRequest{LogGroupName: ptr("g")})
	checkErr(t, err, "", "")
	if len(streams.LogStreams) != 0 {
		t.Fatalf("recreated group has streams %+v", streams.LogStreams)
	}
}

func TestScopeIsolationAndKeys(t *testing.T) {
	f := newFixture(t)
	f.mustGroup(t, "g")
	f.mustStream(t, "g", "s")
	f.mustPut(t, "g", "s", []int64{f.now()}, nil)
	other := scope.With(context.Background(), scope.Scope{Account: "444455556666", Region: testRegion})
	otherRegion := scope.With(context.Background(), scope.Scope{Account: testAccount, Region: "us-east-1"})
	for _, ctx := range []context.Context{other, otherRegion} {
		out, err := f.p.DescribeLogGroups(ctx, &logsapi.DescribeLogGroupsRequest{})
		checkErr(t, err, "", "")
		if len(out.LogGroups) != 0 {
			t.Fatalf("another scope sees %d groups", len(out.LogGroups))
		}
		_, err = f.p.CreateLogGroup(ctx, &logsapi.CreateLogGroupRequest{LogGroupName: ptr("g")})
		checkErr(t, err, "", "")
	}
	// Every key lives under the provider's prefix, which the server wipes.
	all, err := storage.Collect(f.store.Scan(f.ctx, nil, nil, storage.ScanOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	prefix := storage.Key("logs")
	for _, kv := range all {
		if string(kv.Key[:len(prefix)]) != string(prefix) {
			t.Fatalf("key %q outside the logs prefix", kv.Key)
		}
	}
	if len(all) != 5 {
		t.Fatalf("stored %d keys, want 5", len(all))
	}
}
