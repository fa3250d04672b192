package expr

import (
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"slices"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

// Projection is a parsed ProjectionExpression (or legacy AttributesToGet).
type Projection struct {
	paths []Path
}

// ParseProjection parses a ProjectionExpression: comma-separated paths.
func ParseProjection(s string, names Names, t *Tracker) (*Projection, error) {
	p, err := newParser(KindProjection, s, names, nil)
	if err != nil {
		return nil, err
	}
	pr := &Projection{}
	for p.err == nil {
		path := p.parsePath()
		if path == nil {
			break
		}
		for _, prev := range pr.paths {
			if o, c := checkOverlap(prev, path); o != "" {
				p.semantic(ecOverlap, "%s", o)
			} else if c != "" {
				p.semantic(ecConflict, "%s", c)
			}
		}
		pr.paths = append(pr.paths, path)
		if !p.isPunct(",") {
			break
		}
		p.i++
	}
	if err := p.finish(projOrder, t); err != nil {
		return nil, err
	}
	return pr, nil
}

// FromAttributesToGet converts the legacy AttributesToGet parameter.
func FromAttributesToGet(names []string) *Projection {
	pr := &Projection{}
	for _, n := range names {
		if !slices.ContainsFunc(pr.paths, func(p Path) bool { return p[0].Name == n }) {
			pr.paths = append(pr.paths, Path{{Name: n}})
		}
	}
	return pr
}

// Paths returns the projected document paths.
func (p *Projection) Paths() [][]PathElem {
	out := make([][]PathElem, len(p.paths))
	for i, x := range p.paths {
		out[i] = x
	}
	return out
}

// TopLevelNames returns the distinct top-level attribute names projected.
func (p *Projection) TopLevelNames() []string {
	var out []string
	for _, x := range p.paths {
		if !slices.Contains(out, x[0].Name) {
			out = append(out, x[0].Name)
		}
	}
	return out
}

// projNode is a trie of projected paths.
type projNode struct {
	leaf bool
	keys map[string]*projNode
	idx  map[int]*projNode
}

// child returns (creating) the trie node for e.
func (n *projNode) child(e PathElem) *projNode {
	if e.IsIndex {
		if n.idx == nil {
			n.idx = make(map[int]*projNode)
		}
		c := n.idx[e.Index]
		if c == nil {
			c = &projNode{}
			n.idx[e.Index] = c
		}
		return c
	}
	if n.keys == nil {
		n.keys = make(map[string]*projNode)
	}
	c := n.keys[e.Name]
	if c == nil {
		c = &projNode{}
		n.keys[e.Name] = c
	}
	return c
}

// Apply returns the projected parts of item, keeping their nesting: list
// elements keep their relative order, maps only the projected keys. A nil
// item gives nil.
func (p *Projection) Apply(item map[string]dynamodbapi.AttributeValue) map[string]dynamodbapi.AttributeValue {
	if item == nil {
		return nil
	}
	root := &projNode{}
	for _, path := range p.paths {
		n := root
		for _, e := range path {
			n = n.child(e)
		}
		n.leaf = true
	}
	out := make(map[string]av)
	for k, n := range root.keys {
		if v, ok := item[k]; ok {
			if pv, ok := project(v, n); ok {
				out[k] = pv
			}
		}
	}
	return out
}

// project returns the parts of v the trie node n selects.
func project(v av, n *projNode) (av, bool) {
	if n.leaf {
		return attr.CloneValue(v), true
	}
	if v.M != nil && len(n.keys) > 0 {
		m := make(map[string]av)
		for k, c := range n.keys {
			if x, ok := v.M[k]; ok {
				if px, ok := project(x, c); ok {
					m[k] = px
				}
			}
		}
		if len(m) > 0 {
			return av{M: m}, true
		}
	}
	if v.L != nil && len(n.idx) > 0 {
		idx := make([]int, 0, len(n.idx))
		for i := range n.idx {
			idx = append(idx, i)
		}
		slices.Sort(idx)
		var l []av
		for _, i := range idx {
			if i < len(v.L) {
				if px, ok := project(v.L[i], n.idx[i]); ok {
					l = append(l, px)
				}
			}
		}
		if len(l) > 0 {
			return av{L: l}, true
		}
	}
	return av{}, false
}
