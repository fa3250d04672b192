package service

import (
	"context"
	"errors"
	"time"
)

// ErrUnknownCredential is what a CredentialSource returns (wrapped or not)
// for an access key id it never issued, or no longer keeps.
var ErrUnknownCredential = errors.New("service: unknown credential")

// CredentialSource looks up the temporary credentials a provider issued
// (STS's session and federation tokens), so that the gateway can
// authenticate requests signed with them against every service. The
// server hands the one source it has to the authenticator, which asks it
// only about access key ids that look temporary ("ASIA...").
type CredentialSource interface {
	// Credential returns the credential of accessKeyID, expired or not,
	// or an error wrapping ErrUnknownCredential. Other errors are internal
	// failures.
	Credential(ctx context.Context, accessKeyID string) (Credential, error)
}

// Credential is one set of temporary credentials.
type Credential struct {
	// AccessKeyID, SecretAccessKey and SessionToken are what the client
	// signs with; the token travels in X-Amz-Security-Token.
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	// Account is the 12-digit account the credentials act in: the
	// account of the caller that obtained them.
	Account string
	// PrincipalARN and UserID say who calls with them, as
	// GetCallerIdentity answers: the account root
	// ("arn:aws:iam::<account>:root", "<account>") for session tokens,
	// the federated user ("arn:aws:sts::<account>:federated-user/<name>",
	// "<account>:<name>") for federation tokens.
	PrincipalARN string
	UserID       string
	// Expiration is when the credentials stop working.
	Expiration time.Time
}

// Expired reports whether c no longer works at now.
func (c Credential) Expired(now time.Time) bool { return !now.Before(c.Expiration) }
