package rest

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// Routing errors; codecs turn them into their protocol's error responses.
var (
	// ErrNoRoute means no operation's path and query match the request.
	ErrNoRoute = errors.New("no operation matches the request path")
	// ErrMethodNotAllowed means operations match the path, none the method.
	ErrMethodNotAllowed = errors.New("no operation matches the request method")
)

// Labels maps the label names of a request URI template ("Bucket", "Key")
// to their percent-decoded values.
type Labels map[string]string

// Router finds the operation of a REST request. It is built once per service
// and is safe for concurrent use.
type Router struct {
	routes []*route // sorted, most specific first
	byOp   map[*protocol.Operation]*route
}

// segment kinds of a path template, in increasing specificity.
const (
	segGreedy = iota
	segLabel
	segLiteral
)

// segment is one "/"-separated part of a path template.
type segment struct {
	kind int
	text string // literal text, or label name
}

// queryPart is a fixed query requirement: key present, with value when
// hasValue.
type queryPart struct {
	key, value string
	hasValue   bool
}

// route is one operation's parsed request URI.
type route struct {
	op       *protocol.Operation
	method   string
	segments []segment
	query    []queryPart
	// needQuery and needHeaders are the wire names of the input's required
	// query and header members: S3 tells UploadPart from PutObject, and
	// CopyObject from both, only by them.
	needQuery   []string
	needHeaders []string
	preferred   bool
}

// Option changes how NewRouter builds a router.
type Option func(*routerOptions)

type routerOptions struct {
	prefer map[string]bool
}

// Prefer names operations that win ties: operations whose routes and
// required members are identical (S3's GetBucketLifecycle and
// GetBucketLifecycleConfiguration) otherwise resolve to the first in the
// order given to NewRouter.
func Prefer(names ...string) Option {
	return func(o *routerOptions) {
		for _, n := range names {
			o.prefer[n] = true
		}
	}
}

// NewRouter parses the request URIs of ops. Operations without an HTTP
// method or URI are skipped.
//
// Routes are ordered most specific first: path segments (literal before
// label before greedy label, left to right), then fixed query parts, then
// the number of required query and header members of the input. A route
// whose required query and header members are all present wins over an
// equally specific one that needs fewer; when none of the most specific
// matching routes has them all, they are ignored (so the request reaches
// its operation and fails validation there).
func NewRouter(ops []*protocol.Operation, opts ...Option) *Router {
	o := routerOptions{prefer: map[string]bool{}}
	for _, opt := range opts {
		opt(&o)
	}
	rt := &Router{byOp: make(map[*protocol.Operation]*route, len(ops))}
	for _, op := range ops {
		if op.HTTPMethod == "" || op.RequestURI == "" {
			continue
		}
		r := parseRoute(op)
		r.preferred = o.prefer[op.Name]
		rt.routes = append(rt.routes, r)
		rt.byOp[op] = r
	}
	slices.SortStableFunc(rt.routes, compareRoutes)
	return rt
}

// requirements lists the wire names of op's required query and header
// members.
func requirements(op *protocol.Operation) (query, headers []string) {
	if op.NewInput == nil {
		return nil, nil
	}
	in := op.NewInput()
	t := reflect.TypeOf(in)
	if t == nil || derefType(t).Kind() != reflect.Struct {
		return nil, nil
	}
	for _, m := range protocol.StructOf(t).Members {
		if !m.Required {
			continue
		}
		switch m.Location {
		case LocQueryString:
			if m.Type.Kind() != reflect.Map {
				query = append(query, m.WireName())
			}
		case LocHeader:
			headers = append(headers, m.WireName())
		}
	}
	return query, headers
}

// parseRoute parses an operation's request URI template.
func parseRoute(op *protocol.Operation) *route {
	r := &route{op: op, method: strings.ToUpper(op.HTTPMethod)}
	r.needQuery, r.needHeaders = requirements(op)
	path, query, _ := strings.Cut(op.RequestURI, "?")
	for _, s := range splitTemplate(path) {
		switch {
		case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "+}"):
			r.segments = append(r.segments, segment{kind: segGreedy, text: s[1 : len(s)-2]})
		case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}"):
			r.segments = append(r.segments, segment{kind: segLabel, text: s[1 : len(s)-1]})
		default:
			r.segments = append(r.segments, segment{kind: segLiteral, text: s})
		}
	}
	if query != "" {
		for _, p := range strings.Split(query, "&") {
			if p == "" {
				continue
			}
			k, v, has := strings.Cut(p, "=")
			r.query = append(r.query, queryPart{key: k, value: v, hasValue: has})
		}
	}
	return r
}

