package app

import (
	"fmt"
	"io"
	"sort"
	"strings"

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
// prints implemented/total operations per API. Given API names, it prints
// each one's served and missing operations instead.
func PrintCoverage(w io.Writer, names ...string) error {
	s, err := New(Config{Ephemeral: true, Auth: AuthOpen}, WithLogger(discardLogger()))
	if err != nil {
		return err
	}
	defer s.closeStorage()
	all := Coverage(s.apis)
	if len(names) > 0 {
		return printOperations(w, s.apis, all, names)
	}
	total, impl := 0, 0
	for _, c := range all {
		fmt.Fprintf(w, "%-26s %4d / %4d\n", c.Service, c.Implemented, c.Operations)
		total += c.Operations
		impl += c.Implemented
	}
	fmt.Fprintf(w, "%-26s %4d / %4d\n", "total", impl, total)
	return nil
}

// printOperations lists, for each named API, its operations marked served
// ("+") or answering 501 ("-").
func printOperations(w io.Writer, apis []service.API, all []APICoverage, names []string) error {
	for _, name := range names {
		var api *service.API
		for i := range apis {
			if apis[i].Descriptor.Name == name {
				api = &apis[i]
			}
		}
		if api == nil {
			known := make([]string, len(all))
			for i, c := range all {
				known[i] = c.Service
			}
			return fmt.Errorf("unknown API %q (one of: %s)", name, strings.Join(known, ", "))
		}
		for _, c := range all {
			if c.Service == name {
				fmt.Fprintf(w, "%s: %d / %d\n", name, c.Implemented, c.Operations)
			}
		}
		for _, op := range api.Descriptor.Operations {
			mark := "-"
			if api.Handlers != nil && api.Handlers.Lookup(op.Name) != nil {
				mark = "+"
			}
			fmt.Fprintf(w, "  %s %s\n", mark, op.Name)
		}
	}
	return nil
}
