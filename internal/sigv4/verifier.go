package sigv4

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Errors a SecretFunc returns (wrapped or not) to report why it has no
// secret; any other error is an internal failure.
var (
	// ErrUnknownAccessKey: no such access key.
	ErrUnknownAccessKey = errors.New("sigv4: unknown access key")
	// ErrExpiredToken: the session token of temporary credentials expired.
	ErrExpiredToken = errors.New("sigv4: expired security token")
)

// SecretFunc returns the secret access key of a request's access key id. It
// may check a.SecurityToken for temporary credentials.
type SecretFunc func(ctx context.Context, a *Auth) (secret string, err error)

// Defaults of Options.
const (
	defaultMaxSkew      = 15 * time.Minute
	defaultKeyCacheSize = 256
	defaultMemoryBody   = 4 << 20
)

// Options configures a Verifier. Only Secret is required.
type Options struct {
	// Secret looks up the secret of an access key.
	Secret SecretFunc
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// MaxSkew is the largest accepted difference between the request time
	// and the clock (15 minutes when zero).
	MaxSkew time.Duration
	// KeyCacheSize bounds the cache of derived signing keys (256 when zero).
	KeyCacheSize int
	// MaxMemoryBody is how much of a body that must be hashed is kept in
	// memory; the rest is spooled to a temporary file in TempDir (4 MiB when
	// zero).
	MaxMemoryBody int64
	// TempDir is where large bodies are spooled (os.TempDir when empty).
	TempDir string
}

// Verifier checks SigV4 signatures. It is safe for concurrent use; it owns
// a small cache of derived signing keys.
type Verifier struct {
	secret  SecretFunc
	now     func() time.Time
	maxSkew time.Duration
	memBody int64
	tempDir string
	keys    *keyCache
}

// NewVerifier returns a Verifier configured by o.
func NewVerifier(o Options) (*Verifier, error) {
	if o.Secret == nil {
		return nil, errors.New("sigv4: Options.Secret is required")
	}
	v := &Verifier{
		secret:  o.Secret,
		now:     o.Now,
		maxSkew: o.MaxSkew,
		memBody: o.MaxMemoryBody,
		tempDir: o.TempDir,
	}
	if v.now == nil {
		v.now = time.Now
	}
	if v.maxSkew <= 0 {
		v.maxSkew = defaultMaxSkew
	}
	if v.memBody <= 0 {
		v.memBody = defaultMemoryBody
	}
	size := o.KeyCacheSize
	if size <= 0 {
		size = defaultKeyCacheSize
	}
	v.keys = newKeyCache(size)
	return v, nil
}

// Result is a verified request.
type Result struct {
	// Auth is the verified authentication.
	Auth *Auth
	// Chunked is the aws-chunked decoder that now serves r.Body, for
	// STREAMING-* payloads; nil otherwise. Its Trailer holds the trailing
	// checksums once the body has been read.
	Chunked *ChunkedReader
}

// Verify parses and verifies the authentication of r. See VerifyAuth.
func (v *Verifier) Verify(r *http.Request) (*Result, error) {
	a, err := Parse(r)
	if err != nil {
		return nil, err
	}
	return v.VerifyAuth(r, a)
}

