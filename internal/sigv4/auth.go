package sigv4

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Algorithm is the only signing algorithm this package verifies.
const Algorithm = "AWS4-HMAC-SHA256"

// Names of the query parameters of a presigned request.
const (
	ParamAlgorithm     = "X-Amz-Algorithm"
	ParamCredential    = "X-Amz-Credential"
	ParamDate          = "X-Amz-Date"
	ParamExpires       = "X-Amz-Expires"
	ParamSignedHeaders = "X-Amz-SignedHeaders"
	ParamSignature     = "X-Amz-Signature"
	ParamSecurityToken = "X-Amz-Security-Token"
)

// TimeFormat is the ISO 8601 basic format of X-Amz-Date.
const TimeFormat = "20060102T150405Z"

// MaxPresignExpiry is the longest X-Amz-Expires AWS accepts (7 days).
const MaxPresignExpiry = 7 * 24 * time.Hour

// Auth is what a request's SigV4 authentication claims, before it is
// verified.
type Auth struct {
	// AccessKeyID is the access key id of the credential.
	AccessKeyID string
	// Date, Region and Service are the credential scope: Date is YYYYMMDD.
	Date    string
	Region  string
	Service string
	// SignedHeaders lists the signed header names, as sent.
	SignedHeaders []string
	// Signature is the hex signature the client sent.
	Signature string
	// SecurityToken is X-Amz-Security-Token (header or query), if any.
	SecurityToken string
	// Presigned is true for the query-string form.
	Presigned bool
	// AmzDate is the request time as it appears in the string to sign
	// (X-Amz-Date, or Date rewritten in the ISO 8601 basic format).
	AmzDate string
	// Time is the request time.
	Time time.Time
	// Expires is X-Amz-Expires of a presigned request; zero when absent.
	Expires time.Duration
	// V2 marks S3's legacy signature (see v2.go); ExpiresAt is then the
	// expiry of a presigned URL.
	V2        bool
	ExpiresAt time.Time
	v2Expires string

	// query holds the request's decoded query parameters in wire order.
	query []pair
}

// Scope returns the credential scope: "date/region/service/aws4_request".
func (a *Auth) Scope() string {
	return a.Date + "/" + a.Region + "/" + a.Service + "/aws4_request"
}

// IsS3 reports whether the scope's service follows S3's signing rules: no
// path normalization or double encoding, and a mandatory payload hash.
func (a *Auth) IsS3() bool { return isS3(a.Service) }

func isS3(service string) bool {
	switch service {
	case "s3", "s3express", "s3-outposts", "s3-object-lambda":
		return true
	}
	return false
}

// Parse reads the SigV4 authentication a request carries: the Authorization
// header when present, the presigned query parameters otherwise. A request
// with neither gives an *Error of KindMissing. Parse does not read the body.
func Parse(r *http.Request) (*Auth, error) {
	q := parseQuery(r.URL.RawQuery)
	if h := r.Header.Get("Authorization"); h != "" {
		if strings.HasPrefix(h, V2Prefix) {
			return parseV2Header(r, h, q)
		}
		return parseHeader(r, h, q)
	}
	if _, ok := lookupPair(q, "AWSAccessKeyId"); ok {
		return parseV2Query(r, q)
	}
	if _, ok := lookupPair(q, ParamAlgorithm); ok {
		return parsePresigned(r, q)
	}
	if _, ok := lookupPair(q, ParamCredential); ok {
		return parsePresigned(r, q)
	}
	if _, ok := lookupPair(q, ParamSignature); ok {
		return parsePresigned(r, q)
	}
	return nil, newError(KindMissing, "")
}

func parseHeader(r *http.Request, h string, q []pair) (*Auth, error) {
	h = strings.TrimSpace(h)
	alg, rest, _ := strings.Cut(h, " ")
	if alg != Algorithm {
		return nil, errorf(KindUnsupported, "Unsupported AWS 'algorithm': '%s'.", clip(alg))
	}
	var cred, signed, sig string
	var haveCred, haveSigned, haveSig bool
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "Credential":
			if !haveCred {
				cred, haveCred = strings.TrimSpace(v), true
			}
		case "SignedHeaders":
			if !haveSigned {
				signed, haveSigned = strings.TrimSpace(v), true
			}
		case "Signature":
			if !haveSig {
				sig, haveSig = strings.TrimSpace(v), true
			}
		}
	}
	amz, hasAmz := headerDate(r)
	if !haveCred || !haveSigned || !haveSig {
		var b strings.Builder
		for _, m := range [...]struct {
			name string
			ok   bool
		}{{"Credential", haveCred}, {"Signature", haveSig}, {"SignedHeaders", haveSigned}} {
			if !m.ok {
				b.WriteString("Authorization header requires '" + m.name + "' parameter. ")
			}
		}
		if !hasAmz {
			b.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
		}
		b.WriteString("Authorization=" + clip(h))
		return nil, newError(KindMalformed, b.String()).
			withS3("the authorization header requires three components: Credential, SignedHeaders, and Signature.")
	}
	a := &Auth{Signature: sig, query: q}
	if err := a.setCredential(cred, KindMalformed, ""); err != nil {
		return nil, err
	}
	if err := a.setSignedHeaders(signed, KindMalformed); err != nil {
		return nil, err
	}
	if !hasAmz {
		return nil, newError(KindMissingDate,
			"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization="+clip(h))
	}
	if err := a.setTime(amz, KindMalformed); err != nil {
		return nil, err
	}
	a.SecurityToken = r.Header.Get("X-Amz-Security-Token")
	return a, nil
}

