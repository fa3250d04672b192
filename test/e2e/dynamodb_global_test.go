package e2e

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// regionClient is a DynamoDB client of srv for one region.
func regionClient(srv *unkaitest.Server, region string) *dynamodb.Client {
	cfg := srv.AWSConfig()
	cfg.Region = region
	return dynamodb.NewFromConfig(cfg)
}

// globalItems returns "pk=v" for every item of table "glob", sorted.
func globalItems(t *testing.T, ctx context.Context, c *dynamodb.Client) []string {
	t.Helper()
	var out []string
	p := dynamodb.NewScanPaginator(c, &dynamodb.ScanInput{TableName: aws.String("glob"), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			if _, ok := it["aws:rep:updatetime"]; ok {
				t.Fatalf("item exposes aws:rep attributes: %v", it)
			}
			v := ""
			if s, ok := it["v"].(*ddbtypes.AttributeValueMemberS); ok {
				v = s.Value
			}
			out = append(out, it["pk"].(*ddbtypes.AttributeValueMemberS).Value+"="+v)
		}
	}
	sort.Strings(out)
	return out
}

// replicaRegions returns the regions DescribeTable lists, with status.
func replicaRegions(t *testing.T, ctx context.Context, c *dynamodb.Client) (string, []string) {
	t.Helper()
	d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("glob")})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range d.Table.Replicas {
		out = append(out, aws.ToString(r.RegionName)+":"+string(r.ReplicaStatus))
	}
	return aws.ToString(d.Table.GlobalTableVersion), out
}

// TestDynamoDBGlobalTables builds a three-region global table with the SDK,
// writes in every region at once, reads everything back from every region,
// then removes a replica.
func TestDynamoDBGlobalTables(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	regions := []string{"us-east-1", "eu-west-1", "ap-northeast-1"}
	clients := map[string]*dynamodb.Client{}
	for _, r := range regions {
		clients[r] = regionClient(srv, r)
	}
	east := clients["us-east-1"]
	if _, err := east.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("glob"),
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	}); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if _, err := east.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("glob"), Item: map[string]ddbtypes.AttributeValue{
			"pk": sAttr(fmt.Sprintf("seed%02d", i)), "v": sAttr("seed")}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range regions[1:] {
		out, err := east.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("glob"),
			ReplicaUpdates: []ddbtypes.ReplicationGroupUpdate{{Create: &ddbtypes.CreateReplicationGroupMemberAction{RegionName: aws.String(r)}}}})
		if err != nil {
			t.Fatalf("add replica %s: %v", r, err)
		}
		if aws.ToString(out.TableDescription.GlobalTableVersion) != "2019.11.21" {
			t.Fatalf("UpdateTable = %+v", out.TableDescription)
		}
		w := dynamodb.NewTableExistsWaiter(clients[r])
		if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("glob")}, 10e9); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range regions {
		version, got := replicaRegions(t, ctx, clients[r])
		var want []string
		for _, o := range regions {
			if o != r {
				want = append(want, o+":ACTIVE")
			}
		}
		sort.Strings(want)
		if version != "2019.11.21" || strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("%s: version %q replicas %v, want %v", r, version, got, want)
		}
	}

	// Every region writes at once, some to the same items.
	var wg sync.WaitGroup
	for _, r := range regions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := clients[r]
			for i := range 40 {
				if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("glob"), Item: map[string]ddbtypes.AttributeValue{
					"pk": sAttr(fmt.Sprintf("%s-%02d", r, i)), "v": sAttr(r)}}); err != nil {
					t.Error(err)
					return
				}
				if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("glob"), Item: map[string]ddbtypes.AttributeValue{
					"pk": sAttr(fmt.Sprintf("shared-%02d", i%5)), "v": sAttr(r)}}); err != nil {
					t.Error(err)
					return
				}
			}
			if _, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("glob"),
				Key: map[string]ddbtypes.AttributeValue{"pk": sAttr(fmt.Sprintf("seed%02d", len(r)))}}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	want := globalItems(t, ctx, east)
	if len(want) != 50+3*40+5-2 { // us-east-1 and eu-west-1 delete the same seed
		t.Fatalf("%d items: %v", len(want), want)
	}
	for _, r := range regions[1:] {
		if got := globalItems(t, ctx, clients[r]); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("%s holds\n%v\nus-east-1 holds\n%v", r, got, want)
		}
	}
	// A conditional write sees the replicated state in another region.
	_, err := clients["ap-northeast-1"].PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("glob"),
		Item: map[string]ddbtypes.AttributeValue{"pk": sAttr("us-east-1-00")}, ConditionExpression: aws.String("attribute_not_exists(pk)")})
	var ccf *ddbtypes.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		t.Fatalf("conditional put = %v", err)
	}

	// Error cases.
	for _, tt := range []struct {
		region string
		update ddbtypes.ReplicationGroupUpdate
		want   string
	}{
		{"us-east-1", ddbtypes.ReplicationGroupUpdate{Create: &ddbtypes.CreateReplicationGroupMemberAction{RegionName: aws.String("us-east-1")}},
			"Cannot add or delete the local region through ReplicaUpdates"},
		{"us-east-1", ddbtypes.ReplicationGroupUpdate{Create: &ddbtypes.CreateReplicationGroupMemberAction{RegionName: aws.String("eu-west-1")}},
			"because one or more replicas already existed as tables"},
		{"eu-west-1", ddbtypes.ReplicationGroupUpdate{Delete: &ddbtypes.DeleteReplicationGroupMemberAction{RegionName: aws.String("us-west-2")}},
			"Please retry the request without these replicas: [us-west-2]"},
		{"eu-west-1", ddbtypes.ReplicationGroupUpdate{Create: &ddbtypes.CreateReplicationGroupMemberAction{RegionName: aws.String("mars-north-1")}},
			"Region mars-north-1 is not supported"},
	} {
		_, err := clients[tt.region].UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("glob"),
			ReplicaUpdates: []ddbtypes.ReplicationGroupUpdate{tt.update}})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" || !strings.Contains(ae.ErrorMessage(), tt.want) {
			t.Errorf("UpdateTable %+v in %s = %v, want %q", tt.update, tt.region, err, tt.want)
		}
	}

	// Removing a replica (from another region) deletes its table.
	if _, err := clients["eu-west-1"].UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("glob"),
		ReplicaUpdates: []ddbtypes.ReplicationGroupUpdate{{Delete: &ddbtypes.DeleteReplicationGroupMemberAction{RegionName: aws.String("ap-northeast-1")}}}}); err != nil {
		t.Fatal(err)
	}
	_, err = clients["ap-northeast-1"].DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("glob")})
	var rnf *ddbtypes.ResourceNotFoundException
	if !errors.As(err, &rnf) {
		t.Fatalf("DescribeTable of the removed replica = %v", err)
	}
	for r, want := range map[string]string{"us-east-1": "eu-west-1:ACTIVE", "eu-west-1": "us-east-1:ACTIVE"} {
		if _, got := replicaRegions(t, ctx, clients[r]); strings.Join(got, ",") != want {
			t.Errorf("%s lists %v, want %s", r, got, want)
		}
	}
	if _, err := east.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("glob"),
		Item: map[string]ddbtypes.AttributeValue{"pk": sAttr("late"), "v": sAttr("x")}}); err != nil {
		t.Fatal(err)
	}
	if a, b := globalItems(t, ctx, east), globalItems(t, ctx, clients["eu-west-1"]); strings.Join(a, " ") != strings.Join(b, " ") {
		t.Fatalf("replicas diverge after a removal")
	}
}

