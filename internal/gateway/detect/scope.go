package detect

import (
	"net/http"
	"strings"
)

// signingName returns the service of r's SigV4 (or SigV4a) credential
// scope, from the Authorization header or a presigned URL's
// X-Amz-Credential; "" when r carries neither.
func signingName(r *http.Request) string {
	if auth := r.Header.Get("Authorization"); auth != "" {
		if s := scopeService(authCredential(auth)); s != "" {
			return s
		}
	}
	if r.URL != nil && r.URL.RawQuery != "" {
		return scopeService(queryValue(r.URL.RawQuery, "X-Amz-Credential"))
	}
	return ""
}

// authCredential returns the Credential value of an Authorization header:
// "AKID/20240101/us-east-1/sts/aws4_request" in
// "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/sts/aws4_request, SignedHeaders=..., Signature=...".
func authCredential(auth string) string {
	const key = "Credential="
	i := strings.Index(auth, key)
	if i < 0 {
		return ""
	}
	v := auth[i+len(key):]
	if j := strings.IndexAny(v, ", "); j >= 0 {
		v = v[:j]
	}
	return v
}

// scopeService returns the service component of a credential, the one
// just before the final "aws4_request": AKID/date/region/service/aws4_request
// for SigV4, AKID/date/service/aws4_request for SigV4a. The separators may be
// percent-encoded, as in a presigned URL's query.
func scopeService(cred string) string {
	const term = "aws4_request"
	rest, ok := strings.CutSuffix(cred, term)
	if !ok {
		return ""
	}
	rest, ok = cutSep(rest)
	if !ok {
		return ""
	}
	start := lastSep(rest)
	if start < 0 {
		return ""
	}
	return rest[start:]
}

// cutSep removes a trailing "/" or "%2F" from s.
func cutSep(s string) (string, bool) {
	if strings.HasSuffix(s, "/") {
		return s[:len(s)-1], true
	}
	if n := len(s); n >= 3 && s[n-3] == '%' && s[n-2] == '2' && (s[n-1] == 'F' || s[n-1] == 'f') {
		return s[:n-3], true
	}
	return s, false
}

// lastSep returns the index just after the last "/" or "%2F" in s, or -1.
func lastSep(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		switch {
		case s[i] == '/':
			return i + 1
		case s[i] == '%' && i+2 < len(s) && s[i+1] == '2' && (s[i+2] == 'F' || s[i+2] == 'f'):
			return i + 3
		}
	}
	return -1
}
