package s3

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/netip"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// The website endpoint serves a bucket's website configuration
// (bucketconfig_website.go) to browsers, as S3's website endpoints do:
//
//   - only GET and HEAD; other methods answer 405 MethodNotAllowed;
//   - RedirectAllRequestsTo answers every request with a 301 to the same
//     path on its host;
//   - routing rules without an error-code condition are tried, in order,
//     before the object is read; the first whose KeyPrefixEquals starts
//     the key redirects;
//   - "/" and paths ending in "/" serve the index document under that
//     prefix; a path without the slash whose object is missing, while the
//     index document under "<path>/" exists, answers 302 to "<path>/";
//   - an object with a website redirect location answers 301 to it;
//   - objects are served with their headers, conditional requests and a
//     Range as GetObject serves them (304 for a matching If-None-Match);
//   - errors are S3's HTML pages; routing rules with an error-code
//     condition redirect the errors they name, and a 4XX error serves the
//     error document with the error's status (or the page, telling why the
//     error document could not be read).
//
// Requests are anonymous: in strict auth mode (the scope in the request's
// context is anonymous) an object is served only when the bucket policy or
// ACLs let anyone s3:GetObject it, as Authorize decides for an anonymous
// API request; in open mode every object is served.
//
// Where AWS does not document a detail, unkai chooses: RedirectAllRequestsTo
// and routing-rule redirects keep the path but not the query string; the
// key a routing rule's KeyPrefixEquals is matched against (and whose
// prefix ReplaceKeyPrefixWith replaces) is the requested path without its
// leading slash, before the index document suffix is added; a 405 never
// serves the error document; a region-less website host serves a bucket of
// any region.

// HostKinds implements service.HostServer: the provider serves S3 website
// endpoints.
func (p *Provider) HostKinds() []string { return []string{service.HostS3Website} }

// ServeHost implements service.HostServer: it answers a request to the
// website endpoint of bucket h.Name (see the comment above). The gateway
// sets x-amz-request-id and x-amz-id-2 first; ServeHost sets them when it
// did not. A request whose context carries an anonymous scope (strict
// auth mode) is authorized by the bucket's policy and ACLs.
func (p *Provider) ServeHost(w http.ResponseWriter, r *http.Request, h service.HostRequest) {
	s := &siteRequest{p: p, w: w, r: r, host: h, head: r.Method == http.MethodHead}
	hdr := w.Header()
	if s.requestID = hdr.Get("X-Amz-Request-Id"); s.requestID == "" {
		s.requestID = p.ids.S3RequestID()
		hdr.Set("X-Amz-Request-Id", s.requestID)
	}
	if s.hostID = hdr.Get("X-Amz-Id-2"); s.hostID == "" {
		s.hostID = p.ids.S3HostID()
		hdr.Set("X-Amz-Id-2", s.hostID)
	}
	s.serve()
}

// siteRequest is one request to a website endpoint.
type siteRequest struct {
	p    *Provider
	w    http.ResponseWriter
	r    *http.Request
	host service.HostRequest
	head bool
	// requestID and hostID are the x-amz-request-id and x-amz-id-2 the
	// error pages show.
	requestID, hostID string
	// ctx runs the reads in the bucket owner's scope (set by load).
	ctx    context.Context
	bucket *Bucket
	cfg    s3api.WebsiteConfiguration
	// authz decides anonymous reads in strict mode; nil in open mode.
	authz *authz
}

func (s *siteRequest) serve() {
	if s.r.Method != http.MethodGet && !s.head {
		s.page(sitePage{status: http.StatusMethodNotAllowed, code: "MethodNotAllowed",
			message: "The specified method is not allowed against this resource.",
			extra:   []pageLine{{"Method", s.r.Method}, {"ResourceType", "OBJECT"}}})
		return
	}
	if err := s.load(); err != nil {
		s.page(s.errorPage(awserr.From(err), ""))
		return
	}
	if to := s.cfg.RedirectAllRequestsTo; to != nil {
		s.redirect(http.StatusMovedPermanently, s.scheme(to.Protocol)+"://"+deref(to.HostName)+s.escapedPath())
		return
	}
	key := strings.TrimPrefix(s.r.URL.Path, "/")
	if rule := s.matchRule(key, 0); rule != nil {
		s.ruleRedirect(rule, key)
		return
	}
	objKey := key
	if key == "" || strings.HasSuffix(key, "/") {
		objKey = key + s.indexSuffix()
	}
	if err := s.serveKey(key, objKey); err != nil {
		s.fail(err, key, objKey)
	}
}

