package e2e

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// scanOrders returns "customer/order=note" for every item of a table, sorted.
func scanOrders(t *testing.T, ctx context.Context, client *dynamodb.Client, table string) []string {
	t.Helper()
	var out []string
	p := dynamodb.NewScanPaginator(client, &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			c := it["customer"].(*ddbtypes.AttributeValueMemberS).Value
			o := it["order"].(*ddbtypes.AttributeValueMemberN).Value
			note := ""
			if v, ok := it["note"].(*ddbtypes.AttributeValueMemberS); ok {
				note = v.Value
			}
			out = append(out, c+"/"+o+"="+note)
		}
	}
	sort.Strings(out)
	return out
}

// TestDynamoDBBackupRestore backs a table up, keeps writing, restores the
// backup and compares: the restored table holds exactly the backed-up data
// and its index works.
func TestDynamoDBBackupRestore(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	client := dynamodb.NewFromConfig(srv.AWSConfig())
	createOrders(t, ctx, client)
	put := func(customer string, order int, note string) {
		t.Helper()
		_, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: map[string]ddbtypes.AttributeValue{
			"customer": sAttr(customer), "order": nAttr(fmt.Sprint(order)), "status": sAttr("open"), "note": sAttr(note)}})
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := range 150 {
		put(fmt.Sprintf("c%d", i%7), i, "v1")
	}
	want := scanOrders(t, ctx, client, "orders")

	created, err := client.CreateBackup(ctx, &dynamodb.CreateBackupInput{TableName: aws.String("orders"), BackupName: aws.String("nightly")})
	if err != nil {
		t.Fatal(err)
	}
	backupArn := aws.ToString(created.BackupDetails.BackupArn)
	if !regexp.MustCompile(`^arn:aws:dynamodb:us-east-1:000000000000:table/orders/backup/\d{14}-[0-9a-f]{8}$`).MatchString(backupArn) ||
		created.BackupDetails.BackupType != ddbtypes.BackupTypeUser {
		t.Fatalf("CreateBackup = %+v", created.BackupDetails)
	}
	// Writes after the backup must not show in the restore.
	for i := range 20 {
		put("late", i, "v2")
	}
	put("c0", 0, "changed")
	if _, err := client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("orders"),
		Key: map[string]ddbtypes.AttributeValue{"customer": sAttr("c1"), "order": nAttr("1")}}); err != nil {
		t.Fatal(err)
	}

	var desc *dynamodb.DescribeBackupOutput
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		desc, err = client.DescribeBackup(ctx, &dynamodb.DescribeBackupInput{BackupArn: aws.String(backupArn)})
		if err != nil {
			t.Fatal(err)
		}
		if desc.BackupDescription.BackupDetails.BackupStatus == ddbtypes.BackupStatusAvailable || time.Now().After(deadline) {
			break
		}
	}
	bd := desc.BackupDescription
	if bd.BackupDetails.BackupStatus != ddbtypes.BackupStatusAvailable || aws.ToInt64(bd.SourceTableDetails.ItemCount) != 150 ||
		aws.ToString(bd.SourceTableDetails.TableName) != "orders" || len(bd.SourceTableFeatureDetails.GlobalSecondaryIndexes) != 1 ||
		aws.ToInt64(bd.BackupDetails.BackupSizeBytes) == 0 {
		t.Fatalf("DescribeBackup = %+v %+v", bd.BackupDetails, bd.SourceTableDetails)
	}

	list, err := client.ListBackups(ctx, &dynamodb.ListBackupsInput{TableName: aws.String("orders")})
	if err != nil || len(list.BackupSummaries) != 1 || aws.ToString(list.BackupSummaries[0].BackupArn) != backupArn {
		t.Fatalf("ListBackups = %+v, %v", list, err)
	}
	list, err = client.ListBackups(ctx, &dynamodb.ListBackupsInput{TableName: aws.String("orders"),
		TimeRangeUpperBound: aws.Time(time.Now().Add(-time.Hour))})
	if err != nil || len(list.BackupSummaries) != 0 {
		t.Fatalf("ListBackups before the backup = %+v, %v", list, err)
	}

	restored, err := client.RestoreTableFromBackup(ctx, &dynamodb.RestoreTableFromBackupInput{
		TargetTableName: aws.String("orders-restored"), BackupArn: aws.String(backupArn),
		BillingModeOverride:           ddbtypes.BillingModeProvisioned,
		ProvisionedThroughputOverride: &ddbtypes.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(3), WriteCapacityUnits: aws.Int64(4)},
		GlobalSecondaryIndexOverride: []ddbtypes.GlobalSecondaryIndex{{
			IndexName: aws.String("by-status"),
			KeySchema: []ddbtypes.KeySchemaElement{{AttributeName: aws.String("status"), KeyType: ddbtypes.KeyTypeHash}},
			// An override must match the source index's keys and projection (DDB-TABLE-273, -280).
			Projection:            &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionTypeAll},
			ProvisionedThroughput: &ddbtypes.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(1)},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	td := restored.TableDescription
	if td.TableStatus != ddbtypes.TableStatusCreating || td.RestoreSummary == nil || aws.ToString(td.RestoreSummary.SourceBackupArn) != backupArn {
		t.Fatalf("RestoreTableFromBackup = %+v", td)
	}
	if err := dynamodb.NewTableExistsWaiter(client).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders-restored")}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	got := scanOrders(t, ctx, client, "orders-restored")
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("restored table differs from the backup:\n got %d items %v\nwant %d items %v", len(got), got, len(want), want)
	}
	tbl, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders-restored")})
	if err != nil || aws.ToInt64(tbl.Table.ItemCount) != 150 || aws.ToInt64(tbl.Table.ProvisionedThroughput.ReadCapacityUnits) != 3 ||
		tbl.Table.RestoreSummary != nil { // gone once ACTIVE (DDB-TABLE-216)
		t.Fatalf("DescribeTable restored = %+v, %v", tbl, err)
	}
	q, err := client.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("orders-restored"), IndexName: aws.String("by-status"),
		KeyConditionExpression: aws.String("#s = :s"), ExpressionAttributeNames: map[string]string{"#s": "status"},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":s": sAttr("open")}, Select: ddbtypes.SelectCount})
	if err != nil || q.Count != 150 {
		t.Fatalf("index query on the restored table: %+v, %v", q, err)
	}

	_, err = client.RestoreTableFromBackup(ctx, &dynamodb.RestoreTableFromBackupInput{TargetTableName: aws.String("orders"), BackupArn: aws.String(backupArn)})
	var exists *ddbtypes.TableAlreadyExistsException
	if !errors.As(err, &exists) {
		t.Errorf("restore over an existing table: %v", err)
	}
	// Backups outlive their table.
	if _, err := client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("orders")}); err != nil {
		t.Fatal(err)
	}
	del, err := client.DeleteBackup(ctx, &dynamodb.DeleteBackupInput{BackupArn: aws.String(backupArn)})
	if err != nil || del.BackupDescription.BackupDetails.BackupStatus != ddbtypes.BackupStatusDeleted {
		t.Fatalf("DeleteBackup = %+v, %v", del, err)
	}
	_, err = client.DescribeBackup(ctx, &dynamodb.DescribeBackupInput{BackupArn: aws.String(backupArn)})
	var notFound *ddbtypes.BackupNotFoundException
	if !errors.As(err, &notFound) {
		t.Errorf("DescribeBackup after DeleteBackup: %v", err)
	}
	_, err = client.CreateBackup(ctx, &dynamodb.CreateBackupInput{TableName: aws.String("orders"), BackupName: aws.String("gone")})
	var noTable *ddbtypes.TableNotFoundException
	if !errors.As(err, &noTable) {
		t.Errorf("CreateBackup of a deleted table: %v", err)
	}
}

