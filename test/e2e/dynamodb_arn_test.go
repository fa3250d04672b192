package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

const (
	arnOwner = "222233334444"
	arnOther = "555566667777"
)

// createARNTable creates table "shared" (pk S, sk N) and returns its ARN.
func createARNTable(t *testing.T, ctx context.Context, c *dynamodb.Client, policy *string) string {
	t.Helper()
	out, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("shared"),
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}, {AttributeName: aws.String("sk"), AttributeType: ddbtypes.ScalarAttributeTypeN}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}, {AttributeName: aws.String("sk"), KeyType: ddbtypes.KeyTypeRange}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		ResourcePolicy:       policy,
	})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.TableDescription.TableArn)
}

// TestDynamoDBTableARNs names a table by its ARN in every operation family.
func TestDynamoDBTableARNs(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t, unkaitest.WithAccessKey(arnOwner))
	c := dynamodb.NewFromConfig(srv.AWSConfig())
	tarn := createARNTable(t, ctx, c, nil)
	if tarn != "arn:aws:dynamodb:us-east-1:"+arnOwner+":table/shared" {
		t.Fatalf("arn %s", tarn)
	}
	key := map[string]ddbtypes.AttributeValue{"pk": sAttr("a"), "sk": nAttr("1")}
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: &tarn, Item: map[string]ddbtypes.AttributeValue{"pk": sAttr("a"), "sk": nAttr("1"), "v": sAttr("x")}}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: &tarn, Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil || got.Item["v"] == nil {
		t.Fatalf("GetItem by ARN: %v %v", got, err)
	}
	q, err := c.Query(ctx, &dynamodb.QueryInput{TableName: &tarn, KeyConditionExpression: aws.String("pk = :p"),
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":p": sAttr("a")}})
	if err != nil || q.Count != 1 {
		t.Fatalf("Query by ARN: %v %v", q, err)
	}
	bw, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]ddbtypes.WriteRequest{
		tarn: {{PutRequest: &ddbtypes.PutRequest{Item: map[string]ddbtypes.AttributeValue{"pk": sAttr("b"), "sk": nAttr("2")}}}}},
		ReturnConsumedCapacity: ddbtypes.ReturnConsumedCapacityTotal})
	if err != nil || len(bw.ConsumedCapacity) != 1 || aws.ToString(bw.ConsumedCapacity[0].TableName) != tarn {
		t.Fatalf("BatchWriteItem by ARN: %+v %v", bw, err)
	}
	bg, err := c.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]ddbtypes.KeysAndAttributes{
		tarn: {Keys: []map[string]ddbtypes.AttributeValue{key, {"pk": sAttr("b"), "sk": nAttr("2")}}}}})
	if err != nil || len(bg.Responses[tarn]) != 2 {
		t.Fatalf("BatchGetItem by ARN (keyed as sent): %+v %v", bg, err)
	}
	if _, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []ddbtypes.TransactWriteItem{
		{Update: &ddbtypes.Update{TableName: &tarn, Key: key, UpdateExpression: aws.String("SET n = :n"), ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":n": nAttr("5")}}}}}); err != nil {
		t.Fatal(err)
	}
	tg, err := c.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{TransactItems: []ddbtypes.TransactGetItem{{Get: &ddbtypes.Get{TableName: &tarn, Key: key}}}})
	if err != nil || tg.Responses[0].Item["n"] == nil {
		t.Fatalf("TransactGetItems by ARN: %v %v", tg, err)
	}
	if _, err := c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: &tarn, TimeToLiveSpecification: &ddbtypes.TimeToLiveSpecification{Enabled: aws.Bool(true), AttributeName: aws.String("exp")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateContributorInsights(ctx, &dynamodb.UpdateContributorInsightsInput{TableName: &tarn, ContributorInsightsAction: ddbtypes.ContributorInsightsActionEnable}); err != nil {
		t.Fatal(err)
	}
	ci, err := c.DescribeContributorInsights(ctx, &dynamodb.DescribeContributorInsightsInput{TableName: &tarn})
	if err != nil || ci.ContributorInsightsStatus != ddbtypes.ContributorInsightsStatusEnabled || len(ci.ContributorInsightsRuleList) != 4 {
		t.Fatalf("DescribeContributorInsights: %+v %v", ci, err)
	}
	list, err := c.ListContributorInsights(ctx, &dynamodb.ListContributorInsightsInput{})
	if err != nil || len(list.ContributorInsightsSummaries) != 1 {
		t.Fatalf("ListContributorInsights: %+v %v", list, err)
	}
	if _, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: &tarn, DeletionProtectionEnabled: aws.Bool(false)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("arn:aws:dynamodb:eu-west-1:" + arnOwner + ":table/shared")})
	if ae := apiError(t, err, "ValidationException", 400); !strings.Contains(ae.ErrorMessage(), "Invalid AWS region in") {
		t.Errorf("other region: %s", ae.ErrorMessage())
	}
	_, err = c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("arn:aws:dynamodb:us-east-1:" + arnOwner + ":table/shared/index/x")})
	apiError(t, err, "ValidationException", 400)
	_, err = c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: &tarn,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}}, BillingMode: ddbtypes.BillingModePayPerRequest})
	apiError(t, err, "ValidationException", 400)

	// The AWS CLI: describe-table and the policy commands take the ARN.
	d := runAWS(t, srv, arnOwner, "dynamodb", "describe-table", "--table-name", tarn)
	if d["Table"].(map[string]any)["TableName"] != "shared" {
		t.Errorf("describe-table by ARN: %v", d)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + arnOther + `:root"},"Action":"dynamodb:GetItem","Resource":"` + tarn + `"}]}`
	put := runAWS(t, srv, arnOwner, "dynamodb", "put-resource-policy", "--resource-arn", tarn, "--policy", doc)
	rev, _ := put["RevisionId"].(string)
	if rev == "" {
		t.Fatalf("put-resource-policy: %v", put)
	}
	gp := runAWS(t, srv, arnOwner, "dynamodb", "get-resource-policy", "--resource-arn", tarn)
	if gp["RevisionId"] != rev || gp["Policy"] != doc {
		t.Errorf("get-resource-policy: %v", gp)
	}
	runAWS(t, srv, arnOwner, "dynamodb", "delete-resource-policy", "--resource-arn", tarn, "--expected-revision-id", rev)
	if msg := runAWSFail(t, srv, "dynamodb", "get-resource-policy", "--resource-arn", "arn:aws:dynamodb:us-east-1:000000000000:table/shared"); !strings.Contains(msg, "ResourceNotFoundException") {
		t.Errorf("get-resource-policy of a missing table: %s", msg)
	}
	if _, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: &tarn}); err != nil {
		t.Fatal(err)
	}
}

