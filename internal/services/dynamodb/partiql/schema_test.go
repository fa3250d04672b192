package partiql

import (
	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
)

// testSchema knows table t (pk, sk) with index gsi (gpk, gsk) and index
// byPK (gpk only), and table h (id only).
func testSchema(table, index string) (KeySchema, error) {
	switch table + "/" + index {
	case "t/":
		return KeySchema{PartitionKey: "pk", SortKey: "sk"}, nil
	case "t/gsi":
		return KeySchema{PartitionKey: "gpk", SortKey: "gsk"}, nil
	case "t/byPK":
		return KeySchema{PartitionKey: "gpk"}, nil
	case "h/", "my.table/":
		return KeySchema{PartitionKey: "id"}, nil
	}
	return KeySchema{}, awserr.New("ResourceNotFoundException", 400, "Requested resource not found")
}

func s(v string) dynamodbapi.AttributeValue { return dynamodbapi.AttributeValue{S: &v} }

func n(v string) dynamodbapi.AttributeValue { return dynamodbapi.AttributeValue{N: &v} }

func l(vs ...dynamodbapi.AttributeValue) dynamodbapi.AttributeValue {
	return dynamodbapi.AttributeValue{L: vs}
}

func m(kv ...any) dynamodbapi.AttributeValue {
	out := map[string]dynamodbapi.AttributeValue{}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1].(dynamodbapi.AttributeValue)
	}
	return dynamodbapi.AttributeValue{M: out}
}
