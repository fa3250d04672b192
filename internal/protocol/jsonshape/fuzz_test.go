package jsonshape

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// FuzzDecode checks that no body panics the decoder, that failures are
// *Error, and that what decodes re-encodes to a body that decodes the same.
func FuzzDecode(f *testing.F) {
	seeds := []string{
		`{"Name": "myname"}`,
		`{"TimeArg": 1422172800, "TimeCustom": "Sun, 25 Jan 2015 08:00:00 GMT", "TimeFormat": "Sun, 25 Jan 2015 08:00:00 GMT"}`,
		`{"BlobArg": "Zm9v"}`,
		`{"Child": {"Child": {"Child": {"Name": "foo"}}}}`,
		`{"Children": [{"Name": "foo"}, {"Child": {"Name": "bar"}}]}`,
		`{"ByName": {"foo": {"Name": "foo"}, "bar": {"Name": "bar"}}}`,
		`{"Attrs": {}}`,
		`{"Tags": ["foo", "", "bar"], "Matrix": [[1, 2.0, 1e3]]}`,
		`{"Count": 1, "Big": -9223372036854775808, "Ratio": "NaN", "On": false, "Data": "YmFy", "When": 1.5}`,
		`{"Zzz": [{"a": [null, true, {}]}]}`,
		``,
		`null`,
		`{"Name":`,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var v item
		err := Decode(strings.NewReader(body), &v, DecodeOptions{MaxBytes: 1 << 16, MaxDepth: 32})
		if err != nil {
			var je *Error
			if !errors.As(err, &je) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			return
		}
		b, err := Append(nil, &v, EncodeOptions{})
		if err != nil {
			t.Fatalf("Append: %v", err)
		}
		var w item
		if err := Decode(bytes.NewReader(b), &w, DecodeOptions{}); err != nil {
			t.Fatalf("re-decode of %s: %v", b, err)
		}
		b2, _ := Append(nil, &w, EncodeOptions{})
		if !bytes.Equal(b, b2) {
			t.Fatalf("unstable round trip:\n%s\n%s", b, b2)
		}
	})
}
