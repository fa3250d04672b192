package dynamodb

import (
	"encoding/json"
	"fmt"
	"testing"
)

// seedQuery creates a table with an LSI and a GSI and ten items.
func seedQuery(t *testing.T, f *fixture) { seedQueryTB(t, f) }

// seedQueryTB is seedQuery for tests and fuzz targets.
func seedQueryTB(t testing.TB, f *fixture) {
	t.Helper()
	f.mustCall(t, "CreateTable", `{"TableName":"qtb","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
	"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"},{"AttributeName":"n","AttributeType":"N"},{"AttributeName":"g","AttributeType":"S"}],
	"BillingMode":"PAY_PER_REQUEST",
	"LocalSecondaryIndexes":[{"IndexName":"by-n","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"n","KeyType":"RANGE"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}],
	"GlobalSecondaryIndexes":[{"IndexName":"by-g","KeySchema":[{"AttributeName":"g","KeyType":"HASH"},{"AttributeName":"n","KeyType":"RANGE"}],"Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":["x"]}}]}`)
	for i := 0; i < 10; i++ {
		f.mustCall(t, "PutItem", fmt.Sprintf(`{"TableName":"qtb","Item":{"pk":{"S":"p%d"},"sk":{"S":"s%02d"},"n":{"N":"%d"},"g":{"S":"g"},"x":{"N":"%d"},"y":{"S":"hidden"}}}`, i%2, i, 10-i, i))
	}
}

type page struct {
	Items            []map[string]map[string]any
	Count            int
	ScannedCount     int
	LastEvaluatedKey map[string]any
}

