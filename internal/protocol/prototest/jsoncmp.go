package prototest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// compareJSON compares a JSON body semantically with the expected one. t is
// the Go type the body encodes (a struct type), used to read jsonvalue
// strings as the JSON they hold and to ignore, in the expected body only,
// keys that name no modeled body member (client tests include such "extra
// data" that a client must skip). null object members are absent on both
// sides; numbers compare as float64. An empty expected body accepts an empty
// body or "{}".
func compareJSON(want, got string, t reflect.Type) error {
	if strings.TrimSpace(want) == "" {
		if g := strings.TrimSpace(got); g == "" || isEmptyJSONObject(g) {
			return nil
		}
		return fmt.Errorf("body = %s, want empty", got)
	}
	var w, g any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		return fmt.Errorf("expected body is not JSON: %w", err)
	}
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		return fmt.Errorf("body is not JSON: %w\nbody: %s", err, got)
	}
	w = normJSON(w, t, false, true)
	g = normJSON(g, t, false, false)
	if !reflect.DeepEqual(w, g) {
		return fmt.Errorf("JSON body differs\n got: %s\nwant: %s", mustJSON(g), mustJSON(w))
	}
	return nil
}

func isEmptyJSONObject(s string) bool {
	var m map[string]any
	return json.Unmarshal([]byte(s), &m) == nil && len(m) == 0
}

// normJSON normalizes a parsed JSON value of Go type t (nil when unknown).
func normJSON(v any, t reflect.Type, jsonValue, prune bool) any {
	if s, ok := v.(string); ok && jsonValue {
		var inner any
		if json.Unmarshal([]byte(s), &inner) == nil {
			return inner
		}
		return v
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		var s *protocol.Struct
		if t != nil && t.Kind() == reflect.Struct && t != timePtr.Elem() {
			s = protocol.StructOf(t)
		}
		for k, e := range x {
			if e == nil {
				continue
			}
			switch {
			case s != nil:
				m := bodyMember(s, k)
				if m == nil {
					if prune {
						continue
					}
					out[k] = normJSON(e, nil, false, prune)
					continue
				}
				out[k] = normJSON(e, m.Type, m.JSONValue, prune)
			case t != nil && t.Kind() == reflect.Map:
				out[k] = normJSON(e, t.Elem(), jsonValue, prune)
			default:
				out[k] = normJSON(e, nil, false, prune)
			}
		}
		return out
	case []any:
		var et reflect.Type
		if t != nil && t.Kind() == reflect.Slice {
			et = t.Elem()
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normJSON(e, et, jsonValue, prune)
		}
		return out
	}
	return v
}

// bodyMember finds the body member (no location) whose wire name is key.
func bodyMember(s *protocol.Struct, key string) *protocol.Member {
	for i := range s.Members {
		m := &s.Members[i]
		if m.Location == "" && m.WireName() == key {
			return m
		}
	}
	return nil
}

func mustJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(data)
}
