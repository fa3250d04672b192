package gateway

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
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
//
// Temporary credentials (access key ids starting with "ASIA", issued by
// STS) are looked up in the service.CredentialSource given WithCredentials,
// and only those: other requests pay nothing for them. They act in the
// account that obtained them. Strict mode verifies the signature with the
// issued secret and requires the issued session token
// (X-Amz-Security-Token). Open mode checks neither, as it checks no
// secret, but still refuses expired credentials as AWS does: expiry is the
// point of temporary credentials, and a test that relies on it must see
// it in either mode. An ASIA key the source does not know acts, in open
// mode, as any unknown key: in the default account.
type SigV4Auth struct {
	strict   bool
	verifier *sigv4.Verifier
	creds    service.CredentialSource
	now      func() time.Time
	secrets  map[string]string // strict mode's long-term keys
}

// AuthOption adjusts an authenticator.
type AuthOption func(*SigV4Auth)

// WithCredentials makes the authenticator accept the temporary credentials
// src issued.
func WithCredentials(src service.CredentialSource) AuthOption {
	return func(a *SigV4Auth) { a.creds = src }
}

// WithClock sets the clock that expires temporary credentials in open
// mode (strict mode uses NewStrictAuth's clock); time.Now when unset.
func WithClock(now func() time.Time) AuthOption {
	return func(a *SigV4Auth) {
		if now != nil {
			a.now = now
		}
	}
}

// errInvalidToken reports a temporary access key id sent without its
// session token, or with another one. It is an unknown key to the
// verifier (InvalidClientTokenId, UnrecognizedClientException), but S3
// answers it with its own InvalidToken.
var errInvalidToken = fmt.Errorf("gateway: session token does not match: %w", sigv4.ErrUnknownAccessKey)

// temporaryPrefix starts the access key ids of temporary credentials.
const temporaryPrefix = "ASIA"

// Key is an access key pair known to strict mode.
type Key struct {
	AccessKeyID     string
	SecretAccessKey string
}

// NewOpenAuth returns the open-mode authenticator.
func NewOpenAuth(opts ...AuthOption) *SigV4Auth {
	a := &SigV4Auth{now: time.Now}
	for _, o := range opts {
		o(a)
	}
	return a
}

// NewStrictAuth returns a strict-mode authenticator that knows keys, and
// the temporary credentials of WithCredentials.
func NewStrictAuth(keys []Key, now func() time.Time, opts ...AuthOption) (*SigV4Auth, error) {
	if now == nil {
		now = time.Now
	}
	a := &SigV4Auth{strict: true}
	for _, o := range opts {
		o(a)
	}
	a.now = now // the verifier's clock expires credentials too
	a.secrets = make(map[string]string, len(keys))
	for _, k := range keys {
		a.secrets[k.AccessKeyID] = k.SecretAccessKey
	}
	v, err := sigv4.NewVerifier(sigv4.Options{
		Now: now,
		Secret: func(ctx context.Context, sa *sigv4.Auth) (string, error) {
			if s, ok := a.secrets[sa.AccessKeyID]; ok {
				return s, nil
			}
			c, err := a.temporary(ctx, sa.AccessKeyID)
			if err != nil {
				return "", err
			}
			if subtle.ConstantTimeCompare([]byte(sa.SecurityToken), []byte(c.SessionToken)) != 1 {
				return "", errInvalidToken
			}
			if c.Expired(a.now()) {
				return "", sigv4.ErrExpiredToken
			}
			return c.SecretAccessKey, nil
		},
	})
	if err != nil {
		return nil, err
	}
	a.verifier = v
	return a, nil
}

// temporary looks up the temporary credential of akid: keys that do not
// look temporary, and those the source does not know, are unknown keys.
func (a *SigV4Auth) temporary(ctx context.Context, akid string) (service.Credential, error) {
	if a.creds == nil || !strings.HasPrefix(akid, temporaryPrefix) {
		return service.Credential{}, sigv4.ErrUnknownAccessKey
	}
	c, err := a.creds.Credential(ctx, akid)
	switch {
	case errors.Is(err, service.ErrUnknownCredential):
		return service.Credential{}, fmt.Errorf("%w: %w", sigv4.ErrUnknownAccessKey, err)
	case err != nil:
		return service.Credential{}, fmt.Errorf("gateway: look up temporary credential: %w", err)
	}
	return c, nil
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
			return scope.Scope{}, authError(err, dialect)
		}
	}
	region := parsed.Region
	if region == "" {
		region = scope.DefaultRegion
	}
	account, aerr := a.account(r.Context(), parsed, dialect)
	if aerr != nil {
		return scope.Scope{}, aerr
	}
	return scope.Scope{
		Account:   account,
		Region:    region,
		AccessKey: parsed.AccessKeyID,
	}, nil
}

// account returns the account a request signed by p acts in: the account
// of the temporary credentials it was signed with, or the one its access
// key names. Strict mode has verified the credentials already; open mode
// refuses expired ones here.
func (a *SigV4Auth) account(ctx context.Context, p *sigv4.Auth, d sigv4.Dialect) (string, *awserr.Error) {
	if _, static := a.secrets[p.AccessKeyID]; static || a.creds == nil || !strings.HasPrefix(p.AccessKeyID, temporaryPrefix) {
		return scope.AccountForAccessKey(p.AccessKeyID), nil
	}
	c, err := a.temporary(ctx, p.AccessKeyID)
	switch {
	case errors.Is(err, sigv4.ErrUnknownAccessKey) && !a.strict:
		return scope.AccountForAccessKey(p.AccessKeyID), nil
	case errors.Is(err, sigv4.ErrUnknownAccessKey):
		// Swept between verification and now.
		return "", sigv4.ToAWS(&sigv4.Error{Kind: sigv4.KindUnknownKey, AccessKeyID: p.AccessKeyID}, d)
	case err != nil:
		return "", awserr.From(err)
	}
	if c.Expired(a.now()) {
		return "", sigv4.ToAWS(&sigv4.Error{Kind: sigv4.KindExpiredToken, AccessKeyID: p.AccessKeyID}, d)
	}
	return c.Account, nil
}

// authError maps a verification failure to the error of dialect d: S3
// answers a temporary key with a missing or wrong session token with
// InvalidToken, other services as for an unknown key.
func authError(err error, d sigv4.Dialect) *awserr.Error {
	if d == sigv4.DialectS3 && errors.Is(err, errInvalidToken) {
		return awserr.New("InvalidToken", http.StatusBadRequest, "The provided token is malformed or otherwise invalid.").WithCause(err)
	}
	return sigv4.ToAWS(err, d)
}

// Verifier returns the strict-mode signature verifier, nil in open mode.
// The gateway hands it to handlers (sigv4.NewContext) for signatures that
// travel in a request body.
func (a *SigV4Auth) Verifier() *sigv4.Verifier { return a.verifier }

var _ Authenticator = (*SigV4Auth)(nil)
