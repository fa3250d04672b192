package jsonshape

import (
	"strings"
	"testing"
)

// benchBody is a body of the item shape with strings, numbers, lists,
// maps, nested structures and an unknown member.
const benchBody = `{"Name":"No One You Know","Count":42,"Big":9007199254740993,"Ratio":2.14,"On":true,` +
	`"When":1422172800.25,"WhenISO":"2015-01-25T08:00:00Z","Data":"iVBORw0KGgoAAAANSUhEUgAAAAE=",` +
	`"Tags":["a","b","c","Somewhat Famous"],"Attrs":{"Artist":"No One","SongTitle":"Call Me Today","Genre":"Country"},` +
	`"Lists":{"x":["1","2"],"y":[]},"Child":{"Name":"child","Tags":["caf\u00e9"]},` +
	`"Children":[{"Name":"a"},{"Name":"b","Count":1}],"ByName":{"k":{"Name":"v"}},"Unknown":{"deep":[1,2,{"x":null}]}}`

func benchmarkDecode(b *testing.B, decode func(string) error) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchBody)))
	for b.Loop() {
		if err := decode(benchBody); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode measures Decode.
func BenchmarkDecode(b *testing.B) {
	benchmarkDecode(b, func(s string) error {
		var v item
		return Decode(strings.NewReader(s), &v, DecodeOptions{})
	})
}

// BenchmarkDecodeReference measures the original token-stream decoder.
func BenchmarkDecodeReference(b *testing.B) {
	benchmarkDecode(b, func(s string) error {
		var v item
		return refDecode(strings.NewReader(s), &v, DecodeOptions{})
	})
}
