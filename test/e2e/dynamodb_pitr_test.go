package e2e

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// pitrNextSecond sleeps past the next whole second and returns it: every
// write acknowledged before the call was made before that second.
func pitrNextSecond() time.Time {
	b := time.Now().Truncate(time.Second).Add(time.Second)
	time.Sleep(time.Until(b) + 30*time.Millisecond)
	return b
}

// pitrRestore restores table as of at (or the latest time when at is zero)
// into target and waits for it.
func pitrRestore(t *testing.T, ctx context.Context, client *dynamodb.Client, table, target string, at time.Time) *ddbtypes.TableDescription {
	t.Helper()
	in := &dynamodb.RestoreTableToPointInTimeInput{SourceTableName: aws.String(table), TargetTableName: aws.String(target)}
	if at.IsZero() {
		in.UseLatestRestorableTime = aws.Bool(true)
	} else {
		in.RestoreDateTime = aws.Time(at)
	}
	out, err := client.RestoreTableToPointInTime(ctx, in)
	if err != nil {
		t.Fatalf("restore %s at %v: %v", table, at, err)
	}
	if err := dynamodb.NewTableExistsWaiter(client).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(target)}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	return out.TableDescription
}

func enablePITR(t *testing.T, ctx context.Context, client *dynamodb.Client, table string, days int32) *ddbtypes.PointInTimeRecoveryDescription {
	t.Helper()
	spec := &ddbtypes.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(true)}
	if days > 0 {
		spec.RecoveryPeriodInDays = aws.Int32(days)
	}
	out, err := client.UpdateContinuousBackups(ctx, &dynamodb.UpdateContinuousBackupsInput{
		TableName: aws.String(table), PointInTimeRecoverySpecification: spec})
	if err != nil {
		t.Fatal(err)
	}
	return out.ContinuousBackupsDescription.PointInTimeRecoveryDescription
}

