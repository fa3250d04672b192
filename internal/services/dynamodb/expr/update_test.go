package expr

import (
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"reflect"
	"testing"
)

func TestUpdateApply(t *testing.T) {
	values := Values{
		":v": sv("new"), ":one": nv("1"), ":half": nv("0.5"), ":ten": nv("10"), ":s": sv("x"),
		":ssab": ssv("a", "b"), ":ssb": ssv("b"), ":ssxy": ssv("x", "y"), ":nsx": nsv("2", "3"),
		":lst": lv(nv("9")), ":empty": lv(), ":m": mv(map[string]av{}), ":bs": bsv([]byte("q"), []byte("r")),
	}
	names := Names{"#a": "a", "#st": "status"}
	base := func() map[string]av {
		return map[string]av{
			"id":  sv("k"),
			"n":   nv("5"),
			"ss":  ssv("x", "y"),
			"ns":  nsv("1", "2"),
			"bs":  bsv([]byte("p"), []byte("q")),
			"l":   lv(nv("0"), nv("1"), nv("2"), nv("3")),
			"m":   mv(map[string]av{"a": mv(map[string]av{"b": nv("7")}), "x": lv(nv("1"))}),
			"str": sv("s"),
		}
	}
	with := func(f func(m map[string]av)) map[string]av {
		m := base()
		f(m)
		return m
	}
	tests := []struct {
		expr string
		item map[string]av // nil means base()
		want map[string]av
	}{
		{"SET a = :v", nil, with(func(m map[string]av) { m["a"] = sv("new") })},
		{"SET #a = :v, b = :s", nil, with(func(m map[string]av) { m["a"] = sv("new"); m["b"] = sv("x") })},
		{"SET #st = :v", nil, with(func(m map[string]av) { m["status"] = sv("new") })},
		{"SET n = n + :one", nil, with(func(m map[string]av) { m["n"] = nv("6") })},
		{"SET n = n - :half", nil, with(func(m map[string]av) { m["n"] = nv("4.5") })},
		{"SET n = :ten - n", nil, with(func(m map[string]av) { m["n"] = nv("5") })},
		{"SET c = if_not_exists(c, :ten)", nil, with(func(m map[string]av) { m["c"] = nv("10") })},
		{"SET n = if_not_exists(n, :ten)", nil, base()},
		{"SET n = if_not_exists(n, :ten) + :one", nil, with(func(m map[string]av) { m["n"] = nv("6") })},
		{"SET l = list_append(l, :lst)", nil, with(func(m map[string]av) { m["l"] = lv(nv("0"), nv("1"), nv("2"), nv("3"), nv("9")) })},
		{"SET l = list_append(:lst, l)", nil, with(func(m map[string]av) { m["l"] = lv(nv("9"), nv("0"), nv("1"), nv("2"), nv("3")) })},
		{"SET q = list_append(if_not_exists(q, :empty), :lst)", nil, with(func(m map[string]av) { m["q"] = lv(nv("9")) })},
		{"SET m.a.c = :v", nil, with(func(m map[string]av) { m["m"].M["a"].M["c"] = sv("new") })},
		{"SET m.a.b = m.a.b + :one", nil, with(func(m map[string]av) { m["m"].M["a"].M["b"] = nv("8") })},
		{"SET l[1] = :v", nil, with(func(m map[string]av) { m["l"].L[1] = sv("new") })},
		{"SET l[10] = :v", nil, with(func(m map[string]av) { m["l"] = lv(nv("0"), nv("1"), nv("2"), nv("3"), sv("new")) })},
		{"SET m.x[0] = :v", nil, with(func(m map[string]av) { m["m"].M["x"].L[0] = sv("new") })},
		{"SET a = n, n = :ten", nil, with(func(m map[string]av) { m["a"] = nv("5"); m["n"] = nv("10") })},
		{"SET m.n = :m", nil, with(func(m map[string]av) { m["m"].M["n"] = mv(map[string]av{}) })},
		{"REMOVE n", nil, with(func(m map[string]av) { delete(m, "n") })},
		{"REMOVE nope", nil, base()},
		{"REMOVE m.a.b", nil, with(func(m map[string]av) { m["m"].M["a"] = mv(map[string]av{}) })},
		{"REMOVE l[1]", nil, with(func(m map[string]av) { m["l"] = lv(nv("0"), nv("2"), nv("3")) })},
		{"REMOVE l[1], l[3]", nil, with(func(m map[string]av) { m["l"] = lv(nv("0"), nv("2")) })},
		{"REMOVE l[3], l[0]", nil, with(func(m map[string]av) { m["l"] = lv(nv("1"), nv("2")) })},
		{"REMOVE l[9]", nil, base()},
		{"ADD n :one", nil, with(func(m map[string]av) { m["n"] = nv("6") })},
		{"ADD c :one", nil, with(func(m map[string]av) { m["c"] = nv("1") })},
		{"ADD ss :ssab", nil, with(func(m map[string]av) { m["ss"] = ssv("x", "y", "a", "b") })},
		{"ADD ns :nsx", nil, with(func(m map[string]av) { m["ns"] = nsv("1", "2", "3") })},
		{"ADD bs :bs", nil, with(func(m map[string]av) { m["bs"] = bsv([]byte("p"), []byte("q"), []byte("r")) })},
		{"ADD newset :ssab", nil, with(func(m map[string]av) { m["newset"] = ssv("a", "b") })},
		{"ADD m.a.b :one", nil, with(func(m map[string]av) { m["m"].M["a"].M["b"] = nv("8") })},
		{"DELETE ss :ssb", nil, base()},
		{"DELETE ss :ssxy", nil, with(func(m map[string]av) { delete(m, "ss") })},
		{"DELETE ns :nsx", nil, with(func(m map[string]av) { m["ns"] = nsv("1") })},
		{"DELETE nope :ssb", nil, base()},
		{"SET a = :v REMOVE n ADD c :one DELETE ss :ssxy", nil, with(func(m map[string]av) {
			m["a"] = sv("new")
			delete(m, "n")
			m["c"] = nv("1")
			delete(m, "ss")
		})},
		{"remove n set a = :v", nil, with(func(m map[string]av) { delete(m, "n"); m["a"] = sv("new") })},
		{"SET a = :v", map[string]av{}, map[string]av{"a": sv("new")}},
		{"ADD c :one", map[string]av{}, map[string]av{"c": nv("1")}},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			u, err := ParseUpdate(tc.expr, names, values, nil)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			item := tc.item
			if item == nil {
				item = base()
			}
			before := attr.Clone(item)
			got, err := u.Apply(item)
			if err != nil {
				t.Fatalf("apply: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %v\nwant %v", got, tc.want)
			}
			if !reflect.DeepEqual(item, before) {
				t.Fatalf("Apply modified its input")
			}
		})
	}
}

