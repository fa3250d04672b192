package dynamodb

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestUpdatedReturnValues(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", stmtTable)
	f.mustCall(t, "PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"m":{"M":{"x":{"N":"1"},"y":{"N":"2"}}},"l":{"L":[{"S":"p"},{"S":"q"},{"S":"r"}]},"n":{"N":"5"},"o":{"S":"keep"}}}`)
	key := `"Key":{"pk":{"S":"a"},"sk":{"N":"1"}}`
	f.run(t, []wireCase{
		{"UpdateItem", `{"TableName":"tbl",` + key + `,"UpdateExpression":"SET m.x = :v, l[1] = :v","ExpressionAttributeValues":{":v":{"N":"9"}},"ReturnValues":"UPDATED_OLD"}`, 200,
			[]string{`"Attributes":{`, `"m":{"M":{"x":{"N":"1"}}}`, `"l":{"L":[{"S":"q"}]}`}, []string{`"y"`, `"o"`, `"n"`}},
		{"UpdateItem", `{"TableName":"tbl",` + key + `,"UpdateExpression":"SET m.x = :v ADD n :v","ExpressionAttributeValues":{":v":{"N":"1"}},"ReturnValues":"UPDATED_NEW"}`, 200,
			[]string{`"m":{"M":{"x":{"N":"1"}}}`, `"n":{"N":"6"}`}, []string{`"y"`, `"o"`, `"l"`}},
		{"UpdateItem", `{"TableName":"tbl",` + key + `,"UpdateExpression":"REMOVE o","ReturnValues":"UPDATED_NEW"}`, 200, nil, []string{`"Attributes"`}},
		{"UpdateItem", `{"TableName":"tbl",` + key + `,"UpdateExpression":"SET o = :v","ExpressionAttributeValues":{":v":{"S":"new"}},"ReturnValues":"UPDATED_OLD"}`, 200, nil, []string{`"Attributes"`}},
		{"UpdateItem", `{"TableName":"tbl",` + key + `,"AttributeUpdates":{"n":{"Action":"PUT","Value":{"N":"7"}}},"ReturnValues":"UPDATED_OLD"}`, 200,
			[]string{`"Attributes":{"n":{"N":"6"}}`}, nil},
	})
}

func TestQueryFilterOnKey(t *testing.T) {
	f := newFixture(t)
	seedQuery(t, f)
	f.run(t, []wireCase{
		{"Query", `{"TableName":"qtb","KeyConditionExpression":"pk = :p","FilterExpression":"sk > :s","ExpressionAttributeValues":{":p":{"S":"p0"},":s":{"S":"s"}}}`, 400,
			[]string{"Filter Expression can only contain non-primary key attributes: Primary key attribute: sk"}, nil},
		{"Query", `{"TableName":"qtb","KeyConditionExpression":"pk = :p","FilterExpression":"x > :x OR #p = :p","ExpressionAttributeNames":{"#p":"pk"},"ExpressionAttributeValues":{":p":{"S":"p0"},":x":{"N":"1"}}}`, 400,
			[]string{"Primary key attribute: pk"}, nil},
		// On an index, the index's key counts; the table's does not.
		{"Query", `{"TableName":"qtb","IndexName":"by-g","KeyConditionExpression":"g = :g","FilterExpression":"n > :n","ExpressionAttributeValues":{":g":{"S":"g"},":n":{"N":"1"}}}`, 400,
			[]string{"Primary key attribute: n"}, nil},
		{"Query", `{"TableName":"qtb","IndexName":"by-g","KeyConditionExpression":"g = :g","FilterExpression":"sk > :s","ExpressionAttributeValues":{":g":{"S":"g"},":s":{"S":"s05"}}}`, 200,
			[]string{`"Count":4`}, nil},
		{"Query", `{"TableName":"qtb","KeyConditionExpression":"pk = :p","FilterExpression":"x > :x","ExpressionAttributeValues":{":p":{"S":"p0"},":x":{"N":"2"}}}`, 200,
			[]string{`"Count":3`}, nil},
		{"Query", `{"TableName":"qtb","KeyConditions":{"pk":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"p0"}]}},"QueryFilter":{"sk":{"ComparisonOperator":"GT","AttributeValueList":[{"S":"s"}]}}}`, 400,
			[]string{"QueryFilter can only contain non-primary key attributes: Primary key attribute: sk"}, nil},
		// Scan filters may name keys.
		{"Scan", `{"TableName":"qtb","FilterExpression":"sk > :s","ExpressionAttributeValues":{":s":{"S":"s05"}}}`, 200, []string{`"Count":4`}, nil},
	})
}

func TestTransactionItemErrors(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", stmtTable)
	f.mustCall(t, "PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"s":{"S":"text"}}}`)
	big := strings.Repeat("x", 400*1024)
	put := func(pk string) string {
		return `{"Put":{"TableName":"tbl","Item":{"pk":{"S":"` + pk + `"},"sk":{"N":"1"}}}}`
	}
	f.run(t, []wireCase{
		{"TransactWriteItems", `{"TransactItems":[` + put("b") + `,{"Update":{"TableName":"tbl","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"UpdateExpression":"ADD s :n","ExpressionAttributeValues":{":n":{"N":"1"}}}}]}`, 400,
			[]string{"TransactionCanceledException", "[None, ValidationError]", `{"Code":"None"},{"Code":"ValidationError","Message":"An operand in the update expression has an incorrect data type"}`}, nil},
		{"TransactWriteItems", `{"TransactItems":[{"Update":{"TableName":"tbl","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"UpdateExpression":"SET big = :b","ExpressionAttributeValues":{":b":{"S":"` + big + `"}}}},` + put("c") + `]}`, 400,
			[]string{"[ValidationError, None]", "Item size to update has exceeded the maximum allowed size"}, nil},
		{"TransactWriteItems", `{"TransactItems":[` + put("d") + `,{"Put":{"TableName":"tbl","Item":{"pk":{"S":"e"},"sk":{"N":"1"},"big":{"S":"` + big + `"}}}}]}`, 400,
			// A Put's size is known from the request: refused up front.
			[]string{"ValidationException", "Item size has exceeded the maximum allowed size"}, []string{"TransactionCanceledException"}},
		{"TransactWriteItems", `{"TransactItems":[{"ConditionCheck":{"TableName":"tbl","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},"ConditionExpression":"attribute_not_exists(s)","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}},` +
			put("f") + `,{"Update":{"TableName":"tbl","Key":{"pk":{"S":"g"},"sk":{"N":"1"}},"UpdateExpression":"SET v = nothere + :n","ExpressionAttributeValues":{":n":{"N":"1"}}}}]}`, 400,
			[]string{"[ConditionalCheckFailed, None, ValidationError]", `"CancellationReasons":[{"Item":{"pk":{"S":"a"},"s":{"S":"text"},"sk":{"N":"1"}},"Code":"ConditionalCheckFailed","Message":"The conditional request failed"},{"Code":"None"},{"Code":"ValidationError"`}, nil},
		// Request-level problems stay plain ValidationExceptions.
		{"TransactWriteItems", `{"TransactItems":[{"Put":{"TableName":"tbl","Item":{"pk":{"S":"a"}}}}]}`, 400, []string{"ValidationException", "Missing the key sk in the item"}, nil},
		{"GetItem", `{"TableName":"tbl","Key":{"pk":{"S":"b"},"sk":{"N":"1"}}}`, 200, nil, []string{`"Item"`}},
	})
}

func TestExclusiveStartKey(t *testing.T) {
	f := newFixture(t)
	seedQuery(t, f)
	q := func(extra string) string {
		return `{"TableName":"qtb","KeyConditionExpression":"pk = :p AND sk > :s","ExpressionAttributeValues":{":p":{"S":"p0"},":s":{"S":"s02"}}` + extra + `}`
	}
	f.run(t, []wireCase{
		{"Query", q(`,"ExclusiveStartKey":{"pk":{"S":"p0"},"sk":{"S":"s04"}}`), 200, []string{`"Count":2`}, nil},
		{"Query", q(`,"ExclusiveStartKey":{"pk":{"S":"p1"},"sk":{"S":"s05"}}`), 400, []string{"The provided starting key is outside query boundaries based on provided conditions"}, nil},
		{"Query", q(`,"ExclusiveStartKey":{"pk":{"S":"p0"},"sk":{"S":"s00"}}`), 400, []string{"The provided starting key does not match the range key predicate"}, nil},
		{"Query", q(`,"ExclusiveStartKey":{"pk":{"S":"p0"}}`), 400, []string{"The provided starting key is invalid"}, nil},
		{"Query", q(`,"ExclusiveStartKey":{"pk":{"S":"p0"},"sk":{"N":"1"}}`), 400, []string{"The provided starting key is invalid"}, nil},
		{"Query", q(`,"ExclusiveStartKey":{"pk":{"S":"p0"},"sk":{"S":"s04"},"x":{"N":"1"}}`), 400, []string{"The provided starting key is invalid"}, nil},
		{"Query", `{"TableName":"qtb","IndexName":"by-g","KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"g"}},"ExclusiveStartKey":{"pk":{"S":"p0"},"sk":{"S":"s04"}}}`, 400,
			[]string{"The provided starting key is invalid"}, nil},
		{"Query", `{"TableName":"qtb","IndexName":"by-g","KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"g"}},"ExclusiveStartKey":{"pk":{"S":"p0"},"sk":{"S":"s04"},"g":{"S":"h"},"n":{"N":"6"}}}`, 400,
			[]string{"outside query boundaries"}, nil},
		{"Query", `{"TableName":"qtb","IndexName":"by-g","KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"g"}},"ExclusiveStartKey":{"pk":{"S":"p0"},"sk":{"S":"s04"},"g":{"S":"g"},"n":{"N":"6"}}}`, 200,
			[]string{`"Count":4`}, nil},
		{"Scan", `{"TableName":"qtb","ExclusiveStartKey":{"pk":{"S":"p0"}}}`, 400, []string{"The provided starting key is invalid: The provided key element does not match the schema"}, nil},
	})
}

func TestBatchGetLimits(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", stmtTable)
	f.mustCall(t, "CreateTable", strings.Replace(stmtTable, `"TableName":"tbl"`, `"TableName":"utb"`, 1))
	keys := func(n int) string {
		var ks []string
		for i := 0; i < n; i++ {
			ks = append(ks, fmt.Sprintf(`{"pk":{"S":"a"},"sk":{"N":"%d"}}`, i))
		}
		return strings.Join(ks, ",")
	}
	f.run(t, []wireCase{
		{"BatchGetItem", `{"RequestItems":{"tbl":{"Keys":[` + keys(60) + `]},"utb":{"Keys":[` + keys(41) + `]}}}`, 400, []string{"Too many items requested for the BatchGetItem call"}, nil},
		{"BatchGetItem", `{"RequestItems":{"tbl":{"Keys":[{"pk":{"S":"a"},"sk":{"N":"1"}},{"pk":{"S":"a"},"sk":{"N":"1.0"}}]}}}`, 400, []string{"Provided list of item keys contains duplicates"}, nil},
	})
	big := strings.Repeat("x", 390*1024)
	const n = 45 // 45 × 390 KB is more than 16 MB
	for i := 0; i < n; i++ {
		f.mustCall(t, "PutItem", fmt.Sprintf(`{"TableName":"tbl","Item":{"pk":{"S":"a"},"sk":{"N":"%d"},"b":{"S":"%s"}}}`, i, big))
	}
	var out struct {
		Responses       map[string][]map[string]any
		UnprocessedKeys map[string]struct {
			Keys                 []map[string]any
			ProjectionExpression string
		}
	}
	body := `{"RequestItems":{"tbl":{"Keys":[` + keys(n) + `],"ProjectionExpression":"pk, sk, b"}}}`
	if err := json.Unmarshal([]byte(f.mustCall(t, "BatchGetItem", body)), &out); err != nil {
		t.Fatal(err)
	}
	got, left := len(out.Responses["tbl"]), len(out.UnprocessedKeys["tbl"].Keys)
	if got+left != n || left == 0 || got*390*1024 > 16<<20 || out.UnprocessedKeys["tbl"].ProjectionExpression != "pk, sk, b" {
		t.Fatalf("got %d items and %d unprocessed keys (%+v)", got, left, out.UnprocessedKeys)
	}
}