// TestDynamoDBBackupSurvivesRestart creates a backup, restarts the server
// on the same data directory and restores from it.
func TestDynamoDBBackupSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var backupArn string
	t.Run("first run", func(t *testing.T) {
		srv := unkaitest.Start(t, unkaitest.WithDataDir(dir))
		client := dynamodb.NewFromConfig(srv.AWSConfig())
		createOrders(t, ctx, client)
		for i := range 10 {
			if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: map[string]ddbtypes.AttributeValue{
				"customer": sAttr("c"), "order": nAttr(fmt.Sprint(i))}}); err != nil {
				t.Fatal(err)
			}
		}
		out, err := client.CreateBackup(ctx, &dynamodb.CreateBackupInput{TableName: aws.String("orders"), BackupName: aws.String("keep")})
		if err != nil {
			t.Fatal(err)
		}
		backupArn = aws.ToString(out.BackupDetails.BackupArn)
	})
	srv := unkaitest.Start(t, unkaitest.WithDataDir(dir))
	client := dynamodb.NewFromConfig(srv.AWSConfig())
	desc, err := client.DescribeBackup(ctx, &dynamodb.DescribeBackupInput{BackupArn: aws.String(backupArn)})
	if err != nil || desc.BackupDescription.BackupDetails.BackupStatus != ddbtypes.BackupStatusAvailable {
		t.Fatalf("DescribeBackup after restart = %+v, %v", desc, err)
	}
	if _, err := client.RestoreTableFromBackup(ctx, &dynamodb.RestoreTableFromBackupInput{
		TargetTableName: aws.String("again"), BackupArn: aws.String(backupArn)}); err != nil {
		t.Fatal(err)
	}
	if err := dynamodb.NewTableExistsWaiter(client).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("again")}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if got := scanOrders(t, ctx, client, "again"); len(got) != 10 {
		t.Fatalf("restored after restart: %v", got)
	}
}

