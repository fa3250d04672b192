package dynamodb

import (
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

// BenchmarkPutItemPITR measures PutItem through the handler on the memory
// store with point-in-time recovery off and on; most puts replace an
// item, so the history entry holds its old image.
func BenchmarkPutItemPITR(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "PITROff"
		if on {
			name = "PITROn"
		}
		b.Run(name, func(b *testing.B) {
			f := newFixture(b)
			f.mustCall(b, "CreateTable", `{"TableName":"bench","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
				"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`)
			if on {
				f.mustCall(b, "UpdateContinuousBackups", `{"TableName":"bench","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":true}}`)
			}
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
