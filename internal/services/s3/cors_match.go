package s3

import (
	"context"
	"net/http"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/service"
)

// ResolveCORS implements service.CORSResolver: a bucket with a CORS
// configuration decides cross-origin requests to itself and its objects by
// its first rule matching the origin, the method and (for a preflight) every
// requested header. The bucket is found by name alone, whoever owns it,
// since preflights are unsigned. A bucket without a configuration, or a name
// no bucket has, is left to the gateway's default.
func (p *Provider) ResolveCORS(ctx context.Context, req service.CORSRequest) (service.CORSDecision, bool) {
	var rules []s3api.CORSRule
	found, err := readConfig(ctx, p.store, req.Resource, cfgCORS, &rules)
	if err != nil || !found {
		return service.CORSDecision{}, false
	}
	rule := matchCORSRule(rules, req.Origin, req.Method, req.Headers)
	if rule == nil {
		return service.CORSDecision{Denial: errCORSForbidden(req)}, true
	}
	return corsDecision(rule, req), true
}

// corsDecision is the answer rule gives to req: the origin echoed (or "*"
// for a rule allowing every origin, then without credentials), the rule's
// methods and exposed headers, its max age, and the requested headers.
func corsDecision(rule *s3api.CORSRule, req service.CORSRequest) service.CORSDecision {
	d := service.CORSDecision{
		Allowed:       true,
		AllowOrigin:   req.Origin,
		AllowMethods:  rule.AllowedMethods,
		ExposeHeaders: rule.ExposeHeaders,
		MaxAge:        -1,
	}
	if wildcardOrigin(rule, req.Origin) {
		d.AllowOrigin = "*"
	} else {
		d.AllowCredentials = true
	}
	if rule.MaxAgeSeconds != nil {
		d.MaxAge = *rule.MaxAgeSeconds
	}
	for _, h := range req.Headers {
		d.AllowHeaders = append(d.AllowHeaders, strings.ToLower(h))
	}
	return d
}

// wildcardOrigin reports whether the origin matched only through a bare "*"
// origin of rule.
func wildcardOrigin(rule *s3api.CORSRule, origin string) bool {
	for _, o := range rule.AllowedOrigins {
		if o != "*" && wildcardMatch(o, origin, false) {
			return false
		}
	}
	return true
}

// matchCORSRule returns the first rule allowing origin, method and every
// one of headers, or nil.
func matchCORSRule(rules []s3api.CORSRule, origin, method string, headers []string) *s3api.CORSRule {
	for i := range rules {
		r := &rules[i]
		if anyMatch(r.AllowedOrigins, origin, false) && contains(r.AllowedMethods, method) && allHeadersAllowed(r.AllowedHeaders, headers) {
			return r
		}
	}
	return nil
}

func allHeadersAllowed(allowed, headers []string) bool {
	for _, h := range headers {
		if !anyMatch(allowed, h, true) {
			return false
		}
	}
	return true
}

func anyMatch(patterns []string, s string, fold bool) bool {
	for _, p := range patterns {
		if wildcardMatch(p, s, fold) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// wildcardMatch matches s against a pattern holding at most one "*", which
// stands for any run of characters. Header names compare without case
// (fold); origins compare exactly.
func wildcardMatch(pattern, s string, fold bool) bool {
	if fold {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	before, after, wild := strings.Cut(pattern, "*")
	if !wild {
		return pattern == s
	}
	return len(s) >= len(before)+len(after) && strings.HasPrefix(s, before) && strings.HasSuffix(s, after)
}

// corsForbidden is the extra members of S3's refusal of a preflight.
type corsForbidden struct {
	_            struct{} `type:"structure"`
	Method       *string  `type:"string"`
	ResourceType *string  `type:"string"`
}

// errCORSForbidden is S3's answer to a preflight no rule allows.
func errCORSForbidden(req service.CORSRequest) *awserr.Error {
	kind := "OBJECT"
	if req.Object == "" {
		kind = "BUCKET"
	}
	return awserr.New("AccessForbidden", http.StatusForbidden,
		"CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, "+
			"request method / Access-Control-Request-Method or Access-Control-Request-Headers are not "+
			"whitelisted by the resource's CORS spec.").
		WithFields(&corsForbidden{Method: ptr(req.Method), ResourceType: ptr(kind)})
}

var _ service.CORSResolver = (*Provider)(nil)
