package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// TestDynamoDBLegacyGlobalTables checks that global tables version
// 2017.11.29 are refused as AWS refuses them today, even with tables that
// meet the version's old requirements, and that nothing is then found.
func TestDynamoDBLegacyGlobalTables(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	east, west := regionClient(srv, "us-east-1"), regionClient(srv, "us-west-2")
	createStreamTable(t, ctx, east, "legacy", ddbtypes.StreamViewTypeNewAndOldImages)
	createStreamTable(t, ctx, west, "legacy", ddbtypes.StreamViewTypeNewAndOldImages)
	_, err := east.CreateGlobalTable(ctx, &dynamodb.CreateGlobalTableInput{GlobalTableName: aws.String("legacy"),
		ReplicationGroup: []ddbtypes.Replica{{RegionName: aws.String("us-east-1")}, {RegionName: aws.String("us-west-2")}}})
	if ae := apiError(t, err, "ValidationException", 400); !strings.Contains(ae.ErrorMessage(), "version 2017.11.29 is not supported") {
		t.Errorf("CreateGlobalTable: %s", ae.ErrorMessage())
	}
	_, err = west.DescribeGlobalTable(ctx, &dynamodb.DescribeGlobalTableInput{GlobalTableName: aws.String("legacy")})
	apiError(t, err, "GlobalTableNotFoundException", 400)
	list, err := east.ListGlobalTables(ctx, &dynamodb.ListGlobalTablesInput{})
	if err != nil || len(list.GlobalTables) != 0 {
		t.Errorf("ListGlobalTables: %+v %v", list, err)
	}
	// The regional tables are untouched.
	d, err := west.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("legacy")})
	if err != nil || d.Table.GlobalTableVersion != nil {
		t.Errorf("DescribeTable after the refusal: %+v %v", d, err)
	}
	msg := runAWSFail(t, srv, "dynamodb", "create-global-table", "--global-table-name", "legacy",
		"--replication-group", "RegionName=us-east-1", "RegionName=us-west-2")
	if !strings.Contains(msg, "ValidationException") || !strings.Contains(msg, "2017.11.29 is not supported") {
		t.Errorf("aws dynamodb create-global-table: %s", msg)
	}
}

// TestDynamoDBCrossAccountStreams reads another account's stream once its
// resource policy allows it, and checks that PartiQL statements honour an
// own-account Deny, in strict mode.
func TestDynamoDBCrossAccountStreams(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	as := func(account string, fn func(c *dynamodb.Client, s *dynamodbstreams.Client)) {
		t.Run(account, func(t *testing.T) {
			srv := unkaitest.Start(t, unkaitest.WithDataDir(dir), unkaitest.WithStrictAuth(account, "secret-"+account))
			fn(dynamodb.NewFromConfig(srv.AWSConfig()), dynamodbstreams.NewFromConfig(srv.AWSConfig()))
		})
	}
	var streamArn string
	as(arnOwner, func(c *dynamodb.Client, _ *dynamodbstreams.Client) {
		createStreamTable(t, ctx, c, "shared", ddbtypes.StreamViewTypeNewAndOldImages)
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("shared"), Item: map[string]ddbtypes.AttributeValue{"id": sAttr("a")}}); err != nil {
			t.Fatal(err)
		}
		d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("shared")})
		if err != nil {
			t.Fatal(err)
		}
		streamArn = aws.ToString(d.Table.LatestStreamArn)
	})
	as(arnOther, func(_ *dynamodb.Client, s *dynamodbstreams.Client) {
		_, err := s.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: &streamArn})
		apiError(t, err, "AccessDeniedException", 400)
	})
	as(arnOwner, func(c *dynamodb.Client, _ *dynamodbstreams.Client) {
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + arnOther + `"},` +
			`"Action":["dynamodb:DescribeStream","dynamodb:GetShardIterator","dynamodb:GetRecords"],"Resource":"` + streamArn + `"}]}`
		if _, err := c.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: &streamArn, Policy: &doc}); err != nil {
			t.Fatal(err)
		}
		tarn := strings.Split(streamArn, "/stream/")[0]
		deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"dynamodb:PartiQLDelete","Resource":"` + tarn + `"}]}`
		if _, err := c.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: &tarn, Policy: &deny}); err != nil {
			t.Fatal(err)
		}
		_, err := c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`DELETE FROM "shared" WHERE id = 'a'`)})
		if ae := apiError(t, err, "AccessDeniedException", 400); !strings.Contains(ae.ErrorMessage(), "dynamodb:PartiQLDelete") {
			t.Errorf("PartiQL delete: %s", ae.ErrorMessage())
		}
		if _, err := c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`SELECT * FROM "shared" WHERE id = 'a'`)}); err != nil {
			t.Fatal(err)
		}
	})
	as(arnOther, func(_ *dynamodb.Client, s *dynamodbstreams.Client) {
		ds, err := s.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: &streamArn})
		if err != nil {
			t.Fatal(err)
		}
		it, err := s.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: &streamArn,
			ShardId: ds.StreamDescription.Shards[0].ShardId, ShardIteratorType: stypes.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatal(err)
		}
		recs, err := s.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator})
		if err != nil || len(recs.Records) != 1 || recs.Records[0].EventName != stypes.OperationTypeInsert {
			t.Fatalf("GetRecords across accounts: %+v %v", recs, err)
		}
	})
}
