package dynamodb

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestBatches(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", simpleTable)
	var puts []string
	for i := 0; i < 25; i++ {
		puts = append(puts, fmt.Sprintf(`{"PutRequest":{"Item":{"pk":{"S":"k%d"},"v":{"N":"%d"}}}}`, i, i))
	}
	var keys []string
	for i := 0; i < 101; i++ {
		keys = append(keys, fmt.Sprintf(`{"pk":{"S":"k%d"}}`, i))
	}
	f.run(t, []wireCase{
		{"BatchWriteItem", `{"RequestItems":{"tbl":[` + strings.Join(puts, ",") + `]},"ReturnConsumedCapacity":"TOTAL"}`, 200, []string{`"UnprocessedItems":{}`, `"ConsumedCapacity":[{"TableName":"tbl","CapacityUnits":25`}, nil},
		{"BatchWriteItem", `{"RequestItems":{"tbl":[` + strings.Join(puts, ",") + `,` + puts[0] + `]}}`, 400, []string{"ValidationException"}, nil},
		{"BatchWriteItem", `{"RequestItems":{"tbl":[` + puts[0] + `,{"DeleteRequest":{"Key":{"pk":{"S":"k0"}}}}]}}`, 400, []string{msgDuplicateKeys}, nil},
		{"BatchWriteItem", `{"RequestItems":{"nope":[` + puts[0] + `]}}`, 400, []string{"ResourceNotFoundException"}, nil},
		{"BatchWriteItem", `{"RequestItems":{"tbl":[{"DeleteRequest":{"Key":{"pk":{"S":"k24"}}}}]}}`, 200, nil, nil},
		{"BatchGetItem", `{"RequestItems":{"tbl":{"Keys":[{"pk":{"S":"k1"}},{"pk":{"S":"k24"}},{"pk":{"S":"k3"}}],"ProjectionExpression":"v"}}}`, 200,
			[]string{`"Responses":{"tbl":[`, `{"v":{"N":"1"}}`, `{"v":{"N":"3"}}`, `"UnprocessedKeys":{}`}, []string{`"pk"`}},
		{"BatchGetItem", `{"RequestItems":{"tbl":{"Keys":[{"pk":{"S":"k1"}},{"pk":{"S":"k1"}}]}}}`, 400, []string{msgDuplicateKeys}, nil},
		{"BatchGetItem", `{"RequestItems":{"tbl":{"Keys":[` + strings.Join(keys, ",") + `]}}}`, 400, []string{"ValidationException"}, nil},
		{"DescribeTable", `{"TableName":"tbl"}`, 200, []string{`"ItemCount":24`}, nil},
	})
}

func TestTransactions(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", simpleTable)
	f.mustCall(t, "PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"a"},"n":{"N":"1"}}}`)
	f.mustCall(t, "PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"c"}}}`)
	ok := `{"TransactItems":[
		{"Put":{"TableName":"tbl","Item":{"pk":{"S":"b"},"n":{"N":"2"}},"ConditionExpression":"attribute_not_exists(pk)"}},
		{"Update":{"TableName":"tbl","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET n = n + :one","ExpressionAttributeValues":{":one":{"N":"1"}}}},
		{"ConditionCheck":{"TableName":"tbl","Key":{"pk":{"S":"c"}},"ConditionExpression":"attribute_exists(pk)"}}],"ClientRequestToken":"tok1"}`
	f.run(t, []wireCase{
		{"TransactWriteItems", ok, 200, nil, nil},
		{"TransactWriteItems", ok, 200, nil, nil}, // idempotent replay: n stays 2
		{"GetItem", `{"TableName":"tbl","Key":{"pk":{"S":"a"}}}`, 200, []string{`"n":{"N":"2"}`}, nil},
		{"TransactWriteItems", strings.Replace(ok, `"N":"2"`, `"N":"3"`, 1), 400, []string{"IdempotentParameterMismatchException"}, nil},
		{"TransactWriteItems", `{"TransactItems":[
			{"Delete":{"TableName":"tbl","Key":{"pk":{"S":"b"}}}},
			{"Put":{"TableName":"tbl","Item":{"pk":{"S":"a"}},"ConditionExpression":"n = :n","ExpressionAttributeValues":{":n":{"N":"9"}},"ReturnValuesOnConditionCheckFailure":"ALL_OLD"}}]}`, 400,
			[]string{"TransactionCanceledException", "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]",
				`"CancellationReasons":[{"Code":"None"},{"Item":{`, `"Code":"ConditionalCheckFailed","Message":"The conditional request failed"}`}, nil},
		{"GetItem", `{"TableName":"tbl","Key":{"pk":{"S":"b"}}}`, 200, []string{`"pk":{"S":"b"}`}, nil}, // all-or-nothing: b not deleted
		{"TransactWriteItems", `{"TransactItems":[{"Delete":{"TableName":"tbl","Key":{"pk":{"S":"b"}}}},{"ConditionCheck":{"TableName":"tbl","Key":{"pk":{"S":"b"}},"ConditionExpression":"attribute_exists(pk)"}}]}`, 400, []string{msgTxMultipleOps}, nil},
		{"TransactGetItems", `{"TransactItems":[{"Get":{"TableName":"tbl","Key":{"pk":{"S":"a"}}}},{"Get":{"TableName":"tbl","Key":{"pk":{"S":"zz"}}}},{"Get":{"TableName":"tbl","Key":{"pk":{"S":"b"}},"ProjectionExpression":"n"}}],"ReturnConsumedCapacity":"TOTAL"}`, 200,
			[]string{`"Responses":[{"Item":{`, `},{},{"Item":{"n":{"N":"2"}}}]`, `"CapacityUnits":6`}, nil},
	})
	f.clk.Advance(11 * time.Minute)
	f.run(t, []wireCase{
		{"TransactWriteItems", strings.Replace(ok, `"N":"2"`, `"N":"3"`, 1), 400, []string{"TransactionCanceledException"}, nil}, // token expired; b exists now
	})
}