// headerDate returns the request time header in the form the string to sign
// uses: X-Amz-Date as sent, or Date rewritten in the basic format.
func headerDate(r *http.Request) (string, bool) {
	if v := r.Header.Get("X-Amz-Date"); v != "" {
		return v, true
	}
	if v := r.Header.Get("Date"); v != "" {
		t, err := http.ParseTime(v)
		if err != nil {
			return v, true // setTime reports it
		}
		return t.UTC().Format(TimeFormat), true
	}
	return "", false
}

func parsePresigned(r *http.Request, q []pair) (*Auth, error) {
	get := func(name string) (string, bool) { return lookupPair(q, name) }
	alg, hasAlg := get(ParamAlgorithm)
	cred, hasCred := get(ParamCredential)
	sig, hasSig := get(ParamSignature)
	amz, hasDate := get(ParamDate)
	signed, hasSigned := get(ParamSignedHeaders)
	exp, hasExp := get(ParamExpires)
	a := &Auth{Presigned: true, Signature: sig, query: q}
	if hasCred {
		// The service decides whether X-Amz-Expires is required.
		_ = a.setCredential(cred, KindMalformedQuery, "")
	}
	if !hasAlg || !hasCred || !hasSig || !hasDate || !hasSigned || (!hasExp && a.IsS3()) {
		var b strings.Builder
		for _, m := range [...]struct {
			name string
			ok   bool
		}{{ParamAlgorithm, hasAlg}, {ParamCredential, hasCred}, {ParamSignature, hasSig},
			{ParamDate, hasDate}, {ParamSignedHeaders, hasSigned}} {
			if !m.ok {
				b.WriteString("AWS query-string parameters must include '" + m.name + "'. ")
			}
		}
		b.WriteString("Re-examine the query-string parameters.")
		return nil, newError(KindMalformedQuery, b.String()).
			withS3("Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.")
	}
	if alg != Algorithm {
		return nil, errorf(KindMalformedQuery, "Unsupported AWS 'algorithm': '%s'.", clip(alg)).
			withS3(`X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"`)
	}
	if err := a.setCredential(cred, KindMalformedQuery, "Error parsing the X-Amz-Credential parameter; "); err != nil {
		return nil, err
	}
	if err := a.setSignedHeaders(signed, KindMalformedQuery); err != nil {
		return nil, err
	}
	if err := a.setTime(amz, KindMalformedQuery); err != nil {
		return nil, err
	}
	if hasExp {
		n, err := strconv.ParseInt(exp, 10, 64)
		switch {
		case err != nil:
			return nil, errorf(KindMalformedQuery, "X-Amz-Expires should be a number, got '%s'.", clip(exp)).
				withS3("X-Amz-Expires should be a number")
		case n < 0:
			return nil, newError(KindMalformedQuery, "X-Amz-Expires must be non-negative.").
				withS3("X-Amz-Expires must be non-negative")
		case n > int64(MaxPresignExpiry/time.Second):
			return nil, newError(KindMalformedQuery, "X-Amz-Expires must be less than a week (in seconds) that is 604800.").
				withS3("X-Amz-Expires must be less than a week (in seconds) that is 604800")
		}
		a.Expires = time.Duration(n) * time.Second
	}
	a.SecurityToken, _ = get(ParamSecurityToken)
	if a.SecurityToken == "" {
		a.SecurityToken = r.Header.Get("X-Amz-Security-Token")
	}
	return a, nil
}

// setCredential parses "AKID/YYYYMMDD/region/service/aws4_request".
func (a *Auth) setCredential(cred string, k Kind, s3Prefix string) error {
	s3Malformed := s3Prefix + `the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return errorf(k, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", clip(cred)).
			withS3(s3Malformed)
	}
	if parts[0] == "" || parts[2] == "" || parts[3] == "" {
		return errorf(k, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", clip(cred)).
			withS3(s3Malformed)
	}
	if _, err := time.Parse("20060102", parts[1]); err != nil || len(parts[1]) != 8 {
		return errorf(k, "Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", clip(parts[1])).
			withS3(s3Malformed)
	}
	if parts[4] != "aws4_request" {
		return errorf(k, "Credential should be scoped with a valid terminator: 'aws4_request', not '%s'.", clip(parts[4])).
			withS3(s3Malformed)
	}
	a.AccessKeyID, a.Date, a.Region, a.Service = parts[0], parts[1], parts[2], parts[3]
	return nil
}

// setSignedHeaders parses "host;x-amz-date"; host must be signed.
func (a *Auth) setSignedHeaders(s string, k Kind) error {
	if s == "" {
		return newError(k, "Authorization header requires 'SignedHeaders' parameter.").
			withS3("the authorization header requires three components: Credential, SignedHeaders, and Signature.")
	}
	names := strings.Split(s, ";")
	host := false
	for _, n := range names {
		if n == "" {
			return errorf(k, "Invalid SignedHeaders '%s'.", clip(s)).
				withS3("the authorization header requires three components: Credential, SignedHeaders, and Signature.")
		}
		if strings.EqualFold(n, "host") || n == ":authority" {
			host = true
		}
	}
	if !host {
		return newError(k, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.").
			withS3("'Host' must be a 'SignedHeader' in the AWS Authorization.")
	}
	a.SignedHeaders = names
	return nil
}

// setTime parses the ISO 8601 basic request time.
func (a *Auth) setTime(amz string, k Kind) error {
	t, err := time.Parse(TimeFormat, amz)
	if err != nil {
		return errorf(k, "Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", clip(amz)).
			withS3(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`)
	}
	a.AmzDate, a.Time = amz, t
	return nil
}

// clip bounds client text echoed in messages.
func clip(s string) string {
	const max = 512
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
