package dynamodb

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// TestConcurrentConditionalWrites checks that of many conditional updates
// racing on one item exactly one succeeds, and that counters stay exact.
func TestConcurrentConditionalWrites(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", simpleTable)
	f.mustCall(t, "PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"a"},"v":{"N":"0"}}}`)
	const writers = 16
	var wg sync.WaitGroup
	results := make([]int, writers)
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i], _ = f.call(t, "UpdateItem", fmt.Sprintf(
				`{"TableName":"tbl","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET v = :new","ConditionExpression":"v = :zero","ExpressionAttributeValues":{":new":{"N":"%d"},":zero":{"N":"0"}}}`, i+1))
		}(i)
	}
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			f.call(t, "PutItem", fmt.Sprintf(`{"TableName":"tbl","Item":{"pk":{"S":"other%d"}}}`, i))
		}(i)
	}
	wg.Wait()
	won := 0
	for _, s := range results {
		if s == http.StatusOK {
			won++
		}
	}
	if won != 1 {
		t.Fatalf("%d conditional updates succeeded, want exactly 1: %v", won, results)
	}
	f.run(t, []wireCase{{"DescribeTable", `{"TableName":"tbl"}`, 200, []string{fmt.Sprintf(`"ItemCount":%d`, writers+1)}, nil}})
}
