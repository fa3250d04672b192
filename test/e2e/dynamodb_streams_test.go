package e2e

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	stypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// streamsClient is a DynamoDB Streams client for url.
func streamsClient(url string) *dynamodbstreams.Client {
	return dynamodbstreams.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	})
}

// createStreamTable creates table name with a stream and returns its ARN.
func createStreamTable(t *testing.T, ctx context.Context, client *dynamodb.Client, name string, view ddbtypes.StreamViewType) string {
	t.Helper()
	out, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		StreamSpecification:  &ddbtypes.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: view},
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.TableDescription.LatestStreamArn == nil || out.TableDescription.LatestStreamLabel == nil {
		t.Fatalf("CreateTable gave no stream: %+v", out.TableDescription)
	}
	return *out.TableDescription.LatestStreamArn
}

// shardOf returns the first shard of a stream.
func shardOf(t *testing.T, ctx context.Context, sc *dynamodbstreams.Client, arn string) stypes.Shard {
	t.Helper()
	d, err := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.StreamDescription.Shards) == 0 {
		t.Fatalf("no shards: %+v", d.StreamDescription)
	}
	return d.StreamDescription.Shards[0]
}

// sValue reads a string attribute of a stream image.
func sValue(img map[string]stypes.AttributeValue, name string) string {
	if v, ok := img[name].(*stypes.AttributeValueMemberS); ok {
		return v.Value
	}
	if v, ok := img[name].(*stypes.AttributeValueMemberN); ok {
		return v.Value
	}
	return ""
}

