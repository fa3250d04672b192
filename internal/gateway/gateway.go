// Package gateway is the request path every AWS call takes: an ordered chain
// of small steps (request id, recovery, CORS, internal routes, service
// detection, authentication, decode, dispatch, encode) ending at the handler
// a service registered for the operation. It knows services only through
// their generated descriptors and handler registries.
package gateway

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/clock"
	"github.com/unkai-cloud/unkai/internal/gateway/detect"
	"github.com/unkai-cloud/unkai/internal/ids"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/sigv4"
)

// Route is one service as the gateway serves it.
type Route struct {
	// Service is the generated descriptor.
	Service *protocol.Service
	// Handlers is the service's handler registry; operations it does not
	// serve answer 501.
	Handlers protocol.Handlers
	// Codec overrides the codec chosen from Service.Protocol (optional).
	Codec protocol.Codec
}

// Detector tells which service a request is for (detect.Detector).
type Detector interface {
	// Detect returns the service the request addresses, and where the host
	// carries them, the S3 bucket or API id.
	Detect(r *http.Request) (detect.Result, bool)
}

// Authenticator checks a request's signature and tells who sent it.
type Authenticator interface {
	// Authenticate returns the scope the request acts in (account from the
	// access key, region from the credential scope), or the AWS error the
	// request's protocol family should answer.
	Authenticate(r *http.Request, svc *protocol.Service) (scope.Scope, *awserr.Error)
}

// Config is what a Gateway is built from.
type Config struct {
	// Routes lists the served services.
	Routes []Route
	// Codecs maps a protocol name to the constructor of its codec.
	Codecs map[string]protocol.NewCodec
	// Detector resolves requests to services.
	Detector Detector
	// Auth authenticates requests.
	Auth Authenticator
	// Internal serves /_unkai/* (health, reset, CA); nil answers 404.
	Internal http.Handler
	// Logger receives one line per request.
	Logger *slog.Logger
	// Clock times requests.
	Clock clock.Clock
	// IDs makes request ids.
	IDs ids.Generator
	// CORS maps services to the resolvers that decide cross-origin
	// requests to their resources (S3 buckets with CORS rules); see cors.
	CORS map[*protocol.Service]service.CORSResolver
	// Authorizers maps services to the providers that decide who may call
	// them (S3, by bucket policies and ACLs); see service.Authorizer.
	// Strict mode sets it; anonymous requests to other services are
	// refused as unsigned.
	Authorizers map[*protocol.Service]service.Authorizer
	// Hosts maps host kinds (service.HostS3Website, ...) to the providers
	// answering plain HTTP on such hosts; see service.HostServer.
	Hosts map[string]service.HostServer
}

// Gateway is the http.Handler in front of every service.
type Gateway struct {
	routes   map[*protocol.Service]*route
	detector Detector
	auth     Authenticator
	internal http.Handler
	log      *slog.Logger
	clock    clock.Clock
	ids      ids.Generator
	// verifier is the strict-mode verifier handlers get in their context.
	verifier *sigv4.Verifier

	corsResolvers map[*protocol.Service]service.CORSResolver
	hosts         map[string]service.HostServer
}

type route struct {
	svc        *protocol.Service
	codec      protocol.Codec
	handlers   protocol.Handlers
	authorizer service.Authorizer
}

// New builds a gateway. It fails when a route's protocol has no codec.
func New(cfg Config) (*Gateway, error) {
	g := &Gateway{
		routes:   make(map[*protocol.Service]*route, len(cfg.Routes)),
		detector: cfg.Detector,
		auth:     cfg.Auth,
		internal: cfg.Internal,
		log:      cfg.Logger,
		clock:    cfg.Clock,
		ids:      cfg.IDs,

		corsResolvers: cfg.CORS,
		hosts:         cfg.Hosts,
	}
	if g.log == nil {
		g.log = slog.New(slog.DiscardHandler)
	}
	if g.clock == nil {
		g.clock = clock.Real{}
	}
	if v, ok := cfg.Auth.(interface{ Verifier() *sigv4.Verifier }); ok {
		g.verifier = v.Verifier()
	}
	for _, rt := range cfg.Routes {
		c := rt.Codec
		if c == nil {
			nc, ok := cfg.Codecs[rt.Service.Protocol]
			if !ok {
				return nil, fmt.Errorf("gateway: no codec for protocol %q of service %s", rt.Service.Protocol, rt.Service.Name)
			}
			c = nc(rt.Service)
		}
		g.routes[rt.Service] = &route{svc: rt.Service, codec: c, handlers: rt.Handlers, authorizer: cfg.Authorizers[rt.Service]}
	}
	return g, nil
}

