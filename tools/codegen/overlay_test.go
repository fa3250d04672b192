package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOverlayApply(t *testing.T) {
	base := func() *Model {
		m, err := ParseModel([]byte(`{"metadata": {"protocol": "rest-xml"},
		  "operations": {"List": {"name": "List", "http": {"method": "GET", "requestUri": "/"}, "output": {"shape": "Out"}}},
		  "shapes": {"Out": {"type": "structure", "members": {"A": {"shape": "S"}}},
		             "S": {"type": "string"}, "P": {"type": "string", "pattern": "^a$"}, "E": {"type": "string", "enum": ["X"]}}}`))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	cases := []struct {
		name    string
		overlay Overlay
		err     string
		check   func(*Model) bool
	}{
		{"adds a member at the end", Overlay{Members: map[string]map[string]Ref{"Out": {"B": {Shape: "S"}}}}, "",
			func(m *Model) bool { ms := m.Shapes["Out"].Members; return len(ms) == 2 && ms[1].Name == "B" }},
		{"adds enum values", Overlay{Enums: map[string][]string{"E": {"Y"}}}, "",
			func(m *Model) bool { return strings.Join(m.Shapes["E"].Enum, ",") == "X,Y" }},
		{"adds an input", Overlay{Shapes: map[string]*Shape{"In": {Type: "structure"}}, Inputs: map[string]string{"List": "In"}}, "",
			func(m *Model) bool { return m.Operations["List"].Input.Shape == "In" }},
		{"adds an operation", Overlay{Operations: map[string]*Operation{"Post": {Name: "Post"}}}, "",
			func(m *Model) bool { return m.Operations["Post"] != nil }},
		{"replaces a pattern", Overlay{Patterns: map[string]string{"P": "^b$"}}, "",
			func(m *Model) bool { return m.Shapes["P"].Pattern == "^b$" }},
		{"refuses a pattern for a shape without one", Overlay{Patterns: map[string]string{"S": "x"}}, "has none", nil},
		{"reorders an enum", Overlay{EnumOrders: map[string][]string{"E": {"X"}}}, "",
			func(m *Model) bool { return strings.Join(m.Shapes["E"].Enum, ",") == "X" }},
		{"refuses an enum order that is not a permutation", Overlay{EnumOrders: map[string][]string{"E": {"Y"}}}, "not a permutation", nil},
		{"refuses an enum order with repeats", Overlay{EnumOrders: map[string][]string{"E": {"X", "X"}}}, "not a permutation", nil},
		{"refuses to redefine a shape", Overlay{Shapes: map[string]*Shape{"S": {Type: "string"}}}, "shape S already exists", nil},
		{"refuses to redefine an operation", Overlay{Operations: map[string]*Operation{"List": {}}}, "operation List already exists", nil},
		{"refuses an existing member", Overlay{Members: map[string]map[string]Ref{"Out": {"A": {Shape: "S"}}}}, "member Out.A already exists", nil},
		{"refuses members of a non-structure", Overlay{Members: map[string]map[string]Ref{"S": {"A": {Shape: "S"}}}}, "not a structure", nil},
		{"refuses an existing enum value", Overlay{Enums: map[string][]string{"E": {"X"}}}, "already has X", nil},
		{"refuses values for a non-enum", Overlay{Enums: map[string][]string{"S": {"X"}}}, "not an enum", nil},
		{"refuses an input for an unknown operation", Overlay{Inputs: map[string]string{"Nope": "S"}}, "unknown operation", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := base()
			err := c.overlay.apply(m)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("apply = %v, want an error containing %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !c.check(m) {
				t.Error("overlay not applied as expected")
			}
		})
	}
}

// TestOverlaysApply keeps every shipped overlay applicable to its model.
func TestOverlaysApply(t *testing.T) {
	dir, err := moduleDir(sdkModule, sdkVersion)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := overlays.ReadDir("overlays")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".json")
		path, err := latestModel(filepath.Join(dir, "models", "apis", name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		m, err := ParseModel(b)
		if err != nil {
			t.Fatal(err)
		}
		if err := applyOverlay(name, m); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := Generate(name, m); err != nil {
			t.Errorf("%s: generate: %v", name, err)
		}
	}
}
