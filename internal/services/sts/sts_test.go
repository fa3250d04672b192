package sts

import (
	"context"
	"errors"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/stsapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/clock"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage"
	"github.com/unkai-cloud/unkai/internal/storage/memory"
)

var epoch = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

const testAccount = "111122223333"

type fixture struct {
	p     *Provider
	clk   *clock.Fake
	store storage.Store
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	st := memory.New()
	tb.Cleanup(func() { st.Close() })
	return newFixtureOver(tb, st, clock.NewFake(epoch))
}

func newFixtureOver(tb testing.TB, st storage.Store, clk *clock.Fake) *fixture {
	tb.Helper()
	prov, err := Factory().New(service.Deps{Store: st, Clock: clk})
	if err != nil {
		tb.Fatal(err)
	}
	return &fixture{p: prov.(*Provider), clk: clk, store: st}
}

// as returns a context signed by akid, acting in account.
func as(account, akid string) context.Context {
	return scope.With(context.Background(), scope.Scope{Account: account, Region: "us-east-1", AccessKey: akid})
}

func root() context.Context { return as(testAccount, testAccount) }

func ptr[T any](v T) *T { return &v }

// wantCode checks that err is an AWS error with code and status.
func wantCode(t *testing.T, err error, code string, status int) {
	t.Helper()
	var ae *awserr.Error
	if !errors.As(err, &ae) || ae.Code != code || ae.Status != status {
		t.Fatalf("error = %v, want %s (%d)", err, code, status)
	}
}

var (
	akidRE   = regexp.MustCompile(`^ASIA[A-Z2-7]{16}$`)
	secretRE = regexp.MustCompile(`^[A-Za-z0-9+/]{40}$`)
)

