package app

import (
	"log/slog"

	"github.com/unkai-cloud/unkai/internal/clock"
	"github.com/unkai-cloud/unkai/internal/gateway"
	"github.com/unkai-cloud/unkai/internal/gateway/detect"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/service"
)

// newDetector indexes the routed APIs for service detection. Anonymous
// requests nothing else identifies go to S3, as public-object reads do.
func newDetector(descs []*protocol.Service) *detect.Detector {
	return detect.New(descs, detect.Options{Fallback: "s3"})
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// newAuthenticator builds the authenticator the auth mode asks for. It
// accepts the temporary credentials creds (STS) issued, if any.
func newAuthenticator(cfg Config, c clock.Clock, creds service.CredentialSource) (gateway.Authenticator, error) {
	var opts []gateway.AuthOption
	if creds != nil {
		opts = append(opts, gateway.WithCredentials(creds))
	}
	if cfg.Auth != AuthStrict {
		return gateway.NewOpenAuth(append(opts, gateway.WithClock(c.Now))...), nil
	}
	var keys []gateway.Key
	if cfg.AccessKeyID != "" {
		keys = append(keys, gateway.Key{AccessKeyID: cfg.AccessKeyID, SecretAccessKey: cfg.SecretAccessKey})
	}
	for _, k := range cfg.Keys {
		keys = append(keys, gateway.Key{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey})
	}
	return gateway.NewStrictAuth(keys, c.Now, opts...)
}

// addCORSResolver routes the cross-origin decisions for p's APIs to p when it
// decides them itself (S3, for buckets with CORS rules).
func addCORSResolver(m map[*protocol.Service]service.CORSResolver, p service.Provider) {
	r, ok := p.(service.CORSResolver)
	if !ok {
		return
	}
	for _, api := range p.APIs() {
		m[api.Descriptor] = r
	}
}

// addAuthorizer routes the access decisions for p's APIs to p when it makes
// them itself (S3: bucket policies and ACLs). Only strict mode enforces
// them; open mode serves every request as its signer's account.
func addAuthorizer(m map[*protocol.Service]service.Authorizer, p service.Provider) {
	a, ok := p.(service.Authorizer)
	if !ok {
		return
	}
	for _, api := range p.APIs() {
		m[api.Descriptor] = a
	}
}
