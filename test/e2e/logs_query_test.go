package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// waitQuery polls GetQueryResults until the query ends.
func waitQuery(t *testing.T, client *cloudwatchlogs.Client, id *string) *cloudwatchlogs.GetQueryResultsOutput {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, err := client.GetQueryResults(context.Background(), &cloudwatchlogs.GetQueryResultsInput{QueryId: id})
		if err != nil {
			t.Fatal(err)
		}
		if out.Status != logstypes.QueryStatusScheduled && out.Status != logstypes.QueryStatusRunning {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("query still %s", out.Status)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestLogsQueryInsights(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	client := cloudwatchlogs.NewFromConfig(srv.AWSConfig())
	group := "/aws/lambda/orders"
	if _, err := client.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String("s1")}); err != nil {
		t.Fatal(err)
	}
	base := time.Now().Add(-time.Minute).Truncate(time.Second)
	var events []logstypes.InputLogEvent
	for i := 0; i < 20; i++ {
		msg := fmt.Sprintf(`{"level":"%s","ms":%d,"order":"o-%d"}`, map[bool]string{true: "error", false: "info"}[i%5 == 0], i*10, i)
		events = append(events, logstypes.InputLogEvent{Message: aws.String(msg), Timestamp: aws.Int64(base.UnixMilli() + int64(i))})
	}
	events = append(events, logstypes.InputLogEvent{
		Message:   aws.String("REPORT RequestId: 3f1e\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB"),
		Timestamp: aws.Int64(base.UnixMilli() + 100),
	})
	if _, err := client.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String("s1"), LogEvents: events}); err != nil {
		t.Fatal(err)
	}
	start, end := base.Add(-time.Minute).Unix(), time.Now().Unix()

	tests := []struct {
		query string
		want  []string
	}{
		{`filter level = "error" | stats count(*) as n, avg(ms) as avgMs by level`, []string{"level=error n=4 avgMs=75"}},
		{`fields order, ms | filter ms >= 170 | sort ms desc | limit 2`, []string{"order=o-19 ms=190", "order=o-18 ms=180"}},
		{`filter @type = "REPORT" | stats max(@maxMemoryUsed / 1000 / 1000) as mb, sum(@billedDuration) as billed`, []string{"mb=64 billed=13"}},
	}
	pointers := 0
	for _, tt := range tests {
		started, err := client.StartQuery(ctx, &cloudwatchlogs.StartQueryInput{
			LogGroupName: aws.String(group), StartTime: aws.Int64(start), EndTime: aws.Int64(end), QueryString: aws.String(tt.query),
		})
		if err != nil {
			t.Fatal(err)
		}
		out := waitQuery(t, client, started.QueryId)
		if out.Status != logstypes.QueryStatusComplete || out.Statistics == nil || out.Statistics.RecordsScanned != 21 {
			t.Fatalf("%s: status %s, statistics %+v", tt.query, out.Status, out.Statistics)
		}
		var got []string
		for _, row := range out.Results {
			var parts []string
			for _, f := range row {
				if aws.ToString(f.Field) != "@ptr" {
					parts = append(parts, aws.ToString(f.Field)+"="+aws.ToString(f.Value))
					continue
				}
				// Each event row's pointer leads back to its record.
				pointers++
				rec, err := client.GetLogRecord(ctx, &cloudwatchlogs.GetLogRecordInput{LogRecordPointer: f.Value})
				if err != nil || rec.LogRecord["@log"] != "000000000000:"+group || rec.LogRecord["@message"] == "" {
					t.Errorf("%s: GetLogRecord(%s) = %v, %v", tt.query, aws.ToString(f.Value), rec, err)
				}
			}
			got = append(got, strings.Join(parts, " "))
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.query, got, tt.want)
		}
	}

	if pointers == 0 {
		t.Error("no result row carried @ptr")
	}

	// A malformed query: the SDK decodes queryCompileError.
	_, err := client.StartQuery(ctx, &cloudwatchlogs.StartQueryInput{
		LogGroupName: aws.String(group), StartTime: aws.Int64(start), EndTime: aws.Int64(end), QueryString: aws.String("fields @message | sort bin(5m"),
	})
	apiError(t, err, "MalformedQueryException", http.StatusBadRequest)
	var mq *logstypes.MalformedQueryException
	if !errors.As(err, &mq) || mq.QueryCompileError == nil || mq.QueryCompileError.Location == nil || aws.ToInt32(mq.QueryCompileError.Location.StartCharOffset) != 29 {
		t.Fatalf("MalformedQueryException = %+v", mq)
	}

	qs, err := client.DescribeQueries(ctx, &cloudwatchlogs.DescribeQueriesInput{LogGroupName: aws.String(group)})
	if err != nil || len(qs.Queries) != 3 || qs.Queries[0].Status != logstypes.QueryStatusComplete {
		t.Fatalf("DescribeQueries = %+v, %v", qs, err)
	}

	// Query definitions.
	def, err := client.PutQueryDefinition(ctx, &cloudwatchlogs.PutQueryDefinitionInput{
		Name: aws.String("orders/errors"), QueryString: aws.String(tests[0].query), LogGroupNames: []string{group},
	})
	if err != nil {
		t.Fatal(err)
	}
	defs, err := client.DescribeQueryDefinitions(ctx, &cloudwatchlogs.DescribeQueryDefinitionsInput{QueryDefinitionNamePrefix: aws.String("orders/")})
	if err != nil || len(defs.QueryDefinitions) != 1 || aws.ToString(defs.QueryDefinitions[0].QueryDefinitionId) != aws.ToString(def.QueryDefinitionId) {
		t.Fatalf("DescribeQueryDefinitions = %+v, %v", defs, err)
	}
	if _, err := client.DeleteQueryDefinition(ctx, &cloudwatchlogs.DeleteQueryDefinitionInput{QueryDefinitionId: def.QueryDefinitionId}); err != nil {
		t.Fatal(err)
	}

	// Metric filters.
	if _, err := client.PutMetricFilter(ctx, &cloudwatchlogs.PutMetricFilterInput{
		LogGroupName: aws.String(group), FilterName: aws.String("errors"), FilterPattern: aws.String(`"error"`),
		MetricTransformations: []logstypes.MetricTransformation{{MetricName: aws.String("Errors"), MetricNamespace: aws.String("Orders"), MetricValue: aws.String("1")}},
	}); err != nil {
		t.Fatal(err)
	}
	groups, err := client.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(group)})
	if err != nil || aws.ToInt32(groups.LogGroups[0].MetricFilterCount) != 1 {
		t.Fatalf("DescribeLogGroups = %+v, %v", groups, err)
	}
	tm, err := client.TestMetricFilter(ctx, &cloudwatchlogs.TestMetricFilterInput{FilterPattern: aws.String(`"error"`), LogEventMessages: []string{"an error", "fine"}})
	if err != nil || len(tm.Matches) != 1 || tm.Matches[0].EventNumber != 1 {
		t.Fatalf("TestMetricFilter = %+v, %v", tm, err)
	}
}

