package partiql

import (
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

// pParams gives a statement's ? markers the values 'p1', 'p2', ... in order.
func pParams(stmt string) []dynamodbapi.AttributeValue {
	var ps []dynamodbapi.AttributeValue
	for i := range strings.Count(stmt, "?") {
		ps = append(ps, s("p"+string(rune('1'+i))))
	}
	return ps
}

// translateCases are statements whose ? markers take pParams, with the
// request each becomes.
var translateCases = []struct {
	stmt string
	want string
}{
	{"SELECT * FROM \"t\" WHERE \"pk\" = 'a' AND \"sk\" = 'b'", `GetItem TableName="t" Key={pk:'a',sk:'b'}`},
	{"select * from t where pk = 'a' and sk = 'b'", `GetItem TableName="t" Key={pk:'a',sk:'b'}`},
	{"SELECT a, b.c, d[1], \"e f\" FROM \"t\" WHERE 'b' = sk AND pk = 'a'", `GetItem TableName="t" Key={pk:'a',sk:'b'} ProjectionExpression="#n0, #n1.#n2, #n3[1], #n4" ExpressionAttributeNames={#n0:a,#n1:b,#n2:c,#n3:d,#n4:e f}`},
	{"SELECT * FROM h WHERE id = 1", `GetItem TableName="h" Key={id:N(1)}`},
	{"SELECT * FROM \"my.table\" WHERE id = ?", `GetItem TableName="my.table" Key={id:'p1'}`},
	{"SELECT * FROM t WHERE pk = 'a'", `Query TableName="t" KeyConditionExpression="#n0 = :v0" ExpressionAttributeNames={#n0:pk} ExpressionAttributeValues={:v0:'a'}`},
	{"SELECT * FROM t WHERE pk = 'a' AND sk > 'm'", `Query TableName="t" KeyConditionExpression="#n0 = :v0 AND #n1 > :v1" ExpressionAttributeNames={#n0:pk,#n1:sk} ExpressionAttributeValues={:v0:'a',:v1:'m'}`},
	{"SELECT * FROM t WHERE pk = 'a' AND 'm' > sk", `Query TableName="t" KeyConditionExpression="#n0 = :v0 AND #n1 < :v1" ExpressionAttributeNames={#n0:pk,#n1:sk} ExpressionAttributeValues={:v0:'a',:v1:'m'}`},
	{"SELECT * FROM t WHERE pk = 'a' AND sk BETWEEN 'a' AND 'z'", `Query TableName="t" KeyConditionExpression="#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2" ExpressionAttributeNames={#n0:pk,#n1:sk} ExpressionAttributeValues={:v0:'a',:v1:'a',:v2:'z'}`},
	{"SELECT * FROM t WHERE pk = 'a' AND begins_with(sk, 'x#')", `Query TableName="t" KeyConditionExpression="#n0 = :v0 AND begins_with(#n1, :v1)" ExpressionAttributeNames={#n0:pk,#n1:sk} ExpressionAttributeValues={:v0:'a',:v1:'x#'}`},
	{"SELECT * FROM t WHERE pk = 'a' AND BEGINS_WITH(\"sk\", ?)", `Query TableName="t" KeyConditionExpression="#n0 = :v0 AND begins_with(#n1, :v1)" ExpressionAttributeNames={#n0:pk,#n1:sk} ExpressionAttributeValues={:v0:'a',:v1:'p1'}`},
	{"SELECT * FROM t WHERE pk = 'a' AND sk = 'b' AND n > 3", `Query TableName="t" FilterExpression="#n2 > :v2" KeyConditionExpression="#n0 = :v0 AND #n1 = :v1" ExpressionAttributeNames={#n0:pk,#n1:sk,#n2:n} ExpressionAttributeValues={:v0:'a',:v1:'b',:v2:N(3)}`},
	{"SELECT * FROM t WHERE pk = 'a' AND sk IN ['b', 'c']", `Query TableName="t" FilterExpression="#n1 IN (:v1, :v2)" KeyConditionExpression="#n0 = :v0" ExpressionAttributeNames={#n0:pk,#n1:sk} ExpressionAttributeValues={:v0:'a',:v1:'b',:v2:'c'}`},
	{"SELECT * FROM t WHERE pk = 'a' AND n >= 1 AND sk <= 'q' ORDER BY sk DESC", `Query TableName="t" ScanIndexForward=false FilterExpression="#n2 >= :v2" KeyConditionExpression="#n0 = :v0 AND #n1 <= :v1" ExpressionAttributeNames={#n0:pk,#n1:sk,#n2:n} ExpressionAttributeValues={:v0:'a',:v1:'q',:v2:N(1)}`},
	{"SELECT * FROM t WHERE pk = 'a' ORDER BY sk ASC", `Query TableName="t" ScanIndexForward=true KeyConditionExpression="#n0 = :v0" ExpressionAttributeNames={#n0:pk} ExpressionAttributeValues={:v0:'a'}`},
	{"SELECT * FROM t WHERE pk = 'a' ORDER BY sk", `Query TableName="t" ScanIndexForward=true KeyConditionExpression="#n0 = :v0" ExpressionAttributeNames={#n0:pk} ExpressionAttributeValues={:v0:'a'}`},
	{"SELECT * FROM t WHERE pk = 'a' AND sk = 'b' ORDER BY sk DESC", `Query TableName="t" ScanIndexForward=false KeyConditionExpression="#n0 = :v0 AND #n1 = :v1" ExpressionAttributeNames={#n0:pk,#n1:sk} ExpressionAttributeValues={:v0:'a',:v1:'b'}`},
	{"SELECT * FROM \"t\".\"gsi\" WHERE gpk = 'g' AND gsk = 'h'", `Query TableName="t" IndexName="gsi" KeyConditionExpression="#n0 = :v0 AND #n1 = :v1" ExpressionAttributeNames={#n0:gpk,#n1:gsk} ExpressionAttributeValues={:v0:'g',:v1:'h'}`},
	{"SELECT * FROM \"t\".\"byPK\" WHERE gpk = 'g'", `Query TableName="t" IndexName="byPK" KeyConditionExpression="#n0 = :v0" ExpressionAttributeNames={#n0:gpk} ExpressionAttributeValues={:v0:'g'}`},
	{"SELECT * FROM t", `Scan TableName="t"`},
	{"SELECT a FROM t.\"gsi\"", `Scan TableName="t" IndexName="gsi" ProjectionExpression="#n0" ExpressionAttributeNames={#n0:a}`},
	{"SELECT * FROM t WHERE pk = 'a' OR pk = 'b'", `Scan TableName="t" FilterExpression="(#n0 = :v0) OR (#n0 = :v1)" ExpressionAttributeNames={#n0:pk} ExpressionAttributeValues={:v0:'a',:v1:'b'}`},
	{"SELECT * FROM t WHERE pk IN ['a', 'b']", `Scan TableName="t" FilterExpression="#n0 IN (:v0, :v1)" ExpressionAttributeNames={#n0:pk} ExpressionAttributeValues={:v0:'a',:v1:'b'}`},
	{"SELECT * FROM t WHERE pk IN ('a', ?)", `Scan TableName="t" FilterExpression="#n0 IN (:v0, :v1)" ExpressionAttributeNames={#n0:pk} ExpressionAttributeValues={:v0:'a',:v1:'p1'}`},
	{"SELECT * FROM t WHERE NOT pk = 'a'", `Scan TableName="t" FilterExpression="NOT (#n0 = :v0)" ExpressionAttributeNames={#n0:pk} ExpressionAttributeValues={:v0:'a'}`},
	{"SELECT * FROM t WHERE x <> 1 AND y != 2 AND z < 3 AND w <= 4 AND v > 5 AND u >= 6", `Scan TableName="t" FilterExpression="(#n0 <> :v0) AND (#n1 <> :v1) AND (#n2 < :v2) AND (#n3 <= :v3) AND (#n4 > :v4) AND (#n5 >= :v5)" ExpressionAttributeNames={#n0:x,#n1:y,#n2:z,#n3:w,#n4:v,#n5:u} ExpressionAttributeValues={:v0:N(1),:v1:N(2),:v2:N(3),:v3:N(4),:v4:N(5),:v5:N(6)}`},
	{"SELECT * FROM t WHERE a IS MISSING AND b IS NOT MISSING AND c IS NULL AND d IS NOT NULL", `Scan TableName="t" FilterExpression="(attribute_not_exists(#n0)) AND (attribute_exists(#n1)) AND (attribute_type(#n2, :v0)) AND (NOT attribute_type(#n3, :v1))" ExpressionAttributeNames={#n0:a,#n1:b,#n2:c,#n3:d} ExpressionAttributeValues={:v0:'NULL',:v1:'NULL'}`},
	{"SELECT * FROM t WHERE contains(tags, 'x') AND attribute_type(n, 'N') AND size(list) > 2", `Scan TableName="t" FilterExpression="(contains(#n0, :v0)) AND (attribute_type(#n1, :v1)) AND (size(#n2) > :v2)" ExpressionAttributeNames={#n0:tags,#n1:n,#n2:list} ExpressionAttributeValues={:v0:'x',:v1:'N',:v2:N(2)}`},
	{"SELECT * FROM t WHERE a.b[0].c = 'x' OR (b = true AND c = false) OR d = null", `Scan TableName="t" FilterExpression="(#n0.#n1[0].#n2 = :v0) OR ((#n1 = :v1) AND (#n2 = :v2)) OR (#n3 = :v3)" ExpressionAttributeNames={#n0:a,#n1:b,#n2:c,#n3:d} ExpressionAttributeValues={:v0:'x',:v1:true,:v2:false,:v3:null}`},
	{"SELECT * FROM t WHERE a NOT BETWEEN 1 AND 2 AND b NOT IN [1,2]", `Scan TableName="t" FilterExpression="(NOT (#n0 BETWEEN :v0 AND :v1)) AND (NOT (#n1 IN (:v2, :v3)))" ExpressionAttributeNames={#n0:a,#n1:b} ExpressionAttributeValues={:v0:N(1),:v1:N(2),:v2:N(1),:v3:N(2)}`},
	{"SELECT * FROM t WHERE a = b", `Scan TableName="t" FilterExpression="#n0 = #n1" ExpressionAttributeNames={#n0:a,#n1:b}`},
	{"SELECT * FROM t WHERE a = -1.5e3 AND b = .5", `Scan TableName="t" FilterExpression="(#n0 = :v0) AND (#n1 = :v1)" ExpressionAttributeNames={#n0:a,#n1:b} ExpressionAttributeValues={:v0:N(-1.5e3),:v1:N(.5)}`},
	{"SELECT * FROM t WHERE a = [1, 'x', [true], {'k': null}] AND b = <<'x','y'>> AND c = <<1, 2>>", `Scan TableName="t" FilterExpression="(#n0 = :v0) AND (#n1 = :v1) AND (#n2 = :v2)" ExpressionAttributeNames={#n0:a,#n1:b,#n2:c} ExpressionAttributeValues={:v0:[N(1),'x',[true],{k:null}],:v1:SS[x y],:v2:NS[1 2]}`},
	{"SELECT * FROM t WHERE a = 'it''s' AND \"we\"\"ird\" = 1", `Scan TableName="t" FilterExpression="(#n0 = :v0) AND (#n1 = :v1)" ExpressionAttributeNames={#n0:a,#n1:we"ird} ExpressionAttributeValues={:v0:'it's',:v1:N(1)}`},
	{"SELECT * FROM t WHERE a = 1 AND a = 2 AND pk = 'p';", `Query TableName="t" FilterExpression="(#n1 = :v1) AND (#n1 = :v2)" KeyConditionExpression="#n0 = :v0" ExpressionAttributeNames={#n0:pk,#n1:a} ExpressionAttributeValues={:v0:'p',:v1:N(1),:v2:N(2)}`},
	{"SELECT * FROM t -- comment\n WHERE /* block */ pk = 'a'", `Query TableName="t" KeyConditionExpression="#n0 = :v0" ExpressionAttributeNames={#n0:pk} ExpressionAttributeValues={:v0:'a'}`},
	{"SELECT * FROM t WHERE \"select\" = 1 AND \"where\".x = 2", `Scan TableName="t" FilterExpression="(#n0 = :v0) AND (#n1.#n2 = :v1)" ExpressionAttributeNames={#n0:select,#n1:where,#n2:x} ExpressionAttributeValues={:v0:N(1),:v1:N(2)}`},
	{"INSERT INTO \"t\" VALUE {'pk': 'a', 'sk': 'b', 'n': 1, 'l': [1, 2], 'm': {'x': 'y'}, 's': <<'a', 'b'>>, 'nul': null, 'b': true}", `PutItem TableName="t" Item={b:true,l:[N(1),N(2)],m:{x:'y'},n:N(1),nul:null,pk:'a',s:SS[a b],sk:'b'} ConditionExpression="attribute_not_exists(#n0)" ExpressionAttributeNames={#n0:pk}`},
	{"INSERT INTO h VALUE {'id': ?, 'data': ?}", `PutItem TableName="h" Item={data:'p2',id:'p1'} ConditionExpression="attribute_not_exists(#n0)" ExpressionAttributeNames={#n0:id}`},
	{"UPDATE \"t\" SET a = 1, b.c = 'x' WHERE pk = 'a' AND sk = 'b'", `UpdateItem TableName="t" Key={pk:'a',sk:'b'} UpdateExpression="SET #n0 = :v0, #n1.#n2 = :v1" ConditionExpression="attribute_exists(#n3)" ExpressionAttributeNames={#n0:a,#n1:b,#n2:c,#n3:pk} ExpressionAttributeValues={:v0:N(1),:v1:'x'}`},
	{"UPDATE t SET a = 1 SET b = 2 REMOVE c, d[0] WHERE pk = 'a' AND sk = 'b' RETURNING ALL NEW *", `UpdateItem TableName="t" Key={pk:'a',sk:'b'} ReturnValues="ALL_NEW" UpdateExpression="SET #n0 = :v0, #n1 = :v1 REMOVE #n2, #n3[0]" ConditionExpression="attribute_exists(#n4)" ExpressionAttributeNames={#n0:a,#n1:b,#n2:c,#n3:d,#n4:pk} ExpressionAttributeValues={:v0:N(1),:v1:N(2)}`},
	{"UPDATE t REMOVE c WHERE pk = 'a' AND sk = 'b' AND version = 3 RETURNING MODIFIED OLD *", `UpdateItem TableName="t" Key={pk:'a',sk:'b'} ReturnValues="UPDATED_OLD" UpdateExpression="REMOVE #n0" ConditionExpression="attribute_exists(#n1) AND (#n2 = :v0)" ExpressionAttributeNames={#n0:c,#n1:pk,#n2:version} ExpressionAttributeValues={:v0:N(3)}`},
	{"UPDATE t SET n = n + 1, m = m - 2 WHERE pk = ? AND sk = ? RETURNING ALL OLD *", `UpdateItem TableName="t" Key={pk:'p1',sk:'p2'} ReturnValues="ALL_OLD" UpdateExpression="SET #n0 = #n0 + :v0, #n1 = #n1 - :v1" ConditionExpression="attribute_exists(#n2)" ExpressionAttributeNames={#n0:n,#n1:m,#n2:pk} ExpressionAttributeValues={:v0:N(1),:v1:N(2)}`},
	{"UPDATE t SET l = list_append(l, [1]), x = if_not_exists(x, 0) WHERE pk = 'a' AND sk = 'b' RETURNING MODIFIED NEW *", `UpdateItem TableName="t" Key={pk:'a',sk:'b'} ReturnValues="UPDATED_NEW" UpdateExpression="SET #n0 = list_append(#n0, :v0), #n1 = if_not_exists(#n1, :v1)" ConditionExpression="attribute_exists(#n2)" ExpressionAttributeNames={#n0:l,#n1:x,#n2:pk} ExpressionAttributeValues={:v0:[N(1)],:v1:N(0)}`},
	{"UPDATE t SET l = list_append(if_not_exists(l, []), [?]) WHERE pk = 'a' AND sk = 'b'", `UpdateItem TableName="t" Key={pk:'a',sk:'b'} UpdateExpression="SET #n0 = list_append(if_not_exists(#n0, :v0), :v1)" ConditionExpression="attribute_exists(#n1)" ExpressionAttributeNames={#n0:l,#n1:pk} ExpressionAttributeValues={:v0:[],:v1:['p1']}`},
	{"UPDATE t SET s = set_add(s, <<'a'>>), ns = SET_DELETE(ns, <<1>>), z = 'z' WHERE pk = 'a' AND sk = 'b'", `UpdateItem TableName="t" Key={pk:'a',sk:'b'} UpdateExpression="SET #n2 = :v2 ADD #n0 :v0 DELETE #n1 :v1" ConditionExpression="attribute_exists(#n3)" ExpressionAttributeNames={#n0:s,#n1:ns,#n2:z,#n3:pk} ExpressionAttributeValues={:v0:SS[a],:v1:NS[1],:v2:'z'}`},
	{"UPDATE h SET a = 1 WHERE id = 'x' AND (a > 0 OR a IS MISSING)", `UpdateItem TableName="h" Key={id:'x'} UpdateExpression="SET #n0 = :v0" ConditionExpression="attribute_exists(#n1) AND ((#n0 > :v1) OR (attribute_not_exists(#n0)))" ExpressionAttributeNames={#n0:a,#n1:id} ExpressionAttributeValues={:v0:N(1),:v1:N(0)}`},
	{"DELETE FROM \"t\" WHERE \"pk\" = 'a' AND \"sk\" = 'b'", `DeleteItem TableName="t" Key={pk:'a',sk:'b'}`},
	{"DELETE FROM t WHERE pk = 'a' AND sk = 'b' RETURNING ALL OLD *", `DeleteItem TableName="t" Key={pk:'a',sk:'b'} ReturnValues="ALL_OLD"`},
	{"DELETE FROM h WHERE id = 'x' AND status = 'done'", `DeleteItem TableName="h" Key={id:'x'} ConditionExpression="attribute_not_exists(#n1) OR (#n0 = :v0)" ExpressionAttributeNames={#n0:status,#n1:id} ExpressionAttributeValues={:v0:'done'}`},
	{"EXISTS(SELECT * FROM \"t\" WHERE pk = 'a' AND sk = 'b')", `ConditionCheck Key={pk:'a',sk:'b'} TableName="t" ConditionExpression="attribute_exists(#n0)" ExpressionAttributeNames={#n0:pk}`},
	{"EXISTS(SELECT * FROM h WHERE id = 'a' AND size(l) > 3)", `ConditionCheck Key={id:'a'} TableName="h" ConditionExpression="attribute_exists(#n0) AND (size(#n1) > :v0)" ExpressionAttributeNames={#n0:id,#n1:l} ExpressionAttributeValues={:v0:N(3)}`},
}

func TestTranslate(t *testing.T) {
	for _, tc := range translateCases {
		t.Run(tc.stmt, func(t *testing.T) {
			r, err := Translate(tc.stmt, pParams(tc.stmt), testSchema)
			if err != nil {
				t.Fatalf("Translate: %v", err)
			}
			if got := summary(r); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
