package dynamodb

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/arn"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// backupArnOf extracts the BackupArn from a CreateBackup answer.
func backupArnOf(tb testing.TB, body string) string {
	tb.Helper()
	var out struct {
		BackupDetails struct{ BackupArn, BackupStatus string }
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		tb.Fatal(err)
	}
	return out.BackupDetails.BackupArn
}

func TestBackupLifecycle(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", fullTable)
	for i := range 5 {
		f.mustCall(t, "PutItem", fmt.Sprintf(`{"TableName":"full","Item":{"pk":{"S":"p"},"sk":{"N":"%d"},"g":{"S":"x"},"l":{"B":"AQ=="}}}`, i))
	}
	f.mustCall(t, "UpdateTimeToLive", `{"TableName":"full","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}}`)
	f.run(t, []wireCase{
		{"CreateBackup", `{"TableName":"nope","BackupName":"bk1"}`, 400, []string{"TableNotFoundException", "Table not found: nope"}, nil},
		{"CreateBackup", `{"TableName":"full","BackupName":"a b"}`, 400, []string{"ValidationException", "backupName"}, nil},
		{"CreateBackup", `{"TableName":"full","BackupName":"bk"}`, 400, []string{"ValidationException"}, nil},
	})
	body := f.mustCall(t, "CreateBackup", `{"TableName":"full","BackupName":"bk1"}`)
	arn1 := backupArnOf(t, body)
	if !regexp.MustCompile(`^arn:aws:dynamodb:eu-west-1:111122223333:table/full/backup/\d{14}-[0-9a-f]{8}$`).MatchString(arn1) {
		t.Fatalf("backup arn %q", arn1)
	}
	f.clk.Advance(time.Minute)
	arn2 := backupArnOf(t, f.mustCall(t, "CreateBackup", `{"TableName":"full","BackupName":"bk2"}`))
	f.mustCall(t, "CreateTable", simpleTable)
	f.clk.Advance(time.Minute)
	arn3 := backupArnOf(t, f.mustCall(t, "CreateBackup", `{"TableName":"tbl","BackupName":"bk3"}`))
	created2 := epoch.Add(time.Minute).Unix()
	f.run(t, []wireCase{
		{"DescribeBackup", fmt.Sprintf(`{"BackupArn":%q}`, arn1), 200, []string{
			`"BackupStatus":"AVAILABLE"`, `"BackupType":"USER"`, `"BackupName":"bk1"`, `"BackupSizeBytes":`,
			`"ItemCount":5`, `"BillingMode":"PROVISIONED"`, `"ReadCapacityUnits":5`,
			`"TimeToLiveDescription":{"TimeToLiveStatus":"ENABLED","AttributeName":"exp"}`, `"IndexName":"gsi"`, `"IndexName":"lsi"`}, nil},
		{"DescribeBackup", `{"BackupArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/full/backup/01767323045001-00000000"}`, 400,
			[]string{"BackupNotFoundException", "Backup not found: arn:aws:dynamodb:eu-west-1:111122223333:table/full/backup/01767323045001-00000000"}, nil},
		{"DescribeBackup", `{"BackupArn":"arn:aws:dynamodb:us-east-1:111122223333:table/full/backup/01767323045001-00000000"}`, 400,
			[]string{"BackupNotFoundException"}, nil},
		{"ListBackups", `{}`, 200, []string{arn1, arn2, arn3}, []string{"LastEvaluatedBackupArn"}},
		{"ListBackups", `{"TableName":"full"}`, 200, []string{arn1, arn2}, []string{arn3}},
		{"ListBackups", `{"BackupType":"SYSTEM"}`, 200, []string{`{"BackupSummaries":[]}`}, nil},
		{"ListBackups", `{"BackupType":"ALL","Limit":1}`, 200, []string{arn1, `"LastEvaluatedBackupArn":"` + arn1}, []string{arn2}},
		{"ListBackups", fmt.Sprintf(`{"Limit":1,"ExclusiveStartBackupArn":%q}`, arn1), 200, []string{arn2, `"LastEvaluatedBackupArn"`}, []string{arn1, arn3}},
		{"ListBackups", fmt.Sprintf(`{"ExclusiveStartBackupArn":%q}`, arn2), 200, []string{arn3}, []string{arn1, arn2, "LastEvaluatedBackupArn"}},
		{"ListBackups", fmt.Sprintf(`{"TimeRangeLowerBound":%d,"TimeRangeUpperBound":%d}`, created2, created2+60), 200, []string{arn2}, []string{arn1, arn3}},
		{"RestoreTableFromBackup", fmt.Sprintf(`{"TargetTableName":"full","BackupArn":%q}`, arn1), 400, []string{"TableAlreadyExistsException", "Table already exists: full"}, nil},
		{"UpdateTable", `{"TableName":"full","DeletionProtectionEnabled":false}`, 200, nil, nil},
		// Backups outlive their table.
		{"DeleteTable", `{"TableName":"full"}`, 200, nil, nil},
		{"DescribeBackup", fmt.Sprintf(`{"BackupArn":%q}`, arn1), 200, []string{`"BackupStatus":"AVAILABLE"`}, nil},
		{"RestoreTableFromBackup", `{"TargetTableName":"rrr","BackupArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/full/backup/01767323045001-00000000"}`, 400, []string{"BackupNotFoundException"}, nil},
		{"RestoreTableFromBackup", fmt.Sprintf(`{"TargetTableName":"full","BackupArn":%q}`, arn1), 200, []string{
			`"TableStatus":"CREATING"`, `"RestoreSummary":{"SourceBackupArn":"` + arn1, `"RestoreInProgress":true`,
			`"SourceTableArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/full"`}, nil},
		{"DescribeTable", `{"TableName":"full"}`, 200, []string{`"TableStatus":"ACTIVE"`, `"ItemCount":5`, `"IndexName":"gsi"`}, []string{"RestoreSummary"}}, // gone once ACTIVE (DDB-TABLE-216)
		{"Query", `{"TableName":"full","IndexName":"gsi","KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"x"}},"Select":"COUNT"}`, 200, []string{`"Count":5`}, nil},
		{"Query", `{"TableName":"full","IndexName":"lsi","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p"}},"Select":"COUNT"}`, 200, []string{`"Count":5`}, nil},
		// A restored table has no TTL.
		{"DescribeTimeToLive", `{"TableName":"full"}`, 200, []string{`"DISABLED"`}, nil},
		{"DeleteBackup", fmt.Sprintf(`{"BackupArn":%q}`, arn1), 200, []string{`"BackupStatus":"DELETED"`, `"BackupName":"bk1"`}, nil},
		{"DeleteBackup", fmt.Sprintf(`{"BackupArn":%q}`, arn1), 400, []string{"BackupNotFoundException"}, nil},
		{"DescribeBackup", fmt.Sprintf(`{"BackupArn":%q}`, arn1), 400, []string{"BackupNotFoundException"}, nil},
		{"ListBackups", `{}`, 200, []string{arn2, arn3}, []string{arn1}},
	})
	_, id, err := parseBackupARN(scope.From(f.ctx), arn1)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.countKeys(t, backupDataPrefix(scope.From(f.ctx), id)); n != 0 {
		t.Errorf("%d items left of a deleted backup", n)
	}
}

