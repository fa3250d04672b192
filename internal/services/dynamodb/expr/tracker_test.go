package expr

import "testing"

func TestTracker(t *testing.T) {
	names := Names{"#a": "a", "#b": "b", "#c": "c"}
	values := Values{":x": sv("x"), ":y": sv("y"), ":z": sv("z")}
	tests := []struct {
		name  string
		cond  string
		upd   string
		proj  string
		want  string
		names Names
	}{
		{name: "all used", cond: "#a = :x", upd: "SET #b = :y, #c = :z", want: ""},
		{name: "shared", cond: "#a = :x AND #b = :y", proj: "#c", upd: "SET x = :z", want: ""},
		{name: "unused value", cond: "#a = :x AND #b = :y AND #c = :x", want: "Value provided in ExpressionAttributeValues unused in expressions: keys: {:z}"},
		{name: "unused values", cond: "#a = :x AND #b <> #c", want: "Value provided in ExpressionAttributeValues unused in expressions: keys: {:y, :z}"},
		{name: "unused name", cond: "#a = :x AND #b = :y AND c = :z", want: "Value provided in ExpressionAttributeNames unused in expressions: keys: {#c}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := &Tracker{}
			if tc.cond != "" {
				if _, err := ParseCondition(tc.cond, names, values, tr); err != nil {
					t.Fatal(err)
				}
			}
			if tc.upd != "" {
				if _, err := ParseUpdate(tc.upd, names, values, tr); err != nil {
					t.Fatal(err)
				}
			}
			if tc.proj != "" {
				if _, err := ParseProjection(tc.proj, names, tr); err != nil {
					t.Fatal(err)
				}
			}
			if got := errMsg(t, tr.Unused()); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	if got := errMsg(t, NewTracker(nil, Values{":v": sv("x")}).Unused()); got != "Value provided in ExpressionAttributeValues unused in expressions: keys: {:v}" {
		t.Fatalf("NewTracker: %q", got)
	}
	// A failed parse marks nothing as used.
	tr := NewTracker(names, values)
	_, _ = ParseCondition("#a = :x AND", names, values, tr)
	if tr.Unused() == nil {
		t.Fatal("failed parse marked names used")
	}
}

func TestRequestHelpers(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"mixed", MixedParams([]string{"AttributesToGet"}, []string{"ProjectionExpression"}),
			"Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"},
		{"mixed many", MixedParams([]string{"Expected", "AttributeUpdates"}, []string{"ConditionExpression", "UpdateExpression"}),
			"Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected, AttributeUpdates} Expression parameters: {ConditionExpression, UpdateExpression}"},
		{"names without expr", NamesWithoutExpression(), "ExpressionAttributeNames can only be specified when using expressions"},
		{"values without expr", ValuesWithoutExpression("ConditionExpression"), "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null"},
		{"values without update exprs", ValuesWithoutExpression("UpdateExpression", "ConditionExpression"), "ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null"},
		{"valid", ValidateNamesValues(Names{"#a": "a"}, Values{":v": sv("x")}), ""},
		{"nil maps", ValidateNamesValues(nil, nil), ""},
		{"empty names", ValidateNamesValues(Names{}, nil), "ExpressionAttributeNames must not be empty"},
		{"empty values", ValidateNamesValues(nil, Values{}), "ExpressionAttributeValues must not be empty"},
		{"bad name key", ValidateNamesValues(Names{"a": "a"}, nil), `ExpressionAttributeNames contains invalid key: Syntax error; key: "a"`},
		{"bad name key 2", ValidateNamesValues(Names{"#a-b": "a"}, nil), `ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"`},
		{"bad value key", ValidateNamesValues(nil, Values{"v": sv("x")}), `ExpressionAttributeValues contains invalid key: Syntax error; key: "v"`},
		{"empty name value", ValidateNamesValues(Names{"#a": ""}, nil), "ExpressionAttributeNames contains invalid value: Empty attribute name provided for key #a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := errMsg(t, tc.err); got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestReserved(t *testing.T) {
	for _, w := range []string{"ABORT", "status", "Zone", "name", "size", "values", "data"} {
		if !isReserved(w) {
			t.Errorf("%s not reserved", w)
		}
	}
	for _, w := range []string{"id", "pk", "sk", "foo", "title2"} {
		if isReserved(w) {
			t.Errorf("%s reserved", w)
		}
	}
	if n := len(reservedWords); n < 570 {
		t.Errorf("only %d reserved words", n)
	}
}
