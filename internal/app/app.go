// Package app is the server's lifecycle: it opens storage, provisions every
// service provider, builds the gateway, listens (HTTP and HTTPS on one
// port), and shuts everything down in order.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/unkai-cloud/unkai/internal/clock"
	"github.com/unkai-cloud/unkai/internal/gateway"
	"github.com/unkai-cloud/unkai/internal/ids"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/services/all"
	"github.com/unkai-cloud/unkai/internal/storage"
	"github.com/unkai-cloud/unkai/internal/storage/memory"
	"github.com/unkai-cloud/unkai/internal/storage/pebble"
	"github.com/unkai-cloud/unkai/internal/tlsca"
)

// Server is one running unkai.
type Server struct {
	cfg       Config
	log       *slog.Logger
	logOut    *logWriter // batches the default stderr log; nil with WithLogger
	clock     clock.Clock
	store     storage.Store
	backend   string
	blobRoot  string
	tempRoot  string // removed on close (ephemeral blobs)
	ca        *tlsca.CA
	providers []service.Provider
	apis      []service.API
	gw        *gateway.Gateway
	ln        net.Listener
	srv       *http.Server
	started   time.Time
	serveErr  chan error
	closeOnce sync.Once
	closeErr  error
}

// Option adjusts how New builds a server (tests inject clocks and loggers).
type Option func(*options)

type options struct {
	clock  clock.Clock
	logger *slog.Logger
}

// WithClock sets the server's clock.
func WithClock(c clock.Clock) Option { return func(o *options) { o.clock = c } }

