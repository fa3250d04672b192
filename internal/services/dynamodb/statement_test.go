package dynamodb

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

const stmtTable = `{"TableName":"tbl","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
	"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],"BillingMode":"PAY_PER_REQUEST"}`

func TestExecuteStatement(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", stmtTable)
	f.run(t, []wireCase{
		{"ExecuteStatement", `{"Statement":"INSERT INTO tbl VALUE {'pk':'a','sk':1,'v':'x'}"}`, 200, []string{`"Items":[]`}, nil},
		{"ExecuteStatement", `{"Statement":"INSERT INTO tbl VALUE {'pk':'a','sk':1,'v':'y'}"}`, 400, []string{"DuplicateItemException", "Duplicate primary key exists in table"}, nil},
		{"ExecuteStatement", `{"Statement":"INSERT INTO tbl VALUE {'pk':?,'sk':?}","Parameters":[{"S":"a"},{"N":"2"}],"ReturnConsumedCapacity":"TOTAL"}`, 200, []string{`"ConsumedCapacity":{"TableName":"tbl","CapacityUnits":1,"WriteCapacityUnits":1}`}, nil},
		{"ExecuteStatement", `{"Statement":"INSERT INTO tbl VALUE {'pk':'a','sk':3}"}`, 200, nil, nil},
		{"ExecuteStatement", `{"Statement":"SELECT * FROM tbl WHERE pk='a' AND sk=1","ConsistentRead":true,"ReturnConsumedCapacity":"TOTAL"}`, 200, []string{`"Items":[{`, `"v":{"S":"x"}`, `"CapacityUnits":1`}, []string{"NextToken"}},
		{"ExecuteStatement", `{"Statement":"SELECT * FROM tbl WHERE pk='a' AND sk=9"}`, 200, []string{`"Items":[]`}, nil},
		{"ExecuteStatement", `{"Statement":"SELECT v FROM tbl WHERE pk='a' AND sk > 0 AND sk < 3"}`, 200, []string{`"Items":[{"v":{"S":"x"}},{}]`}, nil},
		{"ExecuteStatement", `{"Statement":"UPDATE tbl SET v='z' WHERE pk='a' AND sk=1 RETURNING ALL NEW *"}`, 200, []string{`"Items":[{`, `"v":{"S":"z"}`}, nil},
		{"ExecuteStatement", `{"Statement":"UPDATE tbl SET v='z' WHERE pk='nope' AND sk=1"}`, 400, []string{"ConditionalCheckFailedException"}, nil},
		{"ExecuteStatement", `{"Statement":"UPDATE tbl SET v='q' WHERE pk='a' AND sk=1 AND v='nope'","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}`, 400, []string{"ConditionalCheckFailedException", `"Item":{`, `"v":{"S":"z"}`}, nil},
		{"ExecuteStatement", `{"Statement":"DELETE FROM tbl WHERE pk='a' AND sk=3 RETURNING ALL OLD *"}`, 200, []string{`"Items":[{"pk":{"S":"a"},"sk":{"N":"3"}}]`}, nil},
		{"ExecuteStatement", `{"Statement":"SELECT * FROM nope"}`, 400, []string{"ResourceNotFoundException"}, nil},
		{"ExecuteStatement", `{"Statement":"SELEC * FROM tbl"}`, 400, []string{"ValidationException", "Statement wasn't well formed"}, nil},
		{"ExecuteStatement", `{"Statement":"EXISTS(SELECT * FROM tbl WHERE pk='a' AND sk=1)"}`, 400, []string{"ValidationException"}, nil},
		{"ExecuteStatement", `{"Statement":"SELECT * FROM tbl","NextToken":"!!"}`, 400, []string{"The provided NextToken is invalid"}, nil},
		// PartiQL filters may name key attributes (unlike the Query API).
		{"ExecuteStatement", `{"Statement":"SELECT * FROM tbl WHERE pk='a' AND sk >= 1 AND sk < 2"}`, 200, []string{`"sk":{"N":"1"}`}, nil},
	})
}

