package sigv4

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDialectOf(t *testing.T) {
	tests := []struct {
		protocol, signing string
		want              Dialect
	}{
		{"json", "dynamodb", DialectDynamoDB},
		{"json", "kms", DialectJSON},
		{"rest-json", "lambda", DialectJSON},
		{"query", "sts", DialectQuery},
		{"rest-xml", "route53", DialectQuery},
		{"rest-xml", "s3", DialectS3},
		{"ec2", "ec2", DialectEC2},
	}
	for _, tc := range tests {
		if got := DialectOf(tc.protocol, tc.signing); got != tc.want {
			t.Errorf("DialectOf(%q, %q) = %v, want %v", tc.protocol, tc.signing, got, tc.want)
		}
	}
}

func TestErrorMapping(t *testing.T) {
	skew := &Error{Kind: KindSkewed, Detail: "Signature expired: 20260101T000000Z is now earlier than 20260101T114500Z (20260101T120000Z - 15 min.)",
		RequestTime: mustTime("20260101T000000Z"), ServerTime: now, MaxSkew: 15 * time.Minute}
	malformed := newError(KindMalformed, "Authorization header requires 'Credential' parameter. Authorization=AWS4-HMAC-SHA256").
		withS3("the authorization header requires three components: Credential, SignedHeaders, and Signature.")
	mismatch := &Error{Kind: KindSignatureMismatch, Detail: msgSignature, AccessKeyID: "AKID", StringToSign: "sts", SignatureProvided: "x", CanonicalRequest: "cr"}
	tests := []struct {
		name    string
		err     *Error
		d       Dialect
		code    string
		status  int
		message string // prefix
		fields  bool
	}{
		{"missing json", newError(KindMissing, ""), DialectJSON, "MissingAuthenticationTokenException", 403, "Request is missing Authentication Token", false},
		{"missing dynamodb", newError(KindMissing, ""), DialectDynamoDB, "MissingAuthenticationTokenException", 400, "Request is missing", false},
		{"missing query", newError(KindMissing, ""), DialectQuery, "MissingAuthenticationToken", 403, "Request is missing Authentication Token", false},
		{"missing s3", newError(KindMissing, ""), DialectS3, "AccessDenied", 403, "Access Denied", false},
		{"malformed query", malformed, DialectQuery, "IncompleteSignature", 400, "Authorization header requires 'Credential' parameter.", false},
		{"malformed json", malformed, DialectJSON, "IncompleteSignatureException", 400, "Authorization header requires", false},
		{"malformed s3", malformed, DialectS3, "AuthorizationHeaderMalformed", 400,
			"The authorization header is malformed; the authorization header requires three components", false},
		{"mismatch json", mismatch, DialectJSON, "InvalidSignatureException", 403, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key", false},
		{"mismatch query", mismatch, DialectQuery, "SignatureDoesNotMatch", 403, "The request signature we calculated", false},
		{"mismatch s3", mismatch, DialectS3, "SignatureDoesNotMatch", 403, "The request signature we calculated does not match the signature you provided. Check your key and signing method.", true},
		{"unknown json", &Error{Kind: KindUnknownKey, AccessKeyID: "AKID"}, DialectJSON, "UnrecognizedClientException", 403, "The security token included in the request is invalid.", false},
		{"unknown query", &Error{Kind: KindUnknownKey, AccessKeyID: "AKID"}, DialectQuery, "InvalidClientTokenId", 403, "The security token included in the request is invalid.", false},
		{"unknown ec2", &Error{Kind: KindUnknownKey, AccessKeyID: "AKID"}, DialectEC2, "AuthFailure", 401, "AWS was not able to validate", false},
		{"unknown s3", &Error{Kind: KindUnknownKey, AccessKeyID: "AKID"}, DialectS3, "InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records.", true},
		{"skew json", skew, DialectJSON, "InvalidSignatureException", 403, "Signature expired: 20260101T000000Z is now earlier than", false},
		{"skew query", skew, DialectQuery, "SignatureDoesNotMatch", 403, "Signature expired:", false},
		{"skew ec2", skew, DialectEC2, "RequestExpired", 400, "Request has expired.", false},
		{"skew s3", skew, DialectS3, "RequestTimeTooSkewed", 403, "The difference between the request time and the current time is too large.", true},
		{"expired s3", &Error{Kind: KindExpired, Expires: time.Hour, RequestTime: now, ServerTime: now}, DialectS3, "AccessDenied", 403, "Request has expired", true},
		{"sha mismatch s3", &Error{Kind: KindContentSHA256Mismatch, ClientContentSHA256: "a", ComputedContentSHA256: "b"}, DialectS3,
			"XAmzContentSHA256Mismatch", 400, "The provided 'x-amz-content-sha256' header does not match what was computed.", true},
		{"credential date s3", newError(KindCredentialDate, "Date in Credential scope does not match").withS3("Invalid credential date. Date is not the same as X-Amz-Date."),
			DialectS3, "AuthorizationHeaderMalformed", 400, "The authorization header is malformed; Invalid credential date.", false},
		{"unknown kind", &Error{Kind: Kind(99)}, DialectQuery, "SignatureDoesNotMatch", 403, "The request signature", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.err.AWS(tc.d)
			if got.Code != tc.code || got.Status != tc.status || !strings.HasPrefix(got.Message, tc.message) {
				t.Errorf("got %s %d %q, want %s %d %q...", got.Code, got.Status, got.Message, tc.code, tc.status, tc.message)
			}
			if (got.Fields != nil) != tc.fields {
				t.Errorf("fields = %#v, want present=%v", got.Fields, tc.fields)
			}
			if !errors.Is(got, tc.err) {
				t.Error("the awserr does not wrap the sigv4 error")
			}
		})
	}
}

func TestEveryKindHasAnEntry(t *testing.T) {
	for _, d := range []Dialect{DialectJSON, DialectDynamoDB, DialectQuery, DialectEC2, DialectS3} {
		for k := KindMissing; k <= KindLengthMismatch; k++ {
			e := lookup(d, k)
			if e.code == "" || e.status == 0 {
				t.Errorf("dialect %d kind %v has no entry", d, k)
			}
			if k.String() == "" || strings.HasPrefix(k.String(), "kind(") {
				t.Errorf("kind %d has no name", k)
			}
		}
	}
}

func TestErrorsIsKind(t *testing.T) {
	err := error(&Error{Kind: KindExpired, Detail: "x"})
	if !errors.Is(err, &Error{Kind: KindExpired}) || errors.Is(err, &Error{Kind: KindSkewed}) {
		t.Error("errors.Is by kind does not work")
	}
	if ToAWS(nil, DialectS3) != nil {
		t.Error("ToAWS(nil) != nil")
	}
}
