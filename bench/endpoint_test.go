package main

import (
	"context"
	"errors"
	"net/netip"
	"testing"
)

func fakeLookup(table map[string][]string) lookupFunc {
	return func(_ context.Context, host string) ([]netip.Addr, error) {
		addrs, ok := table[host]
		if !ok {
			return nil, errors.New("no such host")
		}
		var out []netip.Addr
		for _, a := range addrs {
			out = append(out, netip.MustParseAddr(a))
		}
		return out, nil
	}
}

func TestCheckEndpoint(t *testing.T) {
	lookup := fakeLookup(map[string][]string{
		"unkai.test":  {"127.0.0.1", "::1"},
		"mixed.test":  {"127.0.0.1", "10.0.0.1"},
		"remote.test": {"93.184.216.34"},
		"empty.test":  {},
	})
	tests := []struct {
		raw    string
		remote bool
		want   string // the endpoint kept, "" for a refusal
	}{
		{"http://127.0.0.1:4566", false, "http://127.0.0.1:4566"},
		{"http://127.0.0.1:4566/", false, "http://127.0.0.1:4566"},
		{"https://127.9.9.9", false, "https://127.9.9.9"},
		{"http://[::1]:4566", false, "http://[::1]:4566"},
		{"http://[::ffff:127.0.0.1]:4566", false, "http://[::ffff:127.0.0.1]:4566"},
		{"http://localhost:4566", false, "http://localhost:4566"},
		{"http://LOCALHOST.:4566", false, "http://LOCALHOST.:4566"},
		{"http://s3.localhost:4566", false, "http://s3.localhost:4566"},
		{"http://unkai.test:4566", false, "http://unkai.test:4566"},
		{"http://mixed.test:4566", false, ""},
		{"http://remote.test:4566", false, ""},
		{"http://remote.test:4566", true, "http://remote.test:4566"},
		{"http://empty.test", false, ""},
		{"http://unknown.test", false, ""},
		{"http://10.0.0.5:9000", false, ""},
		{"http://0.0.0.0:4566", false, ""},
		{"http://10.0.0.5:9000", true, "http://10.0.0.5:9000"},
		{"ftp://127.0.0.1", false, ""},
		{"127.0.0.1:4566", false, ""},
		{"http://", false, ""},
		{"http://:4566", false, ""},
		{"http://127.0.0.1:", false, ""},
		{"http://127.0.0.1:4566/prefix", false, ""},
		{"http://127.0.0.1:4566?x=1", false, ""},
		{"http://user:pw@127.0.0.1:4566", false, ""},
		{"http://127.0.0.1.evil.test", false, ""},
		{"http://%zz", false, ""},
	}
	for _, tt := range tests {
		u, err := checkEndpoint(context.Background(), tt.raw, tt.remote, lookup)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("checkEndpoint(%q, %v) = %v, want a refusal", tt.raw, tt.remote, u)
		case tt.want == "":
			if !errors.Is(err, errUsage) {
				t.Errorf("checkEndpoint(%q): error %v is not a usage error", tt.raw, err)
			}
		case err != nil:
			t.Errorf("checkEndpoint(%q, %v): %v", tt.raw, tt.remote, err)
		case u.String() != tt.want:
			t.Errorf("checkEndpoint(%q) = %q, want %q", tt.raw, u, tt.want)
		}
	}
}

func FuzzCheckEndpoint(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1:4566", "https://[::1]:443/", "http://localhost", "http://10.1.2.3", "http://[fe80::1%25lo]:80", "http://x/y?z"} {
		f.Add(s)
	}
	lookup := fakeLookup(map[string][]string{})
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := checkEndpoint(context.Background(), raw, false, lookup)
		if err != nil {
			return
		}
		// What passes without -allow-remote is loopback and has no path.
		if !isLoopbackHost(context.Background(), u.Hostname(), nil) || u.Path != "" {
			t.Fatalf("checkEndpoint(%q) accepted %v", raw, u)
		}
	})
}
