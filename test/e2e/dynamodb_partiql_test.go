package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// createPartiQLTable makes a table keyed by pk (S) and sk (N).
func createPartiQLTable(t *testing.T, ctx context.Context, client *dynamodb.Client, name string) {
	t.Helper()
	_, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String(name),
		KeySchema: []ddbtypes.KeySchemaElement{
			{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: ddbtypes.KeyTypeRange},
		},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: ddbtypes.ScalarAttributeTypeN},
		},
		BillingMode: ddbtypes.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDynamoDBExecuteStatement(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	client := dynamodb.NewFromConfig(srv.AWSConfig())
	createPartiQLTable(t, ctx, client, "music")

	for i := 1; i <= 5; i++ {
		_, err := client.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{
			Statement:  aws.String(`INSERT INTO "music" VALUE {'pk': ?, 'sk': ?, 'title': ?}`),
			Parameters: []ddbtypes.AttributeValue{sAttr("band"), nAttr(fmt.Sprint(i)), sAttr(fmt.Sprintf("song %d", i))},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := client.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{
		Statement: aws.String(`INSERT INTO "music" VALUE {'pk': 'band', 'sk': 1}`),
	})
	apiError(t, err, "DuplicateItemException", http.StatusBadRequest)

	out, err := client.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{
		Statement:      aws.String(`SELECT title FROM "music" WHERE pk = ? AND sk = ?`),
		Parameters:     []ddbtypes.AttributeValue{sAttr("band"), nAttr("2")},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Items) != 1 || out.Items[0]["title"].(*ddbtypes.AttributeValueMemberS).Value != "song 2" {
		t.Fatalf("GetItem-like SELECT: %#v", out.Items)
	}

	// Follow NextToken as applications do.
	in := &dynamodb.ExecuteStatementInput{
		Statement: aws.String(`SELECT * FROM "music" WHERE pk = 'band' AND sk > 1`),
		Limit:     aws.Int32(2),
	}
	n, calls := 0, 0
	for calls < 10 {
		p, err := client.ExecuteStatement(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		n += len(p.Items)
		calls++
		if p.NextToken == nil {
			break
		}
		in.NextToken = p.NextToken
	}
	if n != 4 || calls < 2 {
		t.Fatalf("paginated SELECT: %d items in %d pages, want 4 in 2 or more", n, calls)
	}

	up, err := client.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{
		Statement: aws.String(`UPDATE "music" SET plays = 1 WHERE pk = 'band' AND sk = 3 RETURNING ALL NEW *`),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(up.Items) != 1 || up.Items[0]["plays"] == nil {
		t.Fatalf("UPDATE RETURNING: %#v", up.Items)
	}
	_, err = client.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{
		Statement:                           aws.String(`DELETE FROM "music" WHERE pk = 'band' AND sk = 3 AND plays = 2`),
		ReturnValuesOnConditionCheckFailure: ddbtypes.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var ccf *ddbtypes.ConditionalCheckFailedException
	if !errors.As(err, &ccf) || ccf.Item["plays"] == nil {
		t.Fatalf("conditional DELETE: want ConditionalCheckFailedException with the item, got %v", err)
	}
}

func TestDynamoDBBatchExecuteStatement(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	client := dynamodb.NewFromConfig(srv.AWSConfig())
	createPartiQLTable(t, ctx, client, "music")

	w, err := client.BatchExecuteStatement(ctx, &dynamodb.BatchExecuteStatementInput{Statements: []ddbtypes.BatchStatementRequest{
		{Statement: aws.String(`INSERT INTO "music" VALUE {'pk': 'a', 'sk': 1}`)},
		{Statement: aws.String(`INSERT INTO "music" VALUE {'pk': 'a', 'sk': 2}`)},
		{Statement: aws.String(`INSERT INTO "music" VALUE {'pk': 'a', 'sk': 1}`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if w.Responses[0].Error != nil || w.Responses[1].Error != nil ||
		w.Responses[2].Error == nil || w.Responses[2].Error.Code != ddbtypes.BatchStatementErrorCodeEnumDuplicateItem {
		t.Fatalf("batch writes: %#v", w.Responses)
	}

	r, err := client.BatchExecuteStatement(ctx, &dynamodb.BatchExecuteStatementInput{
		Statements: []ddbtypes.BatchStatementRequest{
			{Statement: aws.String(`SELECT * FROM "music" WHERE pk = 'a' AND sk = 2`)},
			{Statement: aws.String(`SELECT * FROM "music" WHERE pk = 'a' AND sk = 9`), ConsistentRead: aws.Bool(true)},
			{Statement: aws.String(`SELECT * FROM "music" WHERE pk = 'a'`)},
		},
		ReturnConsumedCapacity: ddbtypes.ReturnConsumedCapacityTotal,
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Responses[0].Item == nil || aws.ToString(r.Responses[0].TableName) != "music" || r.Responses[1].Item != nil ||
		r.Responses[2].Error == nil || r.Responses[2].Error.Code != ddbtypes.BatchStatementErrorCodeEnumValidationError {
		t.Fatalf("batch reads: %#v", r.Responses)
	}
	if len(r.ConsumedCapacity) != 1 || aws.ToFloat64(r.ConsumedCapacity[0].CapacityUnits) != 1.5 {
		t.Fatalf("batch read capacity: %#v", r.ConsumedCapacity)
	}

	_, err = client.BatchExecuteStatement(ctx, &dynamodb.BatchExecuteStatementInput{Statements: []ddbtypes.BatchStatementRequest{
		{Statement: aws.String(`SELECT * FROM "music" WHERE pk = 'a' AND sk = 2`)},
		{Statement: aws.String(`DELETE FROM "music" WHERE pk = 'a' AND sk = 2`)},
	}})
	apiError(t, err, "ValidationException", http.StatusBadRequest)
}

func TestDynamoDBExecuteTransaction(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	client := dynamodb.NewFromConfig(srv.AWSConfig())
	createPartiQLTable(t, ctx, client, "accounts")

	_, err := client.ExecuteTransaction(ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: []ddbtypes.ParameterizedStatement{
		{Statement: aws.String(`INSERT INTO "accounts" VALUE {'pk': 'alice', 'sk': 0, 'balance': 100}`)},
		{Statement: aws.String(`INSERT INTO "accounts" VALUE {'pk': 'bob', 'sk': 0, 'balance': 0}`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	transfer := func(amount string) error {
		_, err := client.ExecuteTransaction(ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: []ddbtypes.ParameterizedStatement{
			{Statement: aws.String(`UPDATE "accounts" SET balance = balance - ? WHERE pk = 'alice' AND sk = 0 AND balance >= ?`),
				Parameters: []ddbtypes.AttributeValue{nAttr(amount), nAttr(amount)}, ReturnValuesOnConditionCheckFailure: ddbtypes.ReturnValuesOnConditionCheckFailureAllOld},
			{Statement: aws.String(`UPDATE "accounts" SET balance = balance + ? WHERE pk = 'bob' AND sk = 0`),
				Parameters: []ddbtypes.AttributeValue{nAttr(amount)}},
		}})
		return err
	}
	if err := transfer("60"); err != nil {
		t.Fatal(err)
	}
	err = transfer("60")
	var tce *ddbtypes.TransactionCanceledException
	if !errors.As(err, &tce) || len(tce.CancellationReasons) != 2 ||
		aws.ToString(tce.CancellationReasons[0].Code) != "ConditionalCheckFailed" || tce.CancellationReasons[0].Item == nil ||
		aws.ToString(tce.CancellationReasons[1].Code) != "None" {
		t.Fatalf("want TransactionCanceledException [ConditionalCheckFailed, None] with the item, got %v", err)
	}

	out, err := client.ExecuteTransaction(ctx, &dynamodb.ExecuteTransactionInput{TransactStatements: []ddbtypes.ParameterizedStatement{
		{Statement: aws.String(`SELECT balance FROM "accounts" WHERE pk = 'alice' AND sk = 0`)},
		{Statement: aws.String(`SELECT balance FROM "accounts" WHERE pk = 'bob' AND sk = 0`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, r := range out.Responses {
		got = append(got, r.Item["balance"].(*ddbtypes.AttributeValueMemberN).Value)
	}
	if fmt.Sprint(got) != "[40 60]" {
		t.Fatalf("balances = %v, want [40 60]", got)
	}
}