// TestDynamoDBPITRSnapshots writes through puts, updates, deletes, batches
// and transactions while taking Scan snapshots at several whole seconds,
// then restores each second and compares.
func TestDynamoDBPITRSnapshots(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	client := dynamodb.NewFromConfig(srv.AWSConfig())
	createOrders(t, ctx, client)
	before := time.Now()
	d := enablePITR(t, ctx, client, "orders", 7)
	if d.PointInTimeRecoveryStatus != ddbtypes.PointInTimeRecoveryStatusEnabled || aws.ToInt32(d.RecoveryPeriodInDays) != 7 ||
		d.EarliestRestorableDateTime.Before(before.Add(-time.Second)) || d.LatestRestorableDateTime.Before(*d.EarliestRestorableDateTime) {
		t.Fatalf("UpdateContinuousBackups = %+v", d)
	}
	item := func(c string, o int, note string) map[string]ddbtypes.AttributeValue {
		return map[string]ddbtypes.AttributeValue{"customer": sAttr(c), "order": nAttr(fmt.Sprint(o)), "status": sAttr("open"), "note": sAttr(note)}
	}
	key := func(c string, o int) map[string]ddbtypes.AttributeValue {
		return map[string]ddbtypes.AttributeValue{"customer": sAttr(c), "order": nAttr(fmt.Sprint(o))}
	}
	type snap struct {
		at    time.Time
		items []string
	}
	var snaps []snap
	for round := range 4 {
		note := fmt.Sprintf("r%d", round)
		for i := range 12 {
			if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: item(fmt.Sprintf("c%d", i%3), i+round*5, note)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("orders"), Key: key("c0", round*5),
			UpdateExpression: aws.String("SET note = :n"), ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":n": sAttr("upd" + note)}}); err != nil {
			t.Fatal(err)
		}
		if _, err := client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("orders"), Key: key("c1", round*5+1)}); err != nil {
			t.Fatal(err)
		}
		if _, err := client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]ddbtypes.WriteRequest{"orders": {
			{PutRequest: &ddbtypes.PutRequest{Item: item("batch", round, note)}},
			{DeleteRequest: &ddbtypes.DeleteRequest{Key: key("c2", round*5+2)}},
		}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []ddbtypes.TransactWriteItem{
			{Put: &ddbtypes.Put{TableName: aws.String("orders"), Item: item("tx", round, note)}},
			{Delete: &ddbtypes.Delete{TableName: aws.String("orders"), Key: key("batch", round-1)}},
		}}); err != nil {
			t.Fatal(err)
		}
		at := pitrNextSecond()
		snaps = append(snaps, snap{at, scanOrders(t, ctx, client, "orders")})
	}
	for i, s := range snaps {
		target := fmt.Sprintf("orders-at-%d", i)
		desc := pitrRestore(t, ctx, client, "orders", target, s.at)
		if !desc.RestoreSummary.RestoreDateTime.Equal(s.at) || aws.ToString(desc.RestoreSummary.SourceTableArn) == "" {
			t.Errorf("RestoreSummary = %+v", desc.RestoreSummary)
		}
		if got := scanOrders(t, ctx, client, target); !slices.Equal(got, s.items) {
			t.Errorf("restore at %v:\n%v\nwant\n%v", s.at, got, s.items)
		}
		q, err := client.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(target), IndexName: aws.String("by-status"),
			KeyConditionExpression: aws.String("#s = :o"), ExpressionAttributeNames: map[string]string{"#s": "status"},
			ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":o": sAttr("open")}, Select: ddbtypes.SelectCount})
		if err != nil || int(q.Count) != len(s.items) {
			t.Errorf("index of %s: %v items, %v; want %d", target, q, err, len(s.items))
		}
	}

	// Errors.
	var unavailable *ddbtypes.PointInTimeRecoveryUnavailableException
	_, err := client.RestoreTableToPointInTime(ctx, &dynamodb.RestoreTableToPointInTimeInput{
		SourceTableName: aws.String("orders-at-0"), TargetTableName: aws.String("x-restore"), UseLatestRestorableTime: aws.Bool(true)})
	if !errors.As(err, &unavailable) {
		t.Errorf("restore without PITR: %v", err)
	}
	var invalid *ddbtypes.InvalidRestoreTimeException
	_, err = client.RestoreTableToPointInTime(ctx, &dynamodb.RestoreTableToPointInTimeInput{
		SourceTableName: aws.String("orders"), TargetTableName: aws.String("x-restore"), RestoreDateTime: aws.Time(time.Now().Add(time.Hour))})
	if !errors.As(err, &invalid) {
		t.Errorf("restore to the future: %v", err)
	}
	var notFound *ddbtypes.TableNotFoundException
	if _, err = client.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String("nope")}); !errors.As(err, &notFound) {
		t.Errorf("DescribeContinuousBackups of a missing table: %v", err)
	}
	var exists *ddbtypes.TableAlreadyExistsException
	_, err = client.RestoreTableToPointInTime(ctx, &dynamodb.RestoreTableToPointInTimeInput{
		SourceTableName: aws.String("orders"), TargetTableName: aws.String("orders-at-0"), UseLatestRestorableTime: aws.Bool(true)})
	if !errors.As(err, &exists) {
		t.Errorf("restore onto an existing table: %v", err)
	}
	// The latest restorable time, by ARN, is the current state.
	tbl, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.RestoreTableToPointInTime(ctx, &dynamodb.RestoreTableToPointInTimeInput{
		SourceTableArn: tbl.Table.TableArn, TargetTableName: aws.String("orders-latest"), UseLatestRestorableTime: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if err := dynamodb.NewTableExistsWaiter(client).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders-latest")}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if got, want := scanOrders(t, ctx, client, "orders-latest"), scanOrders(t, ctx, client, "orders"); !slices.Equal(got, want) {
		t.Errorf("latest restore differs")
	}
	// Disabling ends recovery.
	if _, err := client.UpdateContinuousBackups(ctx, &dynamodb.UpdateContinuousBackupsInput{TableName: aws.String("orders"),
		PointInTimeRecoverySpecification: &ddbtypes.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(false)}}); err != nil {
		t.Fatal(err)
	}
	cb, err := client.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String("orders")})
	if err != nil || cb.ContinuousBackupsDescription.ContinuousBackupsStatus != ddbtypes.ContinuousBackupsStatusEnabled ||
		cb.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus != ddbtypes.PointInTimeRecoveryStatusDisabled {
		t.Errorf("DescribeContinuousBackups after disabling = %+v, %v", cb, err)
	}
}

