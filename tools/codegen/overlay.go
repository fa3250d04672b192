package main

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sort"
)

// overlays holds, per model directory, what AWS serves that the pinned
// model lacks (overlays/<dir>.json). Each overlay adds new shapes,
// operations, members and enum values, and inputs for operations that
// have none; the changes it may make are to replace a shape's pattern
// with the one a newer model gives (AWS relaxed some), and to reorder an
// enum's values as the service lists them in its validation messages.
//
//go:embed overlays/*.json
var overlays embed.FS

// Overlay is the content of one overlay file.
type Overlay struct {
	// About says where the additions come from.
	About      string                    `json:"about"`
	Shapes     map[string]*Shape         `json:"shapes"`
	Operations map[string]*Operation     `json:"operations"`
	Members    map[string]map[string]Ref `json:"members"`
	Enums      map[string][]string       `json:"enums"`
	Inputs     map[string]string         `json:"inputs"`
	Patterns   map[string]string         `json:"patterns"`
	EnumOrders map[string][]string       `json:"enumOrders"`
}

// applyOverlay adds the overlay of model directory dir, if any, to m.
func applyOverlay(dir string, m *Model) error {
	b, err := overlays.ReadFile("overlays/" + dir + ".json")
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read overlay: %w", err)
	}
	var o Overlay
	if err := json.Unmarshal(b, &o); err != nil {
		return fmt.Errorf("parse overlay: %w", err)
	}
	return o.apply(m)
}

// apply adds o to m; anything o would redefine is an error.
func (o *Overlay) apply(m *Model) error {
	for _, name := range sortedKeys(o.Shapes) {
		if _, ok := m.Shapes[name]; ok {
			return fmt.Errorf("overlay: shape %s already exists", name)
		}
		m.Shapes[name] = o.Shapes[name]
	}
	for _, name := range sortedKeys(o.Operations) {
		if _, ok := m.Operations[name]; ok {
			return fmt.Errorf("overlay: operation %s already exists", name)
		}
		m.Operations[name] = o.Operations[name]
	}
	for _, name := range sortedKeys(o.Inputs) {
		op, ok := m.Operations[name]
		switch {
		case !ok:
			return fmt.Errorf("overlay: input for unknown operation %s", name)
		case op.Input != nil:
			return fmt.Errorf("overlay: operation %s already has an input", name)
		}
		op.Input = &Ref{Shape: o.Inputs[name]}
	}
	for _, name := range sortedKeys(o.Members) {
		s, ok := m.Shapes[name]
		if !ok || s.Type != "structure" {
			return fmt.Errorf("overlay: members for %s, which is not a structure", name)
		}
		add := o.Members[name]
		names := make([]string, 0, len(add))
		for n := range add {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if slices.ContainsFunc(s.Members, func(mb Member) bool { return mb.Name == n }) {
				return fmt.Errorf("overlay: member %s.%s already exists", name, n)
			}
			s.Members = append(s.Members, Member{Name: n, Ref: add[n]})
		}
	}
	for _, name := range sortedKeys(o.Patterns) {
		s, ok := m.Shapes[name]
		if !ok || s.Pattern == "" {
			return fmt.Errorf("overlay: pattern for %s, which has none", name)
		}
		s.Pattern = o.Patterns[name]
	}
	for _, name := range sortedKeys(o.EnumOrders) {
		s, ok := m.Shapes[name]
		order := o.EnumOrders[name]
		if !ok || len(s.Enum) != len(order) || !sameSet(s.Enum, order) {
			return fmt.Errorf("overlay: enum order for %s is not a permutation of its values", name)
		}
		s.Enum = slices.Clone(order)
	}
	for _, name := range sortedKeys(o.Enums) {
		s, ok := m.Shapes[name]
		if !ok || len(s.Enum) == 0 {
			return fmt.Errorf("overlay: enum values for %s, which is not an enum", name)
		}
		for _, v := range o.Enums[name] {
			if slices.Contains(s.Enum, v) {
				return fmt.Errorf("overlay: enum %s already has %s", name, v)
			}
			s.Enum = append(s.Enum, v)
		}
	}
	return nil
}

// sameSet reports whether a and b hold the same distinct values.
func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), y) && len(slices.Compact(y)) == len(b)
}
