package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

func sAttr(s string) ddbtypes.AttributeValue { return &ddbtypes.AttributeValueMemberS{Value: s} }
func nAttr(n string) ddbtypes.AttributeValue { return &ddbtypes.AttributeValueMemberN{Value: n} }

// createOrders makes a table with a GSI, waiting for it with the SDK's
// waiter as applications do.
func createOrders(t *testing.T, ctx context.Context, client *dynamodb.Client) {
	t.Helper()
	_, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("orders"),
		KeySchema: []ddbtypes.KeySchemaElement{
			{AttributeName: aws.String("customer"), KeyType: ddbtypes.KeyTypeHash},
			{AttributeName: aws.String("order"), KeyType: ddbtypes.KeyTypeRange},
		},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{
			{AttributeName: aws.String("customer"), AttributeType: ddbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String("order"), AttributeType: ddbtypes.ScalarAttributeTypeN},
			{AttributeName: aws.String("status"), AttributeType: ddbtypes.ScalarAttributeTypeS},
		},
		BillingMode: ddbtypes.BillingModePayPerRequest,
		GlobalSecondaryIndexes: []ddbtypes.GlobalSecondaryIndex{{
			IndexName:  aws.String("by-status"),
			KeySchema:  []ddbtypes.KeySchemaElement{{AttributeName: aws.String("status"), KeyType: ddbtypes.KeyTypeHash}},
			Projection: &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionTypeAll},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := dynamodb.NewTableExistsWaiter(client).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders")}, 5e9); err != nil {
		t.Fatal(err)
	}
}

func TestDynamoDBTablesAndItems(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	client := dynamodb.NewFromConfig(srv.AWSConfig())
	createOrders(t, ctx, client)

	_, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("orders"),
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("customer"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("customer"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	})
	apiError(t, err, "ResourceInUseException", http.StatusBadRequest)

	for i := 1; i <= 6; i++ {
		status := "open"
		if i%2 == 0 {
			status = "shipped"
		}
		if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{
			TableName: aws.String("orders"),
			Item: map[string]ddbtypes.AttributeValue{
				"customer": sAttr("c1"), "order": nAttr(fmt.Sprint(i)), "status": sAttr(status),
				"lines": &ddbtypes.AttributeValueMemberL{Value: []ddbtypes.AttributeValue{sAttr("x")}},
			},
			ConditionExpression: aws.String("attribute_not_exists(customer)"),
		}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:           aws.String("orders"),
		Item:                map[string]ddbtypes.AttributeValue{"customer": sAttr("c1"), "order": nAttr("1")},
		ConditionExpression: aws.String("attribute_not_exists(customer)"),
	})
	var ccf *ddbtypes.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		t.Fatalf("conditional put: %v, want ConditionalCheckFailedException", err)
	}

	up, err := client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String("orders"),
		Key:                       map[string]ddbtypes.AttributeValue{"customer": sAttr("c1"), "order": nAttr("1")},
		UpdateExpression:          aws.String("SET #s = :s ADD version :one"),
		ExpressionAttributeNames:  map[string]string{"#s": "status"},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":s": sAttr("shipped"), ":one": nAttr("1")},
		ReturnValues:              ddbtypes.ReturnValueAllNew,
	})
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := up.Attributes["version"].(*ddbtypes.AttributeValueMemberN); !ok || v.Value != "1" {
		t.Fatalf("UpdateItem attributes = %#v", up.Attributes)
	}

	q, err := client.Query(ctx, &dynamodb.QueryInput{
		TableName:                 aws.String("orders"),
		KeyConditionExpression:    aws.String("customer = :c AND #o BETWEEN :a AND :b"),
		ExpressionAttributeNames:  map[string]string{"#o": "order"},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":c": sAttr("c1"), ":a": nAttr("2"), ":b": nAttr("5")},
		ScanIndexForward:          aws.Bool(false),
		ReturnConsumedCapacity:    ddbtypes.ReturnConsumedCapacityTotal,
	})
	if err != nil {
		t.Fatal(err)
	}
	if q.Count != 4 || q.Items[0]["order"].(*ddbtypes.AttributeValueMemberN).Value != "5" || q.ConsumedCapacity == nil {
		t.Fatalf("Query = count %d items %v", q.Count, q.Items)
	}

	// Paginate the GSI with the SDK's paginator.
	pager := dynamodb.NewQueryPaginator(client, &dynamodb.QueryInput{
		TableName:                 aws.String("orders"),
		IndexName:                 aws.String("by-status"),
		KeyConditionExpression:    aws.String("#s = :s"),
		ExpressionAttributeNames:  map[string]string{"#s": "status"},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":s": sAttr("shipped")},
		Limit:                     aws.Int32(2),
	})
	shipped := 0
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		shipped += len(page.Items)
	}
	if shipped != 4 {
		t.Fatalf("GSI query found %d shipped orders, want 4", shipped)
	}

	_, err = client.Query(ctx, &dynamodb.QueryInput{
		TableName: aws.String("orders"), IndexName: aws.String("by-status"), ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("#s = :s"),
		ExpressionAttributeNames:  map[string]string{"#s": "status"},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":s": sAttr("open")},
	})
	apiError(t, err, "ValidationException", http.StatusBadRequest)

	_, err = client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("orders"), Key: map[string]ddbtypes.AttributeValue{"customer": sAttr("c1")}})
	if ae := apiError(t, err, "ValidationException", http.StatusBadRequest); ae.ErrorMessage() != "The provided key element does not match the schema" {
		t.Fatalf("GetItem message = %q", ae.ErrorMessage())
	}

	desc, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt64(desc.Table.ItemCount) != 6 || desc.Table.TableStatus != ddbtypes.TableStatusActive ||
		aws.ToInt64(desc.Table.GlobalSecondaryIndexes[0].ItemCount) != 6 {
		t.Fatalf("DescribeTable = %+v", desc.Table)
	}

	if _, err := client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("orders")}); err != nil {
		t.Fatal(err)
	}
	_, err = client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders")})
	apiError(t, err, "ResourceNotFoundException", http.StatusBadRequest)
}

