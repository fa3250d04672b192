package logs

import (
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/logsapi"
)

func putFilter(name, pattern, metric string) *logsapi.PutMetricFilterRequest {
	return &logsapi.PutMetricFilterRequest{
		LogGroupName: ptr("/app"), FilterName: ptr(name), FilterPattern: ptr(pattern),
		MetricTransformations: []logsapi.MetricTransformation{{MetricName: ptr(metric), MetricNamespace: ptr("App"), MetricValue: ptr("1")}},
	}
}

func TestMetricFilters(t *testing.T) {
	f := newFixture(t)
	f.mustGroup(t, "/app")
	for _, in := range []*logsapi.PutMetricFilterRequest{putFilter("errors", "ERROR", "Errors"), putFilter("warns", "WARN", "Warns"), putFilter("errors", "?ERROR ?FATAL", "Errors")} {
		if _, err := f.p.PutMetricFilter(f.ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	bad := []struct {
		in   *logsapi.PutMetricFilterRequest
		code string
	}{
		{putFilter("j", `{ $.x = 1 }`, "M"), codeInvalidParameter},
		{func() *logsapi.PutMetricFilterRequest {
			r := putFilter("x", "a", "M")
			r.LogGroupName = ptr("/none")
			return r
		}(), codeNotFound},
		{func() *logsapi.PutMetricFilterRequest {
			r := putFilter("x", "a", "M")
			r.MetricTransformations[0].MetricValue = ptr("abc")
			return r
		}(), codeInvalidParameter},
	}
	for _, b := range bad {
		_, err := f.p.PutMetricFilter(f.ctx, b.in)
		checkErr(t, err, b.code, "")
	}
	tests := []struct {
		name string
		in   logsapi.DescribeMetricFiltersRequest
		want []string
	}{
		{"all", logsapi.DescribeMetricFiltersRequest{}, []string{"errors:?ERROR ?FATAL", "warns:WARN"}},
		{"prefix", logsapi.DescribeMetricFiltersRequest{LogGroupName: ptr("/app"), FilterNamePrefix: ptr("wa")}, []string{"warns:WARN"}},
		{"metric", logsapi.DescribeMetricFiltersRequest{MetricName: ptr("Errors"), MetricNamespace: ptr("App")}, []string{"errors:?ERROR ?FATAL"}},
		{"page", logsapi.DescribeMetricFiltersRequest{Limit: ptr(int64(1))}, []string{"errors:?ERROR ?FATAL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := f.p.DescribeMetricFilters(f.ctx, &tt.in)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range out.MetricFilters {
				got = append(got, *m.FilterName+":"+*m.FilterPattern)
			}
			if len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if tt.name == "page" {
				next, err := f.p.DescribeMetricFilters(f.ctx, &logsapi.DescribeMetricFiltersRequest{NextToken: out.NextToken})
				if err != nil || len(next.MetricFilters) != 1 || *next.MetricFilters[0].FilterName != "warns" || next.NextToken != nil {
					t.Errorf("second page %+v %v", next, err)
				}
			}
		})
	}
	groups, err := f.p.DescribeLogGroups(f.ctx, &logsapi.DescribeLogGroupsRequest{})
	if err != nil || *groups.LogGroups[0].MetricFilterCount != 2 {
		t.Fatalf("metricFilterCount: %+v %v", groups, err)
	}
	tm, err := f.p.TestMetricFilter(f.ctx, &logsapi.TestMetricFilterRequest{FilterPattern: ptr("?ERROR ?FATAL"), LogEventMessages: []string{"ok", "ERROR x", "FATAL y"}})
	if err != nil || len(tm.Matches) != 2 || *tm.Matches[0].EventNumber != 2 || *tm.Matches[1].EventMessage != "FATAL y" {
		t.Fatalf("TestMetricFilter = %+v %v", tm, err)
	}
	_, err = f.p.DeleteMetricFilter(f.ctx, &logsapi.DeleteMetricFilterRequest{LogGroupName: ptr("/app"), FilterName: ptr("errors")})
	checkErr(t, err, "", "")
	_, err = f.p.DeleteMetricFilter(f.ctx, &logsapi.DeleteMetricFilterRequest{LogGroupName: ptr("/app"), FilterName: ptr("errors")})
	checkErr(t, err, codeNotFound, "")
	if _, err := f.p.DeleteLogGroup(f.ctx, &logsapi.DeleteLogGroupRequest{LogGroupName: ptr("/app")}); err != nil {
		t.Fatal(err)
	}
	f.mustGroup(t, "/app")
	out, err := f.p.DescribeMetricFilters(f.ctx, &logsapi.DescribeMetricFiltersRequest{})
	if err != nil || len(out.MetricFilters) != 0 {
		t.Fatalf("filters outlived their group: %+v %v", out, err)
	}
}

func TestQueryDefinitions(t *testing.T) {
	f := newFixture(t)
	put := func(id, name string) string {
		t.Helper()
		in := &logsapi.PutQueryDefinitionRequest{Name: ptr(name), QueryString: ptr("fields @message"), LogGroupNames: []string{"/app"}}
		if id != "" {
			in.QueryDefinitionId = ptr(id)
		}
		out, err := f.p.PutQueryDefinition(f.ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return *out.QueryDefinitionId
	}
	a := put("", "ops/errors")
	put("", "ops/latency")
	put("", "billing")
	if put(a, "ops/errors-renamed") != a {
		t.Fatal("update changed the id")
	}
	_, err := f.p.PutQueryDefinition(f.ctx, &logsapi.PutQueryDefinitionRequest{QueryDefinitionId: ptr("missing"), Name: ptr("x"), QueryString: ptr("fields a")})
	checkErr(t, err, codeNotFound, "")
	tests := []struct {
		in   logsapi.DescribeQueryDefinitionsRequest
		want []string
	}{
		{logsapi.DescribeQueryDefinitionsRequest{}, []string{"billing", "ops/errors-renamed", "ops/latency"}},
		{logsapi.DescribeQueryDefinitionsRequest{QueryDefinitionNamePrefix: ptr("ops/")}, []string{"ops/errors-renamed", "ops/latency"}},
		{logsapi.DescribeQueryDefinitionsRequest{MaxResults: ptr(int64(2))}, []string{"billing", "ops/errors-renamed"}},
	}
	for _, tt := range tests {
		out, err := f.p.DescribeQueryDefinitions(f.ctx, &tt.in)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range out.QueryDefinitions {
			got = append(got, *d.Name)
		}
		if len(got) != len(tt.want) || got[0] != tt.want[0] || got[len(got)-1] != tt.want[len(tt.want)-1] {
			t.Errorf("got %q, want %q", got, tt.want)
		}
		if tt.in.MaxResults != nil {
			next, err := f.p.DescribeQueryDefinitions(f.ctx, &logsapi.DescribeQueryDefinitionsRequest{NextToken: out.NextToken})
			if err != nil || len(next.QueryDefinitions) != 1 || *next.QueryDefinitions[0].Name != "ops/latency" {
				t.Errorf("page 2 = %+v %v", next, err)
			}
		}
	}
	if _, err := f.p.DeleteQueryDefinition(f.ctx, &logsapi.DeleteQueryDefinitionRequest{QueryDefinitionId: ptr(a)}); err != nil {
		t.Fatal(err)
	}
	_, err = f.p.DeleteQueryDefinition(f.ctx, &logsapi.DeleteQueryDefinitionRequest{QueryDefinitionId: ptr(a)})
	checkErr(t, err, codeNotFound, "")
}
