package prototest

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// Every "Recursive shapes" case builds, and its recursive member has the
// declared, genuinely recursive type.
func TestBuildRecursiveShapes(t *testing.T) {
	want := reflect.TypeFor[*recursiveStruct]()
	for _, proto := range []string{"json", "query", "rest-json", "rest-xml"} {
		suites, err := Load("input", proto)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, c := range cases(suites) {
			if !strings.HasPrefix(c.ID, "Recursive shapes#") {
				continue
			}
			n++
			b, err := Build(c)
			if err != nil {
				t.Fatalf("%s %s: %v", proto, c.ID, err)
			}
			in := reflect.TypeOf(b.Operation.NewInput()).Elem()
			f, ok := in.FieldByName("RecursiveStruct")
			if !ok || f.Type != want {
				t.Errorf("%s %s: RecursiveStruct is %v, want %v", proto, c.ID, f.Type, want)
			}
		}
		if n != 6 {
			t.Errorf("%s: %d recursive cases, want 6", proto, n)
		}
	}
}

// recursiveSuite is a suite whose input's member Root has shape root, with
// the recursive family under other shape names (node's members given by
// nodeMembers), a list of itself (Loop) and two mutually recursive
// structures (A, B).
func recursiveSuite(root, nodeMembers string) string {
	return `[{"description": "rec", "metadata": {"protocol": "json"},
  "shapes": {
    "In": {"type": "structure", "members": {"Root": {"shape": "` + root + `"}}},
    "Node": {"type": "structure", "members": {` + nodeMembers + `}},
    "Nodes": {"type": "list", "member": {"shape": "Node"}},
    "NodeMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Node"}},
    "Str": {"type": "string"},
    "Num": {"type": "integer"},
    "Loop": {"type": "list", "member": {"shape": "Loop"}},
    "A": {"type": "structure", "members": {"B": {"shape": "B"}}},
    "B": {"type": "structure", "members": {"A": {"shape": "A"}}}
  },
  "cases": [{"given": {"name": "Op", "input": {"shape": "In"}}, "params": {}}]}]`
}

func TestBuildRecursiveMatching(t *testing.T) {
	const family = `"NoRecurse": {"shape": "Str"}, "RecursiveStruct": {"shape": "Node"},
		"RecursiveList": {"shape": "Nodes"}, "RecursiveMap": {"shape": "NodeMap"}`
	tests := []struct {
		name, root, members string
		ok                  bool
	}{
		{"same family under other shape names", "Node", family, true},
		{"member renamed", "Node", strings.Replace(family, `"NoRecurse"`, `"Leaf"`, 1), false},
		{"member reordered", "Node", `"RecursiveStruct": {"shape": "Node"}, "NoRecurse": {"shape": "Str"},
			"RecursiveList": {"shape": "Nodes"}, "RecursiveMap": {"shape": "NodeMap"}`, false},
		{"member of another type", "Node", strings.Replace(family, `"NoRecurse": {"shape": "Str"}`, `"NoRecurse": {"shape": "Num"}`, 1), false},
		{"extra trait", "Node", strings.Replace(family, `"NoRecurse": {"shape": "Str"}`, `"NoRecurse": {"shape": "Str", "locationName": "nr"}`, 1), false},
		{"member missing", "Node", `"NoRecurse": {"shape": "Str"}, "RecursiveStruct": {"shape": "Node"}`, false},
		{"recursion through a list alone", "Loop", family, false},
		{"mutual recursion, not declared", "A", family, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			suites, err := Parse([]byte(recursiveSuite(tt.root, tt.members)))
			if err != nil {
				t.Fatal(err)
			}
			b, err := Build(&suites[0].Cases[0])
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				f, _ := reflect.TypeOf(b.Operation.NewInput()).Elem().FieldByName("Root")
				if f.Type != reflect.TypeFor[*recursiveStruct]() {
					t.Errorf("Root is %v", f.Type)
				}
				return
			}
			if !errors.Is(err, ErrRecursive) {
				t.Fatalf("err = %v, want ErrRecursive", err)
			}
			t.Log(err)
		})
	}
}

// A codec that loses a member deep inside a recursive value is caught.
func TestCheckInputRecursive(t *testing.T) {
	c := findCase(t, "input", "json", "Recursive shapes#5")
	if err := CheckInput(c, func(s *protocol.Service) protocol.Codec { return newFakeJSON(s) }); err != nil {
		t.Fatalf("good codec: %v", err)
	}
	err := CheckInput(c, func(s *protocol.Service) protocol.Codec { return &fakeJSON{svc: s, drop: "NoRecurse"} })
	if err == nil || !strings.Contains(err.Error(), "decoded input differs") {
		t.Fatalf("codec dropping nested members: err = %v", err)
	}
}

func TestParseTag(t *testing.T) {
	tests := []struct {
		tag  reflect.StructTag
		want map[string]string
		ok   bool
	}{
		{``, map[string]string{}, true},
		{`type:"string"`, map[string]string{"type": "string"}, true},
		{`type:"string"  pattern:"[a-z\"]+" min:"3"`, map[string]string{"type": "string", "pattern": `[a-z"]+`, "min": "3"}, true},
		{`type:"a" type:"b"`, nil, false},
		{`type:string`, nil, false},
		{`type:"unterminated`, nil, false},
		{`:"x"`, nil, false},
	}
	for _, tt := range tests {
		got, err := parseTag(tt.tag)
		if (err == nil) != tt.ok || (tt.ok && !reflect.DeepEqual(got, tt.want)) {
			t.Errorf("parseTag(`%s`) = %v, %v; want %v ok=%v", tt.tag, got, err, tt.want, tt.ok)
		}
	}
}

func TestSameTag(t *testing.T) {
	if err := sameTag(`type:"list" flattened:"true"`, `flattened:"true" type:"list"`); err != nil {
		t.Errorf("reordered tags differ: %v", err)
	}
	if err := sameTag(`type:"list"`, `type:"list" flattened:"true"`); err == nil {
		t.Error("missing key not reported")
	}
	if err := sameTag(`type:"list" flattened:"true"`, `type:"list"`); err == nil {
		t.Error("extra key not reported")
	}
}
