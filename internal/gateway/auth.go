package gateway

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/sigv4"
)

// SigV4Auth authenticates requests by their SigV4 signature.
//
// In open mode the signature must parse (a malformed one is refused with
// the protocol's error), the account comes from the access key and any
// secret is accepted; unsigned requests act as the default account in
// us-east-1. In strict mode a signed request must be signed with a known
// key and the signature, clock skew and presigned expiry are verified; an
// unsigned one is anonymous (its scope says so, with no account), which
// only services with a service.Authorizer serve.
type SigV4Auth struct {
	strict   bool
	verifier *sigv4.Verifier
}

// Key is an access key pair known to strict mode.
type Key struct {
	AccessKeyID     string
	SecretAccessKey string
}

// NewOpenAuth returns the open-mode authenticator.
func NewOpenAuth() *SigV4Auth { return &SigV4Auth{} }

// NewStrictAuth returns a strict-mode authenticator that knows keys.
func NewStrictAuth(keys []Key, now func() time.Time) (*SigV4Auth, error) {
	secrets := make(map[string]string, len(keys))
	for _, k := range keys {
		secrets[k.AccessKeyID] = k.SecretAccessKey
	}
	v, err := sigv4.NewVerifier(sigv4.Options{
		Now: now,
		Secret: func(_ context.Context, a *sigv4.Auth) (string, error) {
			s, ok := secrets[a.AccessKeyID]
			if !ok {
				return "", sigv4.ErrUnknownAccessKey
			}
			return s, nil
		},
	})
	if err != nil {
		return nil, err
	}
	return &SigV4Auth{strict: true, verifier: v}, nil
}

// Authenticate implements Authenticator.
func (a *SigV4Auth) Authenticate(r *http.Request, svc *protocol.Service) (scope.Scope, *awserr.Error) {
	dialect := sigv4.DialectOf(svc.Protocol, svc.SigningName)
	parsed, err := sigv4.Parse(r)
	if err != nil {
		var se *sigv4.Error
		if errors.As(err, &se) && se.Kind == sigv4.KindMissing {
			if a.strict {
				// Whether anyone may send it is for the resource's
				// rules (an S3 bucket policy): the gateway serves it
				// to services with an authorizer and refuses it with
				// this error elsewhere. A browser-form upload carries
				// its signature in the form, which the S3 handler
				// verifies with Verifier.
				return scope.Scope{Region: scope.DefaultRegion, Anonymous: true}, nil
			}
			return scope.Scope{Account: scope.DefaultAccount, Region: scope.DefaultRegion}, nil
		}
		return scope.Scope{}, sigv4.ToAWS(err, dialect)
	}
	if parsed.V2 && svc.SigningName != "s3" {
		return scope.Scope{}, sigv4.ToAWS(&sigv4.Error{Kind: sigv4.KindUnsupported,
			Detail: "Unsupported AWS 'algorithm': 'AWS'."}, dialect)
	}
	if a.strict {
		if _, err := a.verifier.VerifyAuth(r, parsed); err != nil {
			return scope.Scope{}, sigv4.ToAWS(err, dialect)
		}
	}
	region := parsed.Region
	if region == "" {
		region = scope.DefaultRegion
	}
	return scope.Scope{
		Account:   scope.AccountForAccessKey(parsed.AccessKeyID),
		Region:    region,
		AccessKey: parsed.AccessKeyID,
	}, nil
}

// Verifier returns the strict-mode signature verifier, nil in open mode.
// The gateway hands it to handlers (sigv4.NewContext) for signatures that
// travel in a request body.
func (a *SigV4Auth) Verifier() *sigv4.Verifier { return a.verifier }

var _ Authenticator = (*SigV4Auth)(nil)
