package jsonshape

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

func TestAppend(t *testing.T) {
	when := time.Date(2014, 4, 29, 18, 30, 38, 0, time.UTC)
	tests := []struct {
		name string
		v    any
		opt  EncodeOptions
		want string
	}{
		{"nil pointer", (*item)(nil), EncodeOptions{}, `{}`},
		{"empty", &item{}, EncodeOptions{}, `{}`},
		{"value not pointer", item{Name: ptr("x")}, EncodeOptions{}, `{"Name":"x"}`},
		{
			"scalars",
			&item{Name: ptr("n"), Count: ptr(int64(-3)), Ratio: ptr(1.5), On: ptr(false), Doc: ptr(`{"a":1}`), Renamed: ptr("r")},
			EncodeOptions{},
			`{"Name":"n","Count":-3,"Ratio":1.5,"On":false,"Doc":"{\"a\":1}","renamed_key":"r"}`,
		},
		{
			"timestamps",
			&item{When: &when, WhenISO: &when, WhenHTTP: &when},
			EncodeOptions{},
			`{"When":1398796238,"WhenISO":"2014-04-29T18:30:38Z","WhenHTTP":"Tue, 29 Apr 2014 18:30:38 GMT"}`,
		},
		{"fractional epoch", &item{When: ptr(when.Add(123 * time.Millisecond))}, EncodeOptions{}, `{"When":1398796238.123}`},
		{"blobs", &item{Data: []byte("hi!"), Blobs: [][]byte{[]byte("a"), nil}}, EncodeOptions{}, `{"Data":"aGkh","Blobs":["YQ==",""]}`},
		{"empty blob", &item{Data: []byte{}}, EncodeOptions{}, `{"Data":""}`},
		{"empty list and map", &item{Tags: []string{}, Attrs: map[string]string{}}, EncodeOptions{}, `{"Tags":[],"Attrs":{}}`},
		{
			"sorted map keys and nesting",
			&item{Attrs: map[string]string{"b": "2", "a": "1"}, Lists: map[string][]string{"x": {"1"}}, Matrix: [][]int64{{1, 2}, nil}},
			EncodeOptions{},
			`{"Matrix":[[1,2],[]],"Attrs":{"a":"1","b":"2"},"Lists":{"x":["1"]}}`,
		},
		{
			"recursion",
			&item{Child: &item{Name: ptr("c")}, Children: []item{{}, {Count: ptr(int64(1))}}, ByName: map[string]item{"k": {}}},
			EncodeOptions{},
			`{"Child":{"Name":"c"},"Children":[{},{"Count":1}],"ByName":{"k":{}}}`,
		},
		{"special floats", &item{Ratio: ptr(math.Inf(1))}, EncodeOptions{}, `{"Ratio":"Infinity"}`},
		{"large float", &item{Ratio: ptr(1e21)}, EncodeOptions{}, `{"Ratio":1e+21}`},
		{"small float", &item{Ratio: ptr(1e-7)}, EncodeOptions{}, `{"Ratio":1e-07}`},
		{"located skipped", &item{Header: ptr("h"), Name: ptr("n")}, EncodeOptions{BodyOnly: true}, `{"Name":"n"}`},
		{"located kept", &item{Header: ptr("h")}, EncodeOptions{}, `{"X-H":"h"}`},
		{"skip func", &item{Name: ptr("n"), Count: ptr(int64(1))}, EncodeOptions{Skip: func(m *protocol.Member) bool { return m.Name == "Name" }}, `{"Count":1}`},
		{"stream left out", &item{Stream: strings.NewReader("x")}, EncodeOptions{}, `{}`},
		{
			"escapes",
			&item{Name: ptr("q\"b\\n\n\r\t\x01<>&\u2028\xff")},
			EncodeOptions{},
			`{"Name":"q\"b\\n\n\r\t\u0001<>&\u2028\ufffd"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Append(nil, tt.v, tt.opt)
			if err != nil {
				t.Fatalf("Append: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	if _, err := Append(nil, 3, EncodeOptions{}); err == nil {
		t.Error("Append of a non-struct: want an error")
	}
}

func TestRoundTrip(t *testing.T) {
	when := time.Date(2014, 4, 29, 18, 30, 38, 5e8, time.UTC)
	in := &item{Name: ptr("n"), Count: ptr(int64(7)), Big: ptr(int64(math.MaxInt64)), Ratio: ptr(-0.25), On: ptr(true),
		When: &when, WhenISO: &when, WhenHTTP: ptr(when.Truncate(time.Second)), Data: []byte{0, 1, 2},
		Tags: []string{"a"}, Attrs: map[string]string{"k": "v"}, Child: &item{Children: []item{{Name: ptr("x")}}}}
	b, err := Append(nil, in, EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out item
	if err := Decode(strings.NewReader(string(b)), &out, DecodeOptions{}); err != nil {
		t.Fatal(err)
	}
	b2, _ := Append(nil, &out, EncodeOptions{})
	if string(b) != string(b2) {
		t.Errorf("round trip changed the body:\n%s\n%s", b, b2)
	}
}

type exception struct {
	_       struct{} `type:"structure"`
	Message *string  `locationName:"Message" type:"string"`
	Code    *string  `type:"string"`
	Reasons []string `type:"list"`
	After   *string  `location:"header" locationName:"Retry-After" type:"string"`
}

type plainException struct {
	_ struct{} `type:"structure"`
	N *int64   `type:"integer"`
}

func TestErrorFields(t *testing.T) {
	svc := &protocol.Service{Errors: map[string]protocol.ErrorShape{
		"Modeled": {Code: "Modeled", New: func() any { return &exception{} }},
	}}
	keys := []struct {
		fields any
		code   string
		want   string
	}{
		{&exception{}, "", "Message"},
		{nil, "Modeled", "Message"},
		{nil, "Other", ""},
		{&plainException{}, "", ""},
		{3, "", ""},
	}
	for _, k := range keys {
		if got := MessageKey(k.fields, svc, k.code); got != k.want {
			t.Errorf("MessageKey(%T, %q) = %q, want %q", k.fields, k.code, got, k.want)
		}
	}
	fields := []struct {
		fields any
		want   string
	}{
		{nil, ""},
		{&exception{Message: ptr("m"), Code: ptr("c"), After: ptr("1")}, ""},
		{&exception{Reasons: []string{"a"}}, `,"Reasons":["a"]`},
		{&plainException{N: ptr(int64(2))}, `,"N":2`},
		{"not a struct", ""},
	}
	for _, f := range fields {
		if got := string(AppendFields(nil, f.fields)); got != f.want {
			t.Errorf("AppendFields(%T) = %q, want %q", f.fields, got, f.want)
		}
	}
}
