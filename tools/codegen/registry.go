package main

import (
	"bytes"
	"fmt"
	"go/format"
)

// servicesTest writes internal/api's test table of every generated package:
// its descriptor and an empty handler registry.
func servicesTest(dirs []string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(header)
	b.WriteString("package api_test\n\nimport (\n\t\"github.com/unkai-cloud/unkai/internal/protocol\"\n")
	for _, d := range dirs {
		fmt.Fprintf(&b, "\t\"github.com/unkai-cloud/unkai/internal/api/%sapi\"\n", packageKey(d))
	}
	b.WriteString(")\n\n// generated lists every generated package.\nvar generated = []struct {\n\tdescriptor *protocol.Service\n\thandlers   func() protocol.Handlers\n}{\n")
	for _, d := range dirs {
		k := packageKey(d)
		fmt.Fprintf(&b, "\t{%sapi.Descriptor, func() protocol.Handlers { return new(%sapi.Handlers) }},\n", k, k)
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("format services test: %w", err)
	}
	return src, nil
}