func TestDynamoDBStreamsOperations(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	client := ddbClient(srv.URL)
	sc := streamsClient(srv.URL)
	arn := createStreamTable(t, ctx, client, "orders", ddbtypes.StreamViewTypeNewAndOldImages)

	ls, err := sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String("orders")})
	if err != nil || len(ls.Streams) != 1 || *ls.Streams[0].StreamArn != arn {
		t.Fatalf("ListStreams = %+v, %v", ls, err)
	}
	shard := shardOf(t, ctx, sc, arn)
	d, _ := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)})
	if sd := d.StreamDescription; sd.StreamStatus != stypes.StreamStatusEnabled || sd.StreamViewType != stypes.StreamViewTypeNewAndOldImages ||
		*sd.TableName != "orders" || len(sd.KeySchema) != 1 || sd.CreationRequestDateTime == nil || shard.SequenceNumberRange.EndingSequenceNumber != nil {
		t.Fatalf("DescribeStream = %+v", sd)
	}
	latest, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: shard.ShardId, ShardIteratorType: stypes.ShardIteratorTypeLatest})
	if err != nil {
		t.Fatal(err)
	}

	put := func(id, v string) {
		if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: map[string]ddbtypes.AttributeValue{"id": sAttr(id), "v": sAttr(v)}}); err != nil {
			t.Fatal(err)
		}
	}
	put("a", "1")
	put("a", "2")
	if _, err := client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("orders"), Key: map[string]ddbtypes.AttributeValue{"id": sAttr("a")}}); err != nil {
		t.Fatal(err)
	}

	recs, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: latest.ShardIterator})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs.Records) != 3 || recs.NextShardIterator == nil {
		t.Fatalf("GetRecords = %+v", recs)
	}
	want := []struct {
		name     stypes.OperationType
		old, new string
	}{{stypes.OperationTypeInsert, "", "1"}, {stypes.OperationTypeModify, "1", "2"}, {stypes.OperationTypeRemove, "2", ""}}
	for i, r := range recs.Records {
		if r.EventName != want[i].name || sValue(r.Dynamodb.OldImage, "v") != want[i].old || sValue(r.Dynamodb.NewImage, "v") != want[i].new ||
			sValue(r.Dynamodb.Keys, "id") != "a" || *r.EventSource != "aws:dynamodb" || *r.AwsRegion != "us-east-1" || r.Dynamodb.ApproximateCreationDateTime == nil {
			t.Fatalf("record %d = %+v %+v", i, r, r.Dynamodb)
		}
	}
	seq := *recs.Records[1].Dynamodb.SequenceNumber
	for _, tt := range []struct {
		typ  stypes.ShardIteratorType
		seq  *string
		want int
	}{
		{stypes.ShardIteratorTypeTrimHorizon, nil, 3},
		{stypes.ShardIteratorTypeAtSequenceNumber, aws.String(seq), 2},
		{stypes.ShardIteratorTypeAfterSequenceNumber, aws.String(seq), 1},
		{stypes.ShardIteratorTypeLatest, nil, 0},
	} {
		it, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: shard.ShardId, ShardIteratorType: tt.typ, SequenceNumber: tt.seq})
		if err != nil {
			t.Fatalf("%s: %v", tt.typ, err)
		}
		r, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator})
		if err != nil || len(r.Records) != tt.want {
			t.Fatalf("%s: %d records, %v", tt.typ, len(r.Records), err)
		}
	}

	// Errors the SDK maps to its typed exceptions.
	var rnf *stypes.ResourceNotFoundException
	if _, err := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn[:len(arn)-3] + "999")}); !errors.As(err, &rnf) {
		t.Errorf("DescribeStream of a missing stream: %v", err)
	}
	if _, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: aws.String("shardId-00000000000000000000-00000000"),
		ShardIteratorType: stypes.ShardIteratorTypeLatest}); !errors.As(err, &rnf) {
		t.Errorf("GetShardIterator of a missing shard: %v", err)
	}
	if _, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: aws.String("not-an-iterator")}); err == nil {
		t.Error("GetRecords of a bad iterator succeeded")
	}

	// Disabling closes the shard; the stream stays readable; a new one
	// replaces it when re-enabled.
	if _, err := client.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("orders"), StreamSpecification: &ddbtypes.StreamSpecification{StreamEnabled: aws.Bool(false)}}); err != nil {
		t.Fatal(err)
	}
	closed := shardOf(t, ctx, sc, arn)
	if closed.SequenceNumberRange.EndingSequenceNumber == nil {
		t.Fatalf("closed shard has no end: %+v", closed.SequenceNumberRange)
	}
	r, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: recs.NextShardIterator})
	if err != nil || len(r.Records) != 0 || r.NextShardIterator != nil {
		t.Fatalf("end of a closed shard: %+v, %v", r, err)
	}
	upd, err := client.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("orders"),
		StreamSpecification: &ddbtypes.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: ddbtypes.StreamViewTypeKeysOnly}})
	if err != nil || *upd.TableDescription.LatestStreamArn == arn {
		t.Fatalf("re-enable: %+v, %v", upd, err)
	}
	_, err = client.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("orders"),
		StreamSpecification: &ddbtypes.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: ddbtypes.StreamViewTypeKeysOnly}})
	if err == nil {
		t.Fatal("enabling an enabled stream succeeded")
	}
	ls, err = sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{Limit: aws.Int32(1)})
	if err != nil || len(ls.Streams) != 1 || ls.LastEvaluatedStreamArn == nil {
		t.Fatalf("ListStreams page 1 = %+v, %v", ls, err)
	}
	ls, err = sc.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{ExclusiveStartStreamArn: ls.LastEvaluatedStreamArn})
	if err != nil || len(ls.Streams) != 1 || ls.LastEvaluatedStreamArn != nil {
		t.Fatalf("ListStreams page 2 = %+v, %v", ls, err)
	}
}

// change is one expected stream record of a key.
type change struct {
	event    stypes.OperationType
	old, new string // attribute v; "" when the image is absent
}

