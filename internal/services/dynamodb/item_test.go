package dynamodb

import (
	"strings"
	"testing"
)

const gsiTable = `{"TableName":"items","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
	"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"},{"AttributeName":"g","AttributeType":"S"}],
	"BillingMode":"PAY_PER_REQUEST",
	"GlobalSecondaryIndexes":[{"IndexName":"by-g","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}]}`

func TestItemsWithoutExpressions(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", gsiTable)
	big := strings.Repeat("x", 410*1024)
	f.run(t, []wireCase{
		{"PutItem", `{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"N":"1.50"},"g":{"S":"x"},"v":{"SS":["p","q"]}},"ReturnConsumedCapacity":"INDEXES"}`, 200,
			[]string{`"CapacityUnits":2`, `"GlobalSecondaryIndexes":{"by-g":{"WriteCapacityUnits":1,"CapacityUnits":1}`, `"Table":{"WriteCapacityUnits":1,"CapacityUnits":1}`}, nil},
		{"GetItem", `{"TableName":"items","Key":{"pk":{"S":"a"},"sk":{"N":"1.5"}},"ReturnConsumedCapacity":"TOTAL"}`, 200,
			[]string{`"sk":{"N":"1.5"}`, `"v":{"SS":["p","q"]}`, `"CapacityUnits":0.5`}, nil},
		{"GetItem", `{"TableName":"items","Key":{"pk":{"S":"zz"},"sk":{"N":"1"}}}`, 200, nil, []string{`"Item"`}},
		{"PutItem", `{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"N":"1.5"},"n":{"N":"2"}},"ReturnValues":"ALL_OLD"}`, 200, []string{`"Attributes":{`, `"g":{"S":"x"}`}, nil},
		{"PutItem", `{"TableName":"items","Item":{"pk":{"N":"1"},"sk":{"N":"1"}}}`, 400, []string{"Type mismatch for key pk expected: S actual: N"}, nil},
		{"PutItem", `{"TableName":"items","Item":{"pk":{"S":"a"}}}`, 400, []string{"Missing the key sk in the item"}, nil},
		{"PutItem", `{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"e":{"SS":[]}}}`, 400, []string{"An string set  may not be empty"}, nil},
		{"PutItem", `{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"e":{"B":""}}}`, 200, nil, nil},
		{"DeleteItem", `{"TableName":"items","Key":{"pk":{"S":"a"},"sk":{"N":"1"}}}`, 200, nil, nil},
		{"PutItem", `{"TableName":"items","Item":{"pk":{"S":""},"sk":{"N":"1"}}}`, 400, []string{"The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"}, nil},
		{"PutItem", `{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"g":{"N":"1"}}}`, 400, []string{"Type mismatch for Index Key g Expected: S Actual: N IndexName: by-g"}, nil},
		{"PutItem", `{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"b":{"S":"` + big + `"}}}`, 400, []string{"Item size has exceeded the maximum allowed size"}, nil},
		{"PutItem", `{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"N":"1"}},"ReturnValues":"ALL_NEW"}`, 400, []string{"Return values set to invalid value"}, nil},
		{"PutItem", `{"TableName":"nope","Item":{"pk":{"S":"a"},"sk":{"N":"1"}}}`, 400, []string{`ResourceNotFoundException","message":"Requested resource not found"}`}, nil},
		{"GetItem", `{"TableName":"items","Key":{"pk":{"S":"a"}}}`, 400, []string{"The provided key element does not match the schema"}, nil},
		{"GetItem", `{"TableName":"items","Key":{"pk":{"S":"a"},"sk":{"S":"1"}}}`, 400, []string{"The provided key element does not match the schema"}, nil},
		{"UpdateItem", `{"TableName":"items","Key":{"pk":{"S":"new"},"sk":{"N":"7"}},"ReturnValues":"ALL_NEW"}`, 200, []string{`"Attributes":{"pk":{"S":"new"},"sk":{"N":"7"}}`}, nil},
		{"DescribeTable", `{"TableName":"items"}`, 200, []string{`"ItemCount":2`, `"IndexName":"by-g"`}, nil},
		{"DeleteItem", `{"TableName":"items","Key":{"pk":{"S":"a"},"sk":{"N":"1.5"}},"ReturnValues":"ALL_OLD"}`, 200, []string{`"n":{"N":"2"}`}, nil},
		{"DeleteItem", `{"TableName":"items","Key":{"pk":{"S":"a"},"sk":{"N":"1.5"}},"ReturnValues":"ALL_OLD"}`, 200, nil, []string{`"Attributes"`}},
		{"DescribeTable", `{"TableName":"items"}`, 200, []string{`"ItemCount":1`}, nil},
	})
}

