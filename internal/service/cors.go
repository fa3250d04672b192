package service

import "context"

// CORSResolver is implemented by providers whose resources carry their own
// cross-origin rules, as S3 buckets do. The gateway asks the resolver of the
// service a request addresses before it applies its permissive default.
type CORSResolver interface {
	// ResolveCORS decides a cross-origin request. It reports false when the
	// resource has no rules of its own (the gateway's default then applies).
	// Preflights are unsigned, so the resolver finds the resource by name
	// alone, in whichever account owns it.
	ResolveCORS(ctx context.Context, req CORSRequest) (CORSDecision, bool)
}

// CORSRequest is what the gateway knows of a cross-origin request.
type CORSRequest struct {
	// Resource is the first segment of the path-style path: S3's bucket.
	Resource string
	// Object is the rest of the path (S3's key), empty for the resource
	// itself.
	Object string
	// Origin is the Origin header.
	Origin string
	// Method is Access-Control-Request-Method for a preflight, the
	// request's own method otherwise.
	Method string
	// Headers are the header names of Access-Control-Request-Headers
	// (preflights only).
	Headers []string
	// Preflight is true for an OPTIONS request with
	// Access-Control-Request-Method.
	Preflight bool
}

// CORSDecision is a resolver's answer. When Allowed is false the gateway
// answers a preflight with Denial and adds no CORS headers to an actual
// request.
type CORSDecision struct {
	Allowed bool
	// AllowOrigin is the Access-Control-Allow-Origin value ("*" or the
	// request's origin).
	AllowOrigin string
	// AllowMethods, AllowHeaders and ExposeHeaders become the
	// comma-separated headers of the same names.
	AllowMethods  []string
	AllowHeaders  []string
	ExposeHeaders []string
	// MaxAge is Access-Control-Max-Age in seconds; negative omits it.
	MaxAge int64
	// AllowCredentials sends Access-Control-Allow-Credentials: true.
	AllowCredentials bool
	// Denial is the error a refused preflight answers (an *awserr.Error
	// the service's codec encodes).
	Denial error
}
