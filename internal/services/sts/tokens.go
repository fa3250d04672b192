package sts

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/stsapi"
	"github.com/unkai-cloud/unkai/internal/arn"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
)

// Durations of GetSessionToken and GetFederationToken, in seconds. The
// API accepts 900 to 129600 (the codec enforces the model's bounds) and
// defaults to 43200; but sessions obtained with an account's root
// credentials last at most an hour, longer requests getting an hour, as
// AWS documents for both operations. Until IAM users exist every caller
// signs as its account's root, so every session lasts at most an hour.
const (
	defaultDuration = 43200
	minDuration     = 900
	maxDuration     = 129600
	rootMaxDuration = 3600
)

// sessionDuration returns the lifetime of credentials a root caller asked
// for with DurationSeconds d (nil for the default).
func sessionDuration(d *int64) (time.Duration, error) {
	secs := int64(defaultDuration)
	if d != nil {
		secs = *d
	}
	if err := durationInRange(secs); err != nil {
		return 0, err
	}
	return time.Duration(min(secs, rootMaxDuration)) * time.Second, nil
}

// durationInRange repeats the model's bounds for callers that skip the
// codec (in-process peers), with the codec's message.
func durationInRange(secs int64) error {
	switch {
	case secs < minDuration:
		return validationError("Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to %d", secs, minDuration)
	case secs > maxDuration:
		return validationError("Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to %d", secs, maxDuration)
	}
	return nil
}

// validationError is a one-violation ValidationError as query services
// word it.
func validationError(format string, args ...any) *awserr.Error {
	e := awserr.New("ValidationError", http.StatusBadRequest, format, args...)
	e.Message = "1 validation error detected: " + e.Message
	return e
}

// refuseSessionCaller answers AccessDenied when the caller signed with
// temporary credentials: AWS issues session and federation tokens only to
// long-term credentials.
func (p *Provider) refuseSessionCaller(ctx context.Context, op string) error {
	sc := scope.From(ctx)
	if !isTemporary(sc.AccessKey) {
		return nil
	}
	_, err := p.lookup(ctx, sc.AccessKey)
	switch {
	case errors.Is(err, service.ErrUnknownCredential):
		// An ASIA key unkai never issued, which open mode serves as
		// any other unknown key: as a long-term one.
		return nil
	case err != nil:
		return err
	}
	return awserr.New("AccessDenied", http.StatusForbidden, "Cannot call %s with session credentials", op)
}

// getSessionToken issues session credentials of the caller's account. They
// act as the caller: its account's root. MFA (SerialNumber, TokenCode) is
// not checked, as no MFA device exists without IAM.
func (p *Provider) getSessionToken(ctx context.Context, in *stsapi.GetSessionTokenRequest) (*stsapi.GetSessionTokenResponse, error) {
	if err := p.refuseSessionCaller(ctx, "GetSessionToken"); err != nil {
		return nil, err
	}
	d, err := sessionDuration(in.DurationSeconds)
	if err != nil {
		return nil, err
	}
	sc := scope.From(ctx)
	now := p.clock.Now().UTC().Truncate(time.Second)
	rec := &credRecord{
		Account: sc.Account,
		ARN:     rootARN(sc),
		UserID:  sc.Account,
		Kind:    kindSession,
		Parent:  sc.AccessKey,
		Issued:  now,
		Expires: now.Add(d),
	}
	akid, err := p.issue(ctx, rec)
	if err != nil {
		return nil, err
	}
	return &stsapi.GetSessionTokenResponse{Credentials: credentials(akid, rec)}, nil
}

