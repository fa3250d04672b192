package dynamodb

import (
	"strings"
	"testing"
)

func TestTableNames(t *testing.T) {
	f := newFixture(t)
	f.run(t, []wireCase{
		{"CreateTable", `{"TableName":"ab","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`,
			400, []string{"1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3"}, nil},
		{"CreateTable", `{"TableName":"a!","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`,
			400, []string{"2 validation errors detected: Value 'a!' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3; Value 'a!' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"}, nil},
		{"GetItem", `{"TableName":"ab","Key":{"pk":{"S":"a"}}}`, 400, []string{"Member must have length greater than or equal to 3"}, nil},
		{"CreateTable", `{"TableName":"a b","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`,
			400, []string{"Value 'a b' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"}, nil},
		{"CreateTable", `{"TableName":"` + strings.Repeat("n!", 128) + `","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`,
			400, []string{"2 validation errors detected: Value 'n!n!", "Member must have length less than or equal to 255; Value 'n!"}, nil},
		{"CreateTable", `{"TableName":"ok_table-1.x","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}`,
			200, nil, nil},
		{"PutItem", `{"TableName":"bad table!@#","Item":{"pk":{"S":"a"}}}`, 400,
			[]string{"Value 'bad table!@#' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern"}, nil},
		{"PutItem", `{"TableName":"missing","Item":{"pk":{"S":"a"}}}`, 400, []string{"ResourceNotFoundException"}, nil},
		{"DescribeTable", `{"TableName":"no such!"}`, 400, []string{"ValidationException"}, nil},
		{"DescribeTable", `{"TableName":"missing"}`, 400, []string{"ResourceNotFoundException"}, nil},
	})
}
