package jsonshape

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDecode(t *testing.T) {
	when := time.Date(2015, 1, 25, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		body string
		opt  DecodeOptions
		want item
	}{
		{name: "empty body", body: "", want: item{}},
		{name: "whitespace", body: " \n", want: item{}},
		{name: "null", body: "null", want: item{}},
		{name: "empty object", body: "{}", want: item{}},
		{
			name: "scalars",
			body: `{"Name":"n","Count":3,"Big":9007199254740993,"Ratio":1.25,"On":true,"Doc":"{\"a\":1}","renamed_key":"r"}`,
			want: item{Name: ptr("n"), Count: ptr(int64(3)), Big: ptr(int64(9007199254740993)), Ratio: ptr(1.25),
				On: ptr(true), Doc: ptr(`{"a":1}`), Renamed: ptr("r")},
		},
		{name: "integral float into int", body: `{"Count":1e3,"Big":2.0}`, want: item{Count: ptr(int64(1000)), Big: ptr(int64(2))}},
		{
			name: "timestamps",
			body: `{"When":1422172800,"WhenISO":"2015-01-25T08:00:00Z","WhenHTTP":"Sun, 25 Jan 2015 08:00:00 GMT"}`,
			want: item{When: &when, WhenISO: &when, WhenHTTP: &when},
		},
		{name: "fractional epoch", body: `{"When":1422172800.5}`, want: item{When: ptr(when.Add(500 * time.Millisecond))}},
		{name: "epoch as string", body: `{"When":"1422172800"}`, want: item{When: &when}},
		{name: "blobs", body: `{"Data":"Zm9v","Blobs":["Zm9v","YmFy"]}`, want: item{Data: []byte("foo"), Blobs: [][]byte{[]byte("foo"), []byte("bar")}}},
		{name: "unpadded blob", body: `{"Data":"Zm8"}`, want: item{Data: []byte("fo")}},
		{
			name: "lists and maps",
			body: `{"Tags":["a",null,"b"],"Matrix":[[1,2],[]],"Attrs":{"k":"v"},"Lists":{"x":["1"]}}`,
			want: item{Tags: []string{"a", "", "b"}, Matrix: [][]int64{{1, 2}, {}}, Attrs: map[string]string{"k": "v"},
				Lists: map[string][]string{"x": {"1"}}},
		},
		{name: "empty list and map", body: `{"Tags":[],"Attrs":{}}`, want: item{Tags: []string{}, Attrs: map[string]string{}}},
		{
			name: "recursion",
			body: `{"Child":{"Name":"c","Child":{"Name":"gc"}},"Children":[{"Name":"a"},{}],"ByName":{"x":{"Count":1}}}`,
			want: item{Child: &item{Name: ptr("c"), Child: &item{Name: ptr("gc")}}, Children: []item{{Name: ptr("a")}, {}},
				ByName: map[string]item{"x": {Count: ptr(int64(1))}}},
		},
		{name: "nulls", body: `{"Name":null,"Child":null,"Tags":null}`, want: item{}},
		{name: "unknown keys skipped", body: `{"Zzz":{"a":[1,{"b":[]}]},"name":"case matters","Name":"x"}`, want: item{Name: ptr("x")}},
		{name: "last duplicate wins", body: `{"Name":"a","Name":"b"}`, want: item{Name: ptr("b")}},
		{name: "special floats", body: `{"Ratio":"-Infinity"}`, want: item{Ratio: ptr(math.Inf(-1))}},
		{name: "located member read without BodyOnly", body: `{"X-H":"h"}`, want: item{Header: ptr("h")}},
		{name: "located member skipped with BodyOnly", body: `{"X-H":"h","Name":"n"}`, opt: DecodeOptions{BodyOnly: true}, want: item{Name: ptr("n")}},
		{name: "stream ignored", body: `{"Stream":{"a":1}}`, want: item{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got item
			if err := Decode(strings.NewReader(tt.body), &got, tt.opt); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestDecodeNaN(t *testing.T) {
	var got item
	if err := Decode(strings.NewReader(`{"Ratio":"NaN"}`), &got, DecodeOptions{}); err != nil || got.Ratio == nil || !math.IsNaN(*got.Ratio) {
		t.Fatalf("got %v, %v", got.Ratio, err)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, body string
		opt        DecodeOptions
		msg        string // Error.Message prefix; "" means ErrTooLarge
	}{
		{"number for string", `{"Name":1}`, DecodeOptions{}, "NUMBER_VALUE cannot be converted to String"},
		{"string for integer", `{"Count":"1"}`, DecodeOptions{}, "STRING_VALUE cannot be converted to Integer"},
		{"bool for long", `{"Big":true}`, DecodeOptions{}, "TRUE_VALUE cannot be converted to Long"},
		{"false for string", `{"Name":false}`, DecodeOptions{}, "FALSE_VALUE cannot be converted to String"},
		{"string for bool", `{"On":"true"}`, DecodeOptions{}, "STRING_VALUE cannot be converted to Boolean"},
		{"object for string", `{"Name":{}}`, DecodeOptions{}, msgUnexpectedObject},
		{"array for struct", `{"Child":[]}`, DecodeOptions{}, msgUnexpectedArray},
		{"object for list", `{"Tags":{}}`, DecodeOptions{}, msgUnexpectedObject},
		{"string for map", `{"Attrs":"x"}`, DecodeOptions{}, "STRING_VALUE cannot be converted to Map"},
		{"fraction for integer", `{"Count":1.5}`, DecodeOptions{}, "Numeric value (1.5) out of range of Integer"},
		{"int32 overflow", `{"Count":2147483648}`, DecodeOptions{}, "Numeric value (2147483648) out of range"},
		{"int64 overflow", `{"Big":9223372036854775808}`, DecodeOptions{}, "Numeric value"},
		{"float overflow", `{"Ratio":1e400}`, DecodeOptions{}, "Numeric value"},
		{"bad base64", `{"Data":"***"}`, DecodeOptions{}, "Base64 encoded value is not valid"},
		{"bad date", `{"When":"soon"}`, DecodeOptions{}, "Unable to parse date value"},
		{"bad epoch", `{"When":1e300}`, DecodeOptions{}, "Unable to parse date value"},
		{"not an object", `[1]`, DecodeOptions{}, msgUnexpectedArray},
		{"scalar top level", `"x"`, DecodeOptions{}, "STRING_VALUE cannot be converted to Structure"},
		{"malformed", `{"Name":}`, DecodeOptions{}, "Malformed JSON"},
		{"truncated", `{"Name":"x"`, DecodeOptions{}, "Malformed JSON"},
		{"trailing", `{} {}`, DecodeOptions{}, msgTrailing},
		{"trailing garbage", `{} x`, DecodeOptions{}, msgTrailing},
		{"too deep", strings.Repeat(`{"Child":`, 10) + "{}" + strings.Repeat("}", 10), DecodeOptions{MaxDepth: 5}, msgTooDeep},
		{"too deep unknown", `{"Zzz":` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `}`, DecodeOptions{}, ""},
		{"too large", `{"Name":"` + strings.Repeat("x", 100) + `"}`, DecodeOptions{MaxBytes: 50}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got item
			err := Decode(strings.NewReader(tt.body), &got, tt.opt)
			if tt.name == "too deep unknown" {
				// Skipped values are walked iteratively; any depth is fine.
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				return
			}
			if tt.msg == "" {
				if !errors.Is(err, ErrTooLarge) {
					t.Fatalf("err = %v, want ErrTooLarge", err)
				}
				return
			}
			var je *Error
			if !errors.As(err, &je) || !strings.HasPrefix(je.Message, tt.msg) {
				t.Fatalf("err = %v, want message %q", err, tt.msg)
			}
		})
	}
}

func TestDecodeRejectsNonStruct(t *testing.T) {
	var s string
	if err := Decode(strings.NewReader("{}"), &s, DecodeOptions{}); err == nil {
		t.Fatal("want an error")
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestDecodeReadError(t *testing.T) {
	var got item
	err := Decode(failingReader{}, &got, DecodeOptions{})
	var je *Error
	if err == nil || errors.As(err, &je) {
		t.Fatalf("err = %v, want the reader's error", err)
	}
}
