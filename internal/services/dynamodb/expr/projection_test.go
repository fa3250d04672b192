package expr

import (
	"reflect"
	"testing"
)

func TestProjectionApply(t *testing.T) {
	names := Names{"#n": "name", "#d": "a.b"}
	item := map[string]av{
		"id":   sv("k"),
		"name": sv("x"),
		"a.b":  sv("dotted"),
		"m":    mv(map[string]av{"a": mv(map[string]av{"b": nv("1"), "c": nv("2")}), "d": sv("d")}),
		"l":    lv(sv("l0"), mv(map[string]av{"x": sv("x1"), "y": sv("y1")}), sv("l2"), sv("l3")),
	}
	tests := []struct {
		expr string
		want map[string]av
	}{
		{"id", map[string]av{"id": sv("k")}},
		{"id, #n", map[string]av{"id": sv("k"), "name": sv("x")}},
		{"#d", map[string]av{"a.b": sv("dotted")}},
		{"nope", map[string]av{}},
		{"m.a.b", map[string]av{"m": mv(map[string]av{"a": mv(map[string]av{"b": nv("1")})})}},
		{"m.a.b, m.d", map[string]av{"m": mv(map[string]av{"a": mv(map[string]av{"b": nv("1")}), "d": sv("d")})}},
		{"m.zz", map[string]av{}},
		{"l[2]", map[string]av{"l": lv(sv("l2"))}},
		{"l[3], l[0]", map[string]av{"l": lv(sv("l0"), sv("l3"))}},
		{"l[1].y", map[string]av{"l": lv(mv(map[string]av{"y": sv("y1")}))}},
		{"l[9]", map[string]av{}},
		{"id[0], m[1], l.x", map[string]av{}},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			p, err := ParseProjection(tc.expr, names, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Apply(item); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
	p, _ := ParseProjection("a", nil, nil)
	if p.Apply(nil) != nil {
		t.Error("Apply(nil) != nil")
	}
}

func TestProjectionErrors(t *testing.T) {
	tests := []struct {
		expr, want string
	}{
		{"", "Invalid ProjectionExpression: The expression can not be empty;"},
		{"a,", `Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: ","`},
		{"l[a]", `Invalid ProjectionExpression: Syntax error; token: "a", near: "[a]"`},
		{"a b", `Invalid ProjectionExpression: Syntax error; token: "b", near: "a b"`},
		{"a = :v", `Invalid ProjectionExpression: Syntax error; token: "=", near: "a = :v"`},
		{"my-attr", `Invalid ProjectionExpression: Syntax error; token: "-", near: "my-attr"`},
		{"a, status", "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: status"},
		{"#x", "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
		{"a, a.b", "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"},
		{"a[0], a.b", "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [0]], path two: [a, b]"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			_, err := ParseProjection(tc.expr, nil, nil)
			if got := errMsg(t, err); got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestFromAttributesToGet(t *testing.T) {
	p := FromAttributesToGet([]string{"a", "b", "a"})
	got := p.Apply(map[string]av{"a": sv("1"), "c": sv("3")})
	if !reflect.DeepEqual(got, map[string]av{"a": sv("1")}) {
		t.Fatalf("got %v", got)
	}
	if n := p.TopLevelNames(); !reflect.DeepEqual(n, []string{"a", "b"}) {
		t.Fatalf("names %v", n)
	}
}
