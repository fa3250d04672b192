package partiql

import (
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
)

func TestTranslateParams(t *testing.T) {
	bin := func(b string) dynamodbapi.AttributeValue { return dynamodbapi.AttributeValue{B: []byte(b)} }
	tests := []struct {
		stmt   string
		params []dynamodbapi.AttributeValue
		want   string
	}{
		{"SELECT * FROM t WHERE a IN ?", []dynamodbapi.AttributeValue{l(s("x"), n("1"))},
			`Scan TableName="t" FilterExpression="#n0 IN (:v0, :v1)" ExpressionAttributeNames={#n0:a} ExpressionAttributeValues={:v0:'x',:v1:N(1)}`},
		{"INSERT INTO h VALUE ?", []dynamodbapi.AttributeValue{m("id", s("x"), "n", n("2"))},
			`PutItem TableName="h" Item={id:'x',n:N(2)} ConditionExpression="attribute_not_exists(#n0)" ExpressionAttributeNames={#n0:id}`},
		{"UPDATE h SET s = <<?, ?>> WHERE id = 'x'", []dynamodbapi.AttributeValue{s("a"), s("b")},
			`UpdateItem TableName="h" Key={id:'x'} UpdateExpression="SET #n0 = :v0" ConditionExpression="attribute_exists(#n1)" ExpressionAttributeNames={#n0:s,#n1:id} ExpressionAttributeValues={:v0:SS[a b]}`},
		{"UPDATE h SET s = <<?, ?>> WHERE id = 'x'", []dynamodbapi.AttributeValue{bin("a"), bin("b")},
			`UpdateItem TableName="h" Key={id:'x'} UpdateExpression="SET #n0 = :v0" ConditionExpression="attribute_exists(#n1)" ExpressionAttributeNames={#n0:s,#n1:id} ExpressionAttributeValues={:v0:BS2}`},
		{"SELECT * FROM h WHERE id = ? AND b = ?", []dynamodbapi.AttributeValue{bin("k"), {SS: []string{"x"}}},
			`Query TableName="h" FilterExpression="#n1 = :v1" KeyConditionExpression="#n0 = :v0" ExpressionAttributeNames={#n0:id,#n1:b} ExpressionAttributeValues={:v0:B(aw==),:v1:SS[x]}`},
		{"SELECT * FROM h WHERE id = ?", []dynamodbapi.AttributeValue{bin("k")},
			`GetItem TableName="h" Key={id:B(aw==)}`},
	}
	for _, tc := range tests {
		t.Run(tc.stmt, func(t *testing.T) {
			r, err := Translate(tc.stmt, tc.params, testSchema)
			if err != nil {
				t.Fatalf("Translate: %v", err)
			}
			if got := summary(r); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestKind(t *testing.T) {
	tests := []struct {
		k    Kind
		name string
		read bool
	}{
		{KindGetItem, "GetItem", true},
		{KindQuery, "Query", true},
		{KindScan, "Scan", true},
		{KindInsert, "PutItem", false},
		{KindUpdate, "UpdateItem", false},
		{KindDelete, "DeleteItem", false},
		{KindConditionCheck, "ConditionCheck", false},
		{Kind(0), "Unknown", false},
	}
	for _, tc := range tests {
		if got := tc.k.String(); got != tc.name {
			t.Errorf("Kind(%d).String() = %q, want %q", tc.k, got, tc.name)
		}
		if got := (&Request{Kind: tc.k}).IsRead(); got != tc.read {
			t.Errorf("%s IsRead = %v, want %v", tc.name, got, tc.read)
		}
	}
}

func TestTranslateInvalidParams(t *testing.T) {
	yes := true
	tests := []struct {
		name  string
		param dynamodbapi.AttributeValue
	}{
		{"empty", dynamodbapi.AttributeValue{}},
		{"two types", dynamodbapi.AttributeValue{S: new(string), BOOL: &yes}},
		{"bad number", n("1x")},
		{"empty set", dynamodbapi.AttributeValue{SS: []string{}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := attr.Validate(tc.param)
			if want == nil {
				t.Fatal("attr.Validate accepted the parameter")
			}
			_, err := Translate("SELECT * FROM t WHERE a = ?", []dynamodbapi.AttributeValue{tc.param}, testSchema)
			if err == nil || err.Error() != want.Error() {
				t.Errorf("got %v, want %v", err, want)
			}
		})
	}
}
