package xmlshape

import (
	"reflect"
	"testing"
	"time"
)

func TestWriterMembers(t *testing.T) {
	ts := time.Date(2015, 1, 25, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   *everything
		want string
	}{
		{"empty", &everything{}, ""},
		{"scalars", &everything{
			Str: ptr("a<b&c>"), Num: ptr[int64](123), True: ptr(true), False: ptr(false), Float: ptr(1.5),
		}, "<Str>a&lt;b&amp;c&gt;</Str><FooNum>123</FooNum><True>true</True><False>false</False><Float>1.5</Float>"},
		{"empty string", &everything{Str: ptr("")}, "<Str></Str>"},
		{"timestamps", &everything{Time: &ts, TimeUnix: &ts, TimeRFC: &ts},
			"<Time>2015-01-25T08:00:00Z</Time><TimeUnix>1422172800</TimeUnix><TimeRFC>Sun, 25 Jan 2015 08:00:00 GMT</TimeRFC>"},
		{"millis", &everything{Time: ptr(ts.Add(123 * time.Millisecond))}, "<Time>2015-01-25T08:00:00.123Z</Time>"},
		{"blob", &everything{Blob: []byte("value")}, "<Blob>dmFsdWU=</Blob>"},
		{"lists", &everything{List: []string{"a", "b"}, Items: []string{"c"}, Flat: []string{"d", "e"}, FlatNamed: []string{"f"}},
			"<List><member>a</member><member>b</member></List><Items><item>c</item></Items><Flat>d</Flat><Flat>e</Flat><Named>f</Named>"},
		{"empty list", &everything{List: []string{}}, "<List></List>"},
		{"struct lists", &everything{Structs: []inner{{Foo: ptr("x")}}, FlatObjs: []inner{{Bar: ptr[int64](1)}, {Bar: ptr[int64](2)}}},
			"<StructList><member><Foo>x</Foo></member></StructList><Obj><Bar>1</Bar></Obj><Obj><Bar>2</Bar></Obj>"},
		{"maps", &everything{Map: map[string]string{"b": "2", "a": "1"}, FlatMap: map[string]*inner{"k": {Foo: ptr("v")}}},
			"<Map><entry><key>a</key><value>1</value></entry><entry><key>b</key><value>2</value></entry></Map><FlatMap><Name>k</Name><Value><Foo>v</Foo></Value></FlatMap>"},
		{"sub", &everything{Sub: &inner{}}, "<Sub></Sub>"},
		{"attribute namespace", &everything{Grants: []grant{{Grantee: &grantee{Type: ptr("CanonicalUser"), DisplayName: ptr("me")}, Permission: ptr("READ")}}},
			`<AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><DisplayName>me</DisplayName></Grantee><Permission>READ</Permission></Grant></AccessControlList>`},
		{"header skipped", &everything{Header: ptr("h")}, ""},
		{"nested lists", &everything{Nested: [][]string{{"a"}, {}}}, "<Nested><member><member>a</member></member><member></member></Nested>"},
		{"invalid chars", &everything{Str: ptr("a\x00b\r\n\"é")}, "<Str>a\uFFFDb&#xD;\n&quot;é</Str>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := NewWriter(nil)
			w.Members(reflect.ValueOf(tt.in))
			if got := string(w.Bytes()); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestWriterStruct(t *testing.T) {
	w := NewWriter(nil)
	w.Struct("Root", Namespace{URI: "https://ns/"}, reflect.ValueOf(&inner{Foo: ptr(`"q"`)}))
	w.Struct("Nil", Namespace{}, reflect.ValueOf((*inner)(nil)))
	w.Open("A", Namespace{URI: "u", Prefix: "p"}, Attr{"k", `v"<`})
	w.Close("A")
	want := `<Root xmlns="https://ns/"><Foo>&quot;q&quot;</Foo></Root><A xmlns:p="u" k="v&quot;&lt;"></A>`
	if got := string(w.Bytes()); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

type exception struct {
	_       struct{} `type:"structure"`
	Message *string  `type:"string" locationName:"message"`
	Code    *string  `type:"string"`
	Reason  *string  `type:"string"`
}

func TestErrorMembers(t *testing.T) {
	w := NewWriter(nil)
	w.ErrorMembers(&exception{Message: ptr("m"), Code: ptr("c"), Reason: ptr("r")})
	w.ErrorMembers(nil)
	if got, want := string(w.Bytes()), "<Reason>r</Reason>"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
