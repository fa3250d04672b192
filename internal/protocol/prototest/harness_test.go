package prototest

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

func findCase(t *testing.T, direction, proto, id string) *Case {
	t.Helper()
	suites, err := Load(direction, proto)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases(suites) {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no %s %s case %q", direction, proto, id)
	return nil
}

func TestCheckInputReportsRegressions(t *testing.T) {
	c := findCase(t, "input", "json", "Scalar members#1")
	if err := CheckInput(c, func(s *protocol.Service) protocol.Codec { return newFakeJSON(s) }); err != nil {
		t.Fatalf("good codec: %v", err)
	}
	err := CheckInput(c, func(s *protocol.Service) protocol.Codec { return &fakeJSON{svc: s, drop: "Name"} })
	if err == nil || errors.Is(err, ErrSkip) || !strings.Contains(err.Error(), "decoded input differs") {
		t.Fatalf("codec dropping a member: err = %v", err)
	}
}

func TestCheckOutputReportsRegressions(t *testing.T) {
	c := findCase(t, "output", "json", "Scalar members#1")
	c.Result.(map[string]any)["Str"] = "other"
	err := CheckOutput(c, func(s *protocol.Service) protocol.Codec { return newFakeJSON(s) })
	if err == nil || !strings.Contains(err.Error(), "JSON body differs") {
		t.Fatalf("err = %v", err)
	}
}

func TestBuildAllCases(t *testing.T) {
	for _, direction := range []string{"input", "output"} {
		for _, proto := range []string{"json", "rest-json", "rest-xml", "query", "ec2"} {
			suites, err := Load(direction, proto)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cases(suites) {
				b, err := Build(c)
				if err != nil {
					t.Errorf("%s %s %s: %v", direction, proto, c.ID, err)
					continue
				}
				if b.Service.Operation(c.Given.Name) != b.Operation {
					t.Errorf("%s: operation not found in its service", c.ID)
				}
				protocol.StructOf(reflect.TypeOf(b.Operation.NewInput()))
				protocol.StructOf(reflect.TypeOf(b.Operation.NewOutput()))
			}
		}
	}
}

const tagSuite = `[{
  "description": "tags",
  "metadata": {"protocol": "rest-xml", "apiVersion": "2014-01-01"},
  "shapes": {
    "InputShape": {"type": "structure", "required": ["name"], "payload": "Body",
      "members": {
        "name": {"shape": "NameType", "location": "uri", "locationName": "Name"},
        "Items": {"shape": "ListType", "flattened": true},
        "Tags": {"shape": "MapType", "location": "headers", "locationName": "x-tag-"},
        "When": {"shape": "TimeType"},
        "Body": {"shape": "Grantee"},
        "Doc": {"shape": "StringType", "jsonvalue": true},
        "Kind": {"shape": "KindType"},
        "Count": {"shape": "ShortType"}
      }},
    "NameType": {"type": "string", "min": 3, "max": 255, "pattern": "[a-z\\-]+"},
    "StringType": {"type": "string"},
    "KindType": {"type": "string", "enum": ["A", "B"]},
    "ShortType": {"type": "short"},
    "TimeType": {"type": "timestamp", "timestampFormat": "rfc822"},
    "ListType": {"type": "list", "member": {"shape": "Grantee", "locationName": "item"}},
    "MapType": {"type": "map", "key": {"shape": "StringType", "locationName": "k"}, "value": {"shape": "StringType"}},
    "Grantee": {"type": "structure", "locationName": "Grantee",
      "xmlNamespace": {"prefix": "xsi", "uri": "http://www.w3.org/2001/XMLSchema-instance"},
      "members": {"Type": {"shape": "StringType", "xmlAttribute": true, "locationName": "xsi:type"}}}
  },
  "cases": [{"given": {"name": "Op", "input": {"shape": "InputShape"}, "http": {"method": "PUT", "requestUri": "/{Name}"}},
             "params": {}, "serialized": {"uri": "/abc"}}]
}]`

func TestBuildTags(t *testing.T) {
	suites, err := Parse([]byte(tagSuite))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(&suites[0].Cases[0])
	if err != nil {
		t.Fatal(err)
	}
	in := reflect.TypeOf(b.Operation.NewInput()).Elem()
	grantee := `type:"structure" xmlNamespace:"http://www.w3.org/2001/XMLSchema-instance" xmlPrefix:"xsi" locationName:"Grantee"`
	want := []struct{ name, typ, tag string }{
		{"_", "struct {}", `type:"structure" payload:"Body"`},
		{"Name", "*string", `type:"string" name:"name" location:"uri" locationName:"Name" required:"true" min:"3" max:"255" pattern:"[a-z\\-]+"`},
		{"Items", "[]struct { _ struct {} \"" + strings.ReplaceAll(grantee, `"`, `\"`) + "\"; Type *string \"type:\\\"string\\\" locationName:\\\"xsi:type\\\" xmlAttribute:\\\"true\\\"\" }",
			`type:"list" flattened:"true" locationNameList:"item"`},
		{"Tags", "map[string]string", `type:"map" location:"headers" locationName:"x-tag-" locationNameKey:"k"`},
		{"When", "*time.Time", `type:"timestamp" timestampFormat:"rfc822"`},
		{"Body", "*struct { _ struct {} \"" + strings.ReplaceAll(grantee, `"`, `\"`) + "\"; Type *string \"type:\\\"string\\\" locationName:\\\"xsi:type\\\" xmlAttribute:\\\"true\\\"\" }",
			`type:"structure" locationName:"Grantee" xmlNamespace:"http://www.w3.org/2001/XMLSchema-instance" xmlPrefix:"xsi"`},
		{"Doc", "*string", `type:"string" jsonvalue:"true"`},
		{"Kind", "*string", `type:"string" enum:"KindType"`},
		{"Count", "*int64", `type:"integer"`},
	}
	if in.NumField() != len(want) {
		t.Fatalf("%d fields, want %d: %v", in.NumField(), len(want), in)
	}
	for i, w := range want {
		f := in.Field(i)
		if f.Name != w.name || f.Type.String() != w.typ || string(f.Tag) != w.tag {
			t.Errorf("field %d:\n got %s %s `%s`\nwant %s %s `%s`", i, f.Name, f.Type, f.Tag, w.name, w.typ, w.tag)
		}
	}
	if got := b.Service.Enums["KindType"]; !reflect.DeepEqual(got, []string{"A", "B"}) {
		t.Errorf("enums = %v", b.Service.Enums)
	}
	op := b.Operation
	if op.HTTPMethod != "PUT" || op.RequestURI != "/{Name}" || op.ResponseCode != 200 {
		t.Errorf("operation = %+v", op)
	}
	s := protocol.StructOf(in)
	if s.Payload != "Body" || !s.Member("name").Required || s.Member("name").Min != 3 {
		t.Errorf("parsed struct = %+v", s)
	}
}

func TestRequest(t *testing.T) {
	tests := []struct {
		proto, id                   string
		method, path, rawPath, host string
		header, headerValue         string
	}{
		{"rest-xml", "Greedy keys#1", "GET", "/my/bucket/testing /123", "/my%2Fbucket/testing%20/123", defaultHost, "", ""},
		{"query", "Scalar members#1", "POST", "/", "", defaultHost, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
		{"json", "Enum#1", "POST", "/", "", defaultHost, "X-Amz-Target", "ProtoTest.OperationName"},
		{"json", "Endpoint host trait static prefix#1", "POST", "/", "", "data-service.region.amazonaws.com", "X-Amz-Target", "com.amazonaws.foo.StaticOp"},
		{"rest-json", "rest-json Content-Type and body#1", "POST", "/body", "", "rest-test.amazonaws.com", "x-amz-test-id", "t-12345"},
	}
	for _, tt := range tests {
		t.Run(tt.proto+"/"+tt.id, func(t *testing.T) {
			r, err := Request(findCase(t, "input", tt.proto, tt.id))
			if err != nil {
				t.Fatal(err)
			}
			if r.Method != tt.method || r.URL.Path != tt.path || r.URL.RawPath != tt.rawPath || r.Host != tt.host {
				t.Errorf("request %s %q raw %q host %q", r.Method, r.URL.Path, r.URL.RawPath, r.Host)
			}
			if tt.header != "" && r.Header.Get(tt.header) != tt.headerValue {
				t.Errorf("%s = %q, want %q", tt.header, r.Header.Get(tt.header), tt.headerValue)
			}
		})
	}
}

func TestCompareXML(t *testing.T) {
	tests := []struct {
		name, want, got string
		ignoreRoot, ok  bool
	}{
		{"equal", `<R><a>1</a></R>`, `<R><a>1</a></R>`, false, true},
		{"whitespace and self-closing", `<R><a/><b>x</b></R>`, "<R>\n  <b>x</b>\n  <a></a>\n</R>", false, true},
		{"attribute order and namespaces", `<R xmlns="https://a/"><g xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="T" id="1"/></R>`,
			`<R><g id="1" xmlns:x="http://www.w3.org/2001/XMLSchema-instance" x:type="T"></g></R>`, false, true},
		{"attribute namespace matters", `<R><g xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="T"/></R>`, `<R><g type="T"/></R>`, false, false},
		{"metadata dropped", `<OpResponse><OpResult><a>1</a></OpResult></OpResponse>`,
			`<OpResponse><OpResult><a>1</a></OpResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></OpResponse>`, false, true},
		{"root name compared", `<A><a>1</a></A>`, `<B><a>1</a></B>`, false, false},
		{"root name ignored", `<A><a>1</a></A>`, `<B><a>1</a></B>`, true, true},
		{"leaf text exact", `<R><a>x</a></R>`, `<R><a> x</a></R>`, false, false},
		{"missing element", `<R><a>1</a><b>2</b></R>`, `<R><a>1</a></R>`, false, false},
		{"empty want, empty got", ``, ``, true, true},
		{"empty want, bare root", ``, `<R><RequestId>1</RequestId></R>`, true, true},
		{"empty want, content", ``, `<R><a>1</a></R>`, true, false},
		{"garbage", `<R/>`, `<R>`, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := compareXML(tt.want, tt.got, tt.ignoreRoot)
			if (err == nil) != tt.ok {
				t.Errorf("compareXML = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

type jsonBody struct {
	_      struct{}          `type:"structure"`
	A      *string           `type:"string"`
	Doc    *string           `type:"string" jsonvalue:"true"`
	Header *string           `type:"string" location:"header" locationName:"X-H"`
	M      map[string]string `type:"map" locationName:"mm"`
}

func TestCompareJSON(t *testing.T) {
	bt := reflect.TypeFor[jsonBody]()
	tests := []struct {
		name, want, got string
		ok              bool
	}{
		{"equal reordered", `{"A": "x", "mm": {"k": "v"}}`, `{"mm":{"k":"v"},"A":"x"}`, true},
		{"numbers", `{"A": "x", "mm": {}}`, `{"A":"x","mm":{}}`, true},
		{"extra data in want ignored", `{"A": "x", "foo": "bar"}`, `{"A":"x"}`, true},
		{"extra data in got fails", `{"A": "x"}`, `{"A":"x","foo":"bar"}`, false},
		{"header member not in body", `{"A": "x", "X-H": "h"}`, `{"A":"x"}`, true},
		{"nulls absent", `{"A": "x", "Doc": null}`, `{"A":"x"}`, true},
		{"jsonvalue semantic", `{"Doc": "{\"a\": 1}"}`, `{"Doc":"{\"a\":1}"}`, true},
		{"jsonvalue differs", `{"Doc": "{\"a\": 1}"}`, `{"Doc":"{\"a\":2}"}`, false},
		{"value differs", `{"A": "x"}`, `{"A":"y"}`, false},
		{"empty want", ``, `{}`, true},
		{"empty want, content", ``, `{"A":"x"}`, false},
		{"not JSON", `{"A": "x"}`, `<A/>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := compareJSON(tt.want, tt.got, bt)
			if (err == nil) != tt.ok {
				t.Errorf("compareJSON = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestBodies(t *testing.T) {
	for _, proto := range []string{"json", "rest-json", "rest-xml", "query", "ec2"} {
		in, out := Bodies(t, proto), ResponseBodies(t, proto)
		if len(in) == 0 || len(out) == 0 {
			t.Errorf("%s: %d request bodies, %d response bodies", proto, len(in), len(out))
		}
	}
}

func TestParseNamesCases(t *testing.T) {
	suites, err := Load("input", "rest-xml")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, c := range cases(suites) {
		if ids[c.ID] {
			t.Errorf("duplicate case id %q", c.ID)
		}
		ids[c.ID] = true
	}
	if !ids["Nested structures#3"] {
		t.Errorf("ids of repeated descriptions are not numbered on: %v", ids)
	}
}
