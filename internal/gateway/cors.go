package gateway

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/gateway/detect"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/service"
)

// exposedHeaders are the response headers browsers may read: what the AWS
// SDKs for JavaScript need to parse responses and errors.
const exposedHeaders = "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, x-amz-request-id, x-amz-id-2, " +
	"x-amz-version-id, x-amz-delete-marker, x-amz-server-side-encryption, x-amz-checksum-crc32, x-amz-checksum-crc32c, " +
	"x-amz-checksum-crc64nvme, x-amz-checksum-sha1, x-amz-checksum-sha256, x-amz-checksum-type, x-amz-mp-parts-count, " +
	"x-amz-apigw-id, x-amz-crc32, Date, ETag, Content-Length, Content-Range, Last-Modified, Location"

const allowedMethods = "GET, HEAD, PUT, POST, DELETE, PATCH, OPTIONS"

// cors adds the cross-origin headers browsers need to call unkai from a page
// on another origin, and answers preflight requests itself. It reports
// whether the request was fully answered.
//
// A service with a CORSResolver (S3) decides for resources that carry their
// own rules: a bucket with a CORS configuration answers as S3 does, by its
// first matching rule or with S3's 403. Everything else gets the permissive
// default below, which lets SDK-in-browser apps work. AWS refuses
// cross-origin calls to a bucket without a configuration ("CORS is not
// enabled for this bucket"); unkai keeps the default there on purpose, so
// browser apps work against a fresh local bucket without setup.
func (g *Gateway) cors(w *recorder, r *http.Request, res detect.Result, detected bool) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
	if d, rt, ok := g.resolveCORS(r, res, detected, origin, preflight); ok {
		return g.applyCORS(w, r, rt, d, preflight)
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Credentials", "true")
	h.Add("Vary", "Origin")
	if !preflight {
		h.Set("Access-Control-Expose-Headers", exposedHeaders)
		return false
	}
	h.Set("Access-Control-Allow-Methods", allowedMethods)
	if reqHeaders := r.Header.Get("Access-Control-Request-Headers"); reqHeaders != "" {
		h.Set("Access-Control-Allow-Headers", reqHeaders)
	} else {
		h.Set("Access-Control-Allow-Headers", "*")
	}
	h.Set("Access-Control-Expose-Headers", exposedHeaders)
	h.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusOK)
	return true
}

// resolveCORS asks the resolver of the service detection found (res), if
// it has one, about the resource named by the host or the first segment of
// the path.
func (g *Gateway) resolveCORS(r *http.Request, res detect.Result, detected bool, origin string, preflight bool) (service.CORSDecision, *route, bool) {
	if len(g.corsResolvers) == 0 || !detected || res.Invoke {
		return service.CORSDecision{}, nil, false
	}
	resolver := g.corsResolvers[res.Service]
	if resolver == nil {
		return service.CORSDecision{}, nil, false
	}
	resource, object := res.Bucket, strings.TrimPrefix(r.URL.Path, "/")
	if resource == "" {
		resource, object, _ = strings.Cut(object, "/")
	}
	if resource == "" {
		return service.CORSDecision{}, nil, false
	}
	if s, err := url.PathUnescape(resource); err == nil {
		resource = s
	}
	req := service.CORSRequest{Resource: resource, Object: object, Origin: origin, Method: r.Method, Preflight: preflight}
	if preflight {
		req.Method = r.Header.Get("Access-Control-Request-Method")
		req.Headers = splitHeaderList(r.Header.Values("Access-Control-Request-Headers"))
	}
	rt := g.routes[res.Service]
	if rt == nil {
		return service.CORSDecision{}, nil, false
	}
	d, ok := resolver.ResolveCORS(r.Context(), req)
	return d, rt, ok
}

// applyCORS writes a resolver's decision: a preflight is answered here (200
// or the denial), an actual request gets the headers and goes on.
func (g *Gateway) applyCORS(w *recorder, r *http.Request, rt *route, d service.CORSDecision, preflight bool) bool {
	h := w.Header()
	h.Add("Vary", "Origin")
	if preflight {
		h.Add("Vary", "Access-Control-Request-Headers")
		h.Add("Vary", "Access-Control-Request-Method")
	}
	if d.Allowed {
		h.Set("Access-Control-Allow-Origin", d.AllowOrigin)
		if len(d.AllowMethods) > 0 {
			h.Set("Access-Control-Allow-Methods", strings.Join(d.AllowMethods, ", "))
		}
		if preflight && len(d.AllowHeaders) > 0 {
			h.Set("Access-Control-Allow-Headers", strings.Join(d.AllowHeaders, ", "))
		}
		if len(d.ExposeHeaders) > 0 {
			h.Set("Access-Control-Expose-Headers", strings.Join(d.ExposeHeaders, ", "))
		}
		if d.MaxAge >= 0 {
			h.Set("Access-Control-Max-Age", strconv.FormatInt(d.MaxAge, 10))
		}
		if d.AllowCredentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
	}
	if !preflight {
		return false
	}
	call := &protocol.Call{Service: rt.svc, RequestID: g.newRequestID(rt.svc)}
	setRequestIDHeaders(h, rt.svc, call.RequestID, g.ids)
	if d.Allowed {
		w.WriteHeader(http.StatusOK)
		return true
	}
	e := awserr.From(d.Denial)
	if e == nil {
		e = awserr.New("AccessForbidden", http.StatusForbidden, "CORSResponse: This CORS request is not allowed.")
	}
	g.writeError(w, rt, call, e)
	return true
}

// splitHeaderList splits comma-separated header lists into trimmed names.
func splitHeaderList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				out = append(out, f)
			}
		}
	}
	return out
}
