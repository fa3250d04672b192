package sigv4

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/awserr"
)

// Kind classifies an authentication failure. Each kind maps to one AWS error
// per Dialect (see table.go).
type Kind int

// Failure kinds.
const (
	// KindMissing: the request carries no SigV4 authentication at all.
	KindMissing Kind = iota + 1
	// KindMalformed: the Authorization header lacks or garbles a component.
	KindMalformed
	// KindMalformedQuery: the presigned query parameters are incomplete or invalid.
	KindMalformedQuery
	// KindUnsupported: an algorithm or scheme other than AWS4-HMAC-SHA256.
	KindUnsupported
	// KindMissingDate: neither X-Amz-Date nor Date gives the request time.
	KindMissingDate
	// KindCredentialDate: the scope date is not the date of the request time.
	KindCredentialDate
	// KindSignatureMismatch: the signature does not match the request.
	KindSignatureMismatch
	// KindUnknownKey: the access key id is not known.
	KindUnknownKey
	// KindExpiredToken: the session token has expired.
	KindExpiredToken
	// KindSkewed: the request time is too far from the server's clock.
	KindSkewed
	// KindExpired: a presigned request is past its X-Amz-Expires.
	KindExpired
	// KindNotYetValid: a presigned request is dated in the future.
	KindNotYetValid
	// KindMissingContentSHA256: S3 header auth without x-amz-content-sha256.
	KindMissingContentSHA256
	// KindInvalidContentSHA256: x-amz-content-sha256 is neither a hash nor a known keyword.
	KindInvalidContentSHA256
	// KindContentSHA256Mismatch: the body does not hash to x-amz-content-sha256.
	KindContentSHA256Mismatch
	// KindChunkSignature: an aws-chunked chunk or trailer signature does not match.
	KindChunkSignature
	// KindMalformedBody: aws-chunked framing is broken or the body ends early.
	KindMalformedBody
	// KindLengthMismatch: the decoded body length differs from x-amz-decoded-content-length.
	KindLengthMismatch
)

var kindNames = [...]string{
	KindMissing:               "missing authentication",
	KindMalformed:             "malformed authorization header",
	KindMalformedQuery:        "malformed presigned query",
	KindUnsupported:           "unsupported authorization",
	KindMissingDate:           "missing request date",
	KindCredentialDate:        "credential date mismatch",
	KindSignatureMismatch:     "signature mismatch",
	KindUnknownKey:            "unknown access key",
	KindExpiredToken:          "expired security token",
	KindSkewed:                "request time too skewed",
	KindExpired:               "presigned request expired",
	KindNotYetValid:           "presigned request not yet valid",
	KindMissingContentSHA256:  "missing x-amz-content-sha256",
	KindInvalidContentSHA256:  "invalid x-amz-content-sha256",
	KindContentSHA256Mismatch: "x-amz-content-sha256 mismatch",
	KindChunkSignature:        "chunk signature mismatch",
	KindMalformedBody:         "malformed chunked body",
	KindLengthMismatch:        "decoded content length mismatch",
}

// String returns a short lowercase name of the kind, for logs.
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Error is an authentication failure. Its fields carry what the AWS message
// of each dialect is built from; the cause is for logs only.
type Error struct {
	// Kind classifies the failure.
	Kind Kind
	// Detail is the text json and query services send for kinds whose message
	// varies (malformed headers, skew, scope mismatches).
	Detail string
	// S3Detail is the variable part of S3's message for the same failure.
	S3Detail string
	// AccessKeyID is the access key the request claimed, when known.
	AccessKeyID string
	// SignatureProvided, StringToSign and CanonicalRequest describe a
	// signature mismatch; S3 echoes them in its error body.
	SignatureProvided string
	StringToSign      string
	CanonicalRequest  string
	// RequestTime and ServerTime describe skew and expiry failures.
	RequestTime time.Time
	ServerTime  time.Time
	// Expires is the X-Amz-Expires of an expired presigned request.
	Expires time.Duration
	// ClientContentSHA256 and ComputedContentSHA256 describe a payload hash
	// mismatch.
	ClientContentSHA256   string
	ComputedContentSHA256 string
	// MaxSkew is the allowed clock skew a skewed request exceeded.
	MaxSkew time.Duration

	cause error
}

// Error implements error, for logs and tests.
func (e *Error) Error() string {
	msg := "sigv4: " + e.Kind.String()
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.cause != nil {
		msg += ": " + e.cause.Error()
	}
	return msg
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.cause }

// Is reports whether target is an *Error of the same kind, so that
// errors.Is(err, &sigv4.Error{Kind: sigv4.KindExpired}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind && t.Detail == "" && t.cause == nil
}

// AWS returns the error the given dialect sends for e.
func (e *Error) AWS(d Dialect) *awserr.Error {
	ent := lookup(d, e.Kind)
	detail := e.Detail
	if d == DialectS3 && e.S3Detail != "" {
		detail = e.S3Detail
	}
	msg := ent.msg
	switch {
	case msg == "":
		msg = detail
	case strings.Contains(msg, "%s"):
		msg = strings.Replace(msg, "%s", detail, 1)
	}
	out := awserr.New(ent.code, ent.status, "%s", msg)
	if d == DialectS3 {
		out.Fields = e.s3Fields()
	}
	return out.WithCause(e)
}

// ToAWS maps any error from this package to the AWS error of dialect d.
// Errors that are not *Error (a failing secret store, a broken connection)
// become internal failures. A nil err gives nil.
func ToAWS(err error, d Dialect) *awserr.Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e.AWS(d)
	}
	return awserr.From(err)
}

func newError(k Kind, detail string) *Error {
	return &Error{Kind: k, Detail: detail}
}

func (e *Error) withS3(detail string) *Error {
	e.S3Detail = detail
	return e
}

func (e *Error) withCause(err error) *Error {
	e.cause = err
	return e
}

func errorf(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Detail: fmt.Sprintf(format, args...)}
}
