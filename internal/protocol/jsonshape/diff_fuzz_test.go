package jsonshape

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// diffSeeds are bodies that exercise the tokenizer's corners.
var diffSeeds = []string{
	`{"Name": "myname"}`,
	`{"TimeArg": 1422172800, "When": 1422172800.5, "WhenISO": "2015-01-25T08:00:00Z", "WhenHTTP": "Sun, 25 Jan 2015 08:00:00 GMT"}`,
	`{"Data": "Zm9v", "Blobs": ["Zm8", "YmFy", "!!"]}`,
	`{"Child": {"Child": {"Child": {"Name": "foo"}}}}`,
	`{"Children": [{"Name": "foo"}, {"Child": {"Name": "bar"}}]}`,
	`{"ByName": {"foo": {"Name": "foo"}, "bar": {"Name": "bar"}, "foo": {"Count": 2}}}`,
	`{"Attrs": {}, "Lists": {"a": [], "b": null, "c": ["x"]}}`,
	`{"Tags": ["foo", "", "bar"], "Matrix": [[1, 2.0, 1e3, -0, 1E+2, 1.5]]}`,
	`{"Count": 1, "Big": -9223372036854775808, "Ratio": "NaN", "On": false, "Data": "YmFy"}`,
	`{"Count": 2147483648, "Big": 1e19, "Ratio": "-Infinity", "On": "true"}`,
	`{"Zzz": [{"a": [null, true, {}]}], "Stream": {"x": [1]}, "X-H": "h", "Header": "h"}`,
	`{"Name": "a\u00e9\ud83d\ude00\ud800x\udc00\"\\\/\b\f\n\r\t", "Doc": "\ud800\ud800\udc00"}`,
	"{\"Name\": \"bad\xff\xfe utf8 \xed\xa0\x80\"}",
	"{\"Na\\u006de\": \"escaped key\", \"\xff\": 1}",
	``, ` `, `null`, `null x`, `{} {}`, `{} 1`, `{}]`, `{"Name":`, `{"Name"`, `{"Name":"x`,
	`{"Name":"x"`, `{"Name":-}`, `{"Name":1.}`, `{"Name":1e}`, `{"Name":tru}`, `{"Name":nul`,
	`{"Count":01}`, `{"Count":1x}`, `{"Count":truex}`, `{,}`, `{"a":1,}`, `[1,]`, `[]`, `"s"`, `1`, `true`,
	`{"Tags":[1}`, `{"Tags":{]}`, `{"Zzz":[}`, `{"a" "b"}`, `{"a":1 "b":2}`, `{x}`, `{"a":"\x"}`, `{"a":"\u12g4"}`,
	"{\"a\":\"\x01\"}", `{"Child": [], "Tags": {}}`, `{"Data": 1, "Name": 2, "Count": "3", "On": 1}`,
	`{"Name": ["x"]}`, `{"Count": 1.5}`, `{"Ratio": 1e400}`, `{"When": "bogus"}`, `{"When": 1e30}`,
	`[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]`, `{"Child":{"Child":{"Child":{"Child":{"Child":{}}}}}}`,
}

// FuzzDecodeDifferential runs the reference (encoding/json Token) decoder
// and Decode on the same input and requires the same outcome.
func FuzzDecodeDifferential(f *testing.F) {
	for i, s := range diffSeeds {
		f.Add(s, uint8(i))
	}
	f.Fuzz(func(t *testing.T, body string, mode uint8) {
		opt := DecodeOptions{MaxBytes: 1 << 16, MaxDepth: 32, BodyOnly: mode&1 != 0}
		if mode&2 != 0 {
			opt.MaxDepth = 3
		}
		if mode&4 != 0 && len(body) > 0 {
			opt.MaxBytes = int64(len(body)) - int64(mode>>5)
		}
		reader := func() io.Reader {
			var r io.Reader = strings.NewReader(body)
			if mode&8 != 0 {
				r = io.MultiReader(r, iotest.ErrReader(errors.New("connection reset")))
			}
			if mode&16 != 0 {
				r = iotest.OneByteReader(r)
			}
			return r
		}
		var want, got item
		werr := refDecode(reader(), &want, opt)
		gerr := Decode(reader(), &got, opt)
		compareOutcome(t, body, werr, gerr, &want, &got)
	})
}

// compareOutcome fails unless both decoders agree.
func compareOutcome(t *testing.T, body string, werr, gerr error, want, got any) {
	t.Helper()
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("body %q: reference err %v, new err %v", body, werr, gerr)
	}
	if werr != nil {
		if werr.Error() != gerr.Error() {
			t.Fatalf("body %q: error text\nreference %q\nnew       %q", body, werr.Error(), gerr.Error())
		}
		var we, ge *Error
		if errors.As(werr, &we) != errors.As(gerr, &ge) || we != nil && we.Message != ge.Message {
			t.Fatalf("body %q: error class %T vs %T", body, werr, gerr)
		}
		if errors.Is(werr, ErrTooLarge) != errors.Is(gerr, ErrTooLarge) {
			t.Fatalf("body %q: ErrTooLarge mismatch", body)
		}
		return
	}
	wb, err1 := Append(nil, want, EncodeOptions{})
	gb, err2 := Append(nil, got, EncodeOptions{})
	if err1 != nil || err2 != nil || !bytes.Equal(wb, gb) {
		t.Fatalf("body %q: decoded\nreference %s\nnew       %s", body, wb, gb)
	}
	if !bytes.Contains(wb, []byte("NaN")) && !reflect.DeepEqual(want, got) {
		t.Fatalf("body %q: decoded values differ: %#v vs %#v", body, want, got)
	}
}

// TestDecodeDifferential runs the seeds under every mode.
func TestDecodeDifferential(t *testing.T) {
	for _, s := range diffSeeds {
		for mode := range 64 {
			opt := DecodeOptions{MaxBytes: 1 << 16, MaxDepth: 32, BodyOnly: mode&1 != 0}
			if mode&2 != 0 {
				opt.MaxDepth = 3
			}
			if mode&4 != 0 && len(s) > 0 {
				opt.MaxBytes = int64(len(s)) - int64(mode>>4)
			}
			var r1, r2 io.Reader = strings.NewReader(s), strings.NewReader(s)
			if mode&8 != 0 {
				r1 = io.MultiReader(r1, iotest.ErrReader(errors.New("connection reset")))
				r2 = io.MultiReader(r2, iotest.ErrReader(errors.New("connection reset")))
			}
			var want, got item
			werr := refDecode(r1, &want, opt)
			gerr := Decode(r2, &got, opt)
			compareOutcome(t, s, werr, gerr, &want, &got)
		}
	}
}