// ServeHTTP runs the chain for one request.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := g.clock.Now()
	rec := &recorder{ResponseWriter: w}
	call := &protocol.Call{}
	var rt *route
	var sc scope.Scope
	var failure *awserr.Error

	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			failure = awserr.Internal(fmt.Errorf("panic: %v", p))
			if !rec.wrote {
				g.writeError(rec, rt, call, failure)
			}
		}
		g.logRequest(r, rt, call, sc, rec, failure, start)
	}()

	// Detection runs once; CORS needs it too (a bucket's own rules).
	internal := strings.HasPrefix(r.URL.Path, "/_unkai/")
	var res detect.Result
	detected := false
	if !internal && g.detector != nil {
		res, detected = g.detector.Detect(r)
	}
	if g.cors(rec, r, res, detected) {
		return
	}
	if internal {
		call.RequestID = g.ids.UUID()
		rec.Header().Set("x-amzn-RequestId", call.RequestID)
		if g.internal == nil {
			http.NotFound(rec, r)
			return
		}
		g.internal.ServeHTTP(rec, r)
		return
	}

	if detected && (res.Website || res.Invoke) {
		// Plain HTTP on a provider's own host (a bucket's website, a
		// deployed API): no signature, no operation; the provider answers.
		kind, name := service.HostS3Website, res.Bucket
		if res.Invoke {
			kind, name = service.HostExecuteAPI, res.APIID
		}
		if hs := g.hosts[kind]; hs != nil {
			rt = g.routes[res.Service]
			call.RequestID = g.newRequestID(res.Service)
			setRequestIDHeaders(rec.Header(), res.Service, call.RequestID, g.ids)
			if rt != nil && rt.authorizer != nil {
				// Strict mode: such hosts are public, so the request
				// acts as anonymous and the provider's access rules
				// decide. Open mode leaves the scope empty: no checks.
				sc = scope.Scope{Region: res.Region, Anonymous: true}
				r = r.WithContext(scope.With(r.Context(), sc))
			}
			hs.ServeHost(rec, r, service.HostRequest{Kind: kind, Name: name, Region: res.Region})
			return
		}
	}
	var svc *protocol.Service
	if detected {
		svc = res.Service
		toPathStyle(r, res)
		if res.Website || res.Invoke {
			// No provider serves this kind of host yet.
			svc = nil
		}
	}
	if svc != nil {
		rt = g.routes[svc]
	}
	call.RequestID = g.newRequestID(svc)
	setRequestIDHeaders(rec.Header(), svc, call.RequestID, g.ids)
	if rt == nil {
		failure = unknownService()
		g.writeError(rec, nil, call, failure)
		return
	}
	call.Service = rt.svc

	if g.auth != nil {
		var aerr *awserr.Error
		sc, aerr = g.auth.Authenticate(r, rt.svc)
		if aerr == nil && sc.Anonymous && rt.authorizer == nil {
			aerr = sigv4.ToAWS(&sigv4.Error{Kind: sigv4.KindMissing}, sigv4.DialectOf(rt.svc.Protocol, rt.svc.SigningName))
		}
		if aerr != nil {
			failure = aerr
			g.writeError(rec, rt, call, failure)
			return
		}
	} else {
		sc = scope.Scope{Account: scope.DefaultAccount, Region: scope.DefaultRegion}
	}

	failure = g.dispatch(rec, r, rt, call, sc)
}