// TestDynamoDBGlobalTablesCLI adds and removes a replica with
// `aws dynamodb update-table --replica-updates`.
func TestDynamoDBGlobalTablesCLI(t *testing.T) {
	srv := unkaitest.Start(t)
	runAWS(t, srv, "test", "dynamodb", "create-table", "--table-name", "glob", "--region", "us-east-1",
		"--attribute-definitions", "AttributeName=pk,AttributeType=S", "--key-schema", "AttributeName=pk,KeyType=HASH",
		"--billing-mode", "PAY_PER_REQUEST")
	runAWS(t, srv, "test", "dynamodb", "put-item", "--table-name", "glob", "--region", "us-east-1",
		"--item", `{"pk":{"S":"a"},"v":{"S":"1"}}`)
	out := runAWS(t, srv, "test", "dynamodb", "update-table", "--table-name", "glob", "--region", "us-east-1",
		"--replica-updates", `[{"Create":{"RegionName":"eu-west-1"}}]`)
	desc, _ := out["TableDescription"].(map[string]any)
	if desc["GlobalTableVersion"] != "2019.11.21" {
		t.Fatalf("update-table = %v", out)
	}
	runAWS(t, srv, "test", "dynamodb", "wait", "table-exists", "--table-name", "glob", "--region", "eu-west-1")
	got := runAWS(t, srv, "test", "dynamodb", "get-item", "--table-name", "glob", "--region", "eu-west-1",
		"--key", `{"pk":{"S":"a"}}`)
	if item, _ := got["Item"].(map[string]any); item == nil || item["v"].(map[string]any)["S"] != "1" {
		t.Fatalf("get-item in eu-west-1 = %v", got)
	}
	described := runAWS(t, srv, "test", "dynamodb", "describe-table", "--table-name", "glob", "--region", "eu-west-1")
	table, _ := described["Table"].(map[string]any)
	replicas, _ := table["Replicas"].([]any)
	if len(replicas) != 1 || replicas[0].(map[string]any)["RegionName"] != "us-east-1" || replicas[0].(map[string]any)["ReplicaStatus"] != "ACTIVE" {
		t.Fatalf("describe-table in eu-west-1 = %v", described)
	}
	msg := runAWSFail(t, srv, "dynamodb", "update-table", "--table-name", "glob", "--region", "us-east-1",
		"--replica-updates", `[{"Create":{"RegionName":"us-east-1"}}]`)
	if !strings.Contains(msg, "ValidationException") || !strings.Contains(msg, "local region") {
		t.Errorf("update-table of the local region: %s", msg)
	}
	runAWS(t, srv, "test", "dynamodb", "update-table", "--table-name", "glob", "--region", "us-east-1",
		"--replica-updates", `[{"Delete":{"RegionName":"eu-west-1"}}]`)
	msg = runAWSFail(t, srv, "dynamodb", "describe-table", "--table-name", "glob", "--region", "eu-west-1")
	if !strings.Contains(msg, "ResourceNotFoundException") {
		t.Errorf("describe-table of the removed replica: %s", msg)
	}
}
