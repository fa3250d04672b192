package dynamodb

import "testing"

const (
	simpleTable = `{"TableName":"tbl","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`
	fullTable   = `{"TableName":"full","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
	"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"},{"AttributeName":"g","AttributeType":"S"},{"AttributeName":"l","AttributeType":"B"}],
	"ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":6},
	"LocalSecondaryIndexes":[{"IndexName":"lsi","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"l","KeyType":"RANGE"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}],
	"GlobalSecondaryIndexes":[{"IndexName":"gsi","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":["a"]},"ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":2}}],
	"SSESpecification":{"Enabled":true},"Tags":[{"Key":"k","Value":"v"}],"TableClass":"STANDARD_INFREQUENT_ACCESS","DeletionProtectionEnabled":true}`
	arnT    = `arn:aws:dynamodb:eu-west-1:111122223333:table/tbl`
	arnFull = `arn:aws:dynamodb:eu-west-1:111122223333:table/full`
)

func TestTableLifecycle(t *testing.T) {
	f := newFixture(t)
	f.run(t, []wireCase{
		{"CreateTable", simpleTable, 200, []string{`"TableStatus":"CREATING"`, `"TableArn":"` + arnT + `"`, `"BillingMode":"PAY_PER_REQUEST"`, `"ItemCount":0`, `"DeletionProtectionEnabled":false`}, nil},
		{"CreateTable", simpleTable, 400, []string{"ResourceInUseException", "Table already exists: t"}, nil},
		{"DescribeTable", `{"TableName":"tbl"}`, 200, []string{`"TableStatus":"ACTIVE"`, `"TableId":"`, `"CreationDateTime":`, `"ReadCapacityUnits":0`}, nil},
		{"DescribeTable", `{"TableName":"nope"}`, 400, []string{"ResourceNotFoundException", "Requested resource not found: Table: nope not found"}, nil},
		{"CreateTable", fullTable, 200, []string{`"IndexArn":"` + arnFull + `/index/gsi"`, `"IndexStatus":"ACTIVE"`, `"SSEType":"KMS"`, `"TableClass":"STANDARD_INFREQUENT_ACCESS"`, `"NonKeyAttributes":["a"]`}, []string{`"BillingModeSummary"`}},
		{"ListTables", `{}`, 200, []string{`"TableNames":["full","tbl"]`}, nil},
		{"ListTagsOfResource", `{"ResourceArn":"` + arnFull + `"}`, 200, []string{`"Tags":[{"Key":"k","Value":"v"}]`}, nil},
		{"TagResource", `{"ResourceArn":"` + arnFull + `","Tags":[{"Key":"k","Value":"w"},{"Key":"x","Value":"y"}]}`, 200, nil, nil},
		{"UntagResource", `{"ResourceArn":"` + arnFull + `","TagKeys":["x"]}`, 200, nil, nil},
		{"ListTagsOfResource", `{"ResourceArn":"` + arnFull + `"}`, 200, []string{`"Tags":[{"Key":"k","Value":"w"}]`}, nil},
		{"ListTagsOfResource", `{"ResourceArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/zz"}`, 400, []string{"ResourceNotFoundException"}, nil},
		{"DeleteTable", `{"TableName":"full"}`, 400, []string{"ValidationException", "protected against deletion"}, nil},
		// Deletion protection changes at once: the response says ACTIVE (DDB-TABLE-017).
		{"UpdateTable", `{"TableName":"full","DeletionProtectionEnabled":false}`, 200, []string{`"TableStatus":"ACTIVE"`}, nil},
		{"UpdateTable", `{"TableName":"full","ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":6}}`, 400, []string{"The provisioned throughput for the table will not change"}, nil},
		{"UpdateTable", `{"TableName":"full","ProvisionedThroughput":{"ReadCapacityUnits":7,"WriteCapacityUnits":6}}`, 200, []string{`"ReadCapacityUnits":7`, `"LastIncreaseDateTime"`}, nil},
		{"UpdateTable", `{"TableName":"full","AttributeDefinitions":[{"AttributeName":"h","AttributeType":"N"}],"GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"gs2","KeySchema":[{"AttributeName":"h","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"},"ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}}]}`,
			200, []string{`"IndexName":"gs2"`, `"IndexStatus":"CREATING"`, `{"AttributeName":"h","AttributeType":"N"}`}, nil},
		{"UpdateTable", `{"TableName":"full","GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"gsi"}}]}`, 200, nil, []string{`"IndexName":"gsi"`, `"AttributeName":"g"`}},
		{"UpdateTable", `{"TableName":"full","GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"gsi"}}]}`, 400, []string{"ResourceNotFoundException"}, nil},
		{"UpdateTable", `{"TableName":"full","BillingMode":"PAY_PER_REQUEST"}`, 200, []string{`"BillingMode":"PAY_PER_REQUEST"`}, nil},
		{"UpdateTable", `{"TableName":"full"}`, 400, []string{"ValidationException"}, nil},
		{"DeleteTable", `{"TableName":"full"}`, 200, []string{`"TableStatus":"DELETING"`}, nil},
		{"DeleteTable", `{"TableName":"full"}`, 400, []string{"Requested resource not found: Table: full not found"}, nil},
		{"DescribeLimits", `{}`, 200, []string{`"AccountMaxReadCapacityUnits":80000`}, nil},
		{"DescribeEndpoints", `{}`, 200, []string{`"Address":"dynamodb.eu-west-1.amazonaws.com"`, `"CachePeriodInMinutes":1440`}, nil},
	})
}

