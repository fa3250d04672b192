package query

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDecode(t *testing.T) {
	ts := time.Date(2015, 1, 25, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		form string
		want *input
	}{
		{"none", "Action=Everything&Version=2011-06-15", &input{}},
		{"scalars", "Name=n&AliasName=a&count=3&Ratio=1.5&On=true", &input{Name: ptr("n"), Alias: ptr("a"), Count: ptr[int64](3), Ratio: ptr(1.5), On: ptr(true)}},
		{"false", "On=false", &input{On: ptr(false)}},
		{"empty string", "Name=", &input{Name: ptr("")}},
		{"repeated key keeps first", "Name=a&Name=b", &input{Name: ptr("a")}},
		{"timestamps", "When=2015-01-25T08%3A00%3A00Z&WhenUnix=1422172800", &input{When: &ts, WhenUnix: &ts}},
		{"blob", "Data=Zm9v", &input{Data: []byte("foo")}},
		{"list", "List.member.2=b&List.member.1=a&List.member.10=c", &input{List: []string{"a", "b", "c"}}},
		{"empty list", "List=", &input{List: []string{}}},
		{"list location name", "Items.item.1=a&Items.item.2=b", &input{Items: []string{"a", "b"}}},
		{"flattened", "Flat.1=a&Flat.2=b&Foo.1=c", &input{Flat: []string{"a", "b"}, FlatNamed: []string{"c"}}},
		{"list of structs", "Tags.member.1.Key=k&Tags.member.1.Value=v&Tags.member.2.Key=k2", &input{Tags: []tag{{Key: ptr("k"), Value: ptr("v")}, {Key: ptr("k2")}}}},
		{"map", "Attrs.entry.1.key=a&Attrs.entry.1.value=1&Attrs.entry.2.key=b&Attrs.entry.2.value=2", &input{Attrs: map[string]string{"a": "1", "b": "2"}}},
		{"named map", "Named.entry.1.TheKey=a&Named.entry.1.TheValue=1", &input{Named: map[string]string{"a": "1"}}},
		{"flattened map", "Attribute.1.Name=a&Attribute.1.Value=1&Attribute.2.Name=b", &input{FlatMap: map[string]string{"a": "1", "b": ""}}},
		{"map of structs", "StructMap.entry.1.key=x&StructMap.entry.1.value.Key=y", &input{StructMap: map[string]*tag{"x": {Key: ptr("y")}}}},
		{"map entry without key", "Attrs.entry.1.value=1", &input{Attrs: map[string]string{}}},
		{"nested struct", "Sub.Key=k", &input{Sub: &tag{Key: ptr("k")}}},
		{"nested list", "Nested.member.1.member.1=a&Nested.member.2.member.1=b", &input{Nested: [][]string{{"a"}, {"b"}}}},
		{"bad indexes ignored", "List.member.0=x&List.member.01=y&List.member.a=z&List.member.1=ok", &input{List: []string{"ok"}}},
		{"unknown ignored", "Bogus=1&Name.Extra=2", &input{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vals, err := url.ParseQuery(tt.form)
			if err != nil {
				t.Fatal(err)
			}
			got := &input{}
			if err := Decode(vals, got, QueryNaming); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestDecodeEC2Naming(t *testing.T) {
	vals, _ := url.ParseQuery("Name=n&QAlias=a&Count=3&List.1=x&Items.1=y&Tags.1.Key=k&Attrs.1.key=a&Attrs.1.value=b")
	got := &input{}
	if err := Decode(vals, got, EC2Naming); err != nil {
		t.Fatal(err)
	}
	want := &input{Name: ptr("n"), Alias: ptr("a"), Count: ptr[int64](3), List: []string{"x"}, Items: []string{"y"},
		Tags: []tag{{Key: ptr("k")}}, Attrs: map[string]string{"a": "b"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		form, param string
	}{
		{"count=abc", "count"},
		{"On=yes", "On"},
		{"Ratio=x", "Ratio"},
		{"When=yesterday", "When"},
		{"Data=!!", "Data"},
		{"Tags.member.3.Key=k&Sub.Key=k&Nested.member.1.member.1=a&List.member.1=a&count=1e3", "count"},
		{"StructMap.entry.1.key=x&StructMap.entry.1.value.Key=y&Attrs.entry.1.key=a&Nested.member.1.member.1=a", ""},
	}
	for _, tt := range tests {
		t.Run(tt.form, func(t *testing.T) {
			vals, _ := url.ParseQuery(tt.form)
			err := Decode(vals, &input{}, QueryNaming)
			if tt.param == "" {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				return
			}
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Param != tt.param {
				t.Fatalf("err = %v, want a ParamError for %s", err, tt.param)
			}
		})
	}
	if err := Decode(url.Values{}, input{}, QueryNaming); err == nil {
		t.Error("Decode into a non-pointer succeeded")
	}
}

func TestDecodeDeepKeyIgnored(t *testing.T) {
	key := strings.Repeat("Sub.", MaxKeySegments) + "Key"
	got := &input{}
	if err := Decode(url.Values{key: {"x"}, "Sub.Key": {"k"}}, got, QueryNaming); err != nil {
		t.Fatal(err)
	}
	if got.Sub == nil || *got.Sub.Key != "k" {
		t.Errorf("got %+v", got)
	}
}
