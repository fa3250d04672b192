package e2e

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// TestDynamoDBTTLStreamRecord: an item TTL deletes leaves a REMOVE record
// that names the DynamoDB service as the one who deleted it, with the old
// image; a user's delete leaves one without userIdentity.
func TestDynamoDBTTLStreamRecord(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	client := dynamodb.NewFromConfig(srv.AWSConfig())
	arn := createStreamTable(t, ctx, client, "ttl-stream", ddbtypes.StreamViewTypeNewAndOldImages)
	if _, err := client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("ttl-stream"),
		TimeToLiveSpecification: &ddbtypes.TimeToLiveSpecification{AttributeName: aws.String("exp"), Enabled: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	past := strconv.FormatInt(time.Now().Unix()-5, 10)
	for _, id := range []string{"expiring", "deleted"} {
		if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("ttl-stream"),
			Item: map[string]ddbtypes.AttributeValue{"id": sAttr(id), "exp": nAttr(past)}}); err != nil {
			t.Fatal(err)
		}
	}
	// The user deletes one before the sweeper can.
	if _, err := client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("ttl-stream"),
		Key: map[string]ddbtypes.AttributeValue{"id": sAttr("deleted")}}); err != nil {
		t.Fatal(err)
	}
	sc := streamsClient(srv.URL)
	shard := shardOf(t, ctx, sc, arn)
	it, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn),
		ShardId: shard.ShardId, ShardIteratorType: stypes.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	iter := it.ShardIterator
	var records []stypes.Record
	deadline := time.Now().Add(10 * time.Second)
	for len(records) < 4 && time.Now().Before(deadline) {
		out, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter})
		if err != nil {
			t.Fatal(err)
		}
		records = append(records, out.Records...)
		iter = out.NextShardIterator
		if len(out.Records) == 0 {
			time.Sleep(200 * time.Millisecond)
		}
	}
	if len(records) != 4 {
		t.Fatalf("%d records, want 4 (2 INSERT, 2 REMOVE)", len(records))
	}
	for _, r := range records {
		id := sValue(r.Dynamodb.Keys, "id")
		switch {
		case r.EventName != stypes.OperationTypeRemove:
			if r.UserIdentity != nil {
				t.Errorf("%s %s carries userIdentity %+v", r.EventName, id, r.UserIdentity)
			}
		case id == "expiring":
			if r.UserIdentity == nil || aws.ToString(r.UserIdentity.Type) != "Service" ||
				aws.ToString(r.UserIdentity.PrincipalId) != "dynamodb.amazonaws.com" {
				t.Errorf("TTL REMOVE userIdentity = %+v", r.UserIdentity)
			}
			if r.Dynamodb.OldImage == nil || r.Dynamodb.NewImage != nil {
				t.Errorf("TTL REMOVE images: old %v new %v", r.Dynamodb.OldImage, r.Dynamodb.NewImage)
			}
		default:
			if r.UserIdentity != nil {
				t.Errorf("user REMOVE carries userIdentity %+v", r.UserIdentity)
			}
		}
	}
}
