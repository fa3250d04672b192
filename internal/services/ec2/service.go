// Package ec2 is unkai's EC2 provider. This first slice serves the region
// and Availability Zone catalogue (DescribeRegions,
// DescribeAvailabilityZones) from the region table; instances, VPCs and
// volumes come with the EC2/VPC/EBS work.
package ec2

import (
	"net/http"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/ec2api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/service"
)

// Name is the provider's name.
const Name = "ec2"

// Provider serves EC2.
type Provider struct {
	deps     service.Deps
	handlers ec2api.Handlers
}

// Factory returns the EC2 provider's factory.
func Factory() service.Factory {
	return service.Factory{Name: Name, New: func(d service.Deps) (service.Provider, error) { return New(d), nil }}
}

// New provisions the provider.
func New(d service.Deps) *Provider {
	p := &Provider{deps: d}
	p.handlers.DescribeRegions = p.describeRegions
	p.handlers.DescribeAvailabilityZones = p.describeAvailabilityZones
	return p
}

// Name implements service.Provider.
func (p *Provider) Name() string { return Name }

// APIs implements service.Provider.
func (p *Provider) APIs() []service.API {
	return []service.API{{Descriptor: ec2api.Descriptor, Handlers: &p.handlers}}
}

// dryRunError is what EC2 answers to a permitted request with DryRun set.
func dryRunError() *awserr.Error {
	return awserr.New("DryRunOperation", http.StatusPreconditionFailed, "Request would have succeeded, but DryRun flag is set.")
}

func invalidParameterValue(format string, args ...any) *awserr.Error {
	return awserr.New("InvalidParameterValue", http.StatusBadRequest, format, args...)
}

// filterSet is a parsed list of EC2 filters: every filter must match (AND),
// any value of one filter may match (OR), values may use * and ? wildcards.
type filterSet map[string][]string

// parseFilters checks filter names against those the operation supports.
func parseFilters(fs []ec2api.Filter, supported ...string) (filterSet, *awserr.Error) {
	out := filterSet{}
	for _, f := range fs {
		name := ""
		if f.Name != nil {
			name = *f.Name
		}
		ok := false
		for _, s := range supported {
			if s == name {
				ok = true
				break
			}
		}
		if !ok {
			return nil, invalidParameterValue("The filter '%s' is invalid", name)
		}
		out[name] = append(out[name], f.Values...)
	}
	return out, nil
}

// match reports whether the value of filter name passes (true when the
// filter is absent).
func (fs filterSet) match(name, value string) bool {
	patterns, ok := fs[name]
	if !ok {
		return true
	}
	for _, p := range patterns {
		if wildcard(p, value) {
			return true
		}
	}
	return false
}

// matchAll reports whether a resource with the given attribute values passes
// every filter; a filter on an attribute the resource lacks matches nothing.
func (fs filterSet) matchAll(attrs map[string]string) bool {
	for name := range fs {
		v, ok := attrs[name]
		if !ok || !fs.match(name, v) {
			return false
		}
	}
	return true
}

// wildcard matches s against an EC2 filter pattern: * is any run of
// characters, ? any one character, and \ escapes the next character.
func wildcard(pattern, s string) bool {
	if !strings.ContainsAny(pattern, `*?\`) {
		return pattern == s
	}
	var rec func(p, s string) bool
	rec = func(p, s string) bool {
		for len(p) > 0 {
			switch p[0] {
			case '*':
				for len(p) > 0 && p[0] == '*' {
					p = p[1:]
				}
				if len(p) == 0 {
					return true
				}
				for i := 0; i <= len(s); i++ {
					if rec(p, s[i:]) {
						return true
					}
				}
				return false
			case '?':
				if len(s) == 0 {
					return false
				}
				p, s = p[1:], s[1:]
			case '\\':
				if len(p) > 1 {
					p = p[1:]
				}
				fallthrough
			default:
				if len(s) == 0 || s[0] != p[0] {
					return false
				}
				p, s = p[1:], s[1:]
			}
		}
		return len(s) == 0
	}
	return rec(pattern, s)
}
