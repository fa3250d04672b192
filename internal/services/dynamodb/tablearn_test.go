package dynamodb

import (
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/scope"
)

const (
	otherAccount = "444455556666"
	arnItems     = `arn:aws:dynamodb:eu-west-1:111122223333:table/items`
	itemsTable   = `{"TableName":"items","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
	"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"},{"AttributeName":"g","AttributeType":"S"}],
	"GlobalSecondaryIndexes":[{"IndexName":"byg","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}],
	"BillingMode":"PAY_PER_REQUEST"}`
)

// as returns a fixture on the same provider whose requests come from
// account in the fixture's region.
func (f *fixture) as(account string) *fixture {
	g := *f
	sc := scope.From(f.ctx)
	sc.Account, sc.AccessKey = account, account
	g.ctx = scope.With(f.ctx, sc)
	return &g
}

func TestResolveTable(t *testing.T) {
	sc := scope.Scope{Account: testAccount, Region: testRegion}
	for _, tc := range []struct {
		op, in   string
		account  string
		name     string
		code     string
		contains string
	}{
		{"GetItem", "plain", testAccount, "plain", "", ""},
		{"GetItem", arnItems, testAccount, "items", "", ""},
		{"GetItem", "arn:aws:dynamodb:eu-west-1:444455556666:table/items", otherAccount, "items", "", ""},
		{"UpdateTimeToLive", "arn:aws:dynamodb:eu-west-1:444455556666:table/items", "", "", codeAccessDenied,
			"User: arn:aws:iam::111122223333:root is not authorized to perform: dynamodb:UpdateTimeToLive on resource: arn:aws:dynamodb:eu-west-1:444455556666:table/items"},
		{"GetItem", "arn:aws:dynamodb:us-east-1:111122223333:table/items", "", "", codeValidation,
			"1 validation error detected: Invalid AWS region in 'arn:aws:dynamodb:us-east-1:111122223333:table/items'"},
		// The account is checked before the region.
		{"ExecuteStatement", "arn:aws:dynamodb:us-east-1:444455556666:table/items", "", "", codeAccessDenied, ""},
		{"GetItem", "arn:aws:dynamodb:eu-west-1:111122223333:table/items/index/byg", "", "", codeValidation, "Invalid TableArn"},
		{"GetItem", "arn:aws:dynamodb:eu-west-1:111122223333:table/items/stream/2026-01-01T00:00:00.000", "", "", codeValidation, "Invalid TableArn"},
		{"GetItem", "arn:aws:s3:::bucket", "", "", codeValidation, "Invalid TableArn: Invalid ResourceArn provided as input arn:aws:s3:::bucket"},
		{"GetItem", "arn:aws:dynamodb:eu-west-1:1111:table/items", "", "", codeValidation, "Invalid TableArn"},
		{"GetItem", "arn:aws:dynamodb:eu-west-1:111122223333:backup/x", "", "", codeValidation, "Invalid TableArn"},
		{"GetItem", "arn:aws:dynamodb:eu-west-1:111122223333:table/", "", "", codeValidation, "Invalid TableArn"},
		{"GetItem", "arn:aws-cn:dynamodb:eu-west-1:111122223333:table/items", "", "", codeValidation, "Invalid TableArn"},
		{"GetItem", "arn:", "", "", codeValidation, "Invalid TableArn"},
	} {
		got, err := resolveTable(sc, tc.op, tc.in)
		if tc.code != "" {
			if !hasCode(err, tc.code) || !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("%s %s: %v, want %s %q", tc.op, tc.in, err, tc.code, tc.contains)
			}
			continue
		}
		if err != nil || got.name != tc.name || got.sc.Account != tc.account || got.sc.Region != testRegion {
			t.Errorf("%s %s: %+v %v", tc.op, tc.in, got, err)
		}
	}
}