func TestExecuteStatementPages(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", stmtTable)
	for i := 0; i < 7; i++ {
		f.mustCall(t, "ExecuteStatement", fmt.Sprintf(`{"Statement":"INSERT INTO tbl VALUE {'pk':'%c','sk':%d}"}`, 'a'+i%2, i))
	}
	tests := []struct {
		name, stmt string
		want       int
	}{
		{"query", `SELECT * FROM tbl WHERE pk='a'`, 4},
		{"scan", `SELECT * FROM tbl`, 7},
		{"scan filter", `SELECT * FROM tbl WHERE sk > 2`, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, pages := 0, 0
			token := ""
			for {
				body := fmt.Sprintf(`{"Statement":%q,"Limit":2}`, tt.stmt)
				if token != "" {
					body = fmt.Sprintf(`{"Statement":%q,"Limit":2,"NextToken":%q}`, tt.stmt, token)
				}
				var out struct {
					Items     []map[string]any
					NextToken string
				}
				if err := json.Unmarshal([]byte(f.mustCall(t, "ExecuteStatement", body)), &out); err != nil {
					t.Fatal(err)
				}
				got += len(out.Items)
				pages++
				if out.NextToken == "" || pages > 10 {
					break
				}
				token = out.NextToken
			}
			if got != tt.want {
				t.Fatalf("got %d items in %d pages, want %d", got, pages, tt.want)
			}
		})
	}
}

func TestBatchExecuteStatement(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", stmtTable)
	f.run(t, []wireCase{
		{"BatchExecuteStatement", `{"Statements":[{"Statement":"INSERT INTO tbl VALUE {'pk':'a','sk':1}"},{"Statement":"INSERT INTO tbl VALUE {'pk':'a','sk':1}"},
			{"Statement":"INSERT INTO nope VALUE {'pk':'a','sk':1}"},{"Statement":"UPDATE tbl SET v=1 WHERE pk='b' AND sk=1"}],"ReturnConsumedCapacity":"TOTAL"}`, 200,
			[]string{`"Responses":[{"TableName":"tbl"},{"Error":{"Code":"DuplicateItem","Message":"Duplicate primary key exists in table"},"TableName":"tbl"},{"Error":{"Code":"ResourceNotFound"`,
				`{"Error":{"Code":"ConditionalCheckFailed","Message":"The conditional request failed"},"TableName":"tbl"}]`, `"ConsumedCapacity":[{"TableName":"tbl","CapacityUnits":1,"WriteCapacityUnits":1}]`}, nil},
		{"BatchExecuteStatement", `{"Statements":[{"Statement":"UPDATE tbl SET v=2 WHERE pk='a' AND sk=1 AND v=7","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}]}`, 200,
			[]string{`"Code":"ConditionalCheckFailed"`, `"Item":{"pk":{"S":"a"},"sk":{"N":"1"}}`}, nil},
		{"BatchExecuteStatement", `{"Statements":[{"Statement":"SELECT * FROM tbl WHERE pk='a' AND sk=1"},{"Statement":"SELECT * FROM tbl WHERE pk='a' AND sk=2","ConsistentRead":true},
			{"Statement":"SELECT * FROM tbl WHERE pk='a'"}],"ReturnConsumedCapacity":"TOTAL"}`, 200,
			[]string{`{"TableName":"tbl","Item":{"pk":{"S":"a"},"sk":{"N":"1"}}},{"TableName":"tbl"},{"Error":{"Code":"ValidationError","Message":"Select statements within BatchExecuteStatement`,
				`"ConsumedCapacity":[{"TableName":"tbl","CapacityUnits":1.5,"ReadCapacityUnits":1.5}]`}, nil},
		{"BatchExecuteStatement", `{"Statements":[{"Statement":"SELECT * FROM tbl WHERE pk='a' AND sk=1"},{"Statement":"DELETE FROM tbl WHERE pk='a' AND sk=1"}]}`, 400,
			[]string{"ValidationException", "all read or all write"}, nil},
		{"BatchExecuteStatement", `{"Statements":[{"Statement":"SELECT * FROM tbl WHERE pk='a' AND sk=1"},{"Statement":"SELECT * FROM tbl WHERE pk='a' AND sk=1.0"}]}`, 400,
			[]string{"Provided list of item keys contains duplicates"}, nil},
		{"BatchExecuteStatement", `{"Statements":[{"Statement":"SELEC"}]}`, 200, []string{`"Code":"ValidationError","Message":"Statement wasn't well formed`}, nil},
		{"BatchExecuteStatement", `{"Statements":[` + strings.Repeat(`{"Statement":"SELECT * FROM tbl WHERE pk='a' AND sk=1"},`, 25) + `{"Statement":"SELECT * FROM tbl WHERE pk='a' AND sk=1"}]}`, 400,
			[]string{"ValidationException"}, nil},
	})
}

