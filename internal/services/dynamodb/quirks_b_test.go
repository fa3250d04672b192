package dynamodb

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Findings of the ack-api-quirks lab (observed AWS behaviour), cited by
// id: backups, index updates, CreateTable attribute rules and tags.

const bad = http.StatusBadRequest

func TestQuirksBackups(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", `{"TableName":"bkk","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`)
	var out struct {
		BackupDetails struct{ BackupArn, BackupStatus string }
	}
	if err := json.Unmarshal([]byte(f.mustCall(t, "CreateBackup", `{"TableName":"bkk","BackupName":"bb1"}`)), &out); err != nil {
		t.Fatal(err)
	}
	// DDB-BACKUP-003: CREATING in the create answer, AVAILABLE right after.
	if out.BackupDetails.BackupStatus != "CREATING" {
		t.Fatalf("CreateBackup status %q, want CREATING", out.BackupDetails.BackupStatus)
	}
	a := out.BackupDetails.BackupArn
	swapped := strings.Replace(a, ":eu-west-1:", ":us-east-1:", 1)
	other := strings.Replace(a, ":111122223333:", ":999988887777:", 1)
	f.run(t, []wireCase{
		// DDB-BACKUP-003/-006/-009: AVAILABLE, no expiry, no features for a plain table.
		{"DescribeBackup", `{"BackupArn":"` + a + `"}`, http.StatusOK,
			[]string{`"BackupStatus":"AVAILABLE"`, `"SourceTableFeatureDetails":{}`}, []string{"BackupExpiryDateTime"}},
		// DDB-BACKUP-012: the region part is ignored and echoed back.
		{"DescribeBackup", `{"BackupArn":"` + swapped + `"}`, http.StatusOK, []string{`"BackupArn":"` + swapped + `"`}, nil},
		{"DescribeBackup", `{"BackupArn":"` + other + `"}`, bad, []string{"AccessDeniedException", msgBackupAccessDenied}, nil},
		{"DescribeBackup", `{"BackupArn":"` + strings.Replace(a, ":eu-west-1:", ":xx-fake-1:", 1) + `"}`, bad,
			[]string{"ValidationException", msgBackupARNNotValid}, nil},
		{"DescribeBackup", `{"BackupArn":"` + strings.Replace(a, "arn:aws:dynamodb", "arn:aws:s3", 1) + `"}`, bad,
			[]string{"ValidationException", msgBackupARNNotValid}, nil},
		{"DescribeBackup", `{"BackupArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/bkk"}`, bad,
			[]string{"ValidationException", msgInvalidBackupARN}, nil},
		{"DeleteBackup", `{"BackupArn":"not-an-arn-but-long-enough-to-pass-the-length-rule"}`, bad,
			[]string{"ValidationException", msgInvalidBackupARN}, nil},
		// DDB-BACKUP-014: an inverted time range and a cursor of another region.
		{"ListBackups", `{"TimeRangeLowerBound":2000000000,"TimeRangeUpperBound":1000000000}`, bad, []string{msgTimeRangeInverted}, nil},
		{"ListBackups", `{"TimeRangeLowerBound":1000000000,"TimeRangeUpperBound":1000000000}`, http.StatusOK, nil, nil},
		{"ListBackups", `{"ExclusiveStartBackupArn":"` + swapped + `"}`, bad, []string{msgStartArnRegion}, nil},
		{"ListBackups", `{"TableName":"gone"}`, http.StatusOK, []string{`"BackupSummaries":[]`}, nil},
		// DDB-BACKUP-012/-005: a region-rewritten ARN deletes the real backup.
		{"DeleteBackup", `{"BackupArn":"` + swapped + `"}`, http.StatusOK, []string{`"BackupStatus":"DELETED"`}, nil},
		{"DescribeBackup", `{"BackupArn":"` + a + `"}`, bad, []string{"BackupNotFoundException"}, nil},
	})
}

func TestQuirksIndexUpdates(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", `{"TableName":"ixx","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
		"AttributeDefinitions":[{"AttributeName":"sk","AttributeType":"S"},{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"a","AttributeType":"S"},{"AttributeName":"l","AttributeType":"S"}],
		"ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1},
		"LocalSecondaryIndexes":[{"IndexName":"lsi1","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"l","KeyType":"RANGE"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}],
		"GlobalSecondaryIndexes":[{"IndexName":"gsi1","KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"},
			"ProvisionedThroughput":{"ReadCapacityUnits":2,"WriteCapacityUnits":2}}]}`)
	create := func(name string) string {
		return `{"Create":{"IndexName":"` + name + `","KeySchema":[{"AttributeName":"b","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"},"ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}}`
	}
	defs := `"AttributeDefinitions":[{"AttributeName":"b","AttributeType":"S"}]`
	upd := func(body string) string { return `{"TableName":"ixx",` + body + `}` }
	f.run(t, []wireCase{
		// DDB-TABLE-125: AttributeDefinitions come back sorted by name.
		{"DescribeTable", `{"TableName":"ixx"}`, http.StatusOK, []string{
			`"AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"},{"AttributeName":"l","AttributeType":"S"},{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"}]`}, nil},
		// DDB-TABLE-015/-359: nothing to do; an empty list is absent alone, refused beside a change.
		{"UpdateTable", upd(`"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}]`), bad, []string{msgNothingToUpdate}, nil},
		{"UpdateTable", upd(`"GlobalSecondaryIndexUpdates":[]`), bad, []string{msgNothingToUpdate}, nil},
		{"UpdateTable", upd(`"GlobalSecondaryIndexUpdates":[],"BillingMode":"PAY_PER_REQUEST"`), bad, []string{msgGSIUpdatesEmpty}, nil},
		// DDB-TABLE-159: one online index at a time, as LimitExceededException.
		{"UpdateTable", upd(defs + `,"GlobalSecondaryIndexUpdates":[` + create("gg3") + `,` + create("gg4") + `]`), bad,
			[]string{"LimitExceededException", msgOneOnlineIndex}, nil},
		{"UpdateTable", upd(defs + `,"GlobalSecondaryIndexUpdates":[` + create("gg3") + `,{"Delete":{"IndexName":"gsi1"}}]`), bad,
			[]string{"LimitExceededException", msgOneOnlineIndex}, nil},
		// DDB-TABLE-160: per-index and per-entry rules.
		{"UpdateTable", upd(`"GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"gsi1"}},{"Update":{"IndexName":"gsi1","ProvisionedThroughput":{"ReadCapacityUnits":3,"WriteCapacityUnits":3}}}]`), bad,
			[]string{fmt.Sprintf(msgGSISameIndex, "gsi1")}, nil},
		{"UpdateTable", upd(`"GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"gsi1"},"Update":{"IndexName":"gsi1","ProvisionedThroughput":{"ReadCapacityUnits":3,"WriteCapacityUnits":3}}}]`), bad,
			[]string{msgGSIManyActions}, nil},
		{"UpdateTable", upd(`"GlobalSecondaryIndexUpdates":[{}]`), bad, []string{msgOneGSIAction}, nil},
		// DDB-TABLE-174: a Create shares no call with a throughput or stream change.
		{"UpdateTable", upd(defs + `,"GlobalSecondaryIndexUpdates":[` + create("gg3") + `],"ProvisionedThroughput":{"ReadCapacityUnits":4,"WriteCapacityUnits":4}`), bad,
			[]string{msgIndexWithIOPS}, nil},
		{"UpdateTable", upd(defs + `,"GlobalSecondaryIndexUpdates":[` + create("gg3") + `],"StreamSpecification":{"StreamEnabled":true,"StreamViewType":"KEYS_ONLY"}`), bad,
			[]string{msgIndexWithStream}, nil},
		// DDB-TABLE-162/-152: AttributeDefinitions and throughput of a new index.
		{"UpdateTable", upd(`"GlobalSecondaryIndexUpdates":[` + create("gg3") + `]`), bad, []string{fmt.Sprintf(msgIndexNoDefinitions, "gg3")}, nil},
		{"UpdateTable", upd(defs + `,"GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"gg3","KeySchema":[{"AttributeName":"b","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}}]`), bad,
			[]string{fmt.Sprintf(msgIndexBothUnits, "gg3")}, nil},
		// DDB-TABLE-164: identical throughput will not change, also with BillingMode=PROVISIONED.
		{"UpdateTable", upd(`"GlobalSecondaryIndexUpdates":[{"Update":{"IndexName":"gsi1","ProvisionedThroughput":{"ReadCapacityUnits":2,"WriteCapacityUnits":2}}}]`), bad,
			[]string{"The provisioned throughput for the index gsi1 will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for index gsi1: 2. Requested ReadCapacityUnits: 2."}, nil},
		{"UpdateTable", upd(`"BillingMode":"PROVISIONED","ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}`), bad,
			[]string{"The provisioned throughput for the table will not change."}, nil},
		{"UpdateTable", upd(`"BillingMode":"PROVISIONED"`), bad, []string{msgSwitchNeedsTablePT}, nil},
		// DDB-TABLE-375/-357: a missing index and a local one.
		{"UpdateTable", upd(`"GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"nosuch"}}]`), bad,
			[]string{"ResourceNotFoundException", "Requested resource not found: Index nosuch for table ixx"}, nil},
		{"UpdateTable", upd(`"GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"lsi1"}}]`), bad,
			[]string{"ValidationException", "Cannot delete an index that is not a GlobalSecondaryIndex: lsi1"}, nil},
		{"UpdateTable", upd(`"GlobalSecondaryIndexUpdates":[{"Update":{"IndexName":"lsi1","ProvisionedThroughput":{"ReadCapacityUnits":3,"WriteCapacityUnits":3}}}]`), bad,
			[]string{"Cannot update an index that is not a GlobalSecondaryIndex: lsi1"}, nil},
		// Accepted: a partial change, then one Create alone.
		{"UpdateTable", upd(`"GlobalSecondaryIndexUpdates":[{"Update":{"IndexName":"gsi1","ProvisionedThroughput":{"ReadCapacityUnits":2,"WriteCapacityUnits":3}}}]`), http.StatusOK, nil, nil},
		{"UpdateTable", upd(defs + `,"GlobalSecondaryIndexUpdates":[` + create("gg3") + `]`), http.StatusOK,
			[]string{`"AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"},{"AttributeName":"b","AttributeType":"S"},{"AttributeName":"l","AttributeType":"S"}`}, nil},
	})
}

func TestQuirksIndexBilling(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", `{"TableName":"ipp","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"a","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST",
		"GlobalSecondaryIndexes":[{"IndexName":"gsi1","KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}]}`)
	pt := `"ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5}`
	f.run(t, []wireCase{
		// DDB-TABLE-152.
		{"UpdateTable", `{"TableName":"ipp","GlobalSecondaryIndexUpdates":[{"Update":{"IndexName":"gsi1",` + pt + `}}]}`, bad,
			[]string{fmt.Sprintf(msgIndexOnlyOnDemand, "gsi1")}, nil},
		{"UpdateTable", `{"TableName":"ipp","AttributeDefinitions":[{"AttributeName":"b","AttributeType":"S"}],"GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"gg2","KeySchema":[{"AttributeName":"b","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"},` + pt + `}}]}`, bad,
			[]string{fmt.Sprintf(msgIndexNoUnitsOnPPR, "gg2")}, nil},
		{"UpdateTable", `{"TableName":"ipp","BillingMode":"PROVISIONED",` + pt + `}`, bad,
			[]string{fmt.Sprintf(msgIndexThroughputNeeded, "gsi1")}, nil},
		{"UpdateTable", `{"TableName":"ipp","BillingMode":"PROVISIONED",` + pt + `,"GlobalSecondaryIndexUpdates":[{"Update":{"IndexName":"gsi1",` + pt + `}}]}`,
			http.StatusOK, nil, nil},
		{"DescribeTable", `{"TableName":"ipp"}`, http.StatusOK, []string{`"ReadCapacityUnits":5`}, nil},
	})
}

func TestQuirksCreateTableDefinitions(t *testing.T) {
	f := newFixture(t)
	gsi := `"GlobalSecondaryIndexes":[{"IndexName":"ggg","KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}]`
	f.run(t, []wireCase{
		// DDB-TABLE-127: duplicates, and unused definitions checked before other index rules.
		{"CreateTable", `{"TableName":"cc1","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST",
			"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"pk","AttributeType":"N"}]}`, bad,
			[]string{"Attribute Name is duplicated: pk"}, nil},
		{"CreateTable", `{"TableName":"cc1","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST",
			"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"a","AttributeType":"S"},{"AttributeName":"x","AttributeType":"S"}],` + gsi + `}`, bad,
			[]string{msgInvalid + "Some AttributeDefinitions are not used. AttributeDefinitions: [pk, a, x], keys used: [pk, a]"}, nil},
		{"CreateTable", `{"TableName":"cc1","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST",
			"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"x","AttributeType":"S"}]}`, bad,
			[]string{msgKeyCountMismatch}, nil},
	})
}

func TestQuirksTags(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", `{"TableName":"tgg","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`)
	a := `"ResourceArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/tgg"`
	tag := func(tags string) string { return `{` + a + `,"Tags":[` + tags + `]}` }
	var many []string
	for i := range 51 {
		many = append(many, fmt.Sprintf(`{"Key":"k%d","Value":"v"}`, i))
	}
	f.run(t, []wireCase{
		// DDB-TABLE-105/-107/-108/-372.
		{"TagResource", tag(``), bad, []string{msgNoTags}, nil},
		{"TagResource", tag(`{"Key":"aws:x","Value":"v"}`), bad, []string{"Tag Key cannot be prefixed with aws:, Key: aws:x"}, nil},
		{"TagResource", tag(`{"Key":"k","Value":"1"},{"Key":"k","Value":"2"}`), bad, []string{"Duplicate Tag Keys provided as input: Duplicate Tag Key found k"}, nil},
		{"TagResource", tag(`{"Key":"a,b","Value":"v"}`), bad, []string{"The Tag Key provided is invalid, Key: a,b"}, nil},
		{"TagResource", tag(`{"Key":"k","Value":"50%"}`), bad, []string{"The Tag Value provided is invalid, Value: 50%"}, nil},
		{"TagResource", tag(strings.Join(many, ",")), bad, []string{"ValidationException", msgTooManyTags}, nil},
		{"TagResource", tag(`{"Key":"Ok key+-=._:/@","Value":""}`), http.StatusOK, nil, nil},
		{"UntagResource", `{` + a + `,"TagKeys":[]}`, bad, []string{msgNoTagKeys}, nil},
		{"UntagResource", `{` + a + `,"TagKeys":["absent"]}`, http.StatusOK, nil, nil},
		{"ListTagsOfResource", `{` + a + `}`, http.StatusOK, []string{`"Key":"Ok key+-=._:/@"`}, nil},
	})
}