// splitTemplate splits a URI template's path into its segments, dropping
// the leading slash and one trailing slash ("/a/b/" and "/a/b" give [a b];
// "/" gives none).
func splitTemplate(p string) []string {
	p = strings.TrimSuffix(strings.TrimPrefix(p, "/"), "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// splitPath splits an escaped request path after its leading slash, keeping
// empty segments (a trailing slash gives a trailing empty segment, which a
// greedy label keeps and other templates tolerate).
func splitPath(p string) []string {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// compareRoutes orders routes most specific first: segment by segment
// literal before label before greedy, then more segments, then more fixed
// query parts (and valued ones before bare keys), then more required
// members, then preferred operations.
func compareRoutes(a, b *route) int {
	if d := compareShape(a, b); d != 0 {
		return d
	}
	if d := len(b.needQuery) + len(b.needHeaders) - len(a.needQuery) - len(a.needHeaders); d != 0 {
		return d
	}
	switch {
	case a.preferred && !b.preferred:
		return -1
	case b.preferred && !a.preferred:
		return 1
	}
	return 0
}

// compareShape orders routes by their URI templates alone.
func compareShape(a, b *route) int {
	for i := 0; i < len(a.segments) && i < len(b.segments); i++ {
		if d := b.segments[i].kind - a.segments[i].kind; d != 0 {
			return d
		}
	}
	if d := len(b.segments) - len(a.segments); d != 0 {
		return d
	}
	if d := len(b.query) - len(a.query); d != 0 {
		return d
	}
	return valued(b.query) - valued(a.query)
}

// valued counts the query parts that require a value.
func valued(q []queryPart) int {
	n := 0
	for _, p := range q {
		if p.hasValue {
			n++
		}
	}
	return n
}

// Match returns the most specific operation matching r's method, path and
// query, with the path's labels. It fails with ErrNoRoute or
// ErrMethodNotAllowed.
func (rt *Router) Match(r *http.Request) (*protocol.Operation, Labels, error) {
	segs := splitPath(r.URL.EscapedPath())
	query := r.URL.Query()
	method := r.Method
	pathMatched := false
	var fallback *route
	var fallbackLabels Labels
	for _, rte := range rt.routes {
		if fallback != nil && compareShape(fallback, rte) != 0 {
			// Required members only choose among equally specific routes.
			break
		}
		labels, ok := rte.matchPath(segs)
		if !ok || !rte.matchQuery(query) {
			continue
		}
		if rte.method != method {
			pathMatched = true
			continue
		}
		if rte.hasRequired(query, r.Header) {
			return rte.op, labels, nil
		}
		if fallback == nil {
			fallback, fallbackLabels = rte, labels
		}
	}
	if fallback != nil {
		return fallback.op, fallbackLabels, nil
	}
	if pathMatched {
		return nil, nil, fmt.Errorf("%s %s: %w", method, r.URL.Path, ErrMethodNotAllowed)
	}
	return nil, nil, fmt.Errorf("%s %s: %w", method, r.URL.Path, ErrNoRoute)
}

// Extract returns the labels of r's path under op's URI template, for a
// request already resolved to op.
func (rt *Router) Extract(op *protocol.Operation, r *http.Request) (Labels, error) {
	rte, ok := rt.byOp[op]
	if !ok {
		return Labels{}, nil
	}
	labels, ok := rte.matchPath(splitPath(r.URL.EscapedPath()))
	if !ok {
		return nil, fmt.Errorf("%s: path does not match %s: %w", r.URL.Path, op.RequestURI, ErrNoRoute)
	}
	return labels, nil
}

// hasRequired reports whether the request has every required query and
// header member of the route's input.
func (rte *route) hasRequired(q url.Values, h http.Header) bool {
	for _, k := range rte.needQuery {
		if _, ok := q[k]; !ok {
			return false
		}
	}
	for _, k := range rte.needHeaders {
		if len(h.Values(k)) == 0 {
			return false
		}
	}
	return true
}

// matchQuery reports whether q has every fixed query part of the route.
func (rte *route) matchQuery(q url.Values) bool {
	for _, p := range rte.query {
		vs, ok := q[p.key]
		if !ok || (p.hasValue && !slices.Contains(vs, p.value)) {
			return false
		}
	}
	return true
}

// matchPath matches escaped path segments against the template.
func (rte *route) matchPath(segs []string) (Labels, bool) {
	labels := Labels{}
	if !matchSegments(rte.segments, segs, labels) {
		return nil, false
	}
	return labels, true
}

// matchSegments matches tmpl against segs, filling labels. A greedy label
// takes one or more segments, backtracking when literals follow it.
func matchSegments(tmpl []segment, segs []string, labels Labels) bool {
	for i, t := range tmpl {
		if t.kind == segGreedy {
			rest := tmpl[i+1:]
			for n := len(segs) - i - len(rest); n >= 1; n-- {
				if matchSegments(rest, segs[i+n:], labels) {
					v, err := url.PathUnescape(strings.Join(segs[i:i+n], "/"))
					if err != nil || v == "" {
						return false
					}
					labels[t.text] = v
					return true
				}
			}
			return false
		}
		if i >= len(segs) {
			return false
		}
		v, err := url.PathUnescape(segs[i])
		if err != nil {
			return false
		}
		switch t.kind {
		case segLiteral:
			if v != t.text {
				return false
			}
		case segLabel:
			if v == "" {
				return false
			}
			labels[t.text] = v
		}
	}
	return len(segs) == len(tmpl) || (len(segs) == len(tmpl)+1 && segs[len(tmpl)] == "")
}
