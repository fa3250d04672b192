package e2e

import (
	"context"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func ddbClient(url string) *dynamodb.Client {
	return dynamodb.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	})
}

// TestDynamoDBKill9KeepsTransactionsWhole runs concurrent 3-item
// transactions against the real binary, kills it with SIGKILL mid-stream and
// restarts it: every acknowledged transaction is there in full, and no
// transaction is there in part.
func TestDynamoDBKill9KeepsTransactionsWhole(t *testing.T) {
	ctx := context.Background()
	bin := buildBinary(t)
	dataDir := t.TempDir()
	cmd, url := startBinary(t, bin, dataDir)
	client := ddbClient(url)
	if _, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("txs"),
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		BillingMode:          ddbtypes.BillingModePayPerRequest,
	}); err != nil {
		t.Fatal(err)
	}
	if err := dynamodb.NewTableExistsWaiter(client).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("txs")}, 10*time.Second); err != nil {
		t.Fatal(err)
	}

	const writers = 8
	var mu sync.Mutex
	acked := map[string]bool{}
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100000; i++ {
				txid := fmt.Sprintf("w%d-%d", w, i)
				var items []ddbtypes.TransactWriteItem
				for j := 0; j < 3; j++ {
					items = append(items, ddbtypes.TransactWriteItem{Put: &ddbtypes.Put{
						TableName: aws.String("txs"),
						Item: map[string]ddbtypes.AttributeValue{
							"id": sAttr(fmt.Sprintf("%s/%d", txid, j)), "tx": sAttr(txid), "part": nAttr(fmt.Sprint(j)),
						},
						ConditionExpression: aws.String("attribute_not_exists(id)"),
					}})
				}
				if _, err := client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items}); err != nil {
					return // the server is gone
				}
				mu.Lock()
				acked[txid] = true
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
	t.Logf("%d transactions acknowledged before SIGKILL", len(acked))
	if len(acked) == 0 {
		t.Fatal("no transaction was acknowledged before SIGKILL")
	}

	cmd, url = startBinary(t, bin, dataDir)
	defer func() {
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}()
	client = ddbClient(url)
	parts := map[string]map[string]bool{}
	p := dynamodb.NewScanPaginator(client, &dynamodb.ScanInput{TableName: aws.String("txs"), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("scan after restart: %v", err)
		}
		for _, it := range page.Items {
			tx, _ := it["tx"].(*ddbtypes.AttributeValueMemberS)
			id, _ := it["id"].(*ddbtypes.AttributeValueMemberS)
			if tx == nil || id == nil {
				t.Fatalf("malformed item after restart: %v", it)
			}
			if parts[tx.Value] == nil {
				parts[tx.Value] = map[string]bool{}
			}
			parts[tx.Value][id.Value] = true
		}
	}
	for txid := range acked {
		if len(parts[txid]) != 3 {
			t.Errorf("acknowledged transaction %s has %d of 3 items after kill -9", txid, len(parts[txid]))
		}
	}
	for txid, ps := range parts {
		if len(ps) != 3 {
			t.Errorf("transaction %s is half-applied after kill -9: items %v", txid, ps)
		}
	}
	t.Logf("%d transactions present after restart", len(parts))
}
