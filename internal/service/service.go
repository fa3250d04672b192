// Package service is the contract between the server and each service
// provider: what a provider is given (Deps), what it offers (APIs), and the
// optional lifecycle steps it may implement (Start, Stop, Reset), written
// down once as Caddy does for its modules.
//
// Lifecycle: the server calls the Factory (provision and validate), then
// Start on every provider that has it, serves requests, and on shutdown
// calls Stop in reverse order. Reset is called by /_unkai/reset after the
// server has wiped the provider's stored state.
package service

import (
	"context"
	"log/slog"

	"github.com/unkai-cloud/unkai/internal/clock"
	"github.com/unkai-cloud/unkai/internal/ids"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Deps is what the server hands every provider. Providers keep no other
// state outside it.
type Deps struct {
	// Store is the shared key-value store; a provider writes only under its
	// own prefix (see Keys).
	Store storage.Store
	// BlobDir is a directory the provider owns for large bodies (S3 objects,
	// volume data), beside the KV data.
	BlobDir string
	// Clock tells the time.
	Clock clock.Clock
	// IDs makes identifiers.
	IDs ids.Generator
	// Logger is the provider's logger (already tagged with its name).
	Logger *slog.Logger
	// Peers serves the other providers' APIs for in-process calls; it is
	// filled once every provider is provisioned.
	Peers *Peers
}

// API is one AWS API a provider serves: the generated descriptor and the
// provider's filled-in handler registry.
type API struct {
	Descriptor *protocol.Service
	Handlers   protocol.Handlers
}

// Provider is a running service implementation.
type Provider interface {
	// Name is the provider's name, e.g. "dynamodb"; its state lives under
	// this name in the store.
	Name() string
	// APIs lists the APIs it serves (DynamoDB serves dynamodb and
	// dynamodbstreams, say).
	APIs() []API
}

// Starter is implemented by providers with background work.
type Starter interface {
	Start(ctx context.Context) error
}

// Stopper is implemented by providers that must release something on
// shutdown. Stop must return when ctx is done.
type Stopper interface {
	Stop(ctx context.Context) error
}

// Resetter is implemented by providers that cache state in memory; Reset is
// called after their stored state was wiped.
type Resetter interface {
	Reset(ctx context.Context) error
}

// Factory provisions a provider from its dependencies.
type Factory struct {
	// Name is the provider's name (matches Provider.Name).
	Name string
	// New provisions and validates the provider.
	New func(Deps) (Provider, error)
}
