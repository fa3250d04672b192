package logs

import (
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/logsapi"
	"github.com/unkai-cloud/unkai/internal/service"
)

func TestProvider(t *testing.T) {
	if _, err := New(service.Deps{}); err == nil {
		t.Fatal("New without a store succeeded")
	}
	f := newFixture(t)
	if f.p.Name() != "logs" || Factory().Name != "logs" {
		t.Fatalf("names %q %q", f.p.Name(), Factory().Name)
	}
	apis := f.p.APIs()
	if len(apis) != 1 || apis[0].Descriptor != logsapi.Descriptor {
		t.Fatalf("APIs = %+v", apis)
	}
	tests := []struct {
		op     string
		served bool
	}{
		{"CreateLogGroup", true}, {"DeleteLogGroup", true}, {"DescribeLogGroups", true},
		{"PutRetentionPolicy", true}, {"DeleteRetentionPolicy", true},
		{"CreateLogStream", true}, {"DeleteLogStream", true}, {"DescribeLogStreams", true},
		{"PutLogEvents", true}, {"GetLogEvents", true}, {"FilterLogEvents", true},
		{"TagLogGroup", true}, {"UntagLogGroup", true}, {"ListTagsLogGroup", true},
		{"TagResource", true}, {"UntagResource", true}, {"ListTagsForResource", true},
		{"StartQuery", true}, {"GetQueryResults", true}, {"StopQuery", true}, {"DescribeQueries", true},
		{"PutQueryDefinition", true}, {"DescribeQueryDefinitions", true}, {"DeleteQueryDefinition", true},
		{"PutMetricFilter", true}, {"DescribeMetricFilters", true}, {"DeleteMetricFilter", true},
		{"TestMetricFilter", true}, {"GetLogRecord", true}, {"PutSubscriptionFilter", false},
	}
	for _, tt := range tests {
		if got := apis[0].Handlers.Lookup(tt.op) != nil; got != tt.served {
			t.Errorf("Lookup(%s) served = %v, want %v", tt.op, got, tt.served)
		}
	}
	// Through the registry, as the gateway calls it.
	h := apis[0].Handlers.Lookup("CreateLogGroup")
	if _, err := h(f.ctx, &logsapi.CreateLogGroupRequest{LogGroupName: ptr("via-registry")}); err != nil {
		t.Fatal(err)
	}
	out, err := apis[0].Handlers.Lookup("DescribeLogGroups")(f.ctx, &logsapi.DescribeLogGroupsRequest{})
	if err != nil || len(out.(*logsapi.DescribeLogGroupsResponse).LogGroups) != 1 {
		t.Fatalf("DescribeLogGroups via registry = %+v, %v", out, err)
	}
}