// VerifyAuth verifies a, parsed from r by Parse. It may replace r.Body:
//   - when the payload hash must be computed, by the same bytes (read once,
//     spooled to a temporary file beyond Options.MaxMemoryBody);
//   - when X-Amz-Content-Sha256 is a hash, by a reader that fails with
//     KindContentSHA256Mismatch at the end if the body does not match;
//   - for STREAMING-* payloads, by the decoded body (Result.Chunked), and
//     r.ContentLength becomes X-Amz-Decoded-Content-Length (-1 if absent).
//
// The caller should close r.Body when done with it. Errors are *Error values
// except for failures of the secret lookup or of reading the body.
func (v *Verifier) VerifyAuth(r *http.Request, a *Auth) (*Result, error) {
	if a.V2 {
		if err := v.verifyV2(r.Context(), r, a); err != nil {
			return nil, err
		}
		return &Result{Auth: a}, nil
	}
	if a.Date != a.AmzDate[:min(8, len(a.AmzDate))] {
		return nil, errorf(KindCredentialDate,
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			a.Date, a.AmzDate[:min(8, len(a.AmzDate))], a.AmzDate).
			withS3("Invalid credential date. Date is not the same as X-Amz-Date.")
	}
	if err := v.checkTime(a); err != nil {
		return nil, err
	}
	secret, err := v.lookupSecret(r.Context(), a)
	if err != nil {
		return nil, err
	}

	s3 := a.IsS3()
	declared := r.Header.Get("X-Amz-Content-Sha256")
	if declared == "" && a.Presigned {
		declared, _ = lookupPair(a.query, "X-Amz-Content-Sha256")
	}
	payload, kind, err := classifyPayload(declared, s3, a.Presigned)
	if err != nil {
		return nil, err
	}
	if kind == payloadHashed {
		sum, body, err := hashBody(r.Body, r.ContentLength, v.memBody, v.tempDir)
		if err != nil {
			return nil, err
		}
		r.Body, payload = body, sum
	}

	key := v.keys.get(scopeKey{a.AccessKeyID, a.Date, a.Region, a.Service}, secret)
	if err := a.check(r, key[:], payload); err != nil {
		return nil, err
	}

	res := &Result{Auth: a}
	switch kind {
	case payloadHex:
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = newHashCheckReader(r.Body, payload)
		} else if !strings.EqualFold(payload, EmptySHA256) {
			return nil, &Error{Kind: KindContentSHA256Mismatch,
				Detail:              "The provided 'x-amz-content-sha256' header does not match what was computed.",
				ClientContentSHA256: payload, ComputedContentSHA256: EmptySHA256}
		}
	case payloadStreaming:
		o := ChunkedOptions{Payload: payload}
		if payload != StreamingUnsignedTrailer {
			o.Signing = &ChunkSigning{Key: key, AmzDate: a.AmzDate, Scope: a.Scope(), Seed: a.Signature}
		}
		r.ContentLength = -1
		if dl := r.Header.Get("X-Amz-Decoded-Content-Length"); dl != "" {
			n, err := strconv.ParseInt(dl, 10, 64)
			if err != nil || n < 0 {
				return nil, errorf(KindMalformedBody, "Invalid x-amz-decoded-content-length '%s'.", clip(dl))
			}
			o.DecodedLength, o.KnownLength = n, true
			r.ContentLength = n
		}
		body := io.Reader(http.NoBody)
		if r.Body != nil {
			body = r.Body
		}
		c, err := NewChunkedReader(body, o)
		if err != nil {
			return nil, err
		}
		r.Body, res.Chunked = c, c
	case payloadHashed, payloadUnsigned:
	}
	return res, nil
}

// lookupSecret returns the secret of a's access key: unknown keys and
// expired session tokens are *Error values of their kinds, other failures
// wrapped errors.
func (v *Verifier) lookupSecret(ctx context.Context, a *Auth) (string, error) {
	secret, err := v.secret(ctx, a)
	switch {
	case errors.Is(err, ErrUnknownAccessKey):
		return "", (&Error{Kind: KindUnknownKey, AccessKeyID: a.AccessKeyID}).withCause(err)
	case errors.Is(err, ErrExpiredToken):
		return "", (&Error{Kind: KindExpiredToken, AccessKeyID: a.AccessKeyID}).withCause(err)
	case err != nil:
		return "", fmt.Errorf("sigv4: look up secret of %s: %w", a.AccessKeyID, err)
	}
	return secret, nil
}