// WithLogger sets the server's logger.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// New opens storage and provisions every service. It does not listen yet.
func New(cfg Config, opts ...Option) (_ *Server, err error) {
	o := options{clock: clock.Real{}}
	for _, opt := range opts {
		opt(&o)
	}
	s := &Server{cfg: cfg, log: o.logger, clock: o.clock, serveErr: make(chan error, 1)}
	if s.log == nil {
		s.logOut = newLogWriter(os.Stderr)
		s.log = slog.New(slog.NewTextHandler(s.logOut, &slog.HandlerOptions{Level: cfg.LogLevel}))
	}
	defer func() {
		if err != nil {
			s.closeStorage()
			if s.logOut != nil {
				s.logOut.Close()
			}
		}
	}()

	if cfg.Ephemeral {
		s.store = memory.New()
		s.backend = "memory"
		dir, err := os.MkdirTemp("", "unkai-ephemeral-")
		if err != nil {
			return nil, fmt.Errorf("app: blob directory: %w", err)
		}
		s.tempRoot, s.blobRoot = dir, dir
		if s.ca, err = tlsca.New(); err != nil {
			return nil, fmt.Errorf("app: local CA: %w", err)
		}
	} else {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("app: data directory: %w", err)
		}
		db, err := pebble.Open(filepath.Join(cfg.DataDir, "kv"), pebble.Options{})
		if err != nil {
			return nil, fmt.Errorf("app: open storage: %w", err)
		}
		s.store, s.backend = db, "pebble"
		s.blobRoot = filepath.Join(cfg.DataDir, "blobs")
		if s.ca, err = tlsca.Load(filepath.Join(cfg.DataDir, "tls")); err != nil {
			return nil, fmt.Errorf("app: local CA: %w", err)
		}
	}

	idgen := ids.Generator{}
	provided := map[*protocol.Service]protocol.Handlers{}
	corsResolvers := map[*protocol.Service]service.CORSResolver{}
	authorizers := map[*protocol.Service]service.Authorizer{}
	hosts := map[string]service.HostServer{}
	var creds service.CredentialSource
	peers := service.NewPeers()
	for _, f := range all.Factories() {
		blobDir := filepath.Join(s.blobRoot, f.Name)
		if err := os.MkdirAll(blobDir, 0o700); err != nil {
			return nil, fmt.Errorf("app: blob directory of %s: %w", f.Name, err)
		}
		p, err := f.New(service.Deps{
			Store:   s.store,
			BlobDir: blobDir,
			Clock:   s.clock,
			IDs:     idgen,
			Logger:  s.log.With("provider", f.Name),
			Peers:   peers,
		})
		if err != nil {
			return nil, fmt.Errorf("app: provision %s: %w", f.Name, err)
		}
		s.providers = append(s.providers, p)
		for _, api := range p.APIs() {
			provided[api.Descriptor] = api.Handlers
			peers.Register(api)
		}
		addCORSResolver(corsResolvers, p)
		if hs, ok := p.(service.HostServer); ok {
			for _, kind := range hs.HostKinds() {
				hosts[kind] = hs
			}
		}
		if cfg.Auth == AuthStrict {
			addAuthorizer(authorizers, p)
		}
		if cs, ok := p.(service.CredentialSource); ok {
			creds = cs
		}
	}
	// Every known API is routed; those no provider serves answer 501 per
	// operation, so clients learn what is missing rather than "unknown".
	var routes []gateway.Route
	var descs []*protocol.Service
	for _, d := range all.Descriptors() {
		h := provided[d]
		routes = append(routes, gateway.Route{Service: d, Handlers: h})
		descs = append(descs, d)
		s.apis = append(s.apis, service.API{Descriptor: d, Handlers: h})
	}
	auth, err := newAuthenticator(cfg, s.clock, creds)
	if err != nil {
		return nil, err
	}
	s.gw, err = gateway.New(gateway.Config{
		Routes:   routes,
		Codecs:   all.Codecs(),
		Detector: newDetector(descs),
		Auth:     auth,
		Internal: s.internalHandler(),
		Logger:   s.log,
		Clock:    s.clock,
		IDs:      idgen,
		CORS:     corsResolvers,

		Authorizers: authorizers,
		Hosts:       hosts,
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Start listens on the configured address, starts providers' background
// work and serves in the background.
func (s *Server) Start(ctx context.Context) error {
	for _, p := range s.providers {
		if st, ok := p.(service.Starter); ok {
			if err := st.Start(ctx); err != nil {
				return fmt.Errorf("app: start %s: %w", p.Name(), err)
			}
		}
	}
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("app: listen: %w", err)
	}
	s.ln = tlsca.SniffListener(ln, s.ca.TLSConfig())
	s.srv = &http.Server{
		Handler:           s.gw,
		ReadHeaderTimeout: 30 * time.Second,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	s.started = s.clock.Now()
	go func() { s.serveErr <- s.srv.Serve(s.ln) }()
	return nil
}

// Handler returns the server's HTTP handler (the gateway), for serving
// requests in-process without a listener, as benchmarks do.
func (s *Server) Handler() http.Handler { return s.gw }

// Addr returns the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL returns the server's plain-HTTP endpoint, e.g. http://127.0.0.1:4566.
func (s *Server) URL() string { return "http://" + s.Addr() }

// CACertPEM returns the local CA's certificate, for clients that use HTTPS.
func (s *Server) CACertPEM() []byte { return s.ca.CertPEM() }

// ReadyLine is the one line printed once the server serves.
func (s *Server) ReadyLine() string {
	data := s.cfg.DataDir
	if s.cfg.Ephemeral {
		data = "memory, ephemeral"
	} else if home, err := os.UserHomeDir(); err == nil && home != "" && strings.HasPrefix(data, home+string(filepath.Separator)) {
		data = "~" + data[len(home):]
	}
	return fmt.Sprintf("unkai ready on %s (data: %s)", s.URL(), data)
}

// Close stops serving: in-flight requests finish (until ctx is done),
// providers stop in reverse order, and storage closes cleanly.
func (s *Server) Close(ctx context.Context) error {
	s.closeOnce.Do(func() {
		var errs []error
		if s.srv != nil {
			if err := s.srv.Shutdown(ctx); err != nil {
				errs = append(errs, err)
			}
		}
		for i := len(s.providers) - 1; i >= 0; i-- {
			if st, ok := s.providers[i].(service.Stopper); ok {
				if err := st.Stop(ctx); err != nil {
					errs = append(errs, fmt.Errorf("stop %s: %w", s.providers[i].Name(), err))
				}
			}
		}
		if err := s.closeStorage(); err != nil {
			errs = append(errs, err)
		}
		if s.logOut != nil {
			s.logOut.Close()
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

func (s *Server) closeStorage() error {
	var err error
	if s.store != nil {
		err = s.store.Close()
		s.store = nil
	}
	if s.tempRoot != "" {
		os.RemoveAll(s.tempRoot)
		s.tempRoot = ""
	}
	return err
}

// Run serves until ctx is cancelled (SIGINT/SIGTERM in main), printing the
// ready line to stdout once listening.
func Run(ctx context.Context, cfg Config, stdout io.Writer, opts ...Option) error {
	s, err := New(cfg, opts...)
	if err != nil {
		return err
	}
	if err := s.Start(ctx); err != nil {
		s.Close(context.Background())
		return err
	}
	fmt.Fprintln(stdout, s.ReadyLine())
	select {
	case <-ctx.Done():
	case err := <-s.serveErr:
		s.Close(context.Background())
		return fmt.Errorf("app: serve: %w", err)
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return s.Close(shutdownCtx)
}
