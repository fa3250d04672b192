package attr

import (
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/protocol/jsonshape"
)

// TestWireDecoding checks what this package relies on from the JSON codec:
// empty sets, lists and maps decode non-nil and "B": "" to an empty,
// non-nil binary, so they keep their type.
func TestWireDecoding(t *testing.T) {
	body := `{"TableName":"t","Item":{"ss":{"SS":[]},"ns":{"NS":[]},"bs":{"BS":[]},"b":{"B":""},
		"m":{"M":{}},"l":{"L":[]},"n":{"NULL":false},"none":{}}}`
	var in dynamodbapi.PutItemInput
	if err := jsonshape.Decode(strings.NewReader(body), &in, jsonshape.DecodeOptions{}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"ss": "SS", "ns": "NS", "bs": "BS", "b": "B", "m": "M", "l": "L", "n": "NULL", "none": ""}
	for k, typ := range want {
		if got := TypeOf(in.Item[k]); got != typ {
			t.Errorf("%s decodes to type %q, want %q", k, got, typ)
		}
	}
	tests := map[string]string{"ss": msgEmptySS, "ns": msgEmptyNS, "bs": msgEmptyBS, "b": "", "m": "", "l": "", "n": msgNullNotTrue, "none": msgEmptyValue}
	for k, msg := range tests {
		if got := errMessage(t, Validate(in.Item[k])); got != msg {
			t.Errorf("%s: Validate = %q, want %q", k, got, msg)
		}
	}
}
