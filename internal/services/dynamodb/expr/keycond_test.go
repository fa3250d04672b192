package expr

import (
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"reflect"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

func TestKeyCondition(t *testing.T) {
	values := Values{":p": sv("p"), ":a": nv("1"), ":b": nv("5"), ":pre": sv("ab")}
	names := Names{"#pk": "pk"}
	tests := []struct {
		expr string
		sort *KeyTerm
	}{
		{"pk = :p", nil},
		{"#pk = :p", nil},
		{":p = pk", nil},
		{"pk = :p AND sk = :a", &KeyTerm{"sk", OpEQ, []dynamodbapi.AttributeValue{nv("1")}}},
		{"pk = :p AND sk < :a", &KeyTerm{"sk", OpLT, []dynamodbapi.AttributeValue{nv("1")}}},
		{"pk = :p AND sk <= :a", &KeyTerm{"sk", OpLE, []dynamodbapi.AttributeValue{nv("1")}}},
		{"pk = :p AND sk > :a", &KeyTerm{"sk", OpGT, []dynamodbapi.AttributeValue{nv("1")}}},
		{"pk = :p AND :a > sk", &KeyTerm{"sk", OpLT, []dynamodbapi.AttributeValue{nv("1")}}},
		{"pk = :p AND sk >= :a", &KeyTerm{"sk", OpGE, []dynamodbapi.AttributeValue{nv("1")}}},
		{"sk BETWEEN :a AND :b AND pk = :p", &KeyTerm{"sk", OpBetween, []dynamodbapi.AttributeValue{nv("1"), nv("5")}}},
		{"pk = :p AND begins_with(sk, :pre)", &KeyTerm{"sk", OpBeginsWith, []dynamodbapi.AttributeValue{sv("ab")}}},
		{"(pk = :p) AND (begins_with(sk, :pre))", &KeyTerm{"sk", OpBeginsWith, []dynamodbapi.AttributeValue{sv("ab")}}},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			kc, err := ParseKeyCondition(tc.expr, names, values, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := kc.Bind("pk", "sk"); err != nil {
				t.Fatal(err)
			}
			if kc.PartitionName != "pk" || !attr.Equal(kc.PartitionValue, sv("p")) {
				t.Fatalf("partition %s=%v", kc.PartitionName, kc.PartitionValue)
			}
			if !reflect.DeepEqual(kc.Sort, tc.sort) {
				t.Fatalf("sort %+v, want %+v", kc.Sort, tc.sort)
			}
		})
	}
}

func TestKeyConditionMatch(t *testing.T) {
	values := Values{":p": sv("p"), ":a": nv("1"), ":b": nv("5"), ":pre": sv("ab")}
	tests := []struct {
		expr string
		v    av
		want bool
	}{
		{"pk = :p", nv("3"), true},
		{"pk = :p AND sk = :a", nv("1.0"), true},
		{"pk = :p AND sk < :a", nv("0"), true},
		{"pk = :p AND sk < :a", nv("1"), false},
		{"pk = :p AND sk >= :b", nv("5"), true},
		{"pk = :p AND sk BETWEEN :a AND :b", nv("5"), true},
		{"pk = :p AND sk BETWEEN :a AND :b", nv("6"), false},
		{"pk = :p AND begins_with(sk, :pre)", sv("abc"), true},
		{"pk = :p AND begins_with(sk, :pre)", sv("b"), false},
	}
	for _, tc := range tests {
		kc, err := ParseKeyCondition(tc.expr, nil, values, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := kc.Bind("pk", "sk"); err != nil {
			t.Fatal(err)
		}
		if got := kc.Match(tc.v); got != tc.want {
			t.Errorf("%s with %v: %v, want %v", tc.expr, tc.v, got, tc.want)
		}
	}
}

func TestKeyConditionErrors(t *testing.T) {
	values := Values{":p": sv("p"), ":a": nv("1")}
	tests := []struct {
		expr, want string
	}{
		{"", "Invalid KeyConditionExpression: The expression can not be empty;"},
		{"pk = ", `Invalid KeyConditionExpression: Syntax error; token: "<EOF>", near: "="`},
		{"pk = :p OR sk = :a", "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: OR"},
		{"NOT pk = :p", "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: NOT"},
		{"pk IN (:p)", "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: IN"},
		{"pk = :p AND sk <> :a", "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: <>"},
		{"pk = :p AND attribute_exists(sk)", "Invalid KeyConditionExpression: Invalid operator used in KeyConditionExpression: attribute_exists"},
		{"pk = :q", "Invalid KeyConditionExpression: An expression attribute value used in expression is not defined; attribute value: :q"},
		{"pk.x = :p", "Invalid KeyConditionExpression: KeyConditionExpressions cannot have conditions on nested attributes"},
		{"pk = :p AND sk[0] = :a", "Invalid KeyConditionExpression: KeyConditionExpressions cannot have conditions on nested attributes"},
		{"pk = :p AND pk = :p", "Invalid KeyConditionExpression: KeyConditionExpressions must only contain one condition per key"},
		{"pk = :p AND sk >= :a AND sk <= :a", "Invalid KeyConditionExpression: KeyConditionExpressions must only contain one condition per key"},
		{"pk = :p AND sk < :a AND xx < :a", "Conditions can be of length 1 or 2 only"},
		{"pk = :p AND begins_with(sk, :a)", "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{"pk = :p AND BEGINS_WITH(sk, :p)", "Invalid KeyConditionExpression: Invalid function name; function: BEGINS_WITH"},
		{"pk = :p AND sk != :a", `Invalid KeyConditionExpression: Syntax error; token: "!", near: "sk !="`},
		{"pk", `Invalid KeyConditionExpression: Syntax error; token: "<EOF>", near: "pk"`},
		{"pk = sk", "Query key condition not supported"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			_, err := ParseKeyCondition(tc.expr, nil, values, nil)
			if got := errMsg(t, err); got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestKeyConditionBindErrors(t *testing.T) {
	values := Values{":p": sv("p"), ":a": nv("1")}
	tests := []struct {
		expr, want string
	}{
		{"pk < :p", "Query key condition not supported"},
		{"sk = :a", "Query condition missed key schema element: pk"},
		{"pk = :p AND xx = :a", "Query condition missed key schema element: sk"},
		{"pk = :p AND #xx = :a", "Query condition missed key schema element: sk"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			kc, err := ParseKeyCondition(tc.expr, Names{"#xx": "x"}, values, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := errMsg(t, kc.Bind("pk", "sk")); got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestKeyConditionHashOnly(t *testing.T) {
	kc, err := ParseKeyCondition("pk = :p AND xx = :p", nil, Values{":p": sv("p")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := errMsg(t, kc.Bind("pk", "")); got != "Query key condition not supported" {
		t.Fatalf("got %s", got)
	}
}