// checkTime applies the clock-skew rule, or the expiry of a presigned request.
func (v *Verifier) checkTime(a *Auth) error {
	now := v.now().UTC()
	if a.Presigned && a.Expires > 0 {
		if now.After(a.Time.Add(a.Expires)) {
			return &Error{Kind: KindExpired, Detail: "Request has expired.",
				RequestTime: a.Time, ServerTime: now, Expires: a.Expires}
		}
		if a.Time.After(now.Add(v.maxSkew)) {
			return &Error{Kind: KindNotYetValid, Detail: v.futureText(a, now),
				RequestTime: a.Time, ServerTime: now, MaxSkew: v.maxSkew}
		}
		return nil
	}
	switch {
	case now.Sub(a.Time) > v.maxSkew:
		return &Error{Kind: KindSkewed,
			Detail: fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - %s.)",
				a.AmzDate, now.Add(-v.maxSkew).Format(TimeFormat), now.Format(TimeFormat), skewText(v.maxSkew)),
			RequestTime: a.Time, ServerTime: now, MaxSkew: v.maxSkew}
	case a.Time.Sub(now) > v.maxSkew:
		kind := KindSkewed
		if a.Presigned {
			kind = KindNotYetValid
		}
		return &Error{Kind: kind, Detail: v.futureText(a, now),
			RequestTime: a.Time, ServerTime: now, MaxSkew: v.maxSkew}
	}
	return nil
}

func (v *Verifier) futureText(a *Auth, now time.Time) string {
	return fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + %s.)",
		a.AmzDate, now.Add(v.maxSkew).Format(TimeFormat), now.Format(TimeFormat), skewText(v.maxSkew))
}

func skewText(d time.Duration) string {
	if d%time.Minute == 0 {
		return strconv.FormatInt(int64(d/time.Minute), 10) + " min"
	}
	return strconv.FormatInt(int64(d/time.Second), 10) + " sec"
}

// check compares the request's signature with the one computed under key
// for the canonical request AWS would build, then, only if that fails, for
// the other canonical forms a client may have used.
func (a *Auth) check(r *http.Request, key []byte, payload string) error {
	var hb strings.Builder
	hb.Grow(64 * len(a.SignedHeaders))
	signedLine := writeCanonicalHeaders(&hb, r, a.SignedHeaders)
	headers := hb.String()
	scope := a.Scope()
	s3 := a.IsS3()
	try := func(uri, query string) (string, string, bool) {
		cr := canonicalRequest(r.Method, uri, query, headers, signedLine, payload)
		sts := stringToSign(a.AmzDate, scope, cr)
		return cr, sts, equalSig(signHex(key, sts), a.Signature)
	}
	uri := canonicalURI(r, s3)
	query := canonicalQuery(a.query, a.Presigned, false)
	firstCR, firstSTS, ok := try(uri, query)
	if ok {
		return nil
	}
	queries := []string{query}
	if strings.Contains(r.URL.RawQuery, "+") {
		if alt := canonicalQuery(a.query, a.Presigned, true); alt != query {
			queries = append(queries, alt)
		}
	}
	for _, u := range canonicalURIs(r, s3) {
		for _, q := range queries {
			if u == uri && q == query {
				continue
			}
			if _, _, ok := try(u, q); ok {
				return nil
			}
		}
	}
	return &Error{
		Kind:              KindSignatureMismatch,
		Detail:            msgSignature,
		AccessKeyID:       a.AccessKeyID,
		SignatureProvided: a.Signature,
		StringToSign:      firstSTS,
		CanonicalRequest:  firstCR,
	}
}

// canonicalRequest joins the parts of a canonical request.
func canonicalRequest(method, uri, query, headers, signedLine, payload string) string {
	var b strings.Builder
	b.Grow(len(method) + len(uri) + len(query) + len(headers) + len(signedLine) + len(payload) + 5)
	b.WriteString(method)
	b.WriteByte('\n')
	b.WriteString(uri)
	b.WriteByte('\n')
	b.WriteString(query)
	b.WriteByte('\n')
	b.WriteString(headers)
	b.WriteByte('\n')
	b.WriteString(signedLine)
	b.WriteByte('\n')
	b.WriteString(payload)
	return b.String()
}
