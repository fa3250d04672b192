package dynamodb

import (
	"bytes"
	"testing"

	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
)

// FuzzImportDynamoDBJSON feeds arbitrary objects to the DYNAMODB_JSON
// reader: it must not panic, and every item it yields must round-trip
// through the storage codec.
func FuzzImportDynamoDBJSON(f *testing.F) {
	f.Add([]byte(`{"Item":{"pk":{"S":"a"},"sk":{"N":"1"}}}` + "\n" + `{"Item":{"b":{"B":"AAE="},"l":{"L":[{"NULL":true}]}}}`))
	f.Add([]byte("\n\n{\"Item\":{}}\r\nnot json\n{\"NotItem\":1}"))
	f.Add([]byte(`{"Item":{"m":{"M":{"x":{"SS":["a","a"]}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		err := parseDynamoDBJSON(bytes.NewReader(data), func(item attr.Item, bad error) error {
			if bad == nil && item == nil {
				t.Fatal("nil item without an error")
			}
			if bad == nil && attr.ValidateItem(item) == nil {
				if _, err := attr.UnmarshalItem(attr.MarshalItem(item)); err != nil {
					t.Fatalf("round trip of %v: %v", item, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("reading from memory failed: %v", err)
		}
	})
}

// FuzzImportCSV feeds arbitrary objects to the CSV reader, with and
// without a header list.
func FuzzImportCSV(f *testing.F) {
	f.Add([]byte("pk,sk,note\na,1,x\nb,notanumber,\n\"q,\"\"x\",2,y\n"), false)
	f.Add([]byte("a;1;AAE=\n"), true)
	f.Add([]byte("pk\n\"unterminated\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, list bool) {
		o := csvOptions{delimiter: ',', types: map[string]string{"pk": "S", "sk": "N", "b": "B"}}
		if list {
			o.delimiter, o.header = ';', []string{"pk", "sk", "b"}
		}
		err := parseCSV(bytes.NewReader(data), o, func(item attr.Item, bad error) error {
			if bad == nil {
				for name, v := range item {
					if got := attr.TypeOf(v); got != "S" && got != o.types[name] {
						t.Fatalf("attribute %s of type %s", name, got)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("reading from memory failed: %v", err)
		}
	})
}