func (f *fixture) page(t *testing.T, op, body string) page {
	t.Helper()
	var p page
	if err := json.Unmarshal([]byte(f.mustCall(t, op, body)), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestQuery(t *testing.T) {
	f := newFixture(t)
	seedQuery(t, f)
	tests := []struct {
		name           string
		body           string
		count, scanned int
		first          string // sk (or x) of the first item, "" for none
		hasLast        bool
	}{
		{"partition", `{"TableName":"qtb","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p0"}}}`, 5, 5, "s00", false},
		{"reverse", `{"TableName":"qtb","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p0"}},"ScanIndexForward":false}`, 5, 5, "s08", false},
		{"between", `{"TableName":"qtb","KeyConditionExpression":"pk = :p AND sk BETWEEN :a AND :b","ExpressionAttributeValues":{":p":{"S":"p0"},":a":{"S":"s02"},":b":{"S":"s06"}}}`, 3, 3, "s02", false},
		{"gt", `{"TableName":"qtb","KeyConditionExpression":"pk = :p AND sk > :a","ExpressionAttributeValues":{":p":{"S":"p1"},":a":{"S":"s05"}}}`, 2, 2, "s07", false},
		{"lt", `{"TableName":"qtb","KeyConditionExpression":"pk = :p AND sk < :a","ExpressionAttributeValues":{":p":{"S":"p1"},":a":{"S":"s05"}}}`, 2, 2, "s01", false},
		{"begins", `{"TableName":"qtb","KeyConditionExpression":"pk = :p AND begins_with(sk, :a)","ExpressionAttributeValues":{":p":{"S":"p1"},":a":{"S":"s0"}}}`, 5, 5, "s01", false},
		{"begins reverse", `{"TableName":"qtb","KeyConditionExpression":"pk = :p AND begins_with(sk, :a)","ExpressionAttributeValues":{":p":{"S":"p1"},":a":{"S":"s0"}},"ScanIndexForward":false}`, 5, 5, "s09", false},
		{"limit then filter", `{"TableName":"qtb","KeyConditionExpression":"pk = :p","FilterExpression":"x > :x","ExpressionAttributeValues":{":p":{"S":"p0"},":x":{"N":"2"}},"Limit":3}`, 1, 3, "s04", true},
		{"lsi order", `{"TableName":"qtb","IndexName":"by-n","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p0"}}}`, 5, 5, "s08", false},
		{"gsi", `{"TableName":"qtb","IndexName":"by-g","KeyConditionExpression":"g = :g AND n <= :n","ExpressionAttributeValues":{":g":{"S":"g"},":n":{"N":"3"}}}`, 3, 3, "s09", false},
		{"count", `{"TableName":"qtb","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p0"}},"Select":"COUNT"}`, 5, 5, "", false},
		{"legacy", `{"TableName":"qtb","KeyConditions":{"pk":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"p1"}]}}}`, 5, 5, "s01", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := f.page(t, "Query", tt.body)
			if p.Count != tt.count || p.ScannedCount != tt.scanned || (p.LastEvaluatedKey != nil) != tt.hasLast {
				t.Fatalf("count %d scanned %d last %v; want %d %d %v", p.Count, p.ScannedCount, p.LastEvaluatedKey, tt.count, tt.scanned, tt.hasLast)
			}
			first := ""
			if len(p.Items) > 0 {
				first, _ = p.Items[0]["sk"]["S"].(string)
			}
			if first != tt.first {
				t.Fatalf("first item sk %q, want %q: %+v", first, tt.first, p.Items)
			}
		})
	}
	f.run(t, []wireCase{
		{"Query", `{"TableName":"qtb","IndexName":"by-g","ConsistentRead":true,"KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"g"}}}`, 400, []string{"Consistent reads are not supported on global secondary indexes"}, nil},
		{"Query", `{"TableName":"qtb","IndexName":"nope","KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"g"}}}`, 400, []string{"The table does not have the specified index: nope"}, nil},
		{"Query", `{"TableName":"qtb","IndexName":"by-g","Select":"ALL_ATTRIBUTES","KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"g"}}}`, 400, []string{"Select type ALL_ATTRIBUTES is not supported for global secondary index by-g"}, nil},
		{"Query", `{"TableName":"qtb","IndexName":"by-g","KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"S":"g"}},"Limit":1}`, 200, []string{`"x":{"N":"9"}`, `"LastEvaluatedKey":{`}, []string{"hidden"}},
		{"Query", `{"TableName":"qtb","IndexName":"by-n","Select":"ALL_ATTRIBUTES","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p0"}},"Limit":1}`, 200, []string{"hidden"}, nil},
		{"Query", `{"TableName":"qtb","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"N":"1"}}}`, 400, []string{"ValidationException"}, nil},
		{"Query", `{"TableName":"qtb"}`, 400, []string{"ValidationException"}, nil},
	})
}

func TestQueryPaginates(t *testing.T) {
	f := newFixture(t)
	seedQuery(t, f)
	for _, idx := range []string{"", `"IndexName":"by-g",`, `"IndexName":"by-n",`} {
		key := `"KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p0"}}`
		want := 5
		if idx == `"IndexName":"by-g",` {
			key = `"KeyConditionExpression":"g = :p","ExpressionAttributeValues":{":p":{"S":"g"}}`
			want = 10
		}
		for _, fwd := range []string{"true", "false"} {
			seen := 0
			start := ""
			for i := 0; i < 20; i++ {
				p := f.page(t, "Query", `{"TableName":"qtb",`+idx+key+`,"Limit":2,"ScanIndexForward":`+fwd+start+`}`)
				seen += p.Count
				if p.LastEvaluatedKey == nil {
					break
				}
				b, _ := json.Marshal(p.LastEvaluatedKey)
				start = `,"ExclusiveStartKey":` + string(b)
			}
			if seen != want {
				t.Fatalf("%s fwd=%s: paged through %d items, want %d", idx, fwd, seen, want)
			}
		}
	}
}

func TestScanSegments(t *testing.T) {
	f := newFixture(t)
	seedQuery(t, f)
	seen := map[string]int{}
	for seg := 0; seg < 3; seg++ {
		start := ""
		for i := 0; i < 20; i++ {
			p := f.page(t, "Scan", fmt.Sprintf(`{"TableName":"qtb","Segment":%d,"TotalSegments":3,"Limit":3%s}`, seg, start))
			for _, it := range p.Items {
				seen[it["pk"]["S"].(string)+it["sk"]["S"].(string)]++
			}
			if p.LastEvaluatedKey == nil {
				break
			}
			b, _ := json.Marshal(p.LastEvaluatedKey)
			start = `,"ExclusiveStartKey":` + string(b)
		}
	}
	if len(seen) != 10 {
		t.Fatalf("segments saw %d distinct items, want 10: %v", len(seen), seen)
	}
	for k, n := range seen {
		if n != 1 {
			t.Fatalf("item %s seen %d times", k, n)
		}
	}
	f.run(t, []wireCase{
		{"Scan", `{"TableName":"qtb","Segment":3,"TotalSegments":3}`, 400, []string{"The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 3 is not less than TotalSegments: 3"}, nil},
		{"Scan", `{"TableName":"qtb","Segment":1}`, 400, []string{"TotalSegments parameter is required"}, nil},
		{"Scan", `{"TableName":"qtb","FilterExpression":"x >= :x","ExpressionAttributeValues":{":x":{"N":"5"}},"ProjectionExpression":"x"}`, 200, []string{`"Count":5`, `"ScannedCount":10`}, []string{`"pk"`}},
		{"Scan", `{"TableName":"qtb","IndexName":"by-n","Select":"COUNT"}`, 200, []string{`"Count":10`}, []string{`"Items"`}},
		{"Scan", `{"TableName":"qtb","ScanFilter":{"x":{"ComparisonOperator":"LT","AttributeValueList":[{"N":"2"}]}}}`, 200, []string{`"Count":2`}, nil},
	})
}