// TestDynamoDBPITRRestart restores, after a restart over the same data
// directory, a time recorded before it.
func TestDynamoDBPITRRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var at time.Time
	var want []string
	t.Run("first run", func(t *testing.T) {
		srv := unkaitest.Start(t, unkaitest.WithDataDir(dir))
		client := dynamodb.NewFromConfig(srv.AWSConfig())
		createOrders(t, ctx, client)
		enablePITR(t, ctx, client, "orders", 0)
		put := func(o int, note string) {
			if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: map[string]ddbtypes.AttributeValue{
				"customer": sAttr("c"), "order": nAttr(fmt.Sprint(o)), "note": sAttr(note)}}); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 10 {
			put(i, "before")
		}
		at = pitrNextSecond()
		want = scanOrders(t, ctx, client, "orders")
		for i := range 15 {
			put(i, "after")
		}
	})
	srv := unkaitest.Start(t, unkaitest.WithDataDir(dir))
	client := dynamodb.NewFromConfig(srv.AWSConfig())
	cb, err := client.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String("orders")})
	if err != nil || cb.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus != ddbtypes.PointInTimeRecoveryStatusEnabled ||
		aws.ToInt32(cb.ContinuousBackupsDescription.PointInTimeRecoveryDescription.RecoveryPeriodInDays) != 35 {
		t.Fatalf("DescribeContinuousBackups after restart = %+v, %v", cb, err)
	}
	pitrRestore(t, ctx, client, "orders", "orders-then", at)
	if got := scanOrders(t, ctx, client, "orders-then"); !slices.Equal(got, want) {
		t.Errorf("restore after restart:\n%v\nwant\n%v", got, want)
	}
}

// TestDynamoDBPITRCLI drives point-in-time recovery through the aws CLI.
func TestDynamoDBPITRCLI(t *testing.T) {
	srv := unkaitest.Start(t)
	runAWS(t, srv, "test", "dynamodb", "create-table", "--table-name", "cli-pitr",
		"--attribute-definitions", "AttributeName=pk,AttributeType=S", "--key-schema", "AttributeName=pk,KeyType=HASH",
		"--billing-mode", "PAY_PER_REQUEST")
	up := runAWS(t, srv, "test", "dynamodb", "update-continuous-backups", "--table-name", "cli-pitr",
		"--point-in-time-recovery-specification", "PointInTimeRecoveryEnabled=true,RecoveryPeriodInDays=3")
	pd := up["ContinuousBackupsDescription"].(map[string]any)["PointInTimeRecoveryDescription"].(map[string]any)
	if pd["PointInTimeRecoveryStatus"] != "ENABLED" || pd["RecoveryPeriodInDays"] != float64(3) {
		t.Fatalf("update-continuous-backups = %v", up)
	}
	runAWS(t, srv, "test", "dynamodb", "put-item", "--table-name", "cli-pitr", "--item", `{"pk":{"S":"a"},"v":{"N":"1"}}`)
	desc := runAWS(t, srv, "test", "dynamodb", "describe-continuous-backups", "--table-name", "cli-pitr")
	if desc["ContinuousBackupsDescription"].(map[string]any)["ContinuousBackupsStatus"] != "ENABLED" {
		t.Fatalf("describe-continuous-backups = %v", desc)
	}
	out := runAWS(t, srv, "test", "dynamodb", "restore-table-to-point-in-time", "--source-table-name", "cli-pitr",
		"--target-table-name", "cli-pitr-copy", "--use-latest-restorable-time")
	if out["TableDescription"].(map[string]any)["TableName"] != "cli-pitr-copy" {
		t.Fatalf("restore-table-to-point-in-time = %v", out)
	}
	runAWS(t, srv, "test", "dynamodb", "wait", "table-exists", "--table-name", "cli-pitr-copy")
	got := runAWS(t, srv, "test", "dynamodb", "get-item", "--table-name", "cli-pitr-copy", "--key", `{"pk":{"S":"a"}}`)
	if got["Item"] == nil {
		t.Fatalf("get-item on the restored table = %v", got)
	}
}