// TestTableARNEveryOperation sends the table's ARN in the TableName of
// every operation family and checks each answers as it does for the name.
func TestTableARNEveryOperation(t *testing.T) {
	f := newFixture(t)
	item := `{"pk":{"S":"a"},"sk":{"N":"1"},"g":{"S":"x"}}`
	f.run(t, []wireCase{
		{"CreateTable", strings.Replace(itemsTable, `"items"`, `"`+arnItems+`"`, 1), 400,
			[]string{"ValidationException", "at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"}, nil},
		{"CreateTable", itemsTable, 200, nil, nil},
		{"DescribeTable", `{"TableName":"` + arnItems + `"}`, 200, []string{`"TableName":"items"`, `"TableArn":"` + arnItems + `"`}, nil},
		{"DescribeTable", `{"TableName":"arn:aws:dynamodb:eu-west-1:111122223333:table/missing"}`, 400, []string{"Requested resource not found: Table: missing not found"}, nil},
		{"PutItem", `{"TableName":"` + arnItems + `","Item":` + item + `,"ReturnConsumedCapacity":"TOTAL"}`, 200, []string{`"TableName":"items"`}, nil},
		{"GetItem", `{"TableName":"` + arnItems + `","Key":{"pk":{"S":"a"},"sk":{"N":"1"}}}`, 200, []string{`"g":{"S":"x"}`}, nil},
		{"UpdateItem", `{"TableName":"` + arnItems + `","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"UpdateExpression":"SET v = :v","ExpressionAttributeValues":{":v":{"N":"2"}},"ReturnValues":"ALL_NEW"}`, 200, []string{`"v":{"N":"2"}`}, nil},
		{"Query", `{"TableName":"` + arnItems + `","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"a"}}}`, 200, []string{`"Count":1`}, nil},
		{"Query", `{"TableName":"` + arnItems + `","IndexName":"byg","KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"x"}}}`, 200, []string{`"Count":1`}, nil},
		{"Scan", `{"TableName":"` + arnItems + `"}`, 200, []string{`"Count":1`}, nil},
		{"BatchWriteItem", `{"RequestItems":{"` + arnItems + `":[{"PutRequest":{"Item":{"pk":{"S":"b"},"sk":{"N":"2"}}}}]},"ReturnConsumedCapacity":"TOTAL","ReturnItemCollectionMetrics":"SIZE"}`, 200,
			[]string{`"TableName":"` + arnItems + `"`}, nil},
		{"BatchGetItem", `{"RequestItems":{"` + arnItems + `":{"Keys":[{"pk":{"S":"b"},"sk":{"N":"2"}}]},"items":{"Keys":[{"pk":{"S":"a"},"sk":{"N":"1"}}]}}}`, 200,
			[]string{`"Responses":{"` + arnItems + `":[{`, `"items":[{`}, nil},
		{"TransactWriteItems", `{"TransactItems":[{"Put":{"TableName":"` + arnItems + `","Item":{"pk":{"S":"c"},"sk":{"N":"3"}}}},{"ConditionCheck":{"TableName":"items","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"ConditionExpression":"attribute_exists(pk)"}}]}`, 200, nil, nil},
		// One item named by ARN and by name is one item.
		{"TransactWriteItems", `{"TransactItems":[{"Put":{"TableName":"` + arnItems + `","Item":{"pk":{"S":"c"},"sk":{"N":"3"}}}},{"Delete":{"TableName":"items","Key":{"pk":{"S":"c"},"sk":{"N":"3"}}}}]}`, 400,
			[]string{"Transaction request cannot include multiple operations on one item"}, nil},
		{"TransactGetItems", `{"TransactItems":[{"Get":{"TableName":"` + arnItems + `","Key":{"pk":{"S":"c"},"sk":{"N":"3"}}}}]}`, 200, []string{`"pk":{"S":"c"}`}, nil},
		{"DeleteItem", `{"TableName":"` + arnItems + `","Key":{"pk":{"S":"c"},"sk":{"N":"3"}},"ReturnValues":"ALL_OLD"}`, 200, []string{`"pk":{"S":"c"}`}, nil},
		{"UpdateTimeToLive", `{"TableName":"` + arnItems + `","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"exp"}}`, 200, nil, nil},
		{"DescribeTimeToLive", `{"TableName":"` + arnItems + `"}`, 200, []string{`"AttributeName":"exp"`}, nil},
		{"UpdateContinuousBackups", `{"TableName":"` + arnItems + `","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":true}}`, 200, []string{`"PointInTimeRecoveryStatus":"ENABLED"`}, nil},
		{"DescribeContinuousBackups", `{"TableName":"` + arnItems + `"}`, 200, []string{`"PointInTimeRecoveryStatus":"ENABLED"`}, nil},
		{"CreateBackup", `{"TableName":"` + arnItems + `","BackupName":"bak1"}`, 200, []string{`"BackupArn":"` + arnItems + `/backup/`}, nil},
		{"ListBackups", `{"TableName":"` + arnItems + `"}`, 200, []string{`"BackupName":"bak1"`}, nil},
		{"UpdateTable", `{"TableName":"` + arnItems + `","DeletionProtectionEnabled":true}`, 200, []string{`"DeletionProtectionEnabled":true`}, nil},
	})
	f.clk.Advance(dpCooldown) // a deletion protection change waits 15 s for the next (DDB-TABLE-003)
	f.run(t, []wireCase{
		{"UpdateTable", `{"TableName":"` + arnItems + `","DeletionProtectionEnabled":false}`, 200, nil, nil},
		// Errors of the ARN itself.
		{"GetItem", `{"TableName":"arn:aws:dynamodb:us-west-2:111122223333:table/items","Key":{"pk":{"S":"a"},"sk":{"N":"1"}}}`, 400,
			[]string{"ValidationException", "Invalid AWS region in 'arn:aws:dynamodb:us-west-2:111122223333:table/items'"}, nil},
		{"GetItem", `{"TableName":"arn:aws:dynamodb:eu-west-1:111122223333:table/items/index/byg","Key":{"pk":{"S":"a"},"sk":{"N":"1"}}}`, 400,
			[]string{"ValidationException", "Invalid TableArn"}, nil},
		{"BatchGetItem", `{"RequestItems":{"arn:aws:dynamodb:us-west-2:111122223333:table/items":{"Keys":[{"pk":{"S":"a"},"sk":{"N":"1"}}]}}}`, 400,
			[]string{"Invalid AWS region"}, nil},
		{"DescribeTimeToLive", `{"TableName":"arn:aws:dynamodb:eu-west-1:444455556666:table/items"}`, 400, []string{"AccessDeniedException"}, nil},
		{"DeleteTable", `{"TableName":"` + arnItems + `"}`, 200, []string{`"TableStatus":"DELETING"`}, nil},
		{"DescribeTable", `{"TableName":"` + arnItems + `"}`, 400, []string{"ResourceNotFoundException"}, nil},
	})
}