// TestBackupConsistentUnderWrites takes a backup while writers move
// amounts between items in transactions and insert items in pairs: the
// restored table must show one consistent state (the total unchanged, an
// even item count).
func TestBackupConsistentUnderWrites(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", simpleTable)
	const items = 600 // more than two copy batches
	for i := range items {
		f.mustCall(t, "PutItem", fmt.Sprintf(`{"TableName":"tbl","Item":{"pk":{"S":"k%04d"},"v":{"N":"100"}}}`, i))
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for n := 0; ctx.Err() == nil; n++ {
				if w == 0 {
					f.call(t, "TransactWriteItems", fmt.Sprintf(`{"TransactItems":[
						{"Put":{"TableName":"tbl","Item":{"pk":{"S":"new%d-a"},"v":{"N":"0"}}}},
						{"Put":{"TableName":"tbl","Item":{"pk":{"S":"new%d-b"},"v":{"N":"0"}}}}]}`, n, n))
					continue
				}
				a, b := r.IntN(items), r.IntN(items)
				if a == b {
					continue
				}
				f.call(t, "TransactWriteItems", fmt.Sprintf(`{"TransactItems":[
					{"Update":{"TableName":"tbl","Key":{"pk":{"S":"k%04d"}},"UpdateExpression":"SET v = v - :d","ExpressionAttributeValues":{":d":{"N":"1"}}}},
					{"Update":{"TableName":"tbl","Key":{"pk":{"S":"k%04d"}},"UpdateExpression":"SET v = v + :d","ExpressionAttributeValues":{":d":{"N":"1"}}}}]}`, a, b))
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	arn := backupArnOf(t, f.mustCall(t, "CreateBackup", `{"TableName":"tbl","BackupName":"during"}`))
	cancel()
	wg.Wait()
	f.mustCall(t, "RestoreTableFromBackup", fmt.Sprintf(`{"TargetTableName":"copy","BackupArn":%q}`, arn))

	var out struct {
		Items []struct{ V struct{ N string } }
		Count int
	}
	body := f.mustCall(t, "Scan", `{"TableName":"copy","ProjectionExpression":"v"}`)
	if err := json.Unmarshal([]byte(strings.ReplaceAll(body, `"v":`, `"V":`)), &out); err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, it := range out.Items {
		var n int
		fmt.Sscan(it.V.N, &n)
		sum += n
	}
	if sum != items*100 || out.Count%2 != 0 || out.Count < items {
		t.Fatalf("restored %d items summing to %d; want an even count >= %d summing to %d", out.Count, sum, items, items*100)
	}
	desc := f.mustCall(t, "DescribeBackup", fmt.Sprintf(`{"BackupArn":%q}`, arn))
	if !strings.Contains(desc, fmt.Sprintf(`"ItemCount":%d`, out.Count)) {
		t.Errorf("backup item count differs from the %d restored: %s", out.Count, desc)
	}
}

func TestRestoreOverrides(t *testing.T) {
	tests := []struct {
		name      string
		overrides string
		status    int
		contains  []string
		lacks     []string
	}{
		{"none", ``, 200, []string{`"ReadCapacityUnits":5`, `"IndexName":"gsi"`, `"IndexName":"lsi"`}, nil},
		{"on-demand", `,"BillingModeOverride":"PAY_PER_REQUEST"`, 200,
			[]string{`"BillingMode":"PAY_PER_REQUEST"`, `"ReadCapacityUnits":0`}, []string{`"ReadCapacityUnits":5`}},
		{"on-demand-with-throughput", `,"BillingModeOverride":"PAY_PER_REQUEST","ProvisionedThroughputOverride":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}`, 400,
			[]string{"ValidationException", msgRestorePTOnDemand}, nil},
		{"throughput", `,"ProvisionedThroughputOverride":{"ReadCapacityUnits":9,"WriteCapacityUnits":8}`, 200,
			[]string{`"ReadCapacityUnits":9,"WriteCapacityUnits":8`}, nil},
		{"drop-indexes", `,"GlobalSecondaryIndexOverride":[],"LocalSecondaryIndexOverride":[]`, 200, nil, []string{`"IndexName"`}},
		// An index override must match one of the backup's by keys and projection (DDB-TABLE-273).
		{"new-gsi", `,"GlobalSecondaryIndexOverride":[{"IndexName":"byl","KeySchema":[{"AttributeName":"l","KeyType":"HASH"}],"Projection":{"ProjectionType":"KEYS_ONLY"},"ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}]`, 400,
			[]string{"ValidationException", "Invalid Request: Index byl does not match a secondary index that existed in the source table and cannot be created during the restore operation"}, nil},
		{"renamed-gsi", `,"GlobalSecondaryIndexOverride":[{"IndexName":"gsi2","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":["a"]},"ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}]`, 200,
			[]string{`"IndexName":"gsi2"`, `"IndexName":"lsi"`}, []string{`"IndexName":"gsi"`}},
		{"gsi-undefined-key", `,"GlobalSecondaryIndexOverride":[{"IndexName":"bad","KeySchema":[{"AttributeName":"zz","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"},"ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}]`, 400,
			[]string{"ValidationException", "Index bad does not match a secondary index"}, nil},
		{"gsi-no-throughput", `,"GlobalSecondaryIndexOverride":[{"IndexName":"gsi","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":["a"]}}]`, 400,
			[]string{"ProvisionedThroughput must be specified for index: gsi"}, nil},
		{"sse", `,"SSESpecificationOverride":{"Enabled":true,"SSEType":"KMS","KMSMasterKeyId":"k1"}`, 200,
			[]string{`"SSEDescription":{"Status":"ENABLED","SSEType":"KMS","KMSMasterKeyArn":"arn:aws:kms:eu-west-1:111122223333:key/k1"}`}, nil},
	}
	f := newFixture(t)
	f.mustCall(t, "CreateTable", fullTable)
	for i := range 4 {
		f.mustCall(t, "PutItem", fmt.Sprintf(`{"TableName":"full","Item":{"pk":{"S":"p"},"sk":{"N":"%d"},"g":{"S":"x"},"l":{"B":"AQ=="}}}`, i))
	}
	arn := backupArnOf(t, f.mustCall(t, "CreateBackup", `{"TableName":"full","BackupName":"base"}`))
	for i, tt := range tests {
		target := fmt.Sprintf("restored%d", i)
		req := fmt.Sprintf(`{"TargetTableName":%q,"BackupArn":%q%s}`, target, arn, tt.overrides)
		f.run(t, []wireCase{{"RestoreTableFromBackup", req, tt.status, tt.contains, tt.lacks}})
		if tt.status != 200 {
			f.run(t, []wireCase{{"DescribeTable", fmt.Sprintf(`{"TableName":%q}`, target), 400, []string{"ResourceNotFoundException"}, nil}})
			continue
		}
		f.run(t, []wireCase{
			{"DescribeTable", fmt.Sprintf(`{"TableName":%q}`, target), 200, append([]string{`"ItemCount":4`, `"TableStatus":"ACTIVE"`}, tt.contains...), tt.lacks},
			{"Scan", fmt.Sprintf(`{"TableName":%q,"Select":"COUNT"}`, target), 200, []string{`"Count":4`}, nil},
		})
	}
	f.run(t, []wireCase{{"Query", `{"TableName":"restored6","IndexName":"gsi2","KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"x"}},"Select":"COUNT"}`, 200, []string{`"Count":4`}, nil}})
}

// TestBackupBackground covers a table large enough to be copied in the
// background, and the settling of interrupted work at Start.
func TestBackupBackground(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", simpleTable)
	big := strings.Repeat("x", 380*1024)
	for i := range 12 {
		f.mustCall(t, "PutItem", fmt.Sprintf(`{"TableName":"tbl","Item":{"pk":{"S":"k%d"},"blob":{"S":%q}}}`, i, big))
	}
	body := f.mustCall(t, "CreateBackup", `{"TableName":"tbl","BackupName":"large"}`)
	arn := backupArnOf(t, body)
	if !strings.Contains(body, `"BackupStatus":"CREATING"`) {
		t.Fatalf("large CreateBackup answered %s", body)
	}
	f.p.bg.Wait()
	f.run(t, []wireCase{
		{"DescribeBackup", fmt.Sprintf(`{"BackupArn":%q}`, arn), 200, []string{`"BackupStatus":"AVAILABLE"`, `"ItemCount":12`}, nil},
		{"RestoreTableFromBackup", fmt.Sprintf(`{"TargetTableName":"rrr","BackupArn":%q}`, arn), 200, []string{`"TableStatus":"CREATING"`}, nil},
	})
	f.p.bg.Wait()
	f.run(t, []wireCase{{"DescribeTable", `{"TableName":"rrr"}`, 200, []string{`"TableStatus":"ACTIVE"`, `"ItemCount":12`}, nil}})

	// Simulate a crash: a backup left CREATING and a restore cut short.
	sc := scope.From(f.ctx)
	stale := &backupRecord{}
	stale.Details.BackupArn = ptr(backupARN(sc, "tbl", "01767323045001-deadbeef"))
	stale.Details.BackupStatus = ptr(backupCreating)
	err := f.p.store.Update(f.ctx, func(tx storage.Txn) error {
		if err := saveBackup(tx, sc, stale); err != nil {
			return err
		}
		if err := tx.Put(append(backupDataPrefix(sc, "01767323045001-deadbeef"), 'x'), []byte("partial")); err != nil {
			return err
		}
		if err := tx.Put(jobKey(jobBackup, sc, "01767323045001-deadbeef", "tbl"), []byte{}); err != nil {
			return err
		}
		rec, err := loadTable(f.ctx, tx, sc, "rrr")
		if err != nil {
			return err
		}
		rec.Desc.TableStatus = ptr(statusCreating)
		if err := saveTable(tx, sc, rec); err != nil {
			return err
		}
		raw, _ := json.Marshal(restoreJob{BackupArn: arn})
		return tx.Put(jobKey(jobRestore, sc, "rrr"), raw)
	})
	if err != nil {
		t.Fatal(err)
	}
	f.run(t, []wireCase{{"GetItem", `{"TableName":"rrr","Key":{"pk":{"S":"k1"}}}`, 400, []string{"ResourceNotFoundException"}, nil},
		{"DeleteTable", `{"TableName":"rrr"}`, 400, []string{"ResourceInUseException", "Table is being created: rrr"}, nil}})
	if err := f.p.Start(f.ctx); err != nil {
		t.Fatal(err)
	}
	defer f.p.Stop(context.Background())
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(f.mustCall(t, "DescribeTable", `{"TableName":"rrr"}`), `"TableStatus":"ACTIVE"`) {
		if time.Now().After(deadline) {
			t.Fatal("interrupted restore not resumed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.run(t, []wireCase{
		{"DescribeTable", `{"TableName":"rrr"}`, 200, []string{`"ItemCount":12`}, nil},
		{"DescribeBackup", fmt.Sprintf(`{"BackupArn":%q}`, deref(stale.Details.BackupArn)), 400, []string{"BackupNotFoundException"}, nil},
		{"ListBackups", `{}`, 200, []string{arn}, []string{"deadbeef"}},
		{"DeleteBackup", fmt.Sprintf(`{"BackupArn":%q}`, arn), 200, nil, nil},
	})
	// The large backup's deletion finishes in the background.
	for f.countKeys(t, storage.Key(Name, "jobs")) != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	for _, prefix := range [][]byte{backupDataPrefix(sc, "01767323045001-deadbeef"), storage.Key(Name, "jobs")} {
		if n := f.countKeys(t, prefix); n != 0 {
			t.Errorf("%d keys left under %q", n, prefix)
		}
	}
}

func FuzzParseBackupARN(f *testing.F) {
	sc := scope.Scope{Account: testAccount, Region: testRegion}
	for _, s := range []string{
		backupARN(sc, "tbl", "01767323045001-deadbeef"), "arn:aws:dynamodb:eu-west-1:111122223333:table/tbl/backup/",
		"arn:aws:dynamodb:eu-west-1:111122223333:table//backup/x", "arn:aws:s3:::b", "", "table/tbl/backup/x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		table, id, err := parseBackupARN(sc, s)
		if err != nil {
			return
		}
		if table == "" || id == "" {
			t.Fatalf("%q parsed to empty parts", s)
		}
		a, _ := arn.Parse(s) // the region part is ignored, so keep it
		if back := backupARN(scope.Scope{Account: sc.Account, Region: a.Region}, table, id); back != s {
			t.Fatalf("%q round-trips to %q", s, back)
		}
	})
}