func TestGetSessionTokenDurations(t *testing.T) {
	tests := []struct {
		name     string
		duration *int64
		want     time.Duration
		code     string
		message  string
	}{
		{name: "default is capped for root", want: time.Hour},
		{name: "shortest", duration: ptr[int64](900), want: 15 * time.Minute},
		{name: "an hour", duration: ptr[int64](3600), want: time.Hour},
		{name: "longer than an hour gives an hour", duration: ptr[int64](7200), want: time.Hour},
		{name: "longest", duration: ptr[int64](129600), want: time.Hour},
		{name: "too short", duration: ptr[int64](899), code: "ValidationError",
			message: "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{name: "too long", duration: ptr[int64](129601), code: "ValidationError",
			message: "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			out, err := f.p.getSessionToken(root(), &stsapi.GetSessionTokenRequest{DurationSeconds: tt.duration})
			if tt.code != "" {
				wantCode(t, err, tt.code, 400)
				if ae := err.(*awserr.Error); ae.Message != tt.message {
					t.Errorf("message = %q, want %q", ae.Message, tt.message)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c := out.Credentials
			if !akidRE.MatchString(*c.AccessKeyId) || !secretRE.MatchString(*c.SecretAccessKey) || len(*c.SessionToken) < 100 {
				t.Errorf("credentials = %s %s %s", *c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
			}
			if !c.Expiration.Equal(epoch.Add(tt.want)) {
				t.Errorf("expiration = %v, want %v", c.Expiration, epoch.Add(tt.want))
			}
			got, err := f.p.Credential(context.Background(), *c.AccessKeyId)
			if err != nil {
				t.Fatal(err)
			}
			want := service.Credential{
				AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey, SessionToken: *c.SessionToken,
				Account: testAccount, PrincipalARN: "arn:aws:iam::111122223333:root", UserID: testAccount,
				Expiration: epoch.Add(tt.want),
			}
			if got != want {
				t.Errorf("Credential = %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestGetFederationToken(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	noise := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[rng.IntN(62)]
		}
		return string(b)
	}
	noisyTags := make([]stsapi.Tag, 50)
	for i := range noisyTags {
		noisyTags[i] = stsapi.Tag{Key: ptr(noise(128)), Value: ptr(noise(256))}
	}
	allow := `{"Version":"2012-10-17","Statement":[{"Sid":"Stmt1","Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`
	arns := func(n int) []stsapi.PolicyDescriptorType {
		out := make([]stsapi.PolicyDescriptorType, n)
		for i := range out {
			out[i].Arn = ptr("arn:aws:iam::aws:policy/ReadOnlyAccess")
		}
		return out
	}
	tests := []struct {
		name   string
		in     stsapi.GetFederationTokenRequest
		code   string
		packed int64
	}{
		{name: "no policies", in: stsapi.GetFederationTokenRequest{Name: ptr("Bob")}},
		{name: "inline policy and tags", in: stsapi.GetFederationTokenRequest{Name: ptr("Bob"), Policy: &allow,
			Tags: []stsapi.Tag{{Key: ptr("Project"), Value: ptr("Pegasus")}, {Key: ptr("Cost-Center"), Value: ptr("98765")}}}, packed: 8},
		{name: "single statement object", in: stsapi.GetFederationTokenRequest{Name: ptr("Bob"),
			Policy: ptr(`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)}},
		{name: "ten managed policies", in: stsapi.GetFederationTokenRequest{Name: ptr("Bob"), PolicyArns: arns(10)}},
		{name: "eleven managed policies", in: stsapi.GetFederationTokenRequest{Name: ptr("Bob"), PolicyArns: arns(11)}, code: "ValidationError"},
		{name: "not JSON", in: stsapi.GetFederationTokenRequest{Name: ptr("Bob"), Policy: ptr(`{"Statement":[`)}, code: "MalformedPolicyDocument"},
		{name: "no statement", in: stsapi.GetFederationTokenRequest{Name: ptr("Bob"), Policy: ptr(`{}`)}, code: "MalformedPolicyDocument"},
		{name: "principal", in: stsapi.GetFederationTokenRequest{Name: ptr("Bob"),
			Policy: ptr(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:PutObject","Resource":"*"}]}`)}, code: "MalformedPolicyDocument"},
		{name: "duplicate tag keys", in: stsapi.GetFederationTokenRequest{Name: ptr("Bob"),
			Tags: []stsapi.Tag{{Key: ptr("team"), Value: ptr("a")}, {Key: ptr("Team"), Value: ptr("b")}}}, code: "InvalidParameterValue"},
		{name: "largest compressible policy", in: stsapi.GetFederationTokenRequest{Name: ptr("Bob"),
			Policy: ptr(`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"` + strings.Repeat("arn:aws:s3:::b/", 130) + `"}]}`)}},
		{name: "packed too large", in: stsapi.GetFederationTokenRequest{Name: ptr("Bob"), Tags: noisyTags}, code: "PackedPolicyTooLarge"},
		{name: "duration too short", in: stsapi.GetFederationTokenRequest{Name: ptr("Bob"), DurationSeconds: ptr[int64](60)}, code: "ValidationError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			out, err := f.p.getFederationToken(root(), &tt.in)
			if tt.code != "" {
				wantCode(t, err, tt.code, 400)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if *out.FederatedUser.Arn != "arn:aws:sts::111122223333:federated-user/Bob" || *out.FederatedUser.FederatedUserId != "111122223333:Bob" {
				t.Errorf("federated user = %s %s", *out.FederatedUser.Arn, *out.FederatedUser.FederatedUserId)
			}
			if tt.packed != 0 && *out.PackedPolicySize != tt.packed {
				t.Errorf("packed policy size = %d, want %d", *out.PackedPolicySize, tt.packed)
			}
			if !out.Credentials.Expiration.Equal(epoch.Add(time.Hour)) {
				t.Errorf("expiration = %v", out.Credentials.Expiration)
			}
			rec, err := f.p.lookup(context.Background(), *out.Credentials.AccessKeyId)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Name != "Bob" || rec.Kind != kindFederation || rec.Parent != testAccount ||
				(tt.in.Policy != nil) != (rec.Policy != "") || len(rec.PolicyARNs) != len(tt.in.PolicyArns) || len(rec.Tags) != len(tt.in.Tags) {
				t.Errorf("stored %+v", rec)
			}
		})
	}
}

// TestCallersAndIdentity checks who each kind of key is, and that session
// credentials cannot obtain more.
func TestCallersAndIdentity(t *testing.T) {
	f := newFixture(t)
	st, err := f.p.getSessionToken(as("444455556666", "AKIDLONGTERM"), &stsapi.GetSessionTokenRequest{})
	if err != nil {
		t.Fatal(err)
	}
	fed, err := f.p.getFederationToken(root(), &stsapi.GetFederationTokenRequest{Name: ptr("Alice")})
	if err != nil {
		t.Fatal(err)
	}
	sessionKey, fedKey := *st.Credentials.AccessKeyId, *fed.Credentials.AccessKeyId
	const unknown = "ASIAAAAAAAAAAAAAAAAA"
	tests := []struct {
		name                   string
		ctx                    context.Context
		account, userID, arn   string
		sessionOK, federateOK  bool
		accessKeyInfoOfSession string
	}{
		{"long-term key", as("000000000000", "AKIDLONGTERM"), "000000000000", "000000000000", "arn:aws:iam::000000000000:root", true, true, "444455556666"},
		{"12-digit key", root(), testAccount, testAccount, "arn:aws:iam::111122223333:root", true, true, "444455556666"},
		{"session credentials", as("444455556666", sessionKey), "444455556666", "444455556666", "arn:aws:iam::444455556666:root", false, false, "444455556666"},
		{"federation credentials", as(testAccount, fedKey), testAccount, "111122223333:Alice", "arn:aws:sts::111122223333:federated-user/Alice", false, false, "444455556666"},
		{"unknown temporary key", as("000000000000", unknown), "000000000000", "000000000000", "arn:aws:iam::000000000000:root", true, true, "444455556666"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := f.p.getCallerIdentity(tt.ctx, &stsapi.GetCallerIdentityRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if *id.Account != tt.account || *id.UserId != tt.userID || *id.Arn != tt.arn {
				t.Errorf("identity = %s %s %s", *id.Account, *id.UserId, *id.Arn)
			}
			_, err = f.p.getSessionToken(tt.ctx, &stsapi.GetSessionTokenRequest{})
			if tt.sessionOK != (err == nil) {
				t.Errorf("GetSessionToken: %v", err)
			}
			if !tt.sessionOK {
				wantCode(t, err, "AccessDenied", 403)
				if msg := err.(*awserr.Error).Message; msg != "Cannot call GetSessionToken with session credentials" {
					t.Errorf("message %q", msg)
				}
			}
			_, err = f.p.getFederationToken(tt.ctx, &stsapi.GetFederationTokenRequest{Name: ptr("Carol")})
			if tt.federateOK != (err == nil) {
				t.Errorf("GetFederationToken: %v", err)
			}
			info, err := f.p.getAccessKeyInfo(tt.ctx, &stsapi.GetAccessKeyInfoRequest{AccessKeyId: &sessionKey})
			if err != nil || *info.Account != tt.accessKeyInfoOfSession {
				t.Errorf("GetAccessKeyInfo = %v, %v", info, err)
			}
		})
	}
}

func TestGetAccessKeyInfo(t *testing.T) {
	f := newFixture(t)
	st, err := f.p.getSessionToken(as("444455556666", "444455556666"), &stsapi.GetSessionTokenRequest{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ key, want string }{
		{*st.Credentials.AccessKeyId, "444455556666"},
		{"555566667777", "555566667777"},
		{"AKIAIOSFODNN7EXAMPLE", "000000000000"},
		{"ASIAIOSFODNN7EXAMPLE", "000000000000"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			out, err := f.p.getAccessKeyInfo(root(), &stsapi.GetAccessKeyInfoRequest{AccessKeyId: &tt.key})
			if err != nil || *out.Account != tt.want {
				t.Errorf("GetAccessKeyInfo(%s) = %v, %v; want %s", tt.key, out, err, tt.want)
			}
		})
	}
}

// TestExpiryAndSweep moves the clock past a credential's expiry, then past
// the retention, and checks what the source and the sweep say at each step;
// a second provider over the same store (a restart) sees the same.
func TestExpiryAndSweep(t *testing.T) {
	f := newFixture(t)
	out, err := f.p.getSessionToken(root(), &stsapi.GetSessionTokenRequest{DurationSeconds: ptr[int64](900)})
	if err != nil {
		t.Fatal(err)
	}
	akid := *out.Credentials.AccessKeyId
	long, err := f.p.getSessionToken(root(), &stsapi.GetSessionTokenRequest{})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name        string
		advance     time.Duration
		expired     bool
		swept       int
		known       bool
		longExpired bool
	}{
		{"fresh", 0, false, 0, true, false},
		{"one second before expiry", 899 * time.Second, false, 0, true, false},
		{"at expiry", time.Second, true, 0, true, false},
		{"kept for the retention", expiredRetention - time.Second, true, 0, true, true},
		{"swept after it", 2 * time.Second, true, 1, false, true},
	}
	for _, s := range steps {
		f.clk.Advance(s.advance)
		n, err := f.p.sweepExpired(context.Background())
		if err != nil || n != s.swept {
			t.Fatalf("%s: sweep = %d, %v; want %d", s.name, n, err, s.swept)
		}
		for _, p := range []*Provider{f.p, newFixtureOver(t, f.store, f.clk).p} {
			c, err := p.Credential(context.Background(), akid)
			if !s.known {
				if !errors.Is(err, service.ErrUnknownCredential) {
					t.Errorf("%s: Credential = %+v, %v; want unknown", s.name, c, err)
				}
				continue
			}
			if err != nil || c.Expired(f.clk.Now()) != s.expired {
				t.Errorf("%s: Credential = %+v, %v; want expired %v", s.name, c, err, s.expired)
			}
			lc, err := p.Credential(context.Background(), *long.Credentials.AccessKeyId)
			if err != nil || lc.Expired(f.clk.Now()) != s.longExpired {
				t.Errorf("%s: long credential %+v, %v", s.name, lc, err)
			}
		}
	}
	if _, err := f.store.Get(context.Background(), credKey(akid)); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("swept credential still stored: %v", err)
	}
}

// TestResetForgetsCached checks that after the server wipes the store, the
// cache does not keep serving credentials.
func TestResetForgetsCached(t *testing.T) {
	f := newFixture(t)
	out, err := f.p.getSessionToken(root(), &stsapi.GetSessionTokenRequest{})
	if err != nil {
		t.Fatal(err)
	}
	akid := *out.Credentials.AccessKeyId
	if _, err := f.p.Credential(context.Background(), akid); err != nil {
		t.Fatal(err)
	}
	start, end := storage.PrefixRange(storage.Key(Name))
	if err := storage.Purge(context.Background(), f.store, start, end, 100); err != nil {
		t.Fatal(err)
	}
	if err := f.p.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.p.Credential(context.Background(), akid); !errors.Is(err, service.ErrUnknownCredential) {
		t.Errorf("after reset: %v", err)
	}
	if _, err := f.p.Credential(context.Background(), "AKIAIOSFODNN7EXAMPLE"); !errors.Is(err, service.ErrUnknownCredential) {
		t.Errorf("long-term key: %v", err)
	}
}

func TestCredCacheBounded(t *testing.T) {
	c := newCredCache(4)
	for i := range 20 {
		c.put(strings.Repeat("k", i+1), &credRecord{})
	}
	if n := len(c.cur) + len(c.prev); n > 8 {
		t.Errorf("cache holds %d records, want at most 8", n)
	}
	if _, ok := c.get(strings.Repeat("k", 20)); !ok {
		t.Error("latest record evicted")
	}
}

func TestSweepLoop(t *testing.T) {
	f := newFixture(t)
	if err := f.p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := f.p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	loops := f.p.Loops()
	if len(loops) != 1 || loops[0].Name != "credential sweep" || loops[0].Interval != "1m0s" {
		t.Errorf("loops = %+v", loops)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := f.p.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.p.Stop(ctx); err != nil {
		t.Fatal(err)
	}
}

func FuzzCheckPolicy(f *testing.F) {
	for _, s := range []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
		`{"Statement":{"Effect":"Deny","NotAction":"*","Resource":"*"}}`,
		`{"Statement":[{"Principal":"*"}]}`,
		`{"Statement":null}`, `[]`, `{`, `""`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		compact, err := checkPolicy(doc)
		if err != nil {
			var ae *awserr.Error
			if !errors.As(err, &ae) || ae.Code != "MalformedPolicyDocument" {
				t.Fatalf("checkPolicy(%q) = %v", doc, err)
			}
			return
		}
		again, err := checkPolicy(string(compact))
		if err != nil || string(again) != string(compact) {
			t.Fatalf("compacted %q does not check again: %q, %v", compact, again, err)
		}
	})
}
