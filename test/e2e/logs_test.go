package e2e

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

func TestLogsRoundTrip(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	client := cloudwatchlogs.NewFromConfig(srv.AWSConfig())

	if _, err := client.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/unkai/e2e")}); err != nil {
		t.Fatal(err)
	}
	_, err := client.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/unkai/e2e")})
	apiError(t, err, "ResourceAlreadyExistsException", http.StatusBadRequest)

	groups, err := client.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/unkai")})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups.LogGroups) != 1 || aws.ToString(groups.LogGroups[0].Arn) != "arn:aws:logs:us-east-1:000000000000:log-group:/unkai/e2e:*" {
		t.Fatalf("DescribeLogGroups = %+v", groups.LogGroups)
	}

	_, err = client.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{
		LogGroupName: aws.String("/unkai/e2e"), LogStreamName: aws.String("missing"),
		LogEvents: []logstypes.InputLogEvent{{Message: aws.String("x"), Timestamp: aws.Int64(time.Now().UnixMilli())}},
	})
	apiError(t, err, "ResourceNotFoundException", http.StatusBadRequest)

	if _, err := client.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{
		LogGroupName: aws.String("/unkai/e2e"), LogStreamName: aws.String("s1"),
	}); err != nil {
		t.Fatal(err)
	}
	base := time.Now().Add(-time.Minute).UnixMilli()
	const total = 250
	for batch := 0; batch < total/50; batch++ {
		var events []logstypes.InputLogEvent
		for i := 0; i < 50; i++ {
			n := batch*50 + i
			events = append(events, logstypes.InputLogEvent{Message: aws.String(fmt.Sprintf("line %03d", n)), Timestamp: aws.Int64(base + int64(n))})
		}
		out, err := client.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{
			LogGroupName: aws.String("/unkai/e2e"), LogStreamName: aws.String("s1"), LogEvents: events,
		})
		if err != nil {
			t.Fatal(err)
		}
		if out.RejectedLogEventsInfo != nil {
			t.Fatalf("rejected: %+v", out.RejectedLogEventsInfo)
		}
	}

	// Page forward from the head with the SDK's paginator, told to stop when
	// the token repeats: that is how GetLogEvents says "no more", on AWS too.
	var got []string
	p := cloudwatchlogs.NewGetLogEventsPaginator(client, &cloudwatchlogs.GetLogEventsInput{
		LogGroupName: aws.String("/unkai/e2e"), LogStreamName: aws.String("s1"),
		StartFromHead: aws.Bool(true), Limit: aws.Int32(40),
	}, func(o *cloudwatchlogs.GetLogEventsPaginatorOptions) { o.StopOnDuplicateToken = true })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Events {
			got = append(got, aws.ToString(e.Message))
		}
	}
	if len(got) != total {
		t.Fatalf("read %d events, want %d", len(got), total)
	}
	for i, m := range got {
		if want := fmt.Sprintf("line %03d", i); m != want {
			t.Fatalf("event %d = %q, want %q", i, m, want)
		}
	}

	filtered, err := client.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName: aws.String("/unkai/e2e"), FilterPattern: aws.String(`"line 24"`),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(filtered.Events) != 10 {
		t.Errorf("filter matched %d events, want 10", len(filtered.Events))
	}
}