func TestDynamoDBBatchesAndTransactions(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	client := dynamodb.NewFromConfig(srv.AWSConfig())
	createOrders(t, ctx, client)

	var writes []ddbtypes.WriteRequest
	for i := 0; i < 25; i++ {
		writes = append(writes, ddbtypes.WriteRequest{PutRequest: &ddbtypes.PutRequest{Item: map[string]ddbtypes.AttributeValue{
			"customer": sAttr(fmt.Sprintf("c%d", i%5)), "order": nAttr(fmt.Sprint(i)), "status": sAttr("open"),
		}}})
	}
	bw, err := client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]ddbtypes.WriteRequest{"orders": writes}})
	if err != nil || len(bw.UnprocessedItems) != 0 {
		t.Fatalf("BatchWriteItem = %v, %v", bw, err)
	}
	bg, err := client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]ddbtypes.KeysAndAttributes{"orders": {
		Keys: []map[string]ddbtypes.AttributeValue{
			{"customer": sAttr("c0"), "order": nAttr("0")}, {"customer": sAttr("c1"), "order": nAttr("1")}, {"customer": sAttr("c1"), "order": nAttr("2")},
		},
	}}})
	if err != nil || len(bg.Responses["orders"]) != 2 {
		t.Fatalf("BatchGetItem = %v, %v", bg, err)
	}

	_, err = client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []ddbtypes.TransactWriteItem{
		{Update: &ddbtypes.Update{TableName: aws.String("orders"), Key: map[string]ddbtypes.AttributeValue{"customer": sAttr("c0"), "order": nAttr("0")},
			UpdateExpression: aws.String("SET #s = :s"), ExpressionAttributeNames: map[string]string{"#s": "status"},
			ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":s": sAttr("paid")}}},
		{ConditionCheck: &ddbtypes.ConditionCheck{TableName: aws.String("orders"), Key: map[string]ddbtypes.AttributeValue{"customer": sAttr("c1"), "order": nAttr("1")},
			ConditionExpression: aws.String("attribute_not_exists(customer)")}},
	}})
	var tce *ddbtypes.TransactionCanceledException
	if !errors.As(err, &tce) || len(tce.CancellationReasons) != 2 || aws.ToString(tce.CancellationReasons[1].Code) != "ConditionalCheckFailed" ||
		aws.ToString(tce.CancellationReasons[0].Code) != "None" {
		t.Fatalf("TransactWriteItems = %v, want TransactionCanceledException with reasons [None, ConditionalCheckFailed]", err)
	}
	tg, err := client.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{TransactItems: []ddbtypes.TransactGetItem{
		{Get: &ddbtypes.Get{TableName: aws.String("orders"), Key: map[string]ddbtypes.AttributeValue{"customer": sAttr("c0"), "order": nAttr("0")}}},
	}})
	if err != nil || tg.Responses[0].Item["status"].(*ddbtypes.AttributeValueMemberS).Value != "open" {
		t.Fatalf("TransactGetItems after a cancelled transaction = %v, %v", tg, err)
	}

	// Racing conditional writes: exactly one wins.
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
				TableName: aws.String("orders"), Key: map[string]ddbtypes.AttributeValue{"customer": sAttr("c0"), "order": nAttr("0")},
				UpdateExpression: aws.String("SET #s = :s"), ConditionExpression: aws.String("#s = :open"),
				ExpressionAttributeNames:  map[string]string{"#s": "status"},
				ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":s": sAttr(fmt.Sprint("w", i)), ":open": sAttr("open")},
			})
			if err == nil {
				mu.Lock()
				won++
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d racing conditional updates succeeded, want 1", won)
	}

	// Parallel scan segments cover the table exactly once.
	seen := map[string]int{}
	for seg := int32(0); seg < 4; seg++ {
		out, err := client.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("orders"), Segment: aws.Int32(seg), TotalSegments: aws.Int32(4)})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range out.Items {
			seen[it["customer"].(*ddbtypes.AttributeValueMemberS).Value+"/"+it["order"].(*ddbtypes.AttributeValueMemberN).Value]++
		}
	}
	if len(seen) != 25 {
		t.Fatalf("segmented scan saw %d items, want 25", len(seen))
	}
}
