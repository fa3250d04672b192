package dynamodb

import (
	"fmt"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/api/streamsdynamodbapi"
)

// benchItem is a typical small item: a key and a few attributes.
func benchItem(i int) map[string]dynamodbapi.AttributeValue {
	return map[string]dynamodbapi.AttributeValue{
		"pk":    {S: ptr(fmt.Sprintf("user#%d", i%512))},
		"name":  {S: ptr("a moderately long name value")},
		"count": {N: ptr(fmt.Sprint(i))},
		"tags":  {SS: []string{"a", "b", "c"}},
		"data":  {M: map[string]dynamodbapi.AttributeValue{"x": {N: ptr("1")}, "y": {BOOL: ptr(true)}}},
	}
}

// BenchmarkPutItem measures PutItem through the handler on the memory
// store, without a stream and with a NEW_AND_OLD_IMAGES stream; most puts
// replace an item, so the stream records both images.
func BenchmarkPutItem(b *testing.B) {
	for _, view := range []string{"", viewNewAndOld} {
		name := "NoStream"
		if view != "" {
			name = "Stream" + view
		}
		b.Run(name, func(b *testing.B) {
			f := newFixture(b)
			spec := ""
			if view != "" {
				spec = `,"StreamSpecification":{"StreamEnabled":true,"StreamViewType":"` + view + `"}`
			}
			f.mustCall(b, "CreateTable", `{"TableName":"bench","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
				"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"`+spec+`}`)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := f.p.putItem(f.ctx, &dynamodbapi.PutItemInput{TableName: ptr("bench"), Item: benchItem(i)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGetRecords measures one GetRecords of 1,000 records.
func BenchmarkGetRecords(b *testing.B) {
	f := newFixture(b)
	streamArn, shard := f.streamTable(b, "bench", viewNewAndOld)
	for i := 0; i < 1000; i++ {
		if _, err := f.p.putItem(f.ctx, &dynamodbapi.PutItemInput{TableName: ptr("bench"), Item: benchItem(i)}); err != nil {
			b.Fatal(err)
		}
	}
	iter := f.iteratorOf(b, streamArn, shard, iterTrimHorizon, "")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := f.p.getRecords(f.ctx, &streamsdynamodbapi.GetRecordsInput{ShardIterator: ptr(iter)})
		if err != nil {
			b.Fatal(err)
		}
		if len(out.Records) != 1000 {
			b.Fatalf("%d records", len(out.Records))
		}
	}
}
