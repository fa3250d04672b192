package dynamodb

import (
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/scope"
)

// upd is an UpdateTable request for table tbl with the given members.
func upd(members string) string { return `{"TableName":"tbl",` + members + `}` }

// TestUpdateTableOneConcern: UpdateTable refuses member pairs AWS refuses,
// naming SSE before TableClass before DeletionProtection, and applies
// nothing (DDB-TABLE-382, DDB-TABLE-433).
func TestUpdateTableOneConcern(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", simpleTable)
	const (
		dp     = `"DeletionProtectionEnabled":true`
		sse    = `"SSESpecification":{"Enabled":true}`
		class  = `"TableClass":"STANDARD_INFREQUENT_ACCESS"`
		stream = `"StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"}`
		odt    = `"OnDemandThroughput":{"MaxReadRequestUnits":100}`
		pt     = `"ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}`
		prov   = `"BillingMode":"PROVISIONED"`
		ppr    = `"BillingMode":"PAY_PER_REQUEST"`
	)
	f.run(t, []wireCase{
		{"UpdateTable", upd(dp + "," + stream), 400, []string{"ValidationException", msgDPOnly}, nil},
		{"UpdateTable", upd(dp + "," + sse), 400, []string{msgSSEOnly}, nil},
		{"UpdateTable", upd(dp + "," + class), 400, []string{msgClassOnly}, nil},
		{"UpdateTable", upd(sse + "," + class), 400, []string{msgSSEOnly}, nil},
		{"UpdateTable", upd(dp + "," + ppr), 400, []string{msgDPOnly}, nil},
		{"UpdateTable", upd(class + "," + odt), 400, []string{msgClassOnly}, nil},
		{"UpdateTable", upd(odt + "," + stream), 400, []string{msgODTOnlyBilling}, nil},
		{"UpdateTable", upd(stream + "," + prov + "," + pt), 400, []string{msgStreamWhileIOPS}, nil},
		{"UpdateTable", upd(stream + "," + pt), 400, []string{msgStreamWhileIOPS}, nil},
		{"UpdateTable", upd(pt + `,"GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"xyz"}}]`), 400, []string{msgIndexWithIOPS}, nil},
		// Nothing was applied.
		{"DescribeTable", `{"TableName":"tbl"}`, 200, []string{`"DeletionProtectionEnabled":false`}, []string{"StreamSpecification", "SSEDescription", "TableClassSummary"}},
		// The pairs AWS accepts.
		{"UpdateTable", upd(ppr + "," + odt), 200, []string{`"MaxReadRequestUnits":100`}, nil},
		{"UpdateTable", upd(ppr + "," + stream), 200, []string{`"StreamViewType":"NEW_IMAGE"`}, nil},
	})
}

// TestCreateTableSSE: SSESpecification validation and the SSEDescription
// each shape gives (DDB-TABLE-027, -031, -036, -044).
func TestCreateTableSSE(t *testing.T) {
	f := newFixture(t)
	create := func(name, sse string) string {
		return strings.Replace(strings.Replace(simpleTable, `"tbl"`, `"`+name+`"`, 1), `"BillingMode"`, `"SSESpecification":`+sse+`,"BillingMode"`, 1)
	}
	managed := awsManagedKeyARN(scope.Scope{Account: testAccount, Region: testRegion})
	f.run(t, []wireCase{
		{"CreateTable", create("aaa", `{"Enabled":false,"SSEType":"KMS"}`), 400, []string{"ValidationException", msgSSETypeDisabled}, nil},
		{"CreateTable", create("aaa", `{"Enabled":false,"KMSMasterKeyId":"k"}`), 400, []string{msgSSEKeyDisabled}, nil},
		{"CreateTable", create("aaa", `{"Enabled":false,"SSEType":"KMS","KMSMasterKeyId":"k"}`), 400, []string{msgSSETypeDisabled}, nil},
		{"CreateTable", create("aaa", `{"Enabled":false,"SSEType":"AES256"}`), 400, []string{msgSSETypeDisabled}, nil},
		{"CreateTable", create("aaa", `{"Enabled":true,"SSEType":"AES256"}`), 400, []string{msgSSEAES}, nil},
		{"CreateTable", create("aaa", `{"Enabled":true,"KMSMasterKeyId":"alias/aws/dynamodb"}`), 400, []string{msgSSEKeyNeedsKMS}, nil},
		{"DescribeTable", `{"TableName":"aaa"}`, 400, []string{"ResourceNotFoundException"}, nil},
		{"CreateTable", create("empty", `{}`), 200, nil, []string{"SSEDescription"}},
		{"CreateTable", create("off", `{"Enabled":false}`), 200, nil, []string{"SSEDescription"}},
		{"CreateTable", create("typeonly", `{"SSEType":"KMS"}`), 200, []string{`"SSEDescription":{"Status":"ENABLED","SSEType":"KMS","KMSMasterKeyArn":"` + managed + `"}`}, nil},
		{"CreateTable", create("onn", `{"Enabled":true}`), 200, []string{`"KMSMasterKeyArn":"` + managed + `"`}, nil},
		{"CreateTable", create("alias", `{"Enabled":true,"SSEType":"KMS","KMSMasterKeyId":"alias/aws/dynamodb"}`), 200, []string{`"KMSMasterKeyArn":"` + managed + `"`}, nil},
		{"CreateTable", create("cmk", `{"SSEType":"KMS","KMSMasterKeyId":"1234abcd-12ab-34cd-56ef-1234567890ab"}`), 200,
			[]string{`"KMSMasterKeyArn":"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"`}, nil},
	})
}