// load reads the bucket, its owner and website configuration, and sets up
// the request's scope and authorization: NoSuchBucket when no one owns the
// name, IncorrectEndpoint when the host names another region than the
// bucket's, NoSuchWebsiteConfiguration when the bucket is not a website.
func (s *siteRequest) load() error {
	ctx, name := s.r.Context(), s.host.Name
	var owner string
	var b Bucket
	found := false
	err := s.p.store.View(ctx, func(tx storage.Txn) error {
		raw, err := tx.Get(ctx, NameKey(name))
		if errors.Is(err, storage.ErrNotFound) {
			return errNoSuchBucket()
		}
		if err != nil {
			return awserr.Internal(err)
		}
		owner = string(raw)
		ok, err := readRecord(ctx, tx, OwnedKey(owner, name), "bucket", &b)
		if err != nil || !ok {
			if err == nil {
				err = errNoSuchBucket()
			}
			return err
		}
		found, err = readConfig(ctx, tx, name, cfgWebsite, &s.cfg)
		return err
	})
	if err != nil {
		return err
	}
	s.bucket = &b
	if s.host.Region != "" && s.host.Region != b.Region {
		return awserr.New("IncorrectEndpoint", http.StatusBadRequest,
			"The specified bucket exists in another region. Please direct requests to the specified endpoint.")
	}
	if !found {
		return awserr.New("NoSuchWebsiteConfiguration", http.StatusNotFound,
			"The specified bucket does not have a website configuration")
	}
	sc := scope.From(ctx)
	s.ctx = scope.With(ctx, scope.Scope{Account: owner, Region: b.Region})
	if sc.Anonymous {
		ap, _ := netip.ParseAddrPort(s.r.RemoteAddr)
		s.authz = s.p.newAuthz(ctx, sc, service.AuthRequest{
			Operation: "GetObject",
			Input:     &s3api.GetObjectRequest{Bucket: ptr(name)},
			SourceIP:  ap.Addr().Unmap(),
			Secure:    s.r.TLS != nil,
			Header:    s.r.Header,
		})
	}
	return nil
}

// endpointIn is the request's host with its region replaced by region.
func (s *siteRequest) endpointIn(region string) string {
	host := s.r.Host
	if h, _, found := strings.Cut(host, ":"); found && !strings.HasPrefix(host, "[") {
		host = h
	}
	for _, sep := range []string{"-", "."} {
		label := "s3-website" + sep + s.host.Region
		if i := strings.Index(host, label); i >= 0 {
			return host[:i] + "s3-website" + sep + region + host[i+len(label):]
		}
	}
	return host
}

// indexSuffix is the index document's suffix.
func (s *siteRequest) indexSuffix() string {
	if s.cfg.IndexDocument == nil {
		return ""
	}
	return deref(s.cfg.IndexDocument.Suffix)
}

// serveKey serves objKey, the object the request's key names (the index
// document for a key ending in "/"), or returns the error to answer.
func (s *siteRequest) serveKey(key, objKey string) error {
	obj, lookErr := s.lookup(objKey)
	if isNoSuchKey(lookErr) && objKey == key && key != "" {
		// A folder asked for without its slash: its index document, when
		// it exists and may be read, is served through a redirect.
		index := key + "/" + s.indexSuffix()
		if _, err := s.lookup(index); err == nil && s.authorize(index) == nil {
			s.redirect(http.StatusFound, s.escapedPath()+"/")
			return nil
		}
	}
	if err := s.authorize(objKey); err != nil {
		return err
	}
	if lookErr != nil {
		return lookErr
	}
	if obj.WebsiteRedirect != "" {
		s.redirect(http.StatusMovedPermanently, obj.WebsiteRedirect)
		return nil
	}
	opts := readOptions{rangeHeader: s.headerPtr("Range"), cond: s.conditions()}
	v, body, err := s.open(objKey, opts)
	if err != nil {
		if codeOf(err) == "NotModified" {
			h := s.w.Header()
			h.Set("ETag", obj.ETag)
			h.Set("Last-Modified", obj.LastModified.UTC().Format(http.TimeFormat))
			s.w.WriteHeader(http.StatusNotModified)
			return nil
		}
		return err
	}
	status := http.StatusOK
	if v.partial {
		status = http.StatusPartialContent
	}
	s.writeObject(v, body, status)
	return nil
}