// TestDynamoDBBackupCLI runs create-backup and restore-table-from-backup
// through the AWS CLI.
func TestDynamoDBBackupCLI(t *testing.T) {
	srv := unkaitest.Start(t)
	runAWS(t, srv, "test", "dynamodb", "create-table", "--table-name", "clitable",
		"--attribute-definitions", "AttributeName=pk,AttributeType=S", "--key-schema", "AttributeName=pk,KeyType=HASH",
		"--billing-mode", "PAY_PER_REQUEST")
	for _, k := range []string{"a", "b", "c"} {
		runAWS(t, srv, "test", "dynamodb", "put-item", "--table-name", "clitable", "--item", `{"pk":{"S":"`+k+`"}}`)
	}
	created := runAWS(t, srv, "test", "dynamodb", "create-backup", "--table-name", "clitable", "--backup-name", "cli-backup")
	details, _ := created["BackupDetails"].(map[string]any)
	backupArn, _ := details["BackupArn"].(string)
	if backupArn == "" || details["BackupName"] != "cli-backup" {
		t.Fatalf("create-backup = %v", created)
	}
	listed := runAWS(t, srv, "test", "dynamodb", "list-backups", "--table-name", "clitable")
	if s, _ := listed["BackupSummaries"].([]any); len(s) != 1 {
		t.Fatalf("list-backups = %v", listed)
	}
	runAWS(t, srv, "test", "dynamodb", "put-item", "--table-name", "clitable", "--item", `{"pk":{"S":"late"}}`)
	restored := runAWS(t, srv, "test", "dynamodb", "restore-table-from-backup", "--target-table-name", "cli-restored",
		"--backup-arn", backupArn)
	if td, _ := restored["TableDescription"].(map[string]any); td["TableName"] != "cli-restored" {
		t.Fatalf("restore-table-from-backup = %v", restored)
	}
	runAWS(t, srv, "test", "dynamodb", "wait", "table-exists", "--table-name", "cli-restored")
	count := runAWS(t, srv, "test", "dynamodb", "scan", "--table-name", "cli-restored", "--select", "COUNT")
	if count["Count"] != float64(3) {
		t.Errorf("scan of the restored table = %v", count)
	}
	runAWS(t, srv, "test", "dynamodb", "delete-backup", "--backup-arn", backupArn)
	msg := runAWSFail(t, srv, "dynamodb", "describe-backup", "--backup-arn", backupArn)
	if !regexp.MustCompile(`BackupNotFoundException`).MatchString(msg) {
		t.Errorf("describe-backup after delete-backup: %s", msg)
	}
}