func TestCreateTableValidation(t *testing.T) {
	key := `"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]`
	def := `"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}]`
	ppr := `"BillingMode":"PAY_PER_REQUEST"`
	tests := []struct {
		name, body, want string
	}{
		{"no throughput", `{"TableName":"xtb",` + key + `,` + def + `}`, "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"},
		{"throughput on demand", `{"TableName":"xtb",` + key + `,` + def + `,` + ppr + `,"ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}`, "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"},
		{"extra definition", `{"TableName":"xtb",` + key + `,"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"z","AttributeType":"S"}],` + ppr + `}`, "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"},
		{"undefined key", `{"TableName":"xtb",` + key + `,"AttributeDefinitions":[{"AttributeName":"y","AttributeType":"S"}],` + ppr + `}`, "Some index key attributes are not defined in AttributeDefinitions. Keys: [pk], AttributeDefinitions: [y]"},
		{"range first", `{"TableName":"xtb","KeySchema":[{"AttributeName":"pk","KeyType":"RANGE"}],` + def + `,` + ppr + `}`, "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"},
		{"lsi without table range", `{"TableName":"xtb",` + key + `,` + def + `,` + ppr + `,"LocalSecondaryIndexes":[{"IndexName":"lll","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}]}`, "Table KeySchema does not have a range key"},
		{"include without attrs", `{"TableName":"xtb",` + key + `,` + def + `,` + ppr + `,"GlobalSecondaryIndexes":[{"IndexName":"ggg","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"Projection":{"ProjectionType":"INCLUDE"}}]}`, "ProjectionType is INCLUDE, but NonKeyAttributes is not specified"},
		{"gsi throughput missing", `{"TableName":"xtb",` + key + `,` + def + `,"ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1},"GlobalSecondaryIndexes":[{"IndexName":"ggg","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}]}`, "ProvisionedThroughput must be specified for index: ggg"},
		{"empty gsis", `{"TableName":"xtb",` + key + `,` + def + `,` + ppr + `,"GlobalSecondaryIndexes":[]}`, "List of GlobalSecondaryIndexes is empty"},
	}
	f := newFixture(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.run(t, []wireCase{{"CreateTable", tt.body, 400, []string{"ValidationException", tt.want}, nil}})
		})
	}
}