// TestUpdateTableSSE: which SSE re-sends are refused no-ops, the response
// shape of a change and the 4-per-24h quota (DDB-TABLE-079, -081, -082,
// -140, -141, -371).
func TestUpdateTableSSE(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", simpleTable)
	managed := awsManagedKeyARN(scope.Scope{Account: testAccount, Region: testRegion})
	cmk := "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	sse := func(spec string) string { return upd(`"SSESpecification":` + spec) }
	f.run(t, []wireCase{
		{"UpdateTable", sse(`{"Enabled":false}`), 400, []string{"ValidationException", msgSSEDefaultAlready}, nil},
		{"UpdateTable", sse(`{}`), 400, []string{msgSSEDefaultAlready}, nil},
		{"UpdateTable", sse(`{"Enabled":false,"SSEType":"KMS"}`), 400, []string{msgSSETypeDisabled}, nil},
		// Change 1: enabling answers {Status: UPDATING} and TableStatus ACTIVE.
		{"UpdateTable", sse(`{"Enabled":true}`), 200, []string{`"TableStatus":"ACTIVE"`, `"SSEDescription":{"Status":"UPDATING"}`}, nil},
		{"DescribeTable", `{"TableName":"tbl"}`, 200, []string{`"SSEDescription":{"Status":"ENABLED","SSEType":"KMS","KMSMasterKeyArn":"` + managed + `"}`}, nil},
		// The current key by ARN is a refused no-op.
		{"UpdateTable", sse(`{"Enabled":true,"SSEType":"KMS","KMSMasterKeyId":"` + managed + `"}`), 400, []string{msgSSESameKey}, nil},
		// Change 2: the same key by alias re-encrypts; the response echoes the old key.
		{"UpdateTable", sse(`{"Enabled":true,"SSEType":"KMS","KMSMasterKeyId":"alias/aws/dynamodb"}`), 200,
			[]string{`"SSEDescription":{"Status":"UPDATING","SSEType":"KMS","KMSMasterKeyArn":"` + managed + `"}`}, nil},
		// Change 3: to a customer key.
		{"UpdateTable", sse(`{"Enabled":true,"SSEType":"KMS","KMSMasterKeyId":"` + cmk + `"}`), 200,
			[]string{`"SSEDescription":{"Status":"UPDATING","SSEType":"KMS","KMSMasterKeyArn":"` + managed + `"}`}, nil},
		{"DescribeTable", `{"TableName":"tbl"}`, 200, []string{`"KMSMasterKeyArn":"` + cmk + `"`}, nil},
		// Change 4: back to the AWS-owned key; SSEDescription is then absent.
		{"UpdateTable", sse(`{"Enabled":false}`), 200, []string{`"SSEDescription":{"Status":"UPDATING","SSEType":"KMS","KMSMasterKeyArn":"` + cmk + `"}`}, nil},
		{"DescribeTable", `{"TableName":"tbl"}`, 200, nil, []string{"SSEDescription"}},
		// Change 5 within the window is over the quota.
		{"UpdateTable", sse(`{"Enabled":true}`), 400, []string{"LimitExceededException",
			"Subscriber limit exceeded: Encryption mode changes are limited in the 24h window ending at 2026-01-03T03:04:05.000Z. After the first 4 change, each subsequent change in the same window can be performed at most once every 21600 seconds. Number of updates today: 4. Last change at 2026-01-02T03:04:05.000Z"}, nil},
	})
	f.clk.Advance(sseSlowInterval)
	f.run(t, []wireCase{
		{"UpdateTable", sse(`{"Enabled":true}`), 200, nil, nil},
		{"UpdateTable", sse(`{"Enabled":false}`), 400, []string{"LimitExceededException", "Number of updates today: 5"}, nil},
	})
	f.clk.Advance(sseWindow)
	f.run(t, []wireCase{{"UpdateTable", sse(`{"Enabled":false}`), 200, nil, nil}})
}