// dispatch resolves, decodes, runs and encodes one operation.
func (g *Gateway) dispatch(w *recorder, r *http.Request, rt *route, call *protocol.Call, sc scope.Scope) *awserr.Error {
	op, err := rt.codec.Resolve(r)
	if err != nil {
		e := awserr.From(err)
		g.writeError(w, rt, call, e)
		return e
	}
	call.Operation = op
	var h protocol.HandlerFunc
	if rt.handlers != nil {
		h = rt.handlers.Lookup(op.Name)
	}
	if h == nil {
		e := awserr.NotImplemented(rt.svc.Name, op.Name)
		g.writeError(w, rt, call, e)
		return e
	}
	in := op.NewInput()
	if err := rt.codec.Decode(r, call, in); err != nil {
		e := awserr.From(err)
		g.writeError(w, rt, call, e)
		return e
	}
	ctx := scope.With(r.Context(), sc)
	ctx = withCall(ctx, call)
	if g.verifier != nil {
		ctx = sigv4.NewContext(ctx, g.verifier)
	}
	if rt.authorizer != nil {
		if ctx, err = rt.authorizer.Authorize(ctx, authRequest(r, op.Name, in)); err != nil {
			e := awserr.From(err)
			g.writeError(w, rt, call, e)
			return e
		}
	}
	out, err := h(ctx, in)
	if err != nil {
		e := awserr.From(err)
		g.writeError(w, rt, call, e)
		return e
	}
	if out == nil {
		out = op.NewOutput()
	}
	if err := rt.codec.Encode(w, call, out); err != nil {
		e := awserr.From(err)
		if !w.wrote {
			g.writeError(w, rt, call, e)
		}
		return e
	}
	return nil
}

// authRequest describes r to an authorizer.
func authRequest(r *http.Request, op string, in any) service.AuthRequest {
	ap, _ := netip.ParseAddrPort(r.RemoteAddr)
	return service.AuthRequest{
		Operation: op,
		Input:     in,
		SourceIP:  ap.Addr().Unmap(),
		Secure:    r.TLS != nil,
		Header:    r.Header,
	}
}

func (g *Gateway) writeError(w *recorder, rt *route, call *protocol.Call, e *awserr.Error) {
	if rt == nil {
		writeGenericError(w, call.RequestID, e)
		return
	}
	rt.codec.EncodeError(w, call, e)
}

// newRequestID makes the request id in the form the service uses.
func (g *Gateway) newRequestID(svc *protocol.Service) string {
	if svc == nil {
		return g.ids.UUID()
	}
	switch svc.Name {
	case "s3":
		return g.ids.S3RequestID()
	case "dynamodb", "streamsdynamodb":
		return g.ids.DynamoDBRequestID()
	}
	return g.ids.UUID()
}

func setRequestIDHeaders(h http.Header, svc *protocol.Service, id string, gen ids.Generator) {
	if svc != nil && svc.Name == "s3" {
		h["X-Amz-Request-Id"] = []string{id}
		h["X-Amz-Id-2"] = []string{gen.S3HostID()}
		return
	}
	h["X-Amzn-Requestid"] = []string{id}
}