func TestIndexBackfillAndStats(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", gsiTable)
	f.mustCall(t, "PutItem", `{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"g":{"S":"x"},"h":{"S":"y"}}}`)
	f.mustCall(t, "PutItem", `{"TableName":"items","Item":{"pk":{"S":"a"},"sk":{"N":"2"},"h":{"S":"y"}}}`)
	f.run(t, []wireCase{
		{"DescribeTable", `{"TableName":"items"}`, 200, []string{`"ItemCount":2`, `"IndexName":"by-g","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"KEYS_ONLY"},"IndexStatus":"ACTIVE","ProvisionedThroughput":{"NumberOfDecreasesToday":0,"ReadCapacityUnits":0,"WriteCapacityUnits":0},"IndexSizeBytes":`}, nil},
		{"UpdateTable", `{"TableName":"items","AttributeDefinitions":[{"AttributeName":"h","AttributeType":"S"}],"GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"by-h","KeySchema":[{"AttributeName":"h","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}}]}`, 200, []string{`"IndexName":"by-h"`}, nil},
		{"DescribeTable", `{"TableName":"items"}`, 200, []string{`"IndexName":"by-h","KeySchema":[{"AttributeName":"h","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"},"IndexStatus":"ACTIVE","ProvisionedThroughput":{"NumberOfDecreasesToday":0,"ReadCapacityUnits":0,"WriteCapacityUnits":0},"IndexSizeBytes":`}, nil},
	})
	_, body := f.call(t, "DescribeTable", `{"TableName":"items"}`)
	if !strings.Contains(body, `"IndexArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/items/index/by-h","ItemCount":2`) &&
		!strings.Contains(body, `"ItemCount":2,"IndexArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/items/index/by-h"`) {
		t.Fatalf("by-h should hold 2 items: %s", body)
	}
}

func TestItemExpressions(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", simpleTable)
	f.run(t, []wireCase{
		{"PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"a"},"n":{"N":"1"}},"ConditionExpression":"attribute_not_exists(pk)"}`, 200, nil, nil},
		{"PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"a"},"n":{"N":"9"}},"ConditionExpression":"attribute_not_exists(pk)","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}`, 400,
			[]string{"ConditionalCheckFailedException", "The conditional request failed", `"Item":{`, `"n":{"N":"1"}`}, nil},
		{"UpdateItem", `{"TableName":"tbl","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET n = n + :one, #s = :s","ExpressionAttributeNames":{"#s":"s"},"ExpressionAttributeValues":{":one":{"N":"1"},":s":{"S":"x"}},"ReturnValues":"UPDATED_NEW"}`, 200,
			[]string{`"Attributes":{`, `"n":{"N":"2"}`, `"s":{"S":"x"}`}, []string{`"pk"`}},
		{"UpdateItem", `{"TableName":"tbl","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET n = :v","ExpressionAttributeValues":{":v":{"N":"5"}},"ReturnValues":"UPDATED_OLD"}`, 200,
			[]string{`"Attributes":{"n":{"N":"2"}}`}, nil},
		{"UpdateItem", `{"TableName":"tbl","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET pk = :v","ExpressionAttributeValues":{":v":{"S":"b"}}}`, 400,
			[]string{"ValidationException", "pk"}, nil},
		{"UpdateItem", `{"TableName":"tbl","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET n = :v","ExpressionAttributeValues":{":v":{"N":"5"},":w":{"N":"1"}}}`, 400,
			[]string{"Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}"}, nil},
		{"DeleteItem", `{"TableName":"tbl","Key":{"pk":{"S":"a"}},"ConditionExpression":"n = :v","ExpressionAttributeValues":{":v":{"N":"4"}}}`, 400, []string{"ConditionalCheckFailedException"}, nil},
		{"GetItem", `{"TableName":"tbl","Key":{"pk":{"S":"a"}},"ProjectionExpression":"#n","ExpressionAttributeNames":{"#n":"n"}}`, 200, []string{`{"Item":{"n":{"N":"5"}}}`}, nil},
		{"GetItem", `{"TableName":"tbl","Key":{"pk":{"S":"a"}},"AttributesToGet":["s"]}`, 200, []string{`{"Item":{"s":{"S":"x"}}}`}, nil},
		{"GetItem", `{"TableName":"tbl","Key":{"pk":{"S":"a"}},"AttributesToGet":["s"],"ProjectionExpression":"s"}`, 400, []string{"Can not use both expression and non-expression parameters"}, nil},
		{"GetItem", `{"TableName":"tbl","Key":{"pk":{"S":"a"}},"ExpressionAttributeNames":{"#n":"n"}}`, 400, []string{"ExpressionAttributeNames can only be specified when using expressions"}, nil},
		{"PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"a"}},"Expected":{"n":{"Value":{"N":"5"}}}}`, 200, nil, nil},
		{"UpdateItem", `{"TableName":"tbl","Key":{"pk":{"S":"a"}},"AttributeUpdates":{"c":{"Action":"ADD","Value":{"N":"3"}}},"ReturnValues":"ALL_NEW"}`, 200, []string{`"c":{"N":"3"}`}, nil},
		{"DeleteItem", `{"TableName":"tbl","Key":{"pk":{"S":"a"}},"Expected":{"c":{"Exists":false}}}`, 400, []string{"ConditionalCheckFailedException"}, nil},
	})
}