func TestExecuteTransaction(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", stmtTable)
	f.mustCall(t, "ExecuteStatement", `{"Statement":"INSERT INTO tbl VALUE {'pk':'a','sk':1,'n':5}"}`)
	f.run(t, []wireCase{
		{"ExecuteTransaction", `{"TransactStatements":[{"Statement":"INSERT INTO tbl VALUE {'pk':'b','sk':1}"},{"Statement":"UPDATE tbl SET n = n + ? WHERE pk='a' AND sk=1","Parameters":[{"N":"1"}]}],
			"ClientRequestToken":"tok1","ReturnConsumedCapacity":"TOTAL"}`, 200, []string{`"ConsumedCapacity":[{"TableName":"tbl","CapacityUnits":4,"WriteCapacityUnits":4}]`}, nil},
		// A repeat with the same token is not applied again.
		{"ExecuteTransaction", `{"TransactStatements":[{"Statement":"INSERT INTO tbl VALUE {'pk':'b','sk':1}"},{"Statement":"UPDATE tbl SET n = n + ? WHERE pk='a' AND sk=1","Parameters":[{"N":"1"}]}],
			"ClientRequestToken":"tok1","ReturnConsumedCapacity":"TOTAL"}`, 200, nil, nil},
		{"ExecuteTransaction", `{"TransactStatements":[{"Statement":"SELECT * FROM tbl WHERE pk='a' AND sk=1"},{"Statement":"SELECT pk FROM tbl WHERE pk='b' AND sk=1"},{"Statement":"SELECT * FROM tbl WHERE pk='c' AND sk=1"}]}`, 200,
			[]string{`"Responses":[{"Item":{`, `"n":{"N":"6"}`, `{"Item":{"pk":{"S":"b"}}},{}]`}, nil},
		{"ExecuteTransaction", `{"TransactStatements":[{"Statement":"EXISTS(SELECT * FROM tbl WHERE pk='a' AND sk=1 AND n = 6)"},{"Statement":"INSERT INTO tbl VALUE {'pk':'b','sk':1}","ReturnValuesOnConditionCheckFailure":"ALL_OLD"},
			{"Statement":"DELETE FROM tbl WHERE pk='z' AND sk=1"}]}`, 400,
			[]string{"TransactionCanceledException", "[None, DuplicateItem, None]", `"CancellationReasons":[{"Code":"None"},{"Item":{"pk":{"S":"b"},"sk":{"N":"1"}},"Code":"DuplicateItem","Message":"Duplicate primary key exists in table"},{"Code":"None"}]`}, nil},
		{"ExecuteTransaction", `{"TransactStatements":[{"Statement":"SELECT * FROM tbl WHERE pk='a' AND sk=1"},{"Statement":"DELETE FROM tbl WHERE pk='a' AND sk=1"}]}`, 400, []string{"all read or all write"}, nil},
		{"ExecuteTransaction", `{"TransactStatements":[{"Statement":"SELECT * FROM tbl WHERE pk='a'"}]}`, 400, []string{"Select statements within ExecuteTransaction"}, nil},
		{"ExecuteTransaction", `{"TransactStatements":[{"Statement":"DELETE FROM tbl WHERE pk='a' AND sk=1"},{"Statement":"UPDATE tbl SET v=1 WHERE pk='a' AND sk=1"}]}`, 400, []string{msgTxMultipleOps}, nil},
		{"ExecuteTransaction", `{"TransactStatements":[{"Statement":"EXISTS(SELECT * FROM tbl WHERE pk='a' AND sk=1 AND n = 7)"}]}`, 400, []string{"[ConditionalCheckFailed]"}, nil},
	})
}
