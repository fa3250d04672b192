package e2e

import (
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// TestDynamoDBAWSCLI runs a short `aws dynamodb` session.
func TestDynamoDBAWSCLI(t *testing.T) {
	srv := unkaitest.Start(t)

	created := runAWS(t, srv, "test", "dynamodb", "create-table", "--table-name", "cli",
		"--attribute-definitions", "AttributeName=pk,AttributeType=S", "AttributeName=sk,AttributeType=N",
		"--key-schema", "AttributeName=pk,KeyType=HASH", "AttributeName=sk,KeyType=RANGE",
		"--billing-mode", "PAY_PER_REQUEST")
	desc, _ := created["TableDescription"].(map[string]any)
	if desc["TableName"] != "cli" {
		t.Fatalf("create-table = %v", created)
	}
	runAWS(t, srv, "test", "dynamodb", "wait", "table-exists", "--table-name", "cli")

	for _, item := range []string{
		`{"pk":{"S":"a"},"sk":{"N":"1"},"note":{"S":"one"}}`,
		`{"pk":{"S":"a"},"sk":{"N":"2"},"note":{"S":"two"},"n":{"N":"12345678901234567890123456789012345678"}}`,
		`{"pk":{"S":"a"},"sk":{"N":"3"},"tags":{"SS":["x","y"]}}`,
		`{"pk":{"S":"b"},"sk":{"N":"1"}}`,
	} {
		runAWS(t, srv, "test", "dynamodb", "put-item", "--table-name", "cli", "--item", item)
	}
	msg := runAWSFail(t, srv, "dynamodb", "put-item", "--table-name", "cli", "--item", `{"pk":{"S":"b"},"sk":{"N":"1"}}`,
		"--condition-expression", "attribute_not_exists(pk)")
	if !strings.Contains(msg, "ConditionalCheckFailedException") {
		t.Errorf("conditional put-item: %s", msg)
	}

	q := runAWS(t, srv, "test", "dynamodb", "query", "--table-name", "cli",
		"--key-condition-expression", "pk = :p AND sk >= :s",
		"--expression-attribute-values", `{":p":{"S":"a"},":s":{"N":"2"}}`, "--no-scan-index-forward")
	items, _ := q["Items"].([]any)
	if q["Count"] != float64(2) || len(items) != 2 {
		t.Fatalf("query = %v", q)
	}
	first := items[0].(map[string]any)
	if first["sk"].(map[string]any)["N"] != "3" || items[1].(map[string]any)["n"].(map[string]any)["N"] != "12345678901234567890123456789012345678" {
		t.Errorf("query items = %v", items)
	}

	count := runAWS(t, srv, "test", "dynamodb", "scan", "--table-name", "cli", "--select", "COUNT")
	if count["Count"] != float64(4) || count["ScannedCount"] != float64(4) || count["Items"] != nil {
		t.Errorf("scan --select COUNT = %v", count)
	}

	described := runAWS(t, srv, "test", "dynamodb", "describe-table", "--table-name", "cli")
	table, _ := described["Table"].(map[string]any)
	if table["TableStatus"] != "ACTIVE" || table["ItemCount"] != float64(4) || len(table["KeySchema"].([]any)) != 2 {
		t.Errorf("describe-table = %v", described)
	}

	runAWS(t, srv, "test", "dynamodb", "delete-table", "--table-name", "cli")
	runAWS(t, srv, "test", "dynamodb", "wait", "table-not-exists", "--table-name", "cli")
	msg = runAWSFail(t, srv, "dynamodb", "describe-table", "--table-name", "cli")
	if !strings.Contains(msg, "ResourceNotFoundException") {
		t.Errorf("describe-table after delete-table: %s", msg)
	}
	if ts, _ := runAWS(t, srv, "test", "dynamodb", "list-tables")["TableNames"].([]any); len(ts) != 0 {
		t.Errorf("list-tables after delete-table = %v", ts)
	}
}
