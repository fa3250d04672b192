package service

import "github.com/unkai-cloud/unkai/internal/protocol"

// Peers lets a provider call other services in-process through the same
// typed operations a client would use (Lambda writing through Logs'
// PutLogEvents, DynamoDB exporting into S3), never by reaching into their
// stores. The server registers every provider's APIs after provisioning
// them all and before starting any, so look handlers up when a call is
// made, not in a Factory.
//
// The caller's context must carry the scope (account and region) the call
// acts in. No authorizer runs: a provider acting on another account's
// resource checks that account's rules itself.
type Peers struct {
	apis map[*protocol.Service]protocol.Handlers
}

// NewPeers returns an empty registry.
func NewPeers() *Peers {
	return &Peers{apis: map[*protocol.Service]protocol.Handlers{}}
}

// Unwrapper is implemented by a handler registry that puts checks of the
// HTTP request in front of a provider's typed handlers (S3's expected
// bucket owner); Unwrap returns the typed handlers themselves, which Peers
// hands to in-process callers.
type Unwrapper interface {
	Unwrap() protocol.Handlers
}

// Register records the handlers serving api. The server calls it before
// any provider starts; it is not safe to call while requests run.
func (p *Peers) Register(api API) {
	h := api.Handlers
	if u, ok := h.(Unwrapper); ok {
		h = u.Unwrap()
	}
	if h != nil {
		p.apis[api.Descriptor] = h
	}
}

// Handlers returns the handlers serving api (a pointer to its generated
// Handlers struct, e.g. *s3api.Handlers), or nil when no provider serves it.
func (p *Peers) Handlers(api *protocol.Service) protocol.Handlers {
	if p == nil {
		return nil
	}
	return p.apis[api]
}