// lookup reads the current object under key.
func (s *siteRequest) lookup(key string) (*Object, error) {
	_, obj, err := s.p.lookup(s.ctx, s.host.Name, key, nil)
	return obj, err
}

// open resolves key under o: a view and its body for GET, a view alone
// for HEAD.
func (s *siteRequest) open(key string, o readOptions) (*objectView, io.ReadCloser, error) {
	if s.head {
		v, err := s.p.view(s.ctx, s.host.Name, key, o)
		return v, nil, err
	}
	return s.p.openObjectBody(s.ctx, s.host.Name, key, o)
}

// authorize refuses an anonymous read of key that the bucket's policy and
// ACLs do not allow (in strict mode).
func (s *siteRequest) authorize(key string) error {
	if s.authz == nil {
		return nil
	}
	return s.authz.check(authCheck{action: "s3:GetObject", bucket: s.host.Name, key: key, object: true})
}

// fail answers err, met serving objKey for the request's key: a routing
// rule naming its status redirects; a 4XX serves the error document when
// the site has one; otherwise S3's error page.
func (s *siteRequest) fail(err error, key, objKey string) {
	ae := awserr.From(err)
	if rule := s.matchRule(key, ae.Status); rule != nil {
		s.ruleRedirect(rule, key)
		return
	}
	pg := s.errorPage(ae, objKey)
	if doc := s.cfg.ErrorDocument; doc != nil && ae.Status >= 400 && ae.Status < 500 {
		s.serveErrorDocument(deref(doc.Key), pg)
		return
	}
	s.page(pg)
}

// serveErrorDocument serves the error document under key with pg's
// status, or pg telling why it could not.
func (s *siteRequest) serveErrorDocument(key string, pg sitePage) {
	err := s.authorize(key)
	var v *objectView
	var body io.ReadCloser
	if err == nil {
		v, body, err = s.open(key, readOptions{})
	}
	if err != nil {
		ae := s.visible(awserr.From(err))
		de := &sitePage{code: ae.Code, message: ae.Message}
		if ae.Code == "NoSuchKey" {
			de.extra = []pageLine{{"Key", key}}
		}
		pg.docErr = de
		s.page(pg)
		return
	}
	s.writeObject(v, body, pg.status)
}

// writeObject sends an object's headers with status, and its body for GET.
func (s *siteRequest) writeObject(v *objectView, body io.ReadCloser, status int) {
	if body != nil {
		defer func() { _ = body.Close() }()
	}
	objectHeaders(s.w.Header(), v)
	s.w.WriteHeader(status)
	if body != nil {
		// A client gone mid-body ends the response; nothing is left to tell it.
		_, _ = io.Copy(s.w, body)
	}
}

// conditions are the request's If-* headers. A date that does not parse
// is ignored, as HTTP says.
func (s *siteRequest) conditions() conditions {
	var c conditions
	c.ifMatch, c.ifNoneMatch = s.headerPtr("If-Match"), s.headerPtr("If-None-Match")
	if t, err := http.ParseTime(s.r.Header.Get("If-Modified-Since")); err == nil {
		c.ifModifiedSince = &t
	}
	if t, err := http.ParseTime(s.r.Header.Get("If-Unmodified-Since")); err == nil {
		c.ifUnmodifiedSince = &t
	}
	return c
}

// headerPtr points to the request header's value, nil when absent.
func (s *siteRequest) headerPtr(name string) *string {
	if v := s.r.Header.Values(name); len(v) > 0 {
		return ptr(v[0])
	}
	return nil
}

// scheme is protocol, or the request's own when it is unset.
func (s *siteRequest) scheme(protocol *string) string {
	switch {
	case deref(protocol) != "":
		return *protocol
	case s.r.TLS != nil:
		return "https"
	}
	return "http"
}

// escapedPath is the request's path as sent, "/" when empty.
func (s *siteRequest) escapedPath() string {
	if p := s.r.URL.EscapedPath(); p != "" {
		return p
	}
	return "/"
}

// redirect answers code with a Location and no body.
func (s *siteRequest) redirect(code int, location string) {
	h := s.w.Header()
	h.Set("Location", location)
	h.Set("Content-Length", "0")
	s.w.WriteHeader(code)
}

var _ service.HostServer = (*Provider)(nil)
