// Package sts is unkai's STS provider. This first slice answers
// GetCallerIdentity for the account the request's access key maps to; role
// assumption and temporary credentials come with IAM.
package sts

import (
	"context"

	"github.com/unkai-cloud/unkai/internal/api/stsapi"
	"github.com/unkai-cloud/unkai/internal/arn"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
)

// Name is the provider's name.
const Name = "sts"

// Provider serves STS.
type Provider struct {
	handlers stsapi.Handlers
}

// Factory returns the STS provider's factory.
func Factory() service.Factory {
	return service.Factory{Name: Name, New: func(service.Deps) (service.Provider, error) { return New(), nil }}
}

// New provisions the provider.
func New() *Provider {
	p := &Provider{}
	p.handlers.GetCallerIdentity = p.getCallerIdentity
	return p
}

// Name implements service.Provider.
func (p *Provider) Name() string { return Name }

// APIs implements service.Provider.
func (p *Provider) APIs() []service.API {
	return []service.API{{Descriptor: stsapi.Descriptor, Handlers: &p.handlers}}
}

// getCallerIdentity answers as AWS does for an account's root credentials:
// the user id is the account id and the ARN names the root user. Until IAM
// users exist, every access key is its account's root key.
func (p *Provider) getCallerIdentity(ctx context.Context, _ *stsapi.GetCallerIdentityRequest) (*stsapi.GetCallerIdentityResponse, error) {
	sc := scope.From(ctx)
	root := arn.Global("iam", sc.Region, sc.Account, "root").String()
	return &stsapi.GetCallerIdentityResponse{
		UserId:  &sc.Account,
		Account: &sc.Account,
		Arn:     &root,
	}, nil
}
