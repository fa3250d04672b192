package gateway_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/api/stsapi"
	"github.com/unkai-cloud/unkai/internal/clock"
	"github.com/unkai-cloud/unkai/internal/gateway"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/service"
)

// fakeCreds is a CredentialSource over a map; it counts lookups.
type fakeCreds struct {
	m       map[string]service.Credential
	lookups int
}

func (f *fakeCreds) Credential(_ context.Context, akid string) (service.Credential, error) {
	f.lookups++
	c, ok := f.m[akid]
	if !ok {
		return service.Credential{}, fmt.Errorf("fake: %s: %w", akid, service.ErrUnknownCredential)
	}
	return c, nil
}

// signed returns a request to svc signed with the given key, secret and
// session token at t.
func signed(t *testing.T, svc *protocol.Service, akid, secret, token string, at time.Time) *http.Request {
	t.Helper()
	var r *http.Request
	var body string
	switch svc {
	case stsapi.Descriptor:
		body = "Action=GetCallerIdentity&Version=2011-06-15"
		r = httptest.NewRequest("POST", "http://localhost/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	case dynamodbapi.Descriptor:
		body = "{}"
		r = httptest.NewRequest("POST", "http://localhost/", strings.NewReader(body))
		r.Header.Set("X-Amz-Target", "DynamoDB_20120810.ListTables")
	default:
		r = httptest.NewRequest("GET", "http://localhost/bucket/key", nil)
	}
	sum := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(sum[:])
	r.Header.Set("X-Amz-Content-Sha256", hash)
	creds := aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret, SessionToken: token}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hash, svc.SigningName, "eu-west-1", at); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestTemporaryCredentials(t *testing.T) {
	now := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	clk := clock.NewFake(now)
	src := &fakeCreds{m: map[string]service.Credential{
		"ASIAVALIDVALIDVALID2": {AccessKeyID: "ASIAVALIDVALIDVALID2", SecretAccessKey: "temp-secret", SessionToken: "tok-valid",
			Account: "444455556666", Expiration: now.Add(time.Hour)},
		"ASIAEXPIREDEXPIRED22": {AccessKeyID: "ASIAEXPIREDEXPIRED22", SecretAccessKey: "old-secret", SessionToken: "tok-old",
			Account: "444455556666", Expiration: now.Add(-time.Second)},
	}}
	strict, err := gateway.NewStrictAuth([]gateway.Key{{AccessKeyID: "111122223333", SecretAccessKey: "root-secret"}}, clk.Now, gateway.WithCredentials(src))
	if err != nil {
		t.Fatal(err)
	}
	open := gateway.NewOpenAuth(gateway.WithCredentials(src), gateway.WithClock(clk.Now))
	tests := []struct {
		name                string
		auth                *gateway.SigV4Auth
		svc                 *protocol.Service
		akid, secret, token string
		account             string // on success
		code, message       string // on failure
		status              int
	}{
		{name: "strict long-term key", auth: strict, svc: stsapi.Descriptor, akid: "111122223333", secret: "root-secret", account: "111122223333"},
		{name: "strict temporary", auth: strict, svc: stsapi.Descriptor, akid: "ASIAVALIDVALIDVALID2", secret: "temp-secret", token: "tok-valid", account: "444455556666"},
		{name: "strict temporary to dynamodb", auth: strict, svc: dynamodbapi.Descriptor, akid: "ASIAVALIDVALIDVALID2", secret: "temp-secret", token: "tok-valid", account: "444455556666"},
		{name: "strict temporary to s3", auth: strict, svc: s3api.Descriptor, akid: "ASIAVALIDVALIDVALID2", secret: "temp-secret", token: "tok-valid", account: "444455556666"},
		{name: "strict no token", auth: strict, svc: stsapi.Descriptor, akid: "ASIAVALIDVALIDVALID2", secret: "temp-secret",
			code: "InvalidClientTokenId", message: "The security token included in the request is invalid.", status: 403},
		{name: "strict wrong token", auth: strict, svc: stsapi.Descriptor, akid: "ASIAVALIDVALIDVALID2", secret: "temp-secret", token: "tok-other",
			code: "InvalidClientTokenId", message: "The security token included in the request is invalid.", status: 403},
		{name: "strict wrong token to dynamodb", auth: strict, svc: dynamodbapi.Descriptor, akid: "ASIAVALIDVALIDVALID2", secret: "temp-secret", token: "tok-other",
			code: "UnrecognizedClientException", message: "The security token included in the request is invalid.", status: 400},
		{name: "strict wrong token to s3", auth: strict, svc: s3api.Descriptor, akid: "ASIAVALIDVALIDVALID2", secret: "temp-secret", token: "tok-other",
			code: "InvalidToken", message: "The provided token is malformed or otherwise invalid.", status: 400},
		{name: "strict wrong secret", auth: strict, svc: stsapi.Descriptor, akid: "ASIAVALIDVALIDVALID2", secret: "guess", token: "tok-valid",
			code: "SignatureDoesNotMatch", status: 403},
		{name: "strict expired", auth: strict, svc: stsapi.Descriptor, akid: "ASIAEXPIREDEXPIRED22", secret: "old-secret", token: "tok-old",
			code: "ExpiredToken", message: "The security token included in the request is expired", status: 403},
		{name: "strict expired to dynamodb", auth: strict, svc: dynamodbapi.Descriptor, akid: "ASIAEXPIREDEXPIRED22", secret: "old-secret", token: "tok-old",
			code: "ExpiredTokenException", message: "The security token included in the request is expired", status: 400},
		{name: "strict unknown temporary", auth: strict, svc: stsapi.Descriptor, akid: "ASIAUNKNOWNUNKNOWN22", secret: "x", token: "t",
			code: "InvalidClientTokenId", status: 403},
		{name: "open temporary", auth: open, svc: stsapi.Descriptor, akid: "ASIAVALIDVALIDVALID2", secret: "anything", account: "444455556666"},
		{name: "open temporary to s3", auth: open, svc: s3api.Descriptor, akid: "ASIAVALIDVALIDVALID2", secret: "anything", token: "tok-valid", account: "444455556666"},
		{name: "open expired", auth: open, svc: stsapi.Descriptor, akid: "ASIAEXPIREDEXPIRED22", secret: "anything", token: "tok-old",
			code: "ExpiredToken", message: "The security token included in the request is expired", status: 403},
		{name: "open expired to s3", auth: open, svc: s3api.Descriptor, akid: "ASIAEXPIREDEXPIRED22", secret: "anything", token: "tok-old",
			code: "ExpiredToken", message: "The provided token has expired.", status: 400},
		{name: "open unknown temporary", auth: open, svc: stsapi.Descriptor, akid: "ASIAUNKNOWNUNKNOWN22", secret: "x", account: "000000000000"},
		{name: "open 12-digit key", auth: open, svc: stsapi.Descriptor, akid: "777788889999", secret: "x", account: "777788889999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := signed(t, tt.svc, tt.akid, tt.secret, tt.token, now)
			sc, aerr := tt.auth.Authenticate(r, tt.svc)
			if tt.code != "" {
				if aerr == nil || aerr.Code != tt.code || aerr.Status != tt.status || (tt.message != "" && aerr.Message != tt.message) {
					t.Fatalf("Authenticate = %+v, %v; want %s (%d) %q", sc, aerr, tt.code, tt.status, tt.message)
				}
				return
			}
			if aerr != nil {
				t.Fatalf("Authenticate: %v", aerr)
			}
			if sc.Account != tt.account || sc.AccessKey != tt.akid || sc.Region != "eu-west-1" {
				t.Errorf("scope = %+v, want account %s", sc, tt.account)
			}
		})
	}
	// Only temporary-looking keys cost a lookup.
	before := src.lookups
	for _, a := range []*gateway.SigV4Auth{strict, open} {
		if _, aerr := a.Authenticate(signed(t, stsapi.Descriptor, "111122223333", "root-secret", "", now), stsapi.Descriptor); aerr != nil {
			t.Fatal(aerr)
		}
	}
	if src.lookups != before {
		t.Errorf("long-term keys looked up %d times", src.lookups-before)
	}
}
