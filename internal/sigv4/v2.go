package sigv4

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// S3 still accepts its legacy signature (AWS signature version 2), and
// clients still send it: the AWS CLI v1's `aws s3 presign` makes
// AWSAccessKeyId/Signature/Expires URLs, and SDKs configured with
// signature_version "s3" sign headers "AWS AKID:signature". Both are
// parsed into an Auth with V2 set; only S3 may accept one.

// V2Prefix starts the Authorization header of the legacy signature.
const V2Prefix = "AWS "

// parseV2Header reads "AWS AKID:base64signature".
func parseV2Header(r *http.Request, h string, q []pair) (*Auth, error) {
	akid, sig, ok := strings.Cut(strings.TrimSpace(h[len(V2Prefix):]), ":")
	if !ok || akid == "" || sig == "" {
		return nil, errorf(KindMalformed, "Authorization header is invalid -- one and only one ' ' (space) required. Authorization=%s", clip(h)).
			withS3("the authorization header is malformed; expecting 'AWS AKID:signature'.")
	}
	a := &Auth{V2: true, AccessKeyID: akid, Signature: sig, Service: "s3", query: q}
	date := r.Header.Get("X-Amz-Date")
	if date == "" {
		date = r.Header.Get("Date")
	}
	t, ok := parseV2Date(date)
	if !ok {
		return nil, newError(KindMissingDate, "AWS authentication requires a valid Date or x-amz-date header")
	}
	a.Time = t
	a.SecurityToken = r.Header.Get("X-Amz-Security-Token")
	return a, nil
}

// parseV2Date reads the request time of a legacy-signed request: an HTTP
// date, with a numeric or named zone, or ISO 8601 basic.
func parseV2Date(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC1123Z, time.RFC1123, http.TimeFormat, time.RFC850, time.ANSIC, TimeFormat} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseV2Query reads AWSAccessKeyId, Signature and Expires (Unix seconds).
func parseV2Query(r *http.Request, q []pair) (*Auth, error) {
	akid, _ := lookupPair(q, "AWSAccessKeyId")
	sig, hasSig := lookupPair(q, "Signature")
	exp, hasExp := lookupPair(q, "Expires")
	if akid == "" || !hasSig || !hasExp {
		return nil, newError(KindMalformedQuery, "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters").
			withS3("Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters")
	}
	n, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return nil, errorf(KindMalformedQuery, "Invalid date (should be seconds since epoch): %s", clip(exp)).
			withS3("Invalid date (should be seconds since epoch): " + clip(exp))
	}
	a := &Auth{V2: true, Presigned: true, AccessKeyID: akid, Signature: sig, Service: "s3", query: q,
		ExpiresAt: time.Unix(n, 0).UTC(), v2Expires: exp}
	a.SecurityToken, _ = lookupPair(q, "x-amz-security-token")
	if a.SecurityToken == "" {
		a.SecurityToken = r.Header.Get("X-Amz-Security-Token")
	}
	return a, nil
}

// verifyV2 checks a legacy signature: expiry or clock skew, then the
// HMAC-SHA1 of the request's string to sign.
func (v *Verifier) verifyV2(ctx context.Context, r *http.Request, a *Auth) error {
	now := v.now().UTC()
	if a.Presigned {
		if now.After(a.ExpiresAt) {
			return &Error{Kind: KindExpired, Detail: "Request has expired.", RequestTime: a.ExpiresAt, ServerTime: now}
		}
	} else if d := now.Sub(a.Time); d > v.maxSkew || -d > v.maxSkew {
		return &Error{Kind: KindSkewed, Detail: "The difference between the request time and the current time is too large.",
			RequestTime: a.Time, ServerTime: now, MaxSkew: v.maxSkew}
	}
	secret, err := v.lookupSecret(ctx, a)
	if err != nil {
		return err
	}
	sts := v2StringToSign(r, a)
	return checkV2(a, secret, sts)
}

// checkV2 compares a's legacy signature with the base64 HMAC-SHA1 of the
// string to sign under secret.
func checkV2(a *Auth, secret, sts string) error {
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(sts))
	if !hmac.Equal([]byte(base64.StdEncoding.EncodeToString(mac.Sum(nil))), []byte(a.Signature)) {
		return &Error{Kind: KindSignatureMismatch, AccessKeyID: a.AccessKeyID, StringToSign: sts, SignatureProvided: a.Signature,
			Detail: "The request signature we calculated does not match the signature you provided. Check your key and signing method."}
	}
	return nil
}

// v2SubResources are the query parameters the legacy string to sign
// includes, in the order it lists them (sorted).
var v2SubResources = []string{
	"acl", "cors", "delete", "lifecycle", "location", "logging", "notification", "partNumber", "policy",
	"requestPayment", "response-cache-control", "response-content-disposition", "response-content-encoding",
	"response-content-language", "response-content-type", "response-expires", "restore", "tagging", "torrent",
	"uploadId", "uploads", "versionId", "versioning", "versions", "website",
}

// v2StringToSign builds the legacy string to sign: method, Content-MD5,
// Content-Type, date (or Expires), the x-amz-* headers and the resource.
func v2StringToSign(r *http.Request, a *Auth) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n")
	b.WriteString(r.Header.Get("Content-Md5") + "\n")
	b.WriteString(r.Header.Get("Content-Type") + "\n")
	switch {
	case a.Presigned:
		b.WriteString(a.v2Expires)
	case r.Header.Get("X-Amz-Date") != "":
	default:
		b.WriteString(r.Header.Get("Date"))
	}
	b.WriteString("\n")
	var amz []string
	for name := range r.Header {
		if l := strings.ToLower(name); strings.HasPrefix(l, "x-amz-") {
			amz = append(amz, l)
		}
	}
	slices.Sort(amz)
	for _, name := range amz {
		vals := r.Header.Values(name)
		for i := range vals {
			vals[i] = strings.TrimSpace(vals[i])
		}
		b.WriteString(name + ":" + strings.Join(vals, ",") + "\n")
	}
	b.WriteString(r.URL.EscapedPath())
	sep := "?"
	for _, name := range v2SubResources {
		for _, p := range a.query {
			if p.key != name {
				continue
			}
			b.WriteString(sep + name)
			if p.value != "" {
				b.WriteString("=" + p.value)
			}
			sep = "&"
		}
	}
	return b.String()
}
