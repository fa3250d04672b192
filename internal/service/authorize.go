package service

import (
	"context"
	"net/http"
	"net/netip"
)

// Authorizer is implemented by providers whose resources carry their own
// access rules, as S3 buckets carry policies and ACLs. In strict auth mode
// the gateway calls it for every request to the provider's APIs, after the
// request is authenticated and decoded and before the handler runs; such
// services also receive unsigned requests, as anonymous ones (the scope in
// ctx says so), which the authorizer allows or refuses. Open mode calls no
// authorizer: it is for tests that do not care about access control.
type Authorizer interface {
	// Authorize decides req, whose scope is in ctx. It returns the
	// context the handler runs with, which may carry a different scope:
	// a request allowed to act on another account's resource runs in
	// that account. A refusal is the error the client gets (an
	// *awserr.Error the service's codec encodes).
	Authorize(ctx context.Context, req AuthRequest) (context.Context, error)
}

// AuthRequest is what an authorizer knows of a request.
type AuthRequest struct {
	// Operation is the operation's name, e.g. "GetObject".
	Operation string
	// Input is the decoded input (a pointer to the generated request
	// type). Streaming members have not been read.
	Input any
	// SourceIP is the client's address as the connection shows it.
	SourceIP netip.Addr
	// Secure is true for requests that arrived over TLS.
	Secure bool
	// Header is the request's header; authorizers must not change it.
	Header http.Header
}