// TestUpdateTableClass: re-sends are free no-ops, the response echoes the
// previous summary, and 2 changes per 30 days (DDB-TABLE-177, -283, -284, -365).
func TestUpdateTableClass(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", simpleTable)
	class := func(c string) string { return upd(`"TableClass":"` + c + `"`) }
	f.run(t, []wireCase{
		{"UpdateTable", class("STANDARD"), 200, []string{`"TableStatus":"UPDATING"`}, []string{"TableClassSummary"}},
		{"DescribeTable", `{"TableName":"tbl"}`, 200, []string{`"TableStatus":"ACTIVE"`}, []string{"TableClassSummary"}},
		{"UpdateTable", class("GLACIER"), 400, []string{"ValidationException"}, nil},
		{"UpdateTable", class("STANDARD_INFREQUENT_ACCESS"), 200, nil, []string{"TableClassSummary"}},
		{"DescribeTable", `{"TableName":"tbl"}`, 200, []string{`"TableClassSummary":{"TableClass":"STANDARD_INFREQUENT_ACCESS","LastUpdateDateTime":`}, nil},
		{"UpdateTable", class("STANDARD_INFREQUENT_ACCESS"), 200, []string{`"TableClassSummary":{"TableClass":"STANDARD_INFREQUENT_ACCESS"`}, nil},
		{"UpdateTable", class("STANDARD"), 200, []string{`"TableClass":"STANDARD_INFREQUENT_ACCESS"`}, nil},
		{"DescribeTable", `{"TableName":"tbl"}`, 200, []string{`"TableClass":"STANDARD"`}, nil},
		{"UpdateTable", class("STANDARD_INFREQUENT_ACCESS"), 400, []string{"LimitExceededException", msgClassQuota}, nil},
		{"UpdateTable", class("STANDARD"), 400, []string{"LimitExceededException", msgClassQuota}, nil},
	})
	f.clk.Advance(classWindow)
	f.run(t, []wireCase{{"UpdateTable", class("STANDARD_INFREQUENT_ACCESS"), 200, nil, nil}})
}

// TestDeletionProtectionCooldown: deletion protection changes at once,
// re-sends are free, a second change within 15 s is throttled
// (DDB-TABLE-003, -016, -017, -383, -438).
func TestDeletionProtectionCooldown(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", simpleTable)
	dp := func(v bool) string {
		if v {
			return upd(`"DeletionProtectionEnabled":true`)
		}
		return upd(`"DeletionProtectionEnabled":false`)
	}
	f.run(t, []wireCase{
		{"UpdateTable", dp(false), 200, []string{`"TableStatus":"ACTIVE"`}, nil},
		{"UpdateTable", dp(true), 200, []string{`"TableStatus":"ACTIVE"`, `"DeletionProtectionEnabled":true`}, nil},
		{"UpdateTable", dp(true), 200, nil, nil},
		{"UpdateTable", dp(false), 400, []string{"ThrottlingException",
			"Deletion protection setting for table tbl modified within the previous 15000 milliseconds. Please try again after 2026-01-02T03:04:20.000Z"}, nil},
		{"DeleteTable", `{"TableName":"tbl"}`, 400, []string{"ValidationException", msgDeletionProtected}, nil},
	})
	f.clk.Advance(dpCooldown)
	f.run(t, []wireCase{
		{"UpdateTable", dp(false), 200, []string{`"DeletionProtectionEnabled":false`}, nil},
		{"DeleteTable", `{"TableName":"tbl"}`, 200, nil, nil},
	})
}