// TestDynamoDBStreamsConcurrentConsumer consumes a stream with the SDK
// while 8 goroutines put, update, delete and transact; every change
// arrives exactly once, in per-key order, with the right images.
func TestDynamoDBStreamsConcurrentConsumer(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	client := ddbClient(srv.URL)
	sc := streamsClient(srv.URL)
	arn := createStreamTable(t, ctx, client, "busy", ddbtypes.StreamViewTypeNewAndOldImages)
	shard := shardOf(t, ctx, sc, arn)

	const writers, ops, keysPer = 8, 60, 4
	expected := make([]map[string][]change, writers)
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			state := map[string]string{} // the writer's keys' current v
			exp := map[string][]change{}
			expected[w] = exp
			apply := func(key, v string) { // v "" deletes
				old, had := state[key]
				switch {
				case v == "" && had:
					exp[key] = append(exp[key], change{stypes.OperationTypeRemove, old, ""})
					delete(state, key)
				case v != "" && had:
					exp[key] = append(exp[key], change{stypes.OperationTypeModify, old, v})
					state[key] = v
				case v != "":
					exp[key] = append(exp[key], change{stypes.OperationTypeInsert, "", v})
					state[key] = v
				}
			}
			for i := 0; i < ops; i++ {
				key := fmt.Sprintf("w%d-k%d", w, i%keysPer)
				v := strconv.Itoa(i)
				var err error
				switch i % 4 {
				case 0:
					_, err = client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("busy"), Item: map[string]ddbtypes.AttributeValue{"id": sAttr(key), "v": nAttr(v)}})
					if err == nil {
						apply(key, v)
					}
				case 1:
					_, err = client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("busy"), Key: map[string]ddbtypes.AttributeValue{"id": sAttr(key)},
						UpdateExpression: aws.String("SET v = :v"), ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":v": nAttr(v)}})
					if err == nil {
						apply(key, v)
					}
				case 2:
					other := fmt.Sprintf("w%d-k%d", w, (i+1)%keysPer)
					_, err = client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []ddbtypes.TransactWriteItem{
						{Put: &ddbtypes.Put{TableName: aws.String("busy"), Item: map[string]ddbtypes.AttributeValue{"id": sAttr(key), "v": nAttr(v)}}},
						{Delete: &ddbtypes.Delete{TableName: aws.String("busy"), Key: map[string]ddbtypes.AttributeValue{"id": sAttr(other)}}},
					}})
					if err == nil {
						apply(key, v)
						apply(other, "")
					}
				case 3:
					_, err = client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("busy"), Key: map[string]ddbtypes.AttributeValue{"id": sAttr(key)}})
					if err == nil {
						apply(key, "")
					}
				}
				if err != nil {
					errs <- fmt.Errorf("writer %d op %d: %w", w, i, err)
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()

	it, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: shard.ShardId, ShardIteratorType: stypes.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	iter := it.ShardIterator
	got := map[string][]change{}
	ids := map[string]bool{}
	lastSeq := ""
	finished, quiet := false, 0
	for quiet < 2 {
		r, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(37)})
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range r.Records {
			if ids[*rec.EventID] {
				t.Fatalf("event %s delivered twice", *rec.EventID)
			}
			ids[*rec.EventID] = true
			s := *rec.Dynamodb.SequenceNumber
			if len(s) != len(lastSeq) && lastSeq != "" || s <= lastSeq {
				t.Fatalf("sequence %s after %s", s, lastSeq)
			}
			lastSeq = s
			key := sValue(rec.Dynamodb.Keys, "id")
			got[key] = append(got[key], change{rec.EventName, sValue(rec.Dynamodb.OldImage, "v"), sValue(rec.Dynamodb.NewImage, "v")})
		}
		iter = r.NextShardIterator
		if finished && len(r.Records) == 0 {
			quiet++
		}
		select {
		case <-done:
			finished = true
		default:
		}
		if len(r.Records) == 0 && !finished {
			time.Sleep(2 * time.Millisecond)
		}
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	total := 0
	for _, exp := range expected {
		for key, want := range exp {
			total += len(want)
			if fmt.Sprint(got[key]) != fmt.Sprint(want) {
				t.Errorf("key %s: got %v, want %v", key, got[key], want)
			}
		}
	}
	if len(ids) != total {
		t.Errorf("%d records, want %d", len(ids), total)
	}
}

