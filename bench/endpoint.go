package main

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// lookupFunc resolves a host name to addresses (net.DefaultResolver's
// LookupNetIP in production, a table in tests).
type lookupFunc func(ctx context.Context, host string) ([]netip.Addr, error)

func systemLookup(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// checkEndpoint parses an endpoint URL (http or https, host and optional
// port, no path) and, unless allowRemote, refuses hosts that are not
// loopback: a load generator must not be pointed at someone's server by a
// typo.
func checkEndpoint(ctx context.Context, raw string, allowRemote bool, lookup lookupFunc) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: endpoint: %w", errUsage, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%w: endpoint %q: scheme must be http or https", errUsage, raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("%w: endpoint %q has no host", errUsage, raw)
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%w: endpoint %q: give only scheme, host and port", errUsage, raw)
	}
	if p := u.Port(); p == "" && strings.HasSuffix(u.Host, ":") {
		return nil, fmt.Errorf("%w: endpoint %q has an empty port", errUsage, raw)
	}
	u.Path = ""
	if allowRemote {
		return u, nil
	}
	if !isLoopbackHost(ctx, u.Hostname(), lookup) {
		return nil, fmt.Errorf("%w: endpoint %q is not a loopback address; pass -allow-remote to load a remote server", errUsage, raw)
	}
	return u, nil
}

// isLoopbackHost reports whether host is a loopback address, "localhost",
// or a name that resolves to loopback addresses only.
func isLoopbackHost(ctx context.Context, host string, lookup lookupFunc) bool {
	if a, err := netip.ParseAddr(host); err == nil {
		return a.WithZone("").Unmap().IsLoopback()
	}
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	if lookup == nil {
		return false
	}
	addrs, err := lookup(ctx, host)
	if err != nil || len(addrs) == 0 {
		return false
	}
	for _, a := range addrs {
		if !a.WithZone("").Unmap().IsLoopback() {
			return false
		}
	}
	return true
}
