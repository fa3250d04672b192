// Package detect decides which AWS service a request is for, before anything
// is decoded: from the SigV4 credential scope, then X-Amz-Target, then the
// Host header, then the path, then the query protocol's Action and Version.
// The answer names a service descriptor and, where the host carries them,
// an S3 bucket or an API Gateway API id.
package detect

import (
	"net/http"
	"strings"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// Result is what Detect found.
type Result struct {
	// Service is the service the request is for.
	Service *protocol.Service
	// Bucket is the S3 bucket named by a virtual-hosted-style host
	// ("bucket.s3.localhost", "bucket.localhost"); empty for path style.
	Bucket string
	// APIID is the API id of an "<apiId>.execute-api.<domain>" host.
	APIID string
	// BasePath is the part of the path before the operation's own URI, that
	// the codec must ignore: the stage of an API Gateway management
	// endpoint ("/prod" in "/prod/@connections/abc").
	BasePath string
	// Website is true when the host is an S3 website endpoint
	// ("<bucket>.s3-website-<region>.<domain>",
	// "<bucket>.s3-website.<region>.<domain>"): a browser's request for the
	// bucket's website, whatever it is signed with; Bucket names the bucket
	// and Region the host's region.
	Website bool
	Region  string
	// Invoke is true when the request calls a deployed API (API Gateway's
	// data plane) on an execute-api host rather than a service API; Service
	// is then the "apigateway" service, or "apigatewayv2" without it, and
	// the provider finds the API by APIID.
	Invoke bool
}

// Options configure a Detector.
type Options struct {
	// Domains are the local domains whose subdomains name buckets, API ids
	// and services ("bucket.s3.localhost", "sqs.localhost"). Nil means
	// DefaultDomains. AWS's own domains are always recognised.
	Domains []string
	// Fallback names the service (by Service.Name) of requests nothing
	// identifies, e.g. "s3" for anonymous path-style object reads. Empty
	// means such requests are not detected.
	Fallback string
}

// DefaultDomains returns the local domains used when Options.Domains is nil.
func DefaultDomains() []string {
	return []string{"localhost", "localhost.localstack.cloud"}
}

// awsDomains are the suffixes of AWS's public endpoints.
func awsDomains() []string {
	return []string{"amazonaws.com", "amazonaws.com.cn"}
}

// Detect names the service r is for. It reads r's body only for a
// form-encoded request whose query holds no Action, and then puts back an
// equivalent body, so the codec reads it as if untouched.
func (d *Detector) Detect(r *http.Request) (Result, bool) {
	h := d.parseHost(r.Host)
	if h.website && d.s3 != nil {
		return Result{Service: d.s3, Bucket: h.bucket(false), Website: true, Region: h.region}, true
	}
	if name := signingName(r); name != "" {
		if cands := d.bySigning[name]; len(cands) > 0 {
			return d.result(d.choose(cands, r), r, h), true
		}
	}
	if cands := d.targetServices(r.Header.Get("X-Amz-Target")); len(cands) > 0 {
		return d.result(d.choose(cands, r), r, h), true
	}
	if res, ok := d.fromHost(r, h); ok {
		return res, true
	}
	if cands := d.pathServices(r); len(cands) > 0 {
		return d.result(d.choose(cands, r), r, h), true
	}
	if svc := d.fromAction(r, nil); svc != nil {
		return d.result(svc, r, h), true
	}
	if d.s3 != nil && (h.local && h.rest != "" || isSigV2(r)) {
		return d.result(d.s3, r, h), true
	}
	if d.fallback != nil {
		return d.result(d.fallback, r, h), true
	}
	return Result{}, false
}

// choose picks one of several services sharing a signing name, target
// prefix, endpoint prefix or path: by X-Amz-Target, then path, then Action.
// Ties go to the first candidate (see preferred).
func (d *Detector) choose(cands []*protocol.Service, r *http.Request) *protocol.Service {
	if len(cands) == 1 {
		return cands[0]
	}
	if s := first(d.targetServices(r.Header.Get("X-Amz-Target")), cands); s != nil {
		return s
	}
	if s := first(d.pathServices(r), cands); s != nil {
		return s
	}
	for _, c := range cands {
		if c.Protocol == protocol.Query || c.Protocol == protocol.EC2 {
			if s := d.fromAction(r, cands); s != nil {
				return s
			}
			break
		}
	}
	return cands[0]
}

// first returns the first service of list that is also in among.
func first(list, among []*protocol.Service) *protocol.Service {
	for _, s := range list {
		for _, a := range among {
			if s == a {
				return s
			}
		}
	}
	return nil
}

// result completes a Result for svc with what the host and path say.
func (d *Detector) result(svc *protocol.Service, r *http.Request, h hostInfo) Result {
	res := Result{Service: svc}
	switch {
	case svc == d.s3:
		res.Bucket = h.bucket(true)
	case svc.SigningName == "execute-api":
		res.APIID = h.apiID
		if base, ok := connectionsBase(urlPath(r)); ok {
			res.BasePath = base
		} else if h.apiID != "" && d.invoke != nil {
			res.Service, res.Invoke = d.invoke, true
		}
	}
	return res
}

// fromHost detects the service from the host alone.
func (d *Detector) fromHost(r *http.Request, h hostInfo) (Result, bool) {
	switch {
	case !h.known || h.rest == "":
		return Result{}, false
	case h.s3Label >= 0 && d.s3 != nil:
		return d.result(d.s3, r, h), true
	case h.apiID != "":
		if _, ok := connectionsBase(urlPath(r)); ok && d.connections != nil {
			return d.result(d.connections, r, h), true
		}
		if d.invoke != nil {
			return Result{Service: d.invoke, APIID: h.apiID, Invoke: true}, true
		}
		return Result{}, false
	}
	rest := h.rest
	for {
		if cands := d.byEndpoint[rest]; len(cands) > 0 {
			return d.result(d.choose(cands, r), r, h), true
		}
		i := strings.LastIndexByte(rest, '.')
		if i < 0 {
			return Result{}, false
		}
		rest = rest[:i]
	}
}

// connectionsPath is the path segment of API Gateway's management API.
const connectionsPath = "/@connections"

// connectionsBase returns the stage prefix before "/@connections" when the
// path addresses the management API.
func connectionsBase(p string) (string, bool) {
	i := strings.Index(p, connectionsPath)
	if i < 0 {
		return "", false
	}
	if rest := p[i+len(connectionsPath):]; rest != "" && rest[0] != '/' {
		return "", false
	}
	return p[:i], true
}

// isSigV2 reports whether r is signed with signature version 2, which only
// S3 still accepts without an Action.
func isSigV2(r *http.Request) bool {
	if strings.HasPrefix(r.Header.Get("Authorization"), "AWS ") {
		return true
	}
	return r.URL != nil && queryValue(r.URL.RawQuery, "AWSAccessKeyId") != ""
}

func urlPath(r *http.Request) string {
	if r.URL == nil {
		return ""
	}
	return r.URL.Path
}
