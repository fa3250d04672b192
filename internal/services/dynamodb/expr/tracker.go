package expr

import (
	"maps"
	"slices"
	"strings"
)

// Names are a request's ExpressionAttributeNames.
type Names = map[string]string

// Values are a request's ExpressionAttributeValues.
type Values = map[string]av

// Tracker records which expression attribute names and values the
// expressions of one request used, so that unused ones can be reported. All
// expressions of a request share one Tracker; the zero value is ready to use
// and learns the maps from the Parse calls.
type Tracker struct {
	names      Names
	values     Values
	usedNames  map[string]struct{}
	usedValues map[string]struct{}
}

// NewTracker returns a Tracker for a request's names and values. Use it when
// a request may carry names or values but no expression that would use them.
func NewTracker(names Names, values Values) *Tracker {
	return &Tracker{names: names, values: values}
}

// see records the maps of a request, if the Tracker does not know them yet.
func (t *Tracker) see(names Names, values Values) {
	if t.names == nil {
		t.names = names
	}
	if t.values == nil {
		t.values = values
	}
}

// useName marks an expression attribute name as used.
func (t *Tracker) useName(n string) {
	if t.usedNames == nil {
		t.usedNames = make(map[string]struct{})
	}
	t.usedNames[n] = struct{}{}
}

// useValue marks an expression attribute value as used.
func (t *Tracker) useValue(v string) {
	if t.usedValues == nil {
		t.usedValues = make(map[string]struct{})
	}
	t.usedValues[v] = struct{}{}
}

// Unused returns DynamoDB's error for names or values the request provided
// but no expression used (names are reported first), or nil.
func (t *Tracker) Unused() error {
	var un, uv []string
	for k := range t.names {
		if _, ok := t.usedNames[k]; !ok {
			un = append(un, k)
		}
	}
	for k := range t.values {
		if _, ok := t.usedValues[k]; !ok {
			uv = append(uv, k)
		}
	}
	if len(un) > 0 {
		slices.Sort(un)
		return validation(msgUnusedNames, strings.Join(un, ", "))
	}
	if len(uv) > 0 {
		slices.Sort(uv)
		return validation(msgUnusedValues, strings.Join(uv, ", "))
	}
	return nil
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