// TestStreamSpecificationRules: stream re-sends, view type changes and
// the ARN of each enable (DDB-TABLE-018, -035, -050, -362).
func TestStreamSpecificationRules(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", simpleTable)
	st := func(spec string) string { return upd(`"StreamSpecification":` + spec) }
	f.run(t, []wireCase{
		{"UpdateTable", st(`{"StreamEnabled":false}`), 400, []string{"ValidationException", "Table has no stream to disable: TableName: tbl"}, nil},
		{"UpdateTable", st(`{"StreamEnabled":true}`), 400, []string{msgStreamViewRequired}, nil},
		{"UpdateTable", st(`{"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"}`), 200, []string{`"TableStatus":"UPDATING"`, `"LatestStreamArn":"` + arnT + `/stream/2026-01-02T03:04:05.000"`}, nil},
		{"UpdateTable", st(`{"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"}`), 400, []string{"Table already has an enabled stream: TableName: tbl"}, nil},
		{"UpdateTable", st(`{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"}`), 400, []string{"Table already has an enabled stream: TableName: tbl"}, nil},
		{"UpdateTable", st(`{"StreamEnabled":false,"StreamViewType":"KEYS_ONLY"}`), 400, []string{msgStreamViewForbidden}, nil},
		{"UpdateTable", st(`{"StreamEnabled":false}`), 200, nil, nil},
		{"DescribeTable", `{"TableName":"tbl"}`, 200, []string{`"LatestStreamArn":"` + arnT + `/stream/2026-01-02T03:04:05.000"`}, []string{"StreamSpecification"}},
		{"UpdateTable", st(`{"StreamEnabled":false}`), 400, []string{"Table has no stream to disable: TableName: tbl"}, nil},
	})
	f.clk.Advance(time.Second)
	f.run(t, []wireCase{
		{"UpdateTable", st(`{"StreamEnabled":true,"StreamViewType":"KEYS_ONLY"}`), 200, []string{`"LatestStreamArn":"` + arnT + `/stream/2026-01-02T03:04:06.000"`}, nil},
	})
}

// TestRestoreDropsSettings: a restored table has no table class, and a
// restore time outside the window quotes both bounds (DDB-TABLE-215, -272).
func TestRestoreDropsSettings(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", strings.Replace(simpleTable, `"BillingMode"`, `"TableClass":"STANDARD_INFREQUENT_ACCESS","BillingMode"`, 1))
	f.mustCall(t, "UpdateContinuousBackups", `{"TableName":"tbl","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":true}}`)
	arn := backupArnOf(t, f.mustCall(t, "CreateBackup", `{"TableName":"tbl","BackupName":"bak"}`))
	f.run(t, []wireCase{
		{"RestoreTableFromBackup", `{"TargetTableName":"rr1","BackupArn":"` + arn + `"}`, 200, nil, []string{"TableClassSummary"}},
		{"RestoreTableFromBackup", `{"TargetTableName":"rr2","BackupArn":"` + arn + `","BillingModeOverride":"PROVISIONED"}`, 400, []string{msgRestoreProvNeedsPT}, nil},
		{"RestoreTableFromBackup", `{"TargetTableName":"rr2","BackupArn":"` + arn + `","ProvisionedThroughputOverride":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}`, 400, []string{msgRestorePTNeedsProv}, nil},
		{"RestoreTableFromBackup", `{"TargetTableName":"rr2","BackupArn":"` + arn + `","OnDemandThroughputOverride":{"MaxReadRequestUnits":0}}`, 400,
			[]string{"Invalid Request: Requested MaxReadRequestUnits for OnDemandThroughput is outside of valid range"}, nil},
		{"RestoreTableFromBackup", `{"TargetTableName":"rr2","BackupArn":"` + arn + `","SSESpecificationOverride":{"Enabled":false,"SSEType":"KMS"}}`, 400, []string{msgSSETypeDisabled}, nil},
		{"RestoreTableFromBackup", `{"TargetTableName":"rr2","BackupArn":"` + arn + `","SSESpecificationOverride":{"Enabled":false}}`, 200, nil, []string{"SSEDescription"}},
		{"RestoreTableToPointInTime", `{"SourceTableName":"tbl","TargetTableName":"rr3","RestoreDateTime":1767315845}`, 400,
			[]string{"InvalidRestoreTimeException", "RestoreDateTime '2026-01-02T01:04:05Z' must be within EarliestRestorableDateTime '2026-01-02T03:04:05Z' and LatestRestorableDateTime '2026-01-02T03:04:05Z'"}, nil},
		{"RestoreTableToPointInTime", `{"SourceTableName":"tbl","TargetTableName":"rr1","UseLatestRestorableTime":true}`, 400, []string{"TableAlreadyExistsException", "Table already exists: rr1"}, nil},
	})
}
