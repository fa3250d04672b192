package detect

import (
	"cmp"
	"slices"
	"strings"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// Detector resolves requests to services. It is built once from the served
// services' descriptors and is safe for concurrent use.
type Detector struct {
	bySigning  map[string][]*protocol.Service // signing name
	byTarget   map[string][]*protocol.Service // X-Amz-Target prefix
	byEndpoint map[string][]*protocol.Service // endpoint prefix
	byPath     map[string][]*protocol.Service // literal leading path, see pathKey
	byVersion  map[string][]*protocol.Service // API version, query and ec2 first
	query      []*protocol.Service            // every query and ec2 service

	domains     []string // local domains, longest first
	aws         []string // AWS's domains
	s3          *protocol.Service
	connections *protocol.Service // API Gateway management API
	invoke      *protocol.Service // owner of execute-api invocations
	fallback    *protocol.Service
}

// targetAliases maps X-Amz-Target prefixes that clients send but the models
// do not declare to the service (by name) that owns them: CloudWatch's
// JSON and CBOR protocols name its Smithy service shape.
func targetAliases() map[string]string {
	return map[string]string{"GraniteServiceVersion20100801": "monitoring"}
}

// New indexes services for detection.
func New(services []*protocol.Service, opts Options) *Detector {
	d := &Detector{
		bySigning:  map[string][]*protocol.Service{},
		byTarget:   map[string][]*protocol.Service{},
		byEndpoint: map[string][]*protocol.Service{},
		byPath:     map[string][]*protocol.Service{},
		byVersion:  map[string][]*protocol.Service{},
	}
	byName := map[string]*protocol.Service{}
	for _, s := range services {
		if s == nil {
			continue
		}
		byName[s.Name] = s
		add(d.bySigning, s.SigningName, s)
		add(d.byTarget, s.TargetPrefix, s)
		add(d.byEndpoint, s.EndpointPrefix, s)
		add(d.byVersion, s.APIVersion, s)
		if s.Protocol == protocol.Query || s.Protocol == protocol.EC2 {
			d.query = append(d.query, s)
		}
		if s.Protocol == protocol.RESTJSON || s.Protocol == protocol.RESTXML {
			for _, op := range s.Operations {
				add(d.byPath, pathKey(op.RequestURI), s)
			}
		}
	}
	for prefix, name := range targetAliases() {
		if s := byName[name]; s != nil && len(d.byTarget[prefix]) == 0 {
			add(d.byTarget, prefix, s)
		}
	}
	for _, m := range []map[string][]*protocol.Service{d.bySigning, d.byTarget, d.byEndpoint, d.byPath} {
		for _, list := range m {
			slices.SortFunc(list, preferred)
		}
	}
	for _, list := range d.byVersion {
		slices.SortStableFunc(list, func(a, b *protocol.Service) int {
			return cmp.Compare(queryRank(a), queryRank(b))
		})
	}
	slices.SortFunc(d.query, preferred)

	d.s3 = byName["s3"]
	d.connections = byName["apigatewaymanagementapi"]
	d.invoke = byName["apigateway"]
	if d.invoke == nil {
		d.invoke = byName["apigatewayv2"]
	}
	if opts.Fallback != "" {
		d.fallback = byName[opts.Fallback]
	}
	d.aws = awsDomains()
	d.domains = opts.Domains
	if d.domains == nil {
		d.domains = DefaultDomains()
	}
	d.domains = slices.Clone(d.domains)
	for i, dom := range d.domains {
		d.domains[i] = strings.Trim(strings.ToLower(dom), ".")
	}
	slices.SortFunc(d.domains, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	return d
}

// add appends s to m[key] once; empty keys are not indexed.
func add(m map[string][]*protocol.Service, key string, s *protocol.Service) {
	if key == "" || slices.Contains(m[key], s) {
		return
	}
	m[key] = append(m[key], s)
}

// preferred orders services sharing a key so that the one a bare key most
// likely means comes first: the service named like its signing name
// (dynamodb over its streams, apigateway over apigatewayv2, rds over
// neptune), then the one named like its endpoint prefix, then by name.
func preferred(a, b *protocol.Service) int {
	if c := cmp.Compare(rank(a), rank(b)); c != 0 {
		return c
	}
	return cmp.Compare(a.Name, b.Name)
}

func rank(s *protocol.Service) int {
	switch {
	case s.Name == squash(s.SigningName):
		return 0
	case s.Name == squash(s.EndpointPrefix):
		return 1
	}
	return 2
}

// squash drops the dots and dashes that service names leave out of
// signing names and endpoint prefixes ("cognito-idp" is "cognitoidp").
func squash(s string) string {
	return strings.NewReplacer(".", "", "-", "").Replace(s)
}

// queryRank puts query and ec2 services before others of one API version.
func queryRank(s *protocol.Service) int {
	if s.Protocol == protocol.Query || s.Protocol == protocol.EC2 {
		return 0
	}
	return 1
}