func TestLogsQueryCLI(t *testing.T) {
	srv := unkaitest.Start(t)
	now := time.Now()
	runAWS(t, srv, "test", "logs", "create-log-group", "--log-group-name", "/cli/app")
	runAWS(t, srv, "test", "logs", "create-log-stream", "--log-group-name", "/cli/app", "--log-stream-name", "web")
	runAWS(t, srv, "test", "logs", "put-log-events", "--log-group-name", "/cli/app", "--log-stream-name", "web", "--log-events",
		fmt.Sprintf("timestamp=%d,message=GET /a 200", now.UnixMilli()-2000),
		fmt.Sprintf("timestamp=%d,message=GET /b 500", now.UnixMilli()-1000))
	started := runAWS(t, srv, "test", "logs", "start-query", "--log-group-name", "/cli/app",
		"--start-time", fmt.Sprint(now.Add(-time.Hour).Unix()), "--end-time", fmt.Sprint(now.Unix()),
		"--query-string", `parse @message "* * *" as method, path, status | filter status >= 500 | fields path, status`)
	id, _ := started["queryId"].(string)
	var res map[string]any
	for i := 0; i < 100; i++ {
		res = runAWS(t, srv, "test", "logs", "get-query-results", "--query-id", id)
		if res["status"] == "Complete" {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	rows, _ := res["results"].([]any)
	if res["status"] != "Complete" || len(rows) != 1 {
		t.Fatalf("get-query-results = %v", res)
	}
	got := fmt.Sprint(rows[0])
	if !strings.Contains(got, "field:path value:/b") || !strings.Contains(got, "field:status value:500") || !strings.Contains(got, "field:@ptr") {
		t.Errorf("row = %s", got)
	}
	out := runAWSFail(t, srv, "logs", "stop-query", "--query-id", id)
	if !strings.Contains(out, "InvalidParameterException") {
		t.Errorf("stop-query on a finished query: %s", out)
	}
}