// TestTableARNOpenModeCrossAccount: open mode checks no permission, so
// another account's ARN reaches its table for the operations AWS serves
// across accounts, and is refused for the others.
func TestTableARNOpenModeCrossAccount(t *testing.T) {
	f := newFixture(t)
	owner := f.as(otherAccount)
	owner.mustCall(t, "CreateTable", itemsTable)
	other := "arn:aws:dynamodb:eu-west-1:" + otherAccount + ":table/items"
	f.run(t, []wireCase{
		{"PutItem", `{"TableName":"` + other + `","Item":{"pk":{"S":"x"},"sk":{"N":"1"}}}`, 200, nil, nil},
		{"DescribeTable", `{"TableName":"items"}`, 400, []string{"ResourceNotFoundException"}, nil},
		{"DescribeTable", `{"TableName":"` + other + `"}`, 200, []string{`"ItemCount":1`}, nil},
		{"UpdateContinuousBackups", `{"TableName":"` + other + `","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":true}}`, 400, []string{"AccessDeniedException"}, nil},
		{"ExecuteStatement", `{"Statement":"SELECT * FROM \"` + other + `\""}`, 400, nil, nil},
	})
	owner.run(t, []wireCase{
		{"GetItem", `{"TableName":"items","Key":{"pk":{"S":"x"},"sk":{"N":"1"}}}`, 200, []string{`"pk":{"S":"x"}`}, nil},
	})
}

func FuzzResolveTable(f *testing.F) {
	for _, s := range []string{arnItems, "plain", "arn:aws:dynamodb:us-east-1:444455556666:table/t/stream/x", "arn::::::", "arn:aws:dynamodb:eu-west-1:111122223333:table//"} {
		f.Add(s)
	}
	sc := scope.Scope{Account: testAccount, Region: testRegion}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := resolveTable(sc, "GetItem", s)
		if err == nil && isARN(s) && (got.name == "" || strings.Contains(got.name, "/")) {
			t.Fatalf("%q resolved to %+v", s, got)
		}
		_, _, _ = resolveResource(sc, "PutResourcePolicy", s, true)
	})
}
