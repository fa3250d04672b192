package expr

import (
	"strings"
	"testing"
)

func TestConditionEval(t *testing.T) {
	values := Values{
		":abc": sv("abc"), ":ten": nv("10"), ":ten2": nv("10.0"), ":five": nv("5"), ":twenty": nv("20"),
		":hello": sv("hello"), ":world": sv("world"), ":x": sv("x"), ":q": sv("q"), ":one": nv("1"), ":three": nv("3"),
		":S": sv("S"), ":N": sv("N"), ":SS": sv("SS"), ":L": sv("L"), ":M": sv("M"), ":NULL": sv("NULL"), ":BOOL": sv("BOOL"),
		":b01": bv("\x01"), ":b": bv("p"), ":true": boolv(true), ":lst": lv(sv("a"), nv("1"), mv(map[string]av{"k": sv("v")})),
		":ssxy": ssv("y", "x"), ":v": sv("v"), ":a": sv("a"), ":zz": sv("zz"), ":two": nv("2"), ":seven": nv("7"),
	}
	names := Names{"#s": "s", "#st": "status", "#dot": "a.b"}
	tests := []struct {
		expr string
		want bool
	}{
		{"id = :abc", true},
		{"id <> :abc", false},
		{"n = :ten2", true},
		{"n = :abc", false},
		{"n <> :abc", true},
		{"nothing <> :abc", true},
		{"nothing = :abc", false},
		{"n < :twenty", true},
		{"n <= :ten", true},
		{"n > :five", true},
		{"n >= :twenty", false},
		{"n < :abc", false},
		{"id < :zz", true},
		{"b > :b01", true},
		{"n BETWEEN :five AND :twenty", true},
		{"n BETWEEN :one AND :five", false},
		{"id BETWEEN :a AND :zz", true},
		{"n IN (:one, :ten)", true},
		{"n IN (:one, :five)", false},
		{"id IN (:abc)", true},
		{"attribute_exists(id)", true},
		{"attribute_exists(nope)", false},
		{"attribute_not_exists(nope)", true},
		{"attribute_exists(m.a.b)", true},
		{"attribute_exists(m.a.c)", false},
		{"attribute_exists(l[2].k)", true},
		{"attribute_exists(l[3])", false},
		{"attribute_exists(id[0])", false},
		{"attribute_exists(#dot)", false},
		{"attribute_type(id, :S)", true},
		{"attribute_type(n, :N)", true},
		{"attribute_type(ss, :SS)", true},
		{"attribute_type(l, :L)", true},
		{"attribute_type(m, :M)", true},
		{"attribute_type(z, :NULL)", true},
		{"attribute_type(t, :BOOL)", true},
		{"attribute_type(id, :N)", false},
		{"begins_with(s, :hello)", true},
		{"begins_with(#s, :world)", false},
		{"begins_with(b, :b01)", true},
		{"begins_with(n, :hello)", false},
		{"contains(s, :world)", true},
		{"contains(ss, :x)", true},
		{"contains(ss, :q)", false},
		{"contains(ns, :one)", true},
		{"contains(bs, :b)", true},
		{"contains(l, :a)", true},
		{"contains(l, :one)", true},
		{"contains(n, :one)", false},
		{"size(s) = :ten", false},
		{"size(id) = :three", true},
		{"size(ss) = :two", true},
		{"size(l) > :two", true},
		{"size(m) = :two", true},
		{"size(b) = :three", true},
		{"size(n) = :two", false},
		{"size(nope) = :two", false},
		{"size(emp) < :one", true},
		{"m.a.b = :seven", true},
		{"m.x[1] = :two", true},
		{"l = :lst", true},
		{"ss = :ssxy", true},
		{"t = :true", true},
		{"NOT id = :abc", false},
		{"NOT NOT id = :abc", true},
		{"id = :abc AND n = :ten", true},
		{"id = :abc AND n = :five", false},
		{"id = :x OR n = :ten", true},
		{"id = :x OR n = :five", false},
		{"id = :x OR n = :ten AND s = :x", false},
		{"(id = :x OR n = :ten) AND s = :x", false},
		{"id = :abc OR n = :five AND s = :x", true},
		{"NOT (id = :x OR n = :five)", true},
		{"NOT id = :x AND n = :ten", true},
		{"id=:abc and n=:ten", true},
		{"attribute_exists(#st) or #s = :x", false},
		{"(n) = :ten", true},
		{"n = (:ten)", true},
		{"size(s) > :ten", true},
		{"attribute_type(:ten, :N)", true},
		{"begins_with(:hello, id)", false},
		{"contains(l, :lst)", false},
		{"NOT NOT NOT NOT n = :ten", true},
		{"nothing < other2", false},
		{"nothing <> other2", true},
		{"l < :ten", false},
		{":ten = n", true},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			c, err := ParseCondition(tc.expr, names, values, nil)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			got, err := c.Eval(sampleItem())
			if err != nil || got != tc.want {
				t.Fatalf("Eval = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestConditionNilItem(t *testing.T) {
	values := Values{":v": sv("x")}
	tests := []struct {
		expr string
		want bool
	}{
		{"attribute_not_exists(id)", true},
		{"attribute_exists(id)", false},
		{"id = :v", false},
		{"id <> :v", true},
		{"NOT contains(a, :v)", true},
	}
	for _, tc := range tests {
		c, err := ParseCondition(tc.expr, nil, values, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if got, _ := c.Eval(nil); got != tc.want {
			t.Errorf("%s: Eval(nil) = %v, want %v", tc.expr, got, tc.want)
		}
	}
}

func TestConditionErrors(t *testing.T) {
	values := Values{":v": sv("x"), ":n": nv("1"), ":n5": nv("5"), ":S": sv("S"), ":bad": sv("FOO"), ":b": bv("x"), ":l": lv(nv("1"))}
	names := Names{"#n": "name"}
	many := make([]string, 100)
	for i := range many {
		many[i] = ":v"
	}
	ors := strings.Repeat("a = :v OR ", 150) + "a = :v"
	tests := []struct {
		expr, want string
	}{
		{"", "Invalid ConditionExpression: The expression can not be empty;"},
		{"   ", "Invalid ConditionExpression: The expression can not be empty;"},
		{"a < <", `Invalid ConditionExpression: Syntax error; token: "<", near: "< <"`},
		{"a < < b", `Invalid ConditionExpression: Syntax error; token: "<", near: "< < b"`},
		{"a =", `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "="`},
		{"a = :v AND", `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "AND"`},
		{"a = :v b", `Invalid ConditionExpression: Syntax error; token: "b", near: ":v b"`},
		{"my-attr = :v", `Invalid ConditionExpression: Syntax error; token: "-", near: "my-attr"`},
		{"a = : v", `Invalid ConditionExpression: Syntax error; token: ":", near: "= : v"`},
		{"# = :v", `Invalid ConditionExpression: Syntax error; token: "#", near: "# ="`},
		{"a = :v $", `Invalid ConditionExpression: Syntax error; token: "$", near: ":v $"`},
		{"a[x] = :v", `Invalid ConditionExpression: Syntax error; token: "x", near: "[x]"`},
		{"a = 5", `Invalid ConditionExpression: Syntax error; token: "5", near: "= 5"`},
		{"a", `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "a"`},
		{"a BETWEEN :n OR :n5", `Invalid ConditionExpression: Syntax error; token: "OR", near: ":n OR :n5"`},
		{"status = :v", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status"},
		{"a.Name = :v", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: Name"},
		{"#x = :v", "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
		{"a = :w", "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :w"},
		{"foo(a)", "Invalid ConditionExpression: Invalid function name; function: foo"},
		{"attribute_exists(a, b)", "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2"},
		{"attribute_exists(:v)", "Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists"},
		{"begins_with(a, :n)", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{"attribute_type(a, :n)", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"},
		{"attribute_type(a, :bad)", "Invalid ConditionExpression: Invalid attribute type name found; type: FOO, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
		{"size(:n) = :n", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N"},
		{"size(a)", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size"},
		{"attribute_exists(a) = :v", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: attribute_exists"},
		{"if_not_exists(a, a) = :v", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: if_not_exists"},
		{"list_append(a, b) = :v", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: list_append"},
		{"dog(a) = :v", "Invalid ConditionExpression: Invalid function name; function: dog"},
		{"a < :l", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, operand type: L"},
		{":l >= a", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: >=, operand type: L"},
		{"a BETWEEN :l AND :l", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: L"},
		{"a IN ()", `Invalid ConditionExpression: Syntax error; token: ")", near: "()"`},
		{"((a = :v))", "Invalid ConditionExpression: The expression has redundant parentheses;"},
		{"a = a", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"},
		{"contains(a.b, a.b)", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [a, b]"},
		{"a BETWEEN :n5 AND :n", "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}"},
		{"a BETWEEN :v AND :n", "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {S:x}, upper bound operand: AttributeValue: {N:1}"},
		{"a IN (" + strings.Join(many, ",") + ")", "Invalid ConditionExpression: The expression contains too many operands for the IN operator; number of operands: 101, maximum: 100"},
		{ors, "Invalid ConditionExpression: The expression contains too many operators; operator count: 301, maximum: 300"},
		{"a = :v AND " + strings.Repeat("x", 4096), "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4107"},
		{"a" + strings.Repeat(".b", 32) + " = :v", "Invalid ConditionExpression: The document path has too many nesting levels; nesting levels: 33"},
		// syntax errors win over semantic ones
		{"status = :w AND", `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "AND"`},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			_, err := ParseCondition(tc.expr, names, values, nil)
			if got := errMsg(t, err); got != tc.want {
				t.Fatalf("ParseCondition(%q)\n got: %s\nwant: %s", tc.expr, got, tc.want)
			}
		})
	}
}

func TestFilterKind(t *testing.T) {
	_, err := ParseFilter("a = ", nil, nil, nil)
	if got, want := errMsg(t, err), `Invalid FilterExpression: Syntax error; token: "<EOF>", near: "="`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func TestConditionTopLevelNames(t *testing.T) {
	c, err := ParseCondition("a.b = :v AND (size(c[1]) > :v OR NOT contains(#d, :v)) AND a = :v", Names{"#d": "d"}, Values{":v": nv("1")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.TopLevelNames(); strings.Join(got, ",") != "a,c,d" {
		t.Fatalf("got %v", got)
	}
}