func TestUpdateApplyErrors(t *testing.T) {
	values := Values{":v": sv("new"), ":one": nv("1"), ":ss": ssv("a"), ":ns": nsv("1"), ":lst": lv()}
	item := map[string]av{"n": nv("5"), "s": sv("x"), "ss": ssv("x"), "l": lv(nv("1")), "m": mv(map[string]av{})}
	tests := []struct {
		expr, want string
	}{
		{"SET a.b = :v", "The document path provided in the update expression is invalid for update"},
		{"SET s.b = :v", "The document path provided in the update expression is invalid for update"},
		{"SET m.a.b = :v", "The document path provided in the update expression is invalid for update"},
		{"SET s[0] = :v", "The document path provided in the update expression is invalid for update"},
		{"SET l[5].a = :v", "The document path provided in the update expression is invalid for update"},
		{"REMOVE a.b", "The document path provided in the update expression is invalid for update"},
		{"SET a = s + :one", "An operand in the update expression has an incorrect data type"},
		{"SET a = list_append(s, :lst)", "An operand in the update expression has an incorrect data type"},
		{"SET a = nope", "The provided expression refers to an attribute that does not exist in the item"},
		{"SET a = nope + :one", "The provided expression refers to an attribute that does not exist in the item"},
		{"ADD s :one", "An operand in the update expression has an incorrect data type"},
		{"ADD ss :ns", "An operand in the update expression has an incorrect data type"},
		{"ADD n :ss", "An operand in the update expression has an incorrect data type"},
		{"DELETE s :ss", "An operand in the update expression has an incorrect data type"},
		{"ADD a.b :one", "The document path provided in the update expression is invalid for update"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			u, err := ParseUpdate(tc.expr, nil, values, nil)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			_, err = u.Apply(item)
			if got := errMsg(t, err); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestUpdateParseErrors(t *testing.T) {
	values := Values{":v": sv("x"), ":n": nv("1"), ":l": lv(), ":ss": ssv("a"), ":b": boolv(true), ":m": mv(map[string]av{})}
	names := Names{"#a": "a"}
	tests := []struct {
		expr, want string
	}{
		{"", "Invalid UpdateExpression: The expression can not be empty;"},
		{"SET", `Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET"`},
		{"INVALID SYNTAX HERE", `Invalid UpdateExpression: Syntax error; token: "INVALID", near: "INVALID SYNTAX"`},
		{"ADD hits : incr", `Invalid UpdateExpression: Syntax error; token: ":", near: "hits : incr"`},
		{"SET = :v", `Invalid UpdateExpression: Syntax error; token: "=", near: "SET = :v"`},
		{"SET a = :v,", `Invalid UpdateExpression: Syntax error; token: "<EOF>", near: ","`},
		{"SET a = :v b = :v", `Invalid UpdateExpression: Syntax error; token: "b", near: ":v b ="`},
		{"SET a = :v, #", `Invalid UpdateExpression: Syntax error; token: "#", near: ", #"`},
		{"ADD a b", `Invalid UpdateExpression: Syntax error; token: "b", near: "a b"`},
		{"SET a = :v + :n + :n", `Invalid UpdateExpression: Syntax error; token: "+", near: ":n + :n"`},
		{"SET a = 0", `Invalid UpdateExpression: Syntax error; token: "0", near: "= 0"`},
		{"SET a :v", `Invalid UpdateExpression: Syntax error; token: ":v", near: "a :v"`},
		{"SET status = :v", "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status"},
		{"SET a = :v SET b = :v", `Invalid UpdateExpression: The "SET" section can only be used once in an update expression;`},
		{"REMOVE a REMOVE b", `Invalid UpdateExpression: The "REMOVE" section can only be used once in an update expression;`},
		{"SET #x = :v", "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
		{"SET a = :x", "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :x"},
		{"SET a = :x, #x = :v", "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #x"},
		{"SET a = :v, a = :v", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
		{"SET a = :v REMOVE a.b", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"},
		{"SET #a.b[1] = :v REMOVE a.b[1].c", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b, [1]], path two: [a, b, [1], c]"},
		{"SET a[0] = :v REMOVE a.b", "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [0]], path two: [a, b]"},
		{"SET a = foo(b)", "Invalid UpdateExpression: Invalid function name; function: foo"},
		{"SET a = size(b)", "Invalid UpdateExpression: The function is not allowed to be used this way in an expression; function: size"},
		{"SET a = list_append(list_append(:l, :l), :l)", "Invalid UpdateExpression: The function is not allowed to be used this way in an expression; function: list_append"},
		{"SET a = if_not_exists(b)", "Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1"},
		{"SET a = if_not_exists(:v, b)", "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists"},
		{"SET a = list_append(b, :v)", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S"},
		{"SET a = b + :v", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"},
		{"SET a = :l - b", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: -, operand type: L"},
		{"ADD a :v", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING"},
		{"ADD a :b", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: BOOLEAN"},
		{"DELETE a :n", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER"},
		{"DELETE a :m", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: MAP"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			_, err := ParseUpdate(tc.expr, names, values, nil)
			if got := errMsg(t, err); got != tc.want {
				t.Fatalf("ParseUpdate(%q)\n got: %s\nwant: %s", tc.expr, got, tc.want)
			}
		})
	}
}

func TestUpdateAccessors(t *testing.T) {
	u, err := ParseUpdate("SET a.b = :v, c[1] = :v REMOVE d ADD a2 :n", nil, Values{":v": sv("x"), ":n": nv("1")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := u.TopLevelNames(), []string{"a", "a2", "c", "d"}; !reflect.DeepEqual(got, want) {
		t.Errorf("TopLevelNames = %v, want %v", got, want)
	}
	paths := u.Paths()
	if len(paths) != 4 || Path(paths[1]).String() != "[c, [1]]" {
		t.Errorf("Paths = %v", paths)
	}
	if err := u.CheckKeys("pk", "d"); errMsg(t, err) != "One or more parameter values were invalid: Cannot update attribute d. This attribute is part of the key" {
		t.Errorf("CheckKeys = %v", err)
	}
	if err := u.CheckKeys("pk"); err != nil {
		t.Errorf("CheckKeys = %v", err)
	}
	old := map[string]av{"a": mv(map[string]av{"b": sv("o"), "z": sv("z")}), "c": lv(nv("0"), nv("1")), "d": sv("d"), "e": sv("e")}
	want := map[string]av{"a": mv(map[string]av{"b": sv("o")}), "c": lv(nv("1")), "d": sv("d")}
	if got := u.Project(old); !reflect.DeepEqual(got, want) {
		t.Errorf("Project = %v, want %v", got, want)
	}
}

func TestUpdateNumbers(t *testing.T) {
	values := Values{":big": nv("99999999999999999999999999999999999999"), ":one": nv("1"), ":tiny": nv("0.001"), ":e": nv("1E2")}
	item := map[string]av{"n": nv("1.5")}
	tests := []struct {
		expr, want, err string
	}{
		{"SET n = n + :tiny", "1.501", ""},
		{"SET n = n - :e", "-98.5", ""},
		{"ADD n :e", "101.5", ""},
		{"SET n = :big + :one", "100000000000000000000000000000000000000", ""},
		{"SET n = :big + :tiny", "", "Attempting to store more than 38 significant digits in a Number"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			u, err := ParseUpdate(tc.expr, nil, values, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := u.Apply(item)
			if msg := errMsg(t, err); msg != tc.err {
				t.Fatalf("error %q, want %q", msg, tc.err)
			}
			if err == nil && *got["n"].N != tc.want {
				t.Fatalf("n = %s, want %s", *got["n"].N, tc.want)
			}
		})
	}
}

func TestUpdateNameTokens(t *testing.T) {
	values := Values{":val1": nv("1"), ":123": nv("2"), ":_": nv("3")}
	names := Names{"#123a": "x", "#_": "y"}
	ok := []string{"SET alnum = :val1", "SET Alpha_Numeric_123 = :val1", "SET A123_ = :val1", "SET #123a = :123", "SET #_ = :_", "  set   b=:val1  ", "sEt b = :val1"}
	for _, s := range ok {
		if _, err := ParseUpdate(s, names, values, nil); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	bad := map[string]string{
		"SET _123 = :val1":     `Invalid UpdateExpression: Syntax error; token: "_", near: "SET _123"`,
		"SET 123a = :val1":     `Invalid UpdateExpression: Syntax error; token: "123", near: "SET 123a"`,
		"SET hi-there = :val1": `Invalid UpdateExpression: Syntax error; token: "-", near: "hi-there"`,
		"SET hi$there = :val1": `Invalid UpdateExpression: Syntax error; token: "$", near: "hi$there"`,
		"SET a = :":            `Invalid UpdateExpression: Syntax error; token: ":", near: "= :"`,
	}
	for s, want := range bad {
		_, err := ParseUpdate(s, names, values, nil)
		if got := errMsg(t, err); got != want {
			t.Errorf("%s:\n got %s\nwant %s", s, got, want)
		}
	}
}

func TestUpdateListOrder(t *testing.T) {
	values := Values{":v1": sv("a1"), ":v2": sv("a2"), ":v3": sv("a3"), ":v4": sv("a4"), ":v": nv("17")}
	tests := []struct {
		expr string
		item map[string]av
		want map[string]av
	}{
		{"SET a[84] = :v1, a[37] = :v2, a[17] = :v3, a[50] = :v4",
			map[string]av{"a": lv(sv("one"), sv("two"))},
			map[string]av{"a": lv(sv("one"), sv("two"), sv("a3"), sv("a2"), sv("a4"), sv("a1"))}},
		{"REMOVE a[1] SET a[3] = :v",
			map[string]av{"a": lv(nv("2"), nv("3"), nv("4"), nv("5"), nv("6"), nv("7"))},
			map[string]av{"a": lv(nv("2"), nv("4"), nv("17"), nv("6"), nv("7"))}},
		{"SET a[3] = :v REMOVE a[1]",
			map[string]av{"a": lv(nv("2"), nv("3"), nv("4"), nv("5"), nv("6"), nv("7"))},
			map[string]av{"a": lv(nv("2"), nv("4"), nv("17"), nv("6"), nv("7"))}},
		{"REMOVE a[0]", map[string]av{"a": lv(nv("1"))}, map[string]av{"a": lv()}},
		{"REMOVE a.b", map[string]av{"a": mv(map[string]av{"b": nv("1")})}, map[string]av{"a": mv(map[string]av{})}},
		{"REMOVE x.y, z[0]", nil, map[string]av{}},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			u, err := ParseUpdate(tc.expr, nil, values, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := u.Apply(tc.item)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
}