// TestDynamoDBStreamsCLI describes a stream with the AWS CLI.
func TestDynamoDBStreamsCLI(t *testing.T) {
	srv := unkaitest.Start(t)
	runAWS(t, srv, "test", "dynamodb", "create-table", "--table-name", "clistream",
		"--attribute-definitions", "AttributeName=pk,AttributeType=S", "--key-schema", "AttributeName=pk,KeyType=HASH",
		"--billing-mode", "PAY_PER_REQUEST", "--stream-specification", "StreamEnabled=true,StreamViewType=NEW_IMAGE")
	runAWS(t, srv, "test", "dynamodb", "put-item", "--table-name", "clistream", "--item", `{"pk":{"S":"a"}}`)
	list := runAWS(t, srv, "test", "dynamodbstreams", "list-streams", "--table-name", "clistream")
	streams, _ := list["Streams"].([]any)
	if len(streams) != 1 {
		t.Fatalf("list-streams = %v", list)
	}
	arn := streams[0].(map[string]any)["StreamArn"].(string)
	desc := runAWS(t, srv, "test", "dynamodbstreams", "describe-stream", "--stream-arn", arn)
	sd, _ := desc["StreamDescription"].(map[string]any)
	shards, _ := sd["Shards"].([]any)
	if sd["StreamStatus"] != "ENABLED" || sd["StreamViewType"] != "NEW_IMAGE" || len(shards) != 1 {
		t.Fatalf("describe-stream = %v", desc)
	}
	shardID := shards[0].(map[string]any)["ShardId"].(string)
	it := runAWS(t, srv, "test", "dynamodbstreams", "get-shard-iterator", "--stream-arn", arn, "--shard-id", shardID, "--shard-iterator-type", "TRIM_HORIZON")
	recs := runAWS(t, srv, "test", "dynamodbstreams", "get-records", "--shard-iterator", it["ShardIterator"].(string))
	if r, _ := recs["Records"].([]any); len(r) != 1 || r[0].(map[string]any)["eventName"] != "INSERT" {
		t.Fatalf("get-records = %v", recs)
	}
}

// TestDynamoDBStreamsKill9 writes to a table with a stream through the real
// binary, kills it with SIGKILL and restarts it: the stream holds every
// acknowledged write exactly once, and every transaction whole or not at all.
func TestDynamoDBStreamsKill9(t *testing.T) {
	ctx := context.Background()
	bin := buildBinary(t)
	dataDir := t.TempDir()
	cmd, url := startBinary(t, bin, dataDir)
	client := ddbClient(url)
	arn := createStreamTable(t, ctx, client, "crash", ddbtypes.StreamViewTypeNewImage)

	const writers = 8
	var mu sync.Mutex
	acked := map[string]int{} // write id → records it makes
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100000; i++ {
				id := fmt.Sprintf("p-w%d-%d", w, i)
				var err error
				n := 1
				if i%2 == 1 {
					id = fmt.Sprintf("t-w%d-%d", w, i)
				}
				if i%2 == 0 {
					_, err = client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("crash"), Item: map[string]ddbtypes.AttributeValue{"id": sAttr(id), "w": sAttr(id)}})
				} else {
					n = 3
					var items []ddbtypes.TransactWriteItem
					for j := 0; j < n; j++ {
						items = append(items, ddbtypes.TransactWriteItem{Put: &ddbtypes.Put{TableName: aws.String("crash"),
							Item: map[string]ddbtypes.AttributeValue{"id": sAttr(fmt.Sprintf("%s/%d", id, j)), "w": sAttr(id)}}})
					}
					_, err = client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
				}
				if err != nil {
					return // the server is gone
				}
				mu.Lock()
				acked[id] = n
				mu.Unlock()
			}
		}()
	}
	killWhenAcked(t, cmd, func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acked)
	}, 400)
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("no write was acknowledged before SIGKILL")
	}

	cmd, url = startBinary(t, bin, dataDir)
	defer func() {
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}()
	sc := streamsClient(url)
	shard := shardOf(t, ctx, sc, arn)
	it, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: shard.ShardId, ShardIteratorType: stypes.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	keys := map[string]bool{}
	for iter := it.ShardIterator; iter != nil; {
		r, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter})
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range r.Records {
			key := sValue(rec.Dynamodb.Keys, "id")
			if keys[key] || rec.EventName != stypes.OperationTypeInsert {
				t.Fatalf("record %s %s twice or not an insert", key, rec.EventName)
			}
			keys[key] = true
			seen[sValue(rec.Dynamodb.NewImage, "w")]++
		}
		iter = r.NextShardIterator
		if len(r.Records) == 0 {
			break
		}
	}
	for id, n := range acked {
		if seen[id] != n {
			t.Errorf("acknowledged write %s has %d of %d records after kill -9", id, seen[id], n)
		}
	}
	for id, n := range seen {
		if want := map[byte]int{'p': 1, 't': 3}[id[0]]; n != want {
			t.Errorf("write %s has %d records: a partial transaction", id, n)
		}
	}
	t.Logf("%d writes acknowledged, %d in the stream after restart", len(acked), len(seen))
}