func (g *Gateway) logRequest(r *http.Request, rt *route, call *protocol.Call, sc scope.Scope, w *recorder, failure *awserr.Error, start time.Time) {
	level := slog.LevelInfo
	if failure != nil && failure.Status >= 500 && failure.Status != http.StatusNotImplemented {
		level = slog.LevelError
	}
	ctx := r.Context()
	if !g.log.Enabled(ctx, level) {
		return
	}
	service, operation := "", ""
	if rt != nil {
		service = rt.svc.Name
	}
	if call.Operation != nil {
		operation = call.Operation.Name
	}
	// A fixed backing array holds the most attributes a line has (10), so
	// the appends below do not move the slice to the heap on every request.
	var buf [10]slog.Attr
	attrs := append(buf[:0],
		slog.String("service", service),
		slog.String("operation", operation),
		slog.Int("status", w.statusCode()),
		slog.Duration("latency", g.clock.Now().Sub(start)),
		slog.String("request_id", call.RequestID),
	)
	if operation == "" {
		attrs = append(attrs, slog.String("method", r.Method), slog.String("path", r.URL.Path))
	}
	switch {
	case sc.Anonymous:
		attrs = append(attrs, slog.String("account", "anonymous"), slog.String("region", sc.Region))
	case sc.Account != "":
		attrs = append(attrs, slog.String("account", sc.Account), slog.String("region", sc.Region))
	}
	if failure != nil {
		attrs = append(attrs, slog.String("error", failure.Code))
	}
	g.log.LogAttrs(ctx, level, "request", attrs...)
	// The hidden cause of a failure is for the operator, at debug level only:
	// it may hold internal detail that the info-level line must not carry.
	if failure != nil && failure.Unwrap() != nil && g.log.Enabled(ctx, slog.LevelDebug) {
		g.log.LogAttrs(ctx, slog.LevelDebug, "request failure cause",
			slog.String("request_id", call.RequestID), slog.String("cause", failure.Unwrap().Error()))
	}
}

// toPathStyle rewrites what the host said into the path, so codecs route one
// form only: a virtual-hosted bucket becomes the path's first segment, and a
// management endpoint's stage prefix is dropped.
func toPathStyle(r *http.Request, res detect.Result) {
	u := r.URL
	if res.BasePath != "" && strings.HasPrefix(u.Path, res.BasePath) {
		u.Path = u.Path[len(res.BasePath):]
		if u.RawPath != "" && strings.HasPrefix(u.RawPath, res.BasePath) {
			u.RawPath = u.RawPath[len(res.BasePath):]
		}
	}
	if res.Bucket != "" {
		u.Path = "/" + res.Bucket + u.Path
		if u.RawPath != "" {
			u.RawPath = "/" + url.PathEscape(res.Bucket) + u.RawPath
		}
	}
}

func unknownService() *awserr.Error {
	return awserr.New("UnknownServiceException", http.StatusBadRequest,
		"unkai could not tell which AWS service this request is for; sign it with SigV4 or set X-Amz-Target")
}

// writeGenericError answers a request whose service is unknown, in the JSON
// error shape most SDKs can read.
func writeGenericError(w http.ResponseWriter, requestID string, e *awserr.Error) {
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("X-Amzn-Errortype", e.Code)
	w.WriteHeader(e.Status)
	fmt.Fprintf(w, `{"__type":%q,"message":%q}`, e.Code, e.Message)
}

type callKey struct{}

func withCall(ctx context.Context, c *protocol.Call) context.Context {
	return context.WithValue(ctx, callKey{}, c)
}

// CallFrom returns the protocol call a handler's context belongs to (its
// request id, service and operation), or nil outside the gateway.
func CallFrom(ctx context.Context) *protocol.Call {
	c, _ := ctx.Value(callKey{}).(*protocol.Call)
	return c
}

// recorder notes the status written, for the log line and for deciding
// whether an error can still be written.
type recorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status = code
		r.wrote = true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.status = http.StatusOK
		r.wrote = true
	}
	return r.ResponseWriter.Write(b)
}

// ReadFrom streams r into the response through the underlying writer's
// ReadFrom when it has one (net/http's does, with its pooled buffers and
// sendfile for files), so streamed bodies cost no copy buffer per
// response.
func (r *recorder) ReadFrom(src io.Reader) (int64, error) {
	if !r.wrote {
		r.status, r.wrote = http.StatusOK, true
	}
	if rf, ok := r.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(struct{ io.Writer }{r.ResponseWriter}, src)
}

// Unwrap lets http.ResponseController reach the underlying writer (Flush,
// deadlines) for streaming responses.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Flush passes through to the underlying writer when it can flush.
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		if !r.wrote {
			r.status, r.wrote = http.StatusOK, true
		}
		f.Flush()
	}
}

func (r *recorder) statusCode() int {
	if !r.wrote {
		return http.StatusOK
	}
	return r.status
}

var _ http.Handler = (*Gateway)(nil)
