package dynamodb

import (
	"net/http"
	"testing"
)

// FuzzRequests sends arbitrary bodies to the item, query, batch and PartiQL
// operations of a table with indexes: whatever the input, the answer is a client error
// or success, never a panic or an internal failure.
func FuzzRequests(f *testing.F) {
	seeds := []struct {
		op   byte
		body string
	}{
		{0, `{"TableName":"qtb","Item":{"pk":{"S":"p0"},"sk":{"S":"a"},"n":{"N":"1"},"g":{"S":"g"}}}`},
		{1, `{"TableName":"qtb","Key":{"pk":{"S":"p0"},"sk":{"S":"s00"}},"UpdateExpression":"SET n = n + :v","ExpressionAttributeValues":{":v":{"N":"1"}},"ReturnValues":"UPDATED_OLD"}`},
		{2, `{"TableName":"qtb","KeyConditionExpression":"pk = :p AND begins_with(sk, :s)","ExpressionAttributeValues":{":p":{"S":"p0"},":s":{"S":"s"}},"Limit":2,"ExclusiveStartKey":{"pk":{"S":"p0"},"sk":{"S":"s02"}}}`},
		{3, `{"TableName":"qtb","IndexName":"by-g","Segment":0,"TotalSegments":2,"FilterExpression":"x > :x","ExpressionAttributeValues":{":x":{"N":"3"}}}`},
		{4, `{"TransactItems":[{"Put":{"TableName":"qtb","Item":{"pk":{"S":"z"},"sk":{"S":"z"}}}},{"Delete":{"TableName":"qtb","Key":{"pk":{"S":"p0"},"sk":{"S":"s00"}}}}]}`},
		{5, `{"RequestItems":{"qtb":[{"PutRequest":{"Item":{"pk":{"S":"y"},"sk":{"S":"y"},"n":{"N":"1e3"}}}}]}}`},
		{9, `{"Statement":"SELECT * FROM qtb WHERE pk = ? AND sk > 's01'","Parameters":[{"S":"p0"}],"Limit":2}`},
		{9, `{"Statement":"UPDATE qtb SET x = x + 1 WHERE pk = 'p0' AND sk = 's00' RETURNING UPDATED_NEW *"}`},
		{9, `{"Statement":"SELECT * FROM qtb","NextToken":"AAEC"}`},
		{10, `{"Statements":[{"Statement":"INSERT INTO qtb VALUE {'pk':'n','sk':'n'}"},{"Statement":"DELETE FROM qtb WHERE pk='p0' AND sk='s02'"}]}`},
		{11, `{"TransactStatements":[{"Statement":"EXISTS(SELECT * FROM qtb WHERE pk='p0' AND sk='s00')"},{"Statement":"INSERT INTO qtb VALUE {'pk':'m','sk':'m'}"}]}`},
		{12, `{"RequestItems":{"qtb":{"Keys":[{"pk":{"S":"p0"},"sk":{"S":"s00"}}],"ProjectionExpression":"x"}}}`},
		{6, `{"TableName":"qtb","IndexName":"by-n","KeyConditionExpression":"pk = :p AND n BETWEEN :a AND :b","ExpressionAttributeValues":{":p":{"S":"p1"},":a":{"N":"1"},":b":{"N":"5"}},"ScanIndexForward":false}`},
	}
	for _, s := range seeds {
		f.Add(s.op, s.body)
	}
	ops := []string{"PutItem", "UpdateItem", "Query", "Scan", "TransactWriteItems", "BatchWriteItem", "Query", "DeleteItem", "GetItem",
		"ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction", "BatchGetItem"}
	fx := newFixture(f)
	seedQueryTB(f, fx)
	f.Fuzz(func(t *testing.T, op byte, body string) {
		status, out := fx.call(t, ops[int(op)%len(ops)], body)
		if status >= http.StatusInternalServerError {
			t.Fatalf("%s %s: %d %s", ops[int(op)%len(ops)], body, status, out)
		}
	})
}
