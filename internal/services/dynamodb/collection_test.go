package dynamodb

import (
	"reflect"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// lsiTable has a local secondary index (KEYS_ONLY on v) and a global one.
const lsiTable = `{"TableName":"ctb","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
	"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"},{"AttributeName":"v","AttributeType":"S"}],
	"LocalSecondaryIndexes":[{"IndexName":"by-v","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"v","KeyType":"RANGE"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}],
	"GlobalSecondaryIndexes":[{"IndexName":"by-g","KeySchema":[{"AttributeName":"v","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}],
	"BillingMode":"PAY_PER_REQUEST"}`

func TestSizeEstimateGB(t *testing.T) {
	for _, tt := range []struct {
		size int64
		want []float64
	}{
		{0, []float64{0, 1}},
		{-5, []float64{0, 1}},
		{gigabyte - 1, []float64{0, 1}},
		{gigabyte, []float64{1, 2}},
		{10*gigabyte + 7, []float64{10, 11}},
	} {
		if got := sizeEstimateGB(tt.size); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("sizeEstimateGB(%d) = %v, want %v", tt.size, got, tt.want)
		}
	}
}

func TestItemCollectionMetrics(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", lsiTable)
	f.mustCall(t, "CreateTable", simpleTable)
	const metricsA = `"ItemCollectionMetrics":{"ItemCollectionKey":{"pk":{"S":"a"}},"SizeEstimateRangeGB":[0,1]}`
	const metricsB = `{"ItemCollectionKey":{"pk":{"S":"b"}},"SizeEstimateRangeGB":[0,1]}`
	f.run(t, []wireCase{
		{"PutItem", `{"TableName":"ctb","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"v":{"S":"x"}},"ReturnItemCollectionMetrics":"SIZE"}`, 200, []string{metricsA}, nil},
		{"PutItem", `{"TableName":"ctb","Item":{"pk":{"S":"a"},"sk":{"S":"2"}}}`, 200, nil, []string{"ItemCollectionMetrics"}},
		{"PutItem", `{"TableName":"ctb","Item":{"pk":{"S":"a"},"sk":{"S":"3"}},"ReturnItemCollectionMetrics":"NONE"}`, 200, nil, []string{"ItemCollectionMetrics"}},
		{"UpdateItem", `{"TableName":"ctb","Key":{"pk":{"S":"a"},"sk":{"S":"2"}},"UpdateExpression":"SET v = :v","ExpressionAttributeValues":{":v":{"S":"y"}},"ReturnItemCollectionMetrics":"SIZE"}`, 200, []string{metricsA}, nil},
		{"DeleteItem", `{"TableName":"ctb","Key":{"pk":{"S":"a"},"sk":{"S":"2"}},"ReturnItemCollectionMetrics":"SIZE"}`, 200, []string{metricsA}, nil},
		{"DeleteItem", `{"TableName":"ctb","Key":{"pk":{"S":"a"},"sk":{"S":"1"}},"ConditionExpression":"attribute_not_exists(pk)","ReturnItemCollectionMetrics":"SIZE"}`, 400, []string{"ConditionalCheckFailedException"}, []string{"ItemCollectionMetrics"}},
		// A table without local secondary indexes has no item collections.
		{"PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"a"}},"ReturnItemCollectionMetrics":"SIZE"}`, 200, nil, []string{"ItemCollectionMetrics"}},
		{"BatchWriteItem", `{"RequestItems":{"ctb":[
			{"PutRequest":{"Item":{"pk":{"S":"a"},"sk":{"S":"4"}}}},
			{"PutRequest":{"Item":{"pk":{"S":"b"},"sk":{"S":"1"}}}},
			{"DeleteRequest":{"Key":{"pk":{"S":"a"},"sk":{"S":"3"}}}}],
			"tbl":[{"PutRequest":{"Item":{"pk":{"S":"b"}}}}]},"ReturnItemCollectionMetrics":"SIZE"}`, 200,
			[]string{`"ItemCollectionMetrics":{"ctb":[{"ItemCollectionKey":{"pk":{"S":"a"}},"SizeEstimateRangeGB":[0,1]},` + metricsB + `]}`}, []string{`"t":[`}},
		{"BatchWriteItem", `{"RequestItems":{"ctb":[{"PutRequest":{"Item":{"pk":{"S":"a"},"sk":{"S":"5"}}}}]}}`, 200, nil, []string{"ItemCollectionMetrics"}},
		{"TransactWriteItems", `{"TransactItems":[
			{"Put":{"TableName":"ctb","Item":{"pk":{"S":"b"},"sk":{"S":"2"}}}},
			{"Update":{"TableName":"ctb","Key":{"pk":{"S":"b"},"sk":{"S":"1"}},"UpdateExpression":"SET w = :w","ExpressionAttributeValues":{":w":{"N":"1"}}}},
			{"ConditionCheck":{"TableName":"ctb","Key":{"pk":{"S":"a"},"sk":{"S":"4"}},"ConditionExpression":"attribute_exists(pk)"}},
			{"Delete":{"TableName":"tbl","Key":{"pk":{"S":"a"}}}}],"ReturnItemCollectionMetrics":"SIZE"}`, 200,
			[]string{`"ItemCollectionMetrics":{"ctb":[` + metricsB + `]}`}, []string{`"pk":{"S":"a"}`}},
		{"TransactWriteItems", `{"TransactItems":[{"Put":{"TableName":"ctb","Item":{"pk":{"S":"b"},"sk":{"S":"3"}}}}]}`, 200, nil, []string{"ItemCollectionMetrics"}},
	})
}

func TestCollectionSize(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", lsiTable)
	// An item's size is its attribute names plus its string values.
	f.mustCall(t, "PutItem", `{"TableName":"ctb","Item":{"pk":{"S":"a"},"sk":{"S":"1"},"v":{"S":"x"},"s":{"S":"hello"}}}`) // 3+3+2+6=14; LSI keys only 8
	f.mustCall(t, "PutItem", `{"TableName":"ctb","Item":{"pk":{"S":"a"},"sk":{"S":"2"}}}`)                                 // 6; not in the LSI
	f.mustCall(t, "PutItem", `{"TableName":"ctb","Item":{"pk":{"S":"ab"},"sk":{"S":"1"}}}`)                                // another partition
	sc := scope.From(f.ctx)
	for _, tt := range []struct {
		pk   string
		want int64
	}{
		{"a", 14 + 8 + 6},
		{"ab", 7},
		{"zz", 0},
	} {
		var got int64
		err := f.p.store.View(f.ctx, func(tx storage.Txn) error {
			sch, err := f.p.schemas.loadSchema(f.ctx, tx, sc, "ctb")
			if err != nil {
				return err
			}
			got, err = collectionSize(f.ctx, tx, sc, sch, dynamodbapi.AttributeValue{S: &tt.pk})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("collectionSize(%q) = %d, want %d", tt.pk, got, tt.want)
		}
	}
}
