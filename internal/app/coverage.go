package app

import (
	"fmt"
	"io"
	"sort"

	"github.com/unkai-cloud/unkai/internal/service"
)

// APICoverage is how much of one API's model unkai serves.
type APICoverage struct {
	Service     string
	Implemented int
	Operations  int
	// Missing lists the operations that answer 501.
	Missing []string
}

// Coverage computes, from the handler registries themselves, which
// operations of each API are served.
func Coverage(apis []service.API) []APICoverage {
	out := make([]APICoverage, 0, len(apis))
	for _, api := range apis {
		c := APICoverage{Service: api.Descriptor.Name, Operations: len(api.Descriptor.Operations)}
		for _, op := range api.Descriptor.Operations {
			if api.Handlers != nil && api.Handlers.Lookup(op.Name) != nil {
				c.Implemented++
			} else {
				c.Missing = append(c.Missing, op.Name)
			}
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Service < out[j].Service })
	return out
}

// PrintCoverage provisions every provider on throw-away in-memory storage and
// prints implemented/total operations per API.
func PrintCoverage(w io.Writer) error {
	s, err := New(Config{Ephemeral: true, Auth: AuthOpen}, WithLogger(discardLogger()))
	if err != nil {
		return err
	}
	defer s.closeStorage()
	total, impl := 0, 0
	for _, c := range Coverage(s.apis) {
		fmt.Fprintf(w, "%-26s %4d / %4d\n", c.Service, c.Implemented, c.Operations)
		total += c.Operations
		impl += c.Implemented
	}
	fmt.Fprintf(w, "%-26s %4d / %4d\n", "total", impl, total)
	return nil
}
