package e2e

import (
	"encoding/json"
	"os/exec"
	"reflect"
	"testing"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// ddbBoto3Script drives DynamoDB through boto3's resource API, legacy
// parameters included, and prints what it saw as JSON.
const ddbBoto3Script = `
import json
from decimal import Decimal
import boto3
from boto3.dynamodb.conditions import Key, Attr
from botocore.exceptions import ClientError

ddb = boto3.resource("dynamodb")
table = ddb.create_table(
    TableName="pyt",
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
    BillingMode="PAY_PER_REQUEST",
)
table.wait_until_exists()
table.reload()
out = {"status": table.table_status, "item_count_field": "ItemCount" in table.meta.data}

numbers = {
    "int38": Decimal("12345678901234567890123456789012345678"),
    "neg38": Decimal("-98765432109876543210987654321098765432"),
    "frac38": Decimal("0.12345678901234567890123456789012345678"),
    "mixed38": Decimal("1234567890123456789.0123456789012345678"),
    "big": Decimal("9.9999999999999999999999999999999999999E+37"),
    "tiny": Decimal("1E-130"),
}
table.put_item(Item={"pk": "n", "sk": 0, "name": "numbers", **numbers})
got = table.get_item(Key={"pk": "n", "sk": 0}, ConsistentRead=True)["Item"]
out["numbers_equal"] = {k: got[k] == v for k, v in numbers.items()}
out["numbers_text"] = {k: str(got[k]) for k in ("int38", "neg38", "frac38", "mixed38")}
# DynamoDB answers numbers without exponent, so 1E+100 comes back as 101
# digits, which boto3's resource layer cannot read (boto/boto3#2500): read
# it with a plain low-level client (the resource's client converts types).
table.put_item(Item={"pk": "n", "sk": 1, "huge": Decimal("1E+100"), "max": Decimal("9.9999999999999999999999999999999999999E+125")})
raw = boto3.client("dynamodb").get_item(TableName="pyt", Key={"pk": {"S": "n"}, "sk": {"N": "1"}})["Item"]
out["huge_text"] = [raw["huge"]["N"] == "1" + "0" * 100, raw["max"]["N"] == "9" * 38 + "0" * 88]
table.delete_item(Key={"pk": "n", "sk": 1})

table.put_item(Item={"pk": "a", "sk": 1, "color": "red", "count": 1, "old": "x", "tags": {"p", "q"}})
upd = table.update_item(
    Key={"pk": "a", "sk": 1},
    AttributeUpdates={
        "count": {"Value": Decimal(41), "Action": "ADD"},
        "color": {"Value": "blue", "Action": "PUT"},
        "old": {"Action": "DELETE"},
        "tags": {"Value": {"q"}, "Action": "DELETE"},
        "more": {"Value": {"r", "s"}, "Action": "ADD"},
    },
    ReturnValues="ALL_NEW",
)["Attributes"]
out["update"] = {"count": str(upd["count"]), "color": upd["color"], "has_old": "old" in upd,
                 "tags": sorted(upd["tags"]), "more": sorted(upd["more"])}

with table.batch_writer() as batch:
    for i in range(2, 60):
        batch.put_item(Item={"pk": "a" if i < 30 else "b", "sk": i, "color": "red" if i % 3 == 0 else "green", "count": i})
    batch.delete_item(Key={"pk": "a", "sk": 29})

q = table.query(KeyConditionExpression=Key("pk").eq("a") & Key("sk").between(3, 12),
                FilterExpression=Attr("color").eq("red"), ScanIndexForward=False)
out["query_expr"] = [int(i["sk"]) for i in q["Items"]]
out["query_expr_counts"] = [q["Count"], q["ScannedCount"]]
q = table.query(KeyConditions={"pk": {"AttributeValueList": ["a"], "ComparisonOperator": "EQ"},
                               "sk": {"AttributeValueList": [25], "ComparisonOperator": "GE"}})
out["query_legacy"] = [int(i["sk"]) for i in q["Items"]]
q = table.query(KeyConditions={"pk": {"AttributeValueList": ["b"], "ComparisonOperator": "EQ"},
                               "sk": {"AttributeValueList": [55], "ComparisonOperator": "LT"}},
                QueryFilter={"count": {"AttributeValueList": [50], "ComparisonOperator": "GT"}}, ScanIndexForward=False)
out["query_legacy_filter"] = [int(i["sk"]) for i in q["Items"]]

s = table.scan(ScanFilter={"color": {"AttributeValueList": ["red"], "ComparisonOperator": "EQ"},
                           "count": {"AttributeValueList": [40], "ComparisonOperator": "LE"}})
out["scan_legacy"] = sorted(int(i["sk"]) for i in s["Items"])
s = table.scan(FilterExpression=Attr("color").begins_with("gr") & Attr("count").gte(50))
out["scan_expr"] = sorted(int(i["sk"]) for i in s["Items"])
out["scan_count"] = table.scan(Select="COUNT")["Count"]

try:
    table.put_item(Item={"pk": "a", "sk": 1, "color": "none"}, Expected={"pk": {"Exists": False}})
    out["expected_fail"] = "no error"
except ClientError as e:
    out["expected_fail"] = e.response["Error"]["Code"]
try:
    table.put_item(Item={"pk": "a", "sk": 1, "color": "none"}, Expected={"color": {"Value": "red"}})
    out["expected_value_fail"] = "no error"
except table.meta.client.exceptions.ConditionalCheckFailedException as e:
    out["expected_value_fail"] = e.response["Error"]["Code"]
table.put_item(Item={"pk": "a", "sk": 1, "color": "green"}, Expected={"color": {"Value": "blue"}})
out["expected_ok"] = table.get_item(Key={"pk": "a", "sk": 1})["Item"]["color"]
table.put_item(Item={"pk": "z", "sk": 1}, Expected={"pk": {"Exists": False}})
out["expected_new"] = "Item" in table.get_item(Key={"pk": "z", "sk": 1})

created = table.update_item(Key={"pk": "c", "sk": 1}, AttributeUpdates={"count": {"Value": Decimal("0.5"), "Action": "ADD"},
                                                                     "nums": {"Value": {1, 2, 3}, "Action": "ADD"}},
                            ReturnValues="ALL_NEW")["Attributes"]
out["update_creates"] = [str(created["count"]), sorted(int(n) for n in created["nums"])]
table.update_item(Key={"pk": "c", "sk": 1}, AttributeUpdates={"nums": {"Value": {2}, "Action": "DELETE"}})
out["nums_after_delete"] = sorted(int(n) for n in table.get_item(Key={"pk": "c", "sk": 1})["Item"]["nums"])
table.put_item(Item={"pk": "c", "sk": 1, "color": "red"},
               Expected={"color": {"ComparisonOperator": "IN", "AttributeValueList": ["red", "green"]},
                         "count": {"ComparisonOperator": "GT", "AttributeValueList": [0]}},
               ConditionalOperator="OR")
out["or_put"] = {k: str(v) for k, v in table.get_item(Key={"pk": "c", "sk": 1})["Item"].items()}
try:
    table.delete_item(Key={"pk": "c", "sk": 1}, Expected={"color": {"ComparisonOperator": "NE", "AttributeValueList": ["red"]}})
    out["expected_delete"] = "no error"
except ClientError as e:
    out["expected_delete"] = e.response["Error"]["Code"]

table.delete()
table.wait_until_not_exists()
print(json.dumps(out))
`

func TestDynamoDBBoto3(t *testing.T) {
	srv := unkaitest.Start(t)
	cmd := exec.Command("python3", "-c", ddbBoto3Script)
	cmd.Env = awsEnv(srv, "test")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("boto3: %v\n%s", err, stderr)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("boto3 output %q: %v", out, err)
	}
	ints := func(xs ...int) []any {
		out := make([]any, len(xs))
		for i, x := range xs {
			out[i] = float64(x)
		}
		return out
	}
	want := map[string]any{
		"status": "ACTIVE", "item_count_field": true,
		"numbers_equal": map[string]any{
			"int38": true, "neg38": true, "frac38": true, "mixed38": true, "big": true, "tiny": true,
		},
		"numbers_text": map[string]any{
			"int38":   "12345678901234567890123456789012345678",
			"neg38":   "-98765432109876543210987654321098765432",
			"frac38":  "0.12345678901234567890123456789012345678",
			"mixed38": "1234567890123456789.0123456789012345678",
		},
		"huge_text": []any{true, true},
		"update": map[string]any{
			"count": "42", "color": "blue", "has_old": false, "tags": []any{"p"}, "more": []any{"r", "s"},
		},
		"query_expr":          ints(12, 9, 6, 3),
		"query_expr_counts":   ints(4, 10),
		"query_legacy":        ints(25, 26, 27, 28),
		"query_legacy_filter": ints(54, 53, 52, 51),
		"scan_legacy":         ints(3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39),
		"scan_expr":           ints(50, 52, 53, 55, 56, 58, 59),
		"scan_count":          float64(59),
		"expected_fail":       "ConditionalCheckFailedException",
		"expected_value_fail": "ConditionalCheckFailedException",
		"expected_ok":         "green",
		"expected_new":        true,
		"update_creates":      []any{"0.5", ints(1, 2, 3)},
		"nums_after_delete":   ints(1, 3),
		"or_put":              map[string]any{"pk": "c", "sk": "1", "color": "red"},
		"expected_delete":     "ConditionalCheckFailedException",
	}
	for k, w := range want {
		if g := got[k]; !reflect.DeepEqual(g, w) {
			t.Errorf("%s = %v, want %v", k, g, w)
		}
	}
}
