package sigv4

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// pair is one query parameter: decoded key and value, and their raw text.
type pair struct {
	key, value       string
	rawKey, rawValue string
}

// parseQuery splits a raw query string in wire order. Undecodable escapes are
// kept literally; it never fails.
func parseQuery(raw string) []pair {
	if raw == "" {
		return nil
	}
	ps := make([]pair, 0, strings.Count(raw, "&")+1)
	for piece := range strings.SplitSeq(raw, "&") {
		if piece == "" {
			continue
		}
		k, v, _ := strings.Cut(piece, "=")
		ps = append(ps, pair{key: unescapeQuery(k), value: unescapeQuery(v), rawKey: k, rawValue: v})
	}
	return ps
}

func unescapeQuery(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	u, err := url.QueryUnescape(s)
	if err != nil {
		return s
	}
	return u
}

// lookupPair returns the first value of the named parameter.
func lookupPair(ps []pair, name string) (string, bool) {
	for _, p := range ps {
		if p.key == name {
			return p.value, true
		}
	}
	return "", false
}

// canonicalQuery is the sorted, strictly encoded query. plusLiteral treats a
// raw '+' as a plus sign rather than a space, for clients that send it so.
func canonicalQuery(ps []pair, presigned, plusLiteral bool) string {
	if len(ps) == 0 {
		return ""
	}
	enc := make([][2]string, 0, len(ps))
	for _, p := range ps {
		if presigned && p.key == ParamSignature {
			continue
		}
		k, v := p.key, p.value
		if plusLiteral {
			k = unescapeQuery(strings.ReplaceAll(p.rawKey, "+", "%2B"))
			v = unescapeQuery(strings.ReplaceAll(p.rawValue, "+", "%2B"))
		}
		enc = append(enc, [2]string{escape(k, false), escape(v, false)})
	}
	slices.SortFunc(enc, func(a, b [2]string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
	var b strings.Builder
	b.Grow(len(enc) * 24)
	for i, kv := range enc {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(kv[0])
		b.WriteByte('=')
		b.WriteString(kv[1])
	}
	return b.String()
}

// canonicalURI is the canonical URI AWS computes for the request's path:
// for S3 each segment encoded once and no normalization; for every other
// service the path normalized and its (already encoded) text encoded again.
func canonicalURI(r *http.Request, s3 bool) string {
	raw := escapedPath(r)
	if s3 {
		return reencodeSegments(raw)
	}
	return escape(normalizePath(raw, false), true)
}

// canonicalURIs lists the canonical URIs a client may have signed for the
// request's path, canonicalURI first. The others absorb differences between
// SDKs: botocore collapses "//", the Go SDK v2 does not normalize at all,
// and some S3 clients sign the path exactly as they sent it.
func canonicalURIs(r *http.Request, s3 bool) []string {
	raw := escapedPath(r)
	out := []string{canonicalURI(r, s3)}
	add := func(s string) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if s3 {
		add(raw)
		return out
	}
	add(escape(raw, true))
	add(escape(normalizePath(raw, true), true))
	return out
}

func escapedPath(r *http.Request) string {
	if p := r.URL.EscapedPath(); p != "" {
		return p
	}
	return "/"
}

// reencodeSegments decodes each path segment and encodes it strictly.
func reencodeSegments(p string) string {
	if !needsReencode(p) {
		return p
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if d, err := url.PathUnescape(s); err == nil {
			s = d
		}
		segs[i] = escape(s, false)
	}
	return strings.Join(segs, "/")
}

func needsReencode(p string) bool {
	for i := 0; i < len(p); i++ {
		if c := p[i]; c != '/' && !unreserved(c) {
			return true
		}
	}
	return false
}

// normalizePath removes "." and ".." segments (RFC 3986 section 5.2.4),
// keeps a trailing slash, and with collapse also drops empty segments.
func normalizePath(p string, collapse bool) string {
	if !strings.Contains(p, "/.") && !(collapse && strings.Contains(p, "//")) {
		return p
	}
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	out := make([]string, 0, len(segs))
	trailing := false
	for i, s := range segs {
		last := i == len(segs)-1
		switch s {
		case ".":
			trailing = last
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
			trailing = last
		case "":
			if last {
				trailing = true
			} else if !collapse {
				out = append(out, s)
			}
		default:
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return "/"
	}
	res := "/" + strings.Join(out, "/")
	if trailing {
		res += "/"
	}
	return res
}

// unreserved reports whether c is left as is by SigV4's URI encoding.
func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// escape percent-encodes every byte but the unreserved ones (and '/', when
// keepSlash), with uppercase hex, as SigV4 requires.
func escape(s string, keepSlash bool) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; !unreserved(c) && !(keepSlash && c == '/') {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hexdig = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || keepSlash && c == '/' {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hexdig[c>>4], hexdig[c&15])
	}
	return string(b)
}

// writeCanonicalHeaders writes "name:value\n" for each signed header and
// returns the signed headers line ("a;b;c"), both with lowercase names.
func writeCanonicalHeaders(b *strings.Builder, r *http.Request, names []string) string {
	var line strings.Builder
	for i, n := range names {
		n = strings.ToLower(n)
		if i > 0 {
			line.WriteByte(';')
		}
		line.WriteString(n)
		b.WriteString(n)
		b.WriteByte(':')
		writeHeaderValue(b, r, n)
		b.WriteByte('\n')
	}
	return line.String()
}

// writeHeaderValue writes the canonical value of one header: values joined
// with commas, each trimmed with inner runs of spaces collapsed.
func writeHeaderValue(b *strings.Builder, r *http.Request, name string) {
	switch name {
	case "host", ":authority":
		h := r.Host
		if h == "" {
			h = r.URL.Host
		}
		writeTrimmed(b, h)
		return
	}
	vals := r.Header.Values(name)
	if len(vals) == 0 {
		switch name {
		case "content-length":
			if r.ContentLength > 0 {
				b.WriteString(strconv.FormatInt(r.ContentLength, 10))
			}
		case "transfer-encoding":
			b.WriteString(strings.Join(r.TransferEncoding, ","))
		}
		return
	}
	for i, v := range vals {
		if i > 0 {
			b.WriteByte(',')
		}
		writeTrimmed(b, v)
	}
}

func writeTrimmed(b *strings.Builder, v string) {
	v = strings.Trim(v, " \t")
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteByte(c)
	}
}
