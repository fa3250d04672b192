// Package sts is unkai's STS provider. It answers GetCallerIdentity, issues
// temporary credentials (GetSessionToken, GetFederationToken) that work
// against every service, and tells the account of an access key
// (GetAccessKeyInfo). Role assumption (AssumeRole*) and
// DecodeAuthorizationMessage need IAM and answer 501 until it exists.
//
// Issued credentials live in the shared store under
// storage.Key("sts", "credential", accessKeyID), with an expiry index
// under storage.Key("sts", "expiry") that a background loop sweeps. The
// provider is the server's service.CredentialSource: the gateway asks it
// about every request signed with an "ASIA" key.
package sts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/unkai-cloud/unkai/internal/api/stsapi"
	"github.com/unkai-cloud/unkai/internal/clock"
	"github.com/unkai-cloud/unkai/internal/ids"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Name is the provider's name and the first element of all its keys.
const Name = "sts"

// Provider serves STS.
type Provider struct {
	store    storage.Store
	clock    clock.Clock
	ids      ids.Generator
	handlers stsapi.Handlers
	cache    *credCache
	bg       *service.Background // the credential sweep
}

// Factory returns the STS provider's factory.
func Factory() service.Factory {
	return service.Factory{Name: Name, New: func(d service.Deps) (service.Provider, error) { return New(d) }}
}

// New provisions the provider over d. It needs a store; a nil clock means
// the system clock and a nil logger discards.
func New(d service.Deps) (*Provider, error) {
	if d.Store == nil {
		return nil, errors.New("sts: no store")
	}
	p := &Provider{store: d.Store, clock: d.Clock, ids: d.IDs, cache: newCredCache(cacheSize)}
	if p.clock == nil {
		p.clock = clock.Real{}
	}
	log := d.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p.bg = service.NewBackground(log, p.clock)
	p.bg.Every("credential sweep", sweepInterval, nil, func(ctx context.Context) error {
		_, err := p.sweepExpired(ctx)
		return err
	})
	p.handlers = stsapi.Handlers{
		GetCallerIdentity:  p.getCallerIdentity,
		GetSessionToken:    p.getSessionToken,
		GetFederationToken: p.getFederationToken,
		GetAccessKeyInfo:   p.getAccessKeyInfo,
	}
	return p, nil
}

// Name implements service.Provider.
func (p *Provider) Name() string { return Name }

// APIs implements service.Provider.
func (p *Provider) APIs() []service.API {
	return []service.API{{Descriptor: stsapi.Descriptor, Handlers: &p.handlers}}
}

// Start implements service.Starter: it starts the sweep of expired
// credentials.
func (p *Provider) Start(context.Context) error {
	p.bg.Start()
	return nil
}

// Stop implements service.Stopper: it ends the sweep, waiting for a pass
// in progress until ctx is done.
func (p *Provider) Stop(ctx context.Context) error {
	if err := p.bg.Stop(ctx); err != nil {
		return fmt.Errorf("sts: stop credential sweep: %w", err)
	}
	return nil
}

// Reset implements service.Resetter: the server wiped the stored
// credentials, so the cache forgets them too.
func (p *Provider) Reset(context.Context) error {
	p.cache.clear()
	return nil
}

// Loops implements service.LoopReporter: the credential sweep's record.
func (p *Provider) Loops() []service.LoopStatus { return p.bg.Status() }

var (
	_ service.Provider         = (*Provider)(nil)
	_ service.Starter          = (*Provider)(nil)
	_ service.Stopper          = (*Provider)(nil)
	_ service.Resetter         = (*Provider)(nil)
	_ service.LoopReporter     = (*Provider)(nil)
	_ service.CredentialSource = (*Provider)(nil)
)