// TestDynamoDBCrossAccountPolicy reaches another account's table in strict
// mode, refused without a resource policy and allowed by one. Strict mode
// knows one key pair, so the two accounts take turns on one data directory.
func TestDynamoDBCrossAccountPolicy(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	tarn := "arn:aws:dynamodb:us-east-1:" + arnOwner + ":table/shared"
	key := map[string]ddbtypes.AttributeValue{"pk": sAttr("a"), "sk": nAttr("1")}
	as := func(account string, fn func(c *dynamodb.Client)) {
		t.Run(account, func(t *testing.T) {
			srv := unkaitest.Start(t, unkaitest.WithDataDir(dir), unkaitest.WithStrictAuth(account, "secret-"+account))
			fn(dynamodb.NewFromConfig(srv.AWSConfig()))
		})
	}
	as(arnOwner, func(c *dynamodb.Client) {
		createARNTable(t, ctx, c, nil)
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("shared"), Item: key}); err != nil {
			t.Fatal(err)
		}
	})
	as(arnOther, func(c *dynamodb.Client) {
		_, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: &tarn, Key: key})
		if ae := apiError(t, err, "AccessDeniedException", 400); !strings.Contains(ae.ErrorMessage(), "because no resource-based policy allows the dynamodb:GetItem action") {
			t.Errorf("no policy: %s", ae.ErrorMessage())
		}
		_, err = c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("shared")})
		apiError(t, err, "ResourceNotFoundException", 400)
	})
	as(arnOwner, func(c *dynamodb.Client) {
		doc := `{"Version":"2012-10-17","Statement":[` +
			`{"Effect":"Allow","Principal":{"AWS":"` + arnOther + `"},"Action":["dynamodb:GetItem","dynamodb:PutItem","dynamodb:DescribeTable"],"Resource":"` + tarn + `"},` +
			`{"Effect":"Deny","Principal":"*","Action":"dynamodb:DeleteTable","Resource":"` + tarn + `"}]}`
		if _, err := c.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: &tarn, Policy: &doc}); err != nil {
			t.Fatal(err)
		}
		_, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("shared")})
		apiError(t, err, "AccessDeniedException", 400)
	})
	as(arnOther, func(c *dynamodb.Client) {
		got, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: &tarn, Key: key})
		if err != nil || got.Item == nil {
			t.Fatalf("allowed GetItem: %v %v", got, err)
		}
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: &tarn, Item: map[string]ddbtypes.AttributeValue{"pk": sAttr("from-other"), "sk": nAttr("2")}}); err != nil {
			t.Fatal(err)
		}
		if d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &tarn}); err != nil || aws.ToString(d.Table.TableArn) != tarn {
			t.Fatalf("allowed DescribeTable: %v %v", d, err)
		}
		_, err = c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &tarn, Key: key})
		apiError(t, err, "AccessDeniedException", 400)
		_, err = c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: &tarn, TimeToLiveSpecification: &ddbtypes.TimeToLiveSpecification{Enabled: aws.Bool(true), AttributeName: aws.String("e")}})
		apiError(t, err, "AccessDeniedException", 400)
	})
	as(arnOwner, func(c *dynamodb.Client) {
		got, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("shared"), Key: map[string]ddbtypes.AttributeValue{"pk": sAttr("from-other"), "sk": nAttr("2")}})
		if err != nil || got.Item == nil {
			t.Fatalf("the other account's write: %v %v", got, err)
		}
		if _, err := c.DeleteResourcePolicy(ctx, &dynamodb.DeleteResourcePolicyInput{ResourceArn: &tarn}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("shared")}); err != nil {
			t.Fatal(err)
		}
	})
}