// getFederationToken issues the credentials of a federated user named by
// the caller. Its session policies are checked and kept, but not enforced:
// nothing in unkai evaluates identity policies before IAM exists.
func (p *Provider) getFederationToken(ctx context.Context, in *stsapi.GetFederationTokenRequest) (*stsapi.GetFederationTokenResponse, error) {
	if err := p.refuseSessionCaller(ctx, "GetFederationToken"); err != nil {
		return nil, err
	}
	if in.Name == nil {
		return nil, validationError("Value null at 'name' failed to satisfy constraint: Member must not be null")
	}
	d, err := sessionDuration(in.DurationSeconds)
	if err != nil {
		return nil, err
	}
	sp, err := checkSessionPolicies(in)
	if err != nil {
		return nil, err
	}
	sc := scope.From(ctx)
	name := *in.Name
	now := p.clock.Now().UTC().Truncate(time.Second)
	rec := &credRecord{
		Account:    sc.Account,
		ARN:        arn.Global("sts", sc.Region, sc.Account, "federated-user/"+name).String(),
		UserID:     sc.Account + ":" + name,
		Kind:       kindFederation,
		Parent:     sc.AccessKey,
		Name:       name,
		Policy:     sp.policy,
		PolicyARNs: sp.arns,
		Tags:       sp.tags,
		Issued:     now,
		Expires:    now.Add(d),
	}
	akid, err := p.issue(ctx, rec)
	if err != nil {
		return nil, err
	}
	return &stsapi.GetFederationTokenResponse{
		Credentials:      credentials(akid, rec),
		FederatedUser:    &stsapi.FederatedUser{FederatedUserId: &rec.UserID, Arn: &rec.ARN},
		PackedPolicySize: &sp.packedPercent,
	}, nil
}

// getAccessKeyInfo answers the account of an access key: the issuing
// account of temporary credentials unkai issued (expired or not, until
// swept: AWS says the answer does not tell a key's state), and for any
// other key the account unkai serves it as (a 12-digit key id is its own
// account, though the API's 16-character minimum refuses such ids before
// they get here, as AWS does).
func (p *Provider) getAccessKeyInfo(ctx context.Context, in *stsapi.GetAccessKeyInfoRequest) (*stsapi.GetAccessKeyInfoResponse, error) {
	if in.AccessKeyId == nil {
		return nil, validationError("Value null at 'accessKeyId' failed to satisfy constraint: Member must not be null")
	}
	akid := *in.AccessKeyId
	account := scope.AccountForAccessKey(akid)
	rec, err := p.lookup(ctx, akid)
	switch {
	case err == nil:
		account = rec.Account
	case !errors.Is(err, service.ErrUnknownCredential):
		return nil, err
	}
	return &stsapi.GetAccessKeyInfoResponse{Account: &account}, nil
}

// getCallerIdentity answers who signed the request: for long-term keys
// (every one of them is its account's root until IAM users exist) the
// account root, whose user id is the account id; for temporary
// credentials the principal they were issued to.
func (p *Provider) getCallerIdentity(ctx context.Context, _ *stsapi.GetCallerIdentityRequest) (*stsapi.GetCallerIdentityResponse, error) {
	sc := scope.From(ctx)
	account, userID, principal := sc.Account, sc.Account, rootARN(sc)
	if isTemporary(sc.AccessKey) {
		rec, err := p.lookup(ctx, sc.AccessKey)
		switch {
		case err == nil:
			account, userID, principal = rec.Account, rec.UserID, rec.ARN
		case !errors.Is(err, service.ErrUnknownCredential):
			return nil, err
		}
	}
	return &stsapi.GetCallerIdentityResponse{UserId: &userID, Account: &account, Arn: &principal}, nil
}

// rootARN is the ARN of the root user of the scope's account.
func rootARN(sc scope.Scope) string {
	return arn.Global("iam", sc.Region, sc.Account, "root").String()
}

// credentials is the wire form of an issued credential.
func credentials(akid string, rec *credRecord) *stsapi.Credentials {
	exp := rec.Expires
	return &stsapi.Credentials{
		AccessKeyId:     &akid,
		SecretAccessKey: &rec.Secret,
		SessionToken:    &rec.Token,
		Expiration:      &exp,
	}
}
