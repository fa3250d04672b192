package xmlshape

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDecode(t *testing.T) {
	ts := time.Date(2015, 1, 25, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		doc  string
		want *everything
	}{
		{"empty root", `<R/>`, &everything{}},
		{"scalars", `<?xml version="1.0"?><R xmlns="https://foo/"><Str>a&amp;b</Str><FooNum> 123 </FooNum><True>true</True><False>false</False><Float>1.5</Float></R>`,
			&everything{Str: ptr("a&b"), Num: ptr[int64](123), True: ptr(true), False: ptr(false), Float: ptr(1.5)}},
		{"empty string", `<R><Str/></R>`, &everything{Str: ptr("")}},
		{"timestamps", `<R><Time>2015-01-25T08:00:00Z</Time><TimeUnix>1422172800</TimeUnix><TimeRFC>Sun, 25 Jan 2015 08:00:00 GMT</TimeRFC></R>`,
			&everything{Time: &ts, TimeUnix: &ts, TimeRFC: &ts}},
		{"blob", `<R><Blob>dmFsdWU=</Blob></R>`, &everything{Blob: []byte("value")}},
		{"lists", `<R><List><member>a</member><member>b</member></List><Items><item>c</item></Items><Flat>d</Flat><Flat>e</Flat><Named>f</Named></R>`,
			&everything{List: []string{"a", "b"}, Items: []string{"c"}, Flat: []string{"d", "e"}, FlatNamed: []string{"f"}}},
		{"empty list", `<R><List></List></R>`, &everything{List: []string{}}},
		{"struct lists", `<R><StructList><member><Foo>x</Foo></member></StructList><Obj><Bar>1</Bar></Obj><Obj><Bar>2</Bar></Obj></R>`,
			&everything{Structs: []inner{{Foo: ptr("x")}}, FlatObjs: []inner{{Bar: ptr[int64](1)}, {Bar: ptr[int64](2)}}}},
		{"maps", `<R><Map><entry><key>a</key><value>1</value></entry><entry><key>b</key><value>2</value></entry></Map><FlatMap><Name>k</Name><Value><Foo>v</Foo></Value></FlatMap></R>`,
			&everything{Map: map[string]string{"a": "1", "b": "2"}, FlatMap: map[string]*inner{"k": {Foo: ptr("v")}}}},
		{"sub and unknown", `<R><Sub><Zap><Zip/></Zap></Sub><Unknown>1</Unknown><!-- c --></R>`, &everything{Sub: &inner{}}},
		{"attribute", `<R><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><DisplayName>me</DisplayName></Grantee></Grant></AccessControlList></R>`,
			&everything{Grants: []grant{{Grantee: &grantee{Type: ptr("Group"), DisplayName: ptr("me")}}}}},
		{"bound member ignored", `<R><Header>h</Header><x-amz-foo>h</x-amz-foo></R>`, &everything{}},
		{"nested lists", `<R><Nested><member><member>a</member></member><member/></Nested></R>`, &everything{Nested: [][]string{{"a"}, {}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := &everything{}
			if err := Decode(strings.NewReader(tt.doc), got); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	deep := strings.Repeat("<Sub>", MaxDepth+5) + strings.Repeat("</Sub>", MaxDepth+5)
	tests := []struct {
		name string
		doc  string
		is   error
	}{
		{"empty", "", ErrNoRoot},
		{"whitespace", " \n", ErrNoRoot},
		{"not xml", "{}", nil},
		{"unclosed", "<R><Str>a</R>", nil},
		{"dtd", `<!DOCTYPE R [<!ENTITY x "y">]><R>&x;</R>`, nil},
		{"unknown entity", `<R><Str>&x;</Str></R>`, nil},
		{"bad int", `<R><FooNum>abc</FooNum></R>`, nil},
		{"bad bool", `<R><True>yes</True></R>`, nil},
		{"bad blob", `<R><Blob>!!</Blob></R>`, nil},
		{"bad time", `<R><Time>yesterday</Time></R>`, nil},
		{"element in scalar", `<R><Str><b/></Str></R>`, nil},
		{"trailing", `<R/><R/>`, nil},
		{"trailing text", `<R/>x`, nil},
		{"map without key", `<R><Map><entry><value>1</value></entry></Map></R>`, nil},
		{"too deep", "<R>" + strings.Repeat("<Sub>", 3) + deep, nil},
		{"deep lists", "<R><Nested>" + strings.Repeat("<member>", MaxDepth+2) + strings.Repeat("</member>", MaxDepth+2) + "</Nested></R>", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Decode(strings.NewReader(tt.doc), &everything{})
			if err == nil {
				t.Fatal("Decode succeeded, want an error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want %v", err, tt.is)
			}
		})
	}
	if err := Decode(strings.NewReader("<R/>"), everything{}); err == nil {
		t.Error("Decode into a non-pointer succeeded")
	}
}

func TestRoundTrip(t *testing.T) {
	ts := time.Date(2015, 1, 25, 8, 0, 0, 0, time.UTC)
	in := &everything{
		Str: ptr("x < y"), Num: ptr[int64](-4), Float: ptr(2.25), Time: &ts, Blob: []byte{0, 1, 2},
		List: []string{"a"}, Flat: []string{"b", "c"}, FlatNamed: []string{"n"},
		Structs: []inner{{Foo: ptr("f")}}, FlatObjs: []inner{{Bar: ptr[int64](9)}},
		Map: map[string]string{"k": "v"}, FlatMap: map[string]*inner{"q": {Bar: ptr[int64](1)}},
		Sub: &inner{Foo: ptr("s")}, Nested: [][]string{{"z"}},
		Grants: []grant{{Grantee: &grantee{Type: ptr("CanonicalUser"), EmailAddress: ptr("a@b")}, Permission: ptr("READ")}},
	}
	w := NewWriter(nil)
	w.Struct("Root", Namespace{URI: "https://ns/"}, reflect.ValueOf(in))
	out := &everything{}
	if err := Decode(strings.NewReader(string(w.Bytes())), out); err != nil {
		t.Fatalf("Decode: %v\n%s", err, w.Bytes())
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip differs:\n in %+v\nout %+v", in, out)
	}
}

func TestScalars(t *testing.T) {
	for _, s := range []string{"NaN", "Infinity", "-Infinity", "1e300", "0.000001"} {
		f, err := ParseFloat(s)
		if err != nil {
			t.Fatalf("ParseFloat(%q): %v", s, err)
		}
		if got, _ := ParseFloat(string(AppendFloat(nil, f))); got != f && s != "NaN" {
			t.Errorf("float %s does not round trip: %v", s, got)
		}
	}
	for _, s := range []string{"2015-01-25T08:00:00Z", "2015-01-25T08:00:00.000Z", "2015-01-25T08:00:00", "1422172800", "1422172800.000", "Sun, 25 Jan 2015 08:00:00 GMT"} {
		got, err := ParseTimestamp(s, "")
		if err != nil || got.Unix() != 1422172800 {
			t.Errorf("ParseTimestamp(%q) = %v, %v", s, got, err)
		}
	}
	if got := string(AppendTimestamp(nil, time.Unix(1422172800, 500e6), "unixTimestamp")); got != "1422172800.5" {
		t.Errorf("unix with fraction = %s", got)
	}
}
