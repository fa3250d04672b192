package expr

import (
	"reflect"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

func ptr[T any](v T) *T { return &v }

func TestFromExpected(t *testing.T) {
	item := sampleItem()
	type exp = dynamodbapi.ExpectedAttributeValue
	tests := []struct {
		name string
		e    map[string]exp
		op   *string
		want bool
	}{
		{"value equal", map[string]exp{"id": {Value: ptr(sv("abc"))}}, nil, true},
		{"value differs", map[string]exp{"id": {Value: ptr(sv("x"))}}, nil, false},
		{"exists true", map[string]exp{"id": {Exists: ptr(true), Value: ptr(sv("abc"))}}, nil, true},
		{"exists false", map[string]exp{"nothing": {Exists: ptr(false)}}, nil, true},
		{"exists false on present", map[string]exp{"id": {Exists: ptr(false)}}, nil, false},
		{"EQ", map[string]exp{"n": {ComparisonOperator: ptr("EQ"), AttributeValueList: []av{nv("10")}}}, nil, true},
		{"op with Value", map[string]exp{"n": {ComparisonOperator: ptr("GT"), Value: ptr(nv("1"))}}, nil, true},
		{"NE missing", map[string]exp{"nothing": {ComparisonOperator: ptr("NE"), AttributeValueList: []av{nv("1")}}}, nil, true},
		{"LT", map[string]exp{"n": {ComparisonOperator: ptr("LT"), AttributeValueList: []av{nv("11")}}}, nil, true},
		{"LE", map[string]exp{"n": {ComparisonOperator: ptr("LE"), AttributeValueList: []av{nv("9")}}}, nil, false},
		{"GE", map[string]exp{"n": {ComparisonOperator: ptr("GE"), AttributeValueList: []av{nv("10")}}}, nil, true},
		{"NULL", map[string]exp{"nothing": {ComparisonOperator: ptr("NULL")}}, nil, true},
		{"NOT_NULL", map[string]exp{"id": {ComparisonOperator: ptr("NOT_NULL")}}, nil, true},
		{"CONTAINS", map[string]exp{"ss": {ComparisonOperator: ptr("CONTAINS"), AttributeValueList: []av{sv("x")}}}, nil, true},
		{"NOT_CONTAINS", map[string]exp{"s": {ComparisonOperator: ptr("NOT_CONTAINS"), AttributeValueList: []av{sv("zzz")}}}, nil, true},
		{"NOT_CONTAINS missing", map[string]exp{"nothing": {ComparisonOperator: ptr("NOT_CONTAINS"), AttributeValueList: []av{sv("zzz")}}}, nil, false},
		{"BEGINS_WITH", map[string]exp{"s": {ComparisonOperator: ptr("BEGINS_WITH"), AttributeValueList: []av{sv("hell")}}}, nil, true},
		{"IN", map[string]exp{"n": {ComparisonOperator: ptr("IN"), AttributeValueList: []av{nv("1"), nv("10")}}}, nil, true},
		{"BETWEEN", map[string]exp{"n": {ComparisonOperator: ptr("BETWEEN"), AttributeValueList: []av{nv("1"), nv("10")}}}, nil, true},
		{"AND", map[string]exp{"id": {Value: ptr(sv("abc"))}, "n": {Value: ptr(nv("1"))}}, ptr("AND"), false},
		{"OR", map[string]exp{"id": {Value: ptr(sv("abc"))}, "n": {Value: ptr(nv("1"))}}, ptr("OR"), true},
		{"empty", map[string]exp{}, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := FromExpected(tc.e, tc.op)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := c.Eval(item); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFromExpectedErrors(t *testing.T) {
	type exp = dynamodbapi.ExpectedAttributeValue
	tests := []struct {
		e    map[string]exp
		op   *string
		want string
	}{
		{map[string]exp{"a": {}}, nil, "One or more parameter values were invalid: Value must be provided when Exists is null for Attribute: a"},
		{map[string]exp{"a": {Exists: ptr(true)}}, nil, "One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: a"},
		{map[string]exp{"a": {Exists: ptr(false), Value: ptr(sv("x"))}}, nil, "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: a"},
		{map[string]exp{"a": {Exists: ptr(true), ComparisonOperator: ptr("EQ")}}, nil, "One or more parameter values were invalid: Exists and ComparisonOperator cannot be used together for Attribute: a"},
		{map[string]exp{"a": {Value: ptr(sv("x")), ComparisonOperator: ptr("EQ"), AttributeValueList: []av{sv("x")}}}, nil, "One or more parameter values were invalid: Value and AttributeValueList cannot be used together for Attribute: a"},
		{map[string]exp{"a": {AttributeValueList: []av{sv("x")}}}, nil, "One or more parameter values were invalid: AttributeValueList can only be used with a ComparisonOperator for Attribute: a"},
		{map[string]exp{"a": {ComparisonOperator: ptr("EQ")}}, nil, "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator"},
		{map[string]exp{"a": {ComparisonOperator: ptr("NULL"), AttributeValueList: []av{sv("x")}}}, nil, "One or more parameter values were invalid: Invalid number of argument(s) for the NULL ComparisonOperator"},
		{map[string]exp{"a": {ComparisonOperator: ptr("BETWEEN"), AttributeValueList: []av{sv("x")}}}, nil, "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator"},
		{map[string]exp{"a": {ComparisonOperator: ptr("IN")}}, nil, "One or more parameter values were invalid: Invalid number of argument(s) for the IN ComparisonOperator"},
		{map[string]exp{"a": {ComparisonOperator: ptr("GT"), AttributeValueList: []av{ssv("x")}}}, nil, "One or more parameter values were invalid: ComparisonOperator GT is not valid for SS AttributeValue type"},
		{map[string]exp{"a": {ComparisonOperator: ptr("BEGINS_WITH"), AttributeValueList: []av{nv("1")}}}, nil, "One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"},
		{map[string]exp{"a": {ComparisonOperator: ptr("BETWEEN"), AttributeValueList: []av{nv("1"), sv("x")}}}, nil, "One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type"},
		{map[string]exp{"a": {ComparisonOperator: ptr("BETWEEN"), AttributeValueList: []av{nv("4"), nv("3")}}}, nil, "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"},
		{map[string]exp{"a": {ComparisonOperator: ptr("IN"), AttributeValueList: []av{nv("3"), sv("dog")}}}, nil, "One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type"},
		{map[string]exp{"a": {ComparisonOperator: ptr("IN"), AttributeValueList: []av{lv(nv("1"))}}}, nil, "One or more parameter values were invalid: ComparisonOperator IN is not valid for L AttributeValue type"},
		{map[string]exp{"a": {ComparisonOperator: ptr("CONTAINS"), AttributeValueList: []av{lv(nv("1"))}}}, nil, "One or more parameter values were invalid: ComparisonOperator CONTAINS is not valid for L AttributeValue type"},
		{map[string]exp{}, ptr("OR"), "One or more parameter values were invalid: ConditionalOperator can only be used when Filter or Expected has two or more elements"},
		{map[string]exp{"a": {Value: ptr(sv("x"))}}, ptr("XOR"), "1 validation error detected: Value 'XOR' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			_, err := FromExpected(tc.e, tc.op)
			if got := errMsg(t, err); got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestFromFilter(t *testing.T) {
	type cond = dynamodbapi.Condition
	c, err := FromFilter(map[string]cond{
		"n": {ComparisonOperator: ptr("GT"), AttributeValueList: []av{nv("5")}},
		"s": {ComparisonOperator: ptr("CONTAINS"), AttributeValueList: []av{sv("world")}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Eval(sampleItem()); !ok {
		t.Fatal("filter did not match")
	}
	_, err = FromFilter(map[string]cond{"n": {ComparisonOperator: ptr("GT")}}, nil)
	if got, want := errMsg(t, err), "The attempted filter operation is not supported for the provided filter argument count"; got != want {
		t.Fatalf("got %s", got)
	}
}

func TestFromKeyConditions(t *testing.T) {
	type cond = dynamodbapi.Condition
	kc, err := FromKeyConditions(map[string]cond{
		"pk": {ComparisonOperator: ptr("EQ"), AttributeValueList: []av{sv("p")}},
		"sk": {ComparisonOperator: ptr("BEGINS_WITH"), AttributeValueList: []av{sv("a")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := kc.Bind("pk", "sk"); err != nil {
		t.Fatal(err)
	}
	if kc.PartitionName != "pk" || kc.Sort == nil || kc.Sort.Op != OpBeginsWith {
		t.Fatalf("%+v", kc)
	}
	errTests := []struct {
		kc   map[string]cond
		want string
	}{
		{map[string]cond{}, "Conditions can be of length 1 or 2 only"},
		{map[string]cond{"a": {ComparisonOperator: ptr("NULL")}, "b": {ComparisonOperator: ptr("NULL")}, "c": {ComparisonOperator: ptr("NULL")}}, "Conditions can be of length 1 or 2 only"},
		{map[string]cond{"a": {ComparisonOperator: ptr("CONTAINS"), AttributeValueList: []av{sv("x")}}}, "Attempted conditional constraint is not an indexable operation"},
		{map[string]cond{"a": {ComparisonOperator: ptr("EQ")}}, "The attempted filter operation is not supported for the provided filter argument count"},
	}
	for _, tc := range errTests {
		_, err := FromKeyConditions(tc.kc)
		if got := errMsg(t, err); got != tc.want {
			t.Errorf("got %s, want %s", got, tc.want)
		}
	}
}

func TestFromAttributeUpdates(t *testing.T) {
	type upd = dynamodbapi.AttributeValueUpdate
	u, err := FromAttributeUpdates(map[string]upd{
		"a":  {Value: ptr(sv("new"))},
		"n":  {Action: ptr("ADD"), Value: ptr(nv("2"))},
		"ss": {Action: ptr("DELETE"), Value: ptr(ssv("x"))},
		"s":  {Action: ptr("DELETE")},
		"l":  {Action: ptr("ADD"), Value: ptr(lv(nv("9")))},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := u.Apply(map[string]av{"n": nv("1"), "ss": ssv("x", "y"), "s": sv("s"), "l": lv(nv("1"))})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]av{"a": sv("new"), "n": nv("3"), "ss": ssv("y"), "l": lv(nv("1"), nv("9"))}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	errTests := []struct {
		u    map[string]upd
		want string
	}{
		{map[string]upd{"a": {}}, "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified"},
		{map[string]upd{"a": {Action: ptr("ADD")}}, "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified"},
		{map[string]upd{"a": {Action: ptr("ADD"), Value: ptr(sv("x"))}}, "One or more parameter values were invalid: ADD action is not supported for the type S"},
		{map[string]upd{"a": {Action: ptr("DELETE"), Value: ptr(nv("1"))}}, "One or more parameter values were invalid: DELETE action with value is not supported for the type N"},
	}
	for _, tc := range errTests {
		_, err := FromAttributeUpdates(tc.u)
		if got := errMsg(t, err); got != tc.want {
			t.Errorf("got %s, want %s", got, tc.want)
		}
	}
}
