// Package unkaitest starts an unkai server inside a Go test: in memory, on
// 127.0.0.1 with a free port, stopped when the test ends. Each server is
// independent, so tests can run in parallel with no shared state and no
// Docker.
//
//	srv := unkaitest.Start(t)
//	client := dynamodb.NewFromConfig(srv.AWSConfig())
package unkaitest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/unkai-cloud/unkai/internal/app"
)

// Server is a running in-process unkai.
type Server struct {
	// URL is the server's plain-HTTP endpoint.
	URL string
	// Region is the region AWSConfig signs for.
	Region string
	// AccessKeyID and SecretAccessKey are the credentials AWSConfig uses.
	AccessKeyID     string
	SecretAccessKey string

	srv *app.Server
}

// Option adjusts Start.
type Option func(*settings)

type settings struct {
	cfg    app.Config
	logger *slog.Logger
	region string
}

// WithDataDir keeps state on disk in dir (Pebble) instead of in memory.
func WithDataDir(dir string) Option {
	return func(s *settings) { s.cfg.Ephemeral, s.cfg.DataDir = false, dir }
}

// WithStrictAuth makes the server verify signatures against the given key
// pair, which AWSConfig then uses.
func WithStrictAuth(accessKeyID, secret string) Option {
	return func(s *settings) {
		s.cfg.Auth, s.cfg.AccessKeyID, s.cfg.SecretAccessKey = app.AuthStrict, accessKeyID, secret
	}
}

// WithStrictKey adds a key pair strict mode accepts besides WithStrictAuth's,
// so that a test can sign as several accounts (a 12-digit access key id is
// its own account). AWSConfig keeps signing with WithStrictAuth's pair.
func WithStrictKey(accessKeyID, secret string) Option {
	return func(s *settings) {
		s.cfg.Keys = append(s.cfg.Keys, app.KeyPair{AccessKeyID: accessKeyID, SecretAccessKey: secret})
	}
}

// WithAccessKey sets the access key AWSConfig signs with (in open mode any
// secret works; a 12-digit key selects that account).
func WithAccessKey(accessKeyID string) Option {
	return func(s *settings) { s.cfg.AccessKeyID = accessKeyID }
}

// WithRegion sets the region AWSConfig signs for (default us-east-1).
func WithRegion(region string) Option { return func(s *settings) { s.region = region } }

// WithLogger sends the server's request log to l (default: discarded).
func WithLogger(l *slog.Logger) Option { return func(s *settings) { s.logger = l } }

// Start starts a server and registers its shutdown with t.Cleanup.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	st := settings{
		cfg:    app.Config{Addr: "127.0.0.1:0", Ephemeral: true, Auth: app.AuthOpen, LogLevel: slog.LevelWarn},
		logger: slog.New(slog.DiscardHandler),
		region: "us-east-1",
	}
	for _, o := range opts {
		o(&st)
	}
	srv, err := app.New(st.cfg, app.WithLogger(st.logger))
	if err != nil {
		t.Fatalf("unkaitest: %v", err)
	}
	if err := srv.Start(context.Background()); err != nil {
		srv.Close(context.Background())
		t.Fatalf("unkaitest: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Close(ctx); err != nil {
			t.Errorf("unkaitest: close: %v", err)
		}
	})
	s := &Server{
		URL:             srv.URL(),
		Region:          st.region,
		AccessKeyID:     st.cfg.AccessKeyID,
		SecretAccessKey: st.cfg.SecretAccessKey,
		srv:             srv,
	}
	if s.AccessKeyID == "" {
		s.AccessKeyID = "test"
	}
	if s.SecretAccessKey == "" {
		s.SecretAccessKey = "test"
	}
	return s
}

// AWSConfig returns an aws-sdk-go-v2 configuration that talks to the server:
// its endpoint, region and static credentials. Only transport failures are
// retried (quickly, twice at most): the SDK's HTTP client can lose a
// keep-alive connection to a race of its own under load (aws-sdk-go-v2 issue
// #2737), which would make tests flaky. AWS errors, including throttling and
// 5xx, are returned as the server sent them.
func (s *Server) AWSConfig() aws.Config {
	return aws.Config{
		Region:       s.Region,
		BaseEndpoint: aws.String(s.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(s.AccessKeyID, s.SecretAccessKey, ""),
		Retryer:      Retryer,
	}
}

// Retryer is the retry policy AWSConfig uses: transport failures only, at
// most twice, 10 ms apart.
func Retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 3
		o.MaxBackoff = 10 * time.Millisecond
		o.RateLimiter = ratelimit.None
		o.Retryables = []retry.IsErrorRetryable{retry.RetryableConnectionError{}}
	})
}

// CACertPEM returns the server's CA certificate, for HTTPS clients.
func (s *Server) CACertPEM() []byte { return s.srv.CACertPEM() }
