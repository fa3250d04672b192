package dynamodb

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
)

// scanState returns a table's items as canonical JSON, sorted by pk.
func (f *fixture) scanState(tb testing.TB, table string) string {
	tb.Helper()
	var out struct{ Items []map[string]any }
	if err := json.Unmarshal([]byte(f.mustCall(tb, "Scan", fmt.Sprintf(`{"TableName":%q}`, table))), &out); err != nil {
		tb.Fatal(err)
	}
	sort.Slice(out.Items, func(i, j int) bool {
		return fmt.Sprint(out.Items[i]["pk"]) < fmt.Sprint(out.Items[j]["pk"])
	})
	b, err := json.Marshal(out.Items)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestPITRSettings(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", strings.Replace(simpleTable, `"TableName":"tbl"`, `"TableName":"src"`, 1))
	since := fmt.Sprint(epoch.Unix())
	f.run(t, []wireCase{
		{"DescribeContinuousBackups", `{"TableName":"nope"}`, 400, []string{"TableNotFoundException", "Table not found: nope"}, nil},
		{"UpdateContinuousBackups", `{"TableName":"nope","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":true}}`, 400, []string{"TableNotFoundException"}, nil},
		{"DescribeContinuousBackups", `{"TableName":"src"}`, 200, []string{`"ContinuousBackupsStatus":"ENABLED"`, `"PointInTimeRecoveryStatus":"DISABLED"`}, []string{"EarliestRestorableDateTime"}},
		{"UpdateContinuousBackups", `{"TableName":"src","PointInTimeRecoverySpecification":{}}`, 400, []string{"ValidationException"}, nil},
		{"UpdateContinuousBackups", `{"TableName":"src","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":true,"RecoveryPeriodInDays":0}}`, 400, []string{"ValidationException", "recoveryPeriodInDays"}, nil},
		{"UpdateContinuousBackups", `{"TableName":"src","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":true,"RecoveryPeriodInDays":36}}`, 400, []string{"ValidationException", "recoveryPeriodInDays"}, nil},
		{"UpdateContinuousBackups", `{"TableName":"src","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":false,"RecoveryPeriodInDays":3}}`, 400, []string{"ValidationException", msgPeriodNeedsEnable}, nil},
		{"RestoreTableToPointInTime", `{"SourceTableName":"src","TargetTableName":"rst","UseLatestRestorableTime":true}`, 400, []string{codePITRUnavailable, "Point in time recovery is not enabled for table 'src'"}, nil},
		{"UpdateContinuousBackups", `{"TableName":"src","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":true}}`, 200, []string{
			`"PointInTimeRecoveryStatus":"ENABLED"`, `"EarliestRestorableDateTime":` + since, `"LatestRestorableDateTime":` + since, `"RecoveryPeriodInDays":35`}, nil},
		{"UpdateContinuousBackups", `{"TableName":"src","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":true,"RecoveryPeriodInDays":7}}`, 200, []string{
			`"EarliestRestorableDateTime":` + since, `"RecoveryPeriodInDays":7`}, nil},
		{"UpdateContinuousBackups", `{"TableName":"src","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":true}}`, 200, []string{`"RecoveryPeriodInDays":7`}, nil},
		{"RestoreTableToPointInTime", `{"TargetTableName":"rst","UseLatestRestorableTime":true}`, 400, []string{"ValidationException", msgNoSource}, nil},
		{"RestoreTableToPointInTime", `{"SourceTableName":"src","SourceTableArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/src","TargetTableName":"rst","UseLatestRestorableTime":true}`, 400, []string{"ValidationException", msgTwoSources}, nil},
		{"RestoreTableToPointInTime", `{"SourceTableName":"src","TargetTableName":"rst"}`, 400, []string{"ValidationException", msgNoRestoreTime}, nil},
		{"RestoreTableToPointInTime", `{"SourceTableName":"src","TargetTableName":"rst","UseLatestRestorableTime":true,"RestoreDateTime":1}`, 400, []string{"ValidationException", msgTwoRestoreTimes}, nil},
		{"RestoreTableToPointInTime", `{"SourceTableName":"nope","TargetTableName":"rst","UseLatestRestorableTime":true}`, 400, []string{"TableNotFoundException", "Table not found: nope"}, nil},
		// Cross-region needs an SSESpecificationOverride (DDB-TABLE-274); unkai then finds no such table.
		{"RestoreTableToPointInTime", `{"SourceTableArn":"arn:aws:dynamodb:us-east-1:111122223333:table/src","TargetTableName":"rst","UseLatestRestorableTime":true}`, 400, []string{"ValidationException", msgCrossRegionSSE}, nil},
		{"RestoreTableToPointInTime", `{"SourceTableArn":"arn:aws:dynamodb:us-east-1:111122223333:table/src","TargetTableName":"rst","UseLatestRestorableTime":true,"SSESpecificationOverride":{"Enabled":true}}`, 400, []string{"TableNotFoundException"}, nil},
		{"RestoreTableToPointInTime", `{"SourceTableArn":"arn:aws:dynamodb:eu-west-1:444455556666:table/src","TargetTableName":"rst","UseLatestRestorableTime":true}`, 400, []string{"ValidationException", "only supported by accounts that match the resource owner"}, nil},
		{"RestoreTableToPointInTime", `{"SourceTableArn":"nonsense","TargetTableName":"rst","UseLatestRestorableTime":true}`, 400, []string{"ValidationException"}, nil},
		{"RestoreTableToPointInTime", `{"SourceTableName":"src","TargetTableName":"src","UseLatestRestorableTime":true}`, 400, []string{"TableAlreadyExistsException", "Table already exists: src"}, nil},
		{"RestoreTableToPointInTime", fmt.Sprintf(`{"SourceTableName":"src","TargetTableName":"rst","RestoreDateTime":%d}`, epoch.Unix()-1), 400, []string{codeInvalidRestore}, nil},
		{"RestoreTableToPointInTime", fmt.Sprintf(`{"SourceTableName":"src","TargetTableName":"rst","RestoreDateTime":%d}`, epoch.Unix()+1), 400, []string{codeInvalidRestore}, nil},
		{"RestoreTableToPointInTime", `{"SourceTableArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/src","TargetTableName":"rst","UseLatestRestorableTime":true}`, 200, []string{
			`"TableStatus":"CREATING"`, `"RestoreInProgress":true`, `"SourceTableArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/src"`, `"RestoreDateTime":` + since}, []string{"SourceBackupArn"}},
		{"DescribeTable", `{"TableName":"rst"}`, 200, []string{`"TableStatus":"ACTIVE"`}, []string{"RestoreSummary"}},
		// A restored table has PITR off, as on AWS.
		{"DescribeContinuousBackups", `{"TableName":"rst"}`, 200, []string{`"PointInTimeRecoveryStatus":"DISABLED"`}, nil},
	})
	// Writes, then disabling drops the history; enabling again restarts the window.
	f.clk.Advance(time.Minute)
	f.mustCall(t, "PutItem", `{"TableName":"src","Item":{"pk":{"S":"a"}}}`)
	sc := scope.From(f.ctx)
	if n := f.countKeys(t, pitrPrefix(sc, "src")); n != 1 {
		t.Fatalf("%d history entries, want 1", n)
	}
	f.mustCall(t, "UpdateContinuousBackups", `{"TableName":"src","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":false}}`)
	if n := f.countKeys(t, pitrPrefix(sc, "src")); n != 0 {
		t.Fatalf("%d history entries after disabling", n)
	}
	f.clk.Advance(time.Minute)
	again := fmt.Sprint(f.clk.Now().Unix())
	f.run(t, []wireCase{
		{"DescribeContinuousBackups", `{"TableName":"src"}`, 200, []string{`"PointInTimeRecoveryStatus":"DISABLED"`}, []string{"Earliest"}},
		{"UpdateContinuousBackups", `{"TableName":"src","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":true}}`, 200, []string{`"EarliestRestorableDateTime":` + again, `"RecoveryPeriodInDays":35`}, nil},
		{"RestoreTableToPointInTime", fmt.Sprintf(`{"SourceTableName":"src","TargetTableName":"rst2","RestoreDateTime":%d}`, epoch.Unix()+30), 400, []string{codeInvalidRestore}, nil},
	})
	f.mustCall(t, "PutItem", `{"TableName":"src","Item":{"pk":{"S":"b"}}}`)
	f.mustCall(t, "DeleteTable", `{"TableName":"src"}`)
	if n := f.countKeys(t, pitrPrefix(sc, "src")); n != 0 {
		t.Fatalf("%d history entries after DeleteTable", n)
	}
	if n := f.countKeys(t, pitrJobKey(sc, "src")); n != 0 {
		t.Fatal("sweeper job left after DeleteTable")
	}
}

// TestPITRRestoreHistory writes through every write path, one step a
// second, snapshots the table after each step, and restores every step's
// second: each restored table must equal its snapshot, indexes included.
func TestPITRRestoreHistory(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", strings.Replace(ttlTable, `"TableName":"tbl"`, `"TableName":"src"`, 1))
	f.mustCall(t, "PutItem", `{"TableName":"src","Item":{"pk":{"S":"pre"},"g":{"S":"x"}}}`)
	f.mustCall(t, "UpdateTimeToLive", `{"TableName":"src","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}}`)
	f.mustCall(t, "UpdateContinuousBackups", `{"TableName":"src","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":true}}`)
	steps := []struct {
		name string
		do   func()
	}{
		{"enabled", func() {}},
		{"puts", func() {
			for _, k := range []string{"a", "b", "c"} {
				f.mustCall(t, "PutItem", fmt.Sprintf(`{"TableName":"src","Item":{"pk":{"S":%q},"g":{"S":"x"},"v":{"N":"0"}}}`, k))
			}
		}},
		{"update-delete", func() {
			f.mustCall(t, "UpdateItem", `{"TableName":"src","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET v = v + :one, g = :y","ExpressionAttributeValues":{":one":{"N":"1"},":y":{"S":"y"}}}`)
			f.mustCall(t, "DeleteItem", `{"TableName":"src","Key":{"pk":{"S":"b"}}}`)
			f.mustCall(t, "DeleteItem", `{"TableName":"src","Key":{"pk":{"S":"missing"}}}`)
		}},
		{"transaction", func() {
			f.mustCall(t, "TransactWriteItems", `{"TransactItems":[
				{"Put":{"TableName":"src","Item":{"pk":{"S":"d"},"g":{"S":"x"}}}},
				{"Update":{"TableName":"src","Key":{"pk":{"S":"c"}},"UpdateExpression":"SET v = :nine","ExpressionAttributeValues":{":nine":{"N":"9"}}}},
				{"Delete":{"TableName":"src","Key":{"pk":{"S":"a"}}}}]}`)
		}},
		{"batch", func() {
			f.mustCall(t, "BatchWriteItem", `{"RequestItems":{"src":[
				{"PutRequest":{"Item":{"pk":{"S":"e"},"g":{"S":"z"}}}},
				{"PutRequest":{"Item":{"pk":{"S":"b"},"g":{"S":"again"}}}},
				{"DeleteRequest":{"Key":{"pk":{"S":"c"}}}}]}}`)
		}},
		{"partiql-and-expiring", func() {
			f.mustCall(t, "ExecuteStatement", `{"Statement":"UPDATE src SET v = 5 WHERE pk = 'd'"}`)
			f.mustCall(t, "PutItem", fmt.Sprintf(`{"TableName":"src","Item":{"pk":{"S":"ttl"},"g":{"S":"x"},"exp":{"N":"%d"}}}`, epoch.Unix()-10))
		}},
		{"ttl-deletion", func() { f.sweep(t) }},
		{"same-second-rewrites", func() {
			for i := range 4 {
				f.mustCall(t, "PutItem", fmt.Sprintf(`{"TableName":"src","Item":{"pk":{"S":"d"},"g":{"S":"x"},"v":{"N":"%d"}}}`, 10+i))
			}
			f.mustCall(t, "DeleteItem", `{"TableName":"src","Key":{"pk":{"S":"e"}}}`)
			f.mustCall(t, "PutItem", `{"TableName":"src","Item":{"pk":{"S":"e"},"g":{"S":"back"}}}`)
		}},
	}
	type snap struct {
		at    time.Time
		items string
	}
	var snaps []snap
	for _, s := range steps {
		f.clk.Advance(time.Second)
		s.do()
		snaps = append(snaps, snap{f.clk.Now(), f.scanState(t, "src")})
	}
	// Writes after the last snapshot must not show in its restore.
	f.clk.Advance(time.Second)
	f.mustCall(t, "PutItem", `{"TableName":"src","Item":{"pk":{"S":"late"},"g":{"S":"x"}}}`)
	f.mustCall(t, "DeleteItem", `{"TableName":"src","Key":{"pk":{"S":"pre"}}}`)
	f.clk.Advance(time.Second)
	for i, s := range snaps {
		target := fmt.Sprintf("rst%d", i)
		f.mustCall(t, "RestoreTableToPointInTime", fmt.Sprintf(`{"SourceTableName":"src","TargetTableName":%q,"RestoreDateTime":%d}`, target, s.at.Unix()))
		if got := f.scanState(t, target); got != s.items {
			t.Errorf("%s: restored\n%s\nwant\n%s", steps[i].name, got, s.items)
		}
		var items []map[string]any
		if err := json.Unmarshal([]byte(s.items), &items); err != nil {
			t.Fatal(err)
		}
		body := f.mustCall(t, "Query", fmt.Sprintf(`{"TableName":%q,"IndexName":"byg","KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"x"}},"Select":"COUNT"}`, target))
		want := 0
		for _, it := range items {
			if fmt.Sprint(it["g"]) == "map[S:x]" {
				want++
			}
		}
		if !strings.Contains(body, fmt.Sprintf(`"Count":%d`, want)) {
			t.Errorf("%s: index query %s, want count %d", steps[i].name, body, want)
		}
		f.run(t, []wireCase{{"DescribeTable", fmt.Sprintf(`{"TableName":%q}`, target), 200, []string{
			fmt.Sprintf(`"ItemCount":%d`, len(items)), `"TableStatus":"ACTIVE"`}, nil}})
	}
	f.mustCall(t, "RestoreTableToPointInTime", `{"SourceTableName":"src","TargetTableName":"latest","UseLatestRestorableTime":true}`)
	if got, want := f.scanState(t, "latest"), f.scanState(t, "src"); got != want {
		t.Errorf("latest restore\n%s\nwant\n%s", got, want)
	}
}

// TestPITRBatchesAndSweep restores a table larger than one copy batch and
// checks that the sweeper trims only history older than the window.
func TestPITRBatchesAndSweep(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", strings.Replace(simpleTable, `"TableName":"tbl"`, `"TableName":"src"`, 1))
	f.mustCall(t, "UpdateContinuousBackups", `{"TableName":"src","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":true,"RecoveryPeriodInDays":1}}`)
	n := copyBatchItems*2 + 17
	for i := range n {
		f.mustCall(t, "PutItem", fmt.Sprintf(`{"TableName":"src","Item":{"pk":{"S":"k%04d"}}}`, i))
	}
	f.clk.Advance(2 * 24 * time.Hour)
	mid := f.clk.Now()
	want := f.scanState(t, "src")
	f.clk.Advance(time.Second)
	for i := range n / 2 {
		f.mustCall(t, "DeleteItem", fmt.Sprintf(`{"TableName":"src","Key":{"pk":{"S":"k%04d"}}}`, i*2))
	}
	sc := scope.From(f.ctx)
	if err := f.p.sweepPITR(f.ctx); err != nil {
		t.Fatal(err)
	}
	if got := f.countKeys(t, pitrPrefix(sc, "src")); got != n/2 {
		t.Fatalf("%d history entries after the sweep, want %d", got, n/2)
	}
	body := f.mustCall(t, "DescribeContinuousBackups", `{"TableName":"src"}`)
	if !strings.Contains(body, fmt.Sprintf(`"EarliestRestorableDateTime":%d`, f.clk.Now().AddDate(0, 0, -1).Unix())) {
		t.Fatalf("window after a day: %s", body)
	}
	f.mustCall(t, "RestoreTableToPointInTime", fmt.Sprintf(`{"SourceTableName":"src","TargetTableName":"rst","RestoreDateTime":%d}`, mid.Unix()))
	if got := f.scanState(t, "rst"); got != want {
		t.Fatalf("restore across batches differs: %d vs %d bytes", len(got), len(want))
	}
}

func FuzzPITREntry(f *testing.F) {
	keys := attr.MarshalItem(attr.Item{"pk": {S: ptr("a")}})
	img := attr.MarshalItem(attr.Item{"pk": {S: ptr("a")}, "v": {N: ptr("1")}})
	valid := append([]byte{pitrEntryVersion, byte(len(keys))}, keys...)
	f.Add(append(append([]byte(nil), valid...), 0))
	f.Add(append(append(append([]byte(nil), valid...), byte(len(img)+1)), img...))
	f.Add([]byte{})
	f.Add([]byte{pitrEntryVersion, 200})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := decodePITREntry(b)
		if err != nil {
			return
		}
		if e.keys == nil {
			t.Fatal("decoded entry without keys")
		}
	})
}
