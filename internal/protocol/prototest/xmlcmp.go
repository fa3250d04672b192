package prototest

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// xnode is an XML element reduced to what the comparison looks at.
type xnode struct {
	name     string // local name only
	attrs    []string
	children []*xnode
	text     string
}

// parseXML reads one XML document into a tree. Namespace declarations are
// dropped; attributes keep their resolved namespace URI; text of elements
// that have child elements (indentation) is dropped.
func parseXML(s string) (*xnode, error) {
	dec := xml.NewDecoder(strings.NewReader(s))
	var stack []*xnode
	var root *xnode
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			n := &xnode{name: tk.Name.Local}
			for _, a := range tk.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue
				}
				n.attrs = append(n.attrs, a.Name.Space+" "+a.Name.Local+"="+strconv.Quote(a.Value))
			}
			slices.Sort(n.attrs)
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else if root == nil {
				root = n
			} else {
				return nil, errors.New("more than one root element")
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tk)
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

// canonical renders n with sorted attributes and sorted children, so that
// the comparison ignores attribute order, sibling order and whitespace
// between elements.
func (n *xnode) canonical(b *strings.Builder) {
	b.WriteString("<" + n.name)
	for _, a := range n.attrs {
		b.WriteString(" " + a)
	}
	b.WriteString(">")
	if len(n.children) == 0 {
		b.WriteString(strconv.Quote(n.text))
	} else {
		kids := make([]string, len(n.children))
		for i, c := range n.children {
			var cb strings.Builder
			c.canonical(&cb)
			kids[i] = cb.String()
		}
		slices.Sort(kids)
		b.WriteString(strings.Join(kids, ""))
	}
	b.WriteString("</" + n.name + ">")
}

// metadataElements are children of the root that carry the request id,
// which servers add and client tests may or may not list.
var metadataElements = []string{"ResponseMetadata", "RequestId", "requestId"}

// compareXML compares an XML body with the expected one as canonical trees:
//
//   - element namespaces and namespace declarations are ignored; attributes
//     compare by resolved namespace URI, local name and value;
//   - attribute order, sibling order and whitespace-only text between
//     elements are ignored; leaf text compares exactly (<a/> equals <a></a>);
//   - ResponseMetadata, RequestId and requestId children of the root are
//     dropped on both sides (servers add them; client tests list them
//     inconsistently);
//   - with ignoreRoot (rest-xml, whose client tests name the root
//     arbitrarily) the root element's name is ignored.
//
// An empty expected body accepts an empty body or a root with nothing in it.
func compareXML(want, got string, ignoreRoot bool) error {
	g := strings.TrimSpace(got)
	if strings.TrimSpace(want) == "" {
		if g == "" {
			return nil
		}
		n, err := parseXML(g)
		if err != nil {
			return fmt.Errorf("body is not XML: %w\nbody: %s", err, got)
		}
		n.dropMetadata()
		if len(n.children) == 0 && len(n.attrs) == 0 && strings.TrimSpace(n.text) == "" {
			return nil
		}
		return fmt.Errorf("body = %s, want empty", got)
	}
	wn, err := parseXML(want)
	if err != nil {
		return fmt.Errorf("expected body is not XML: %w", err)
	}
	gn, err := parseXML(g)
	if err != nil {
		return fmt.Errorf("body is not XML: %w\nbody: %s", err, got)
	}
	wn.dropMetadata()
	gn.dropMetadata()
	if ignoreRoot {
		wn.name, gn.name = "", ""
	}
	var wb, gb strings.Builder
	wn.canonical(&wb)
	gn.canonical(&gb)
	if wb.String() != gb.String() {
		return fmt.Errorf("XML body differs (canonical form)\n got: %s\nwant: %s\nbody: %s", gb.String(), wb.String(), got)
	}
	return nil
}

func (n *xnode) dropMetadata() {
	n.children = slices.DeleteFunc(n.children, func(c *xnode) bool {
		return slices.Contains(metadataElements, c.name)
	})
}
