package sigv4

import "net/http"

// Dialect is the family of authentication errors a service sends. AWS's
// front ends differ: json-protocol services answer Coral-style exception
// names, query services the classic codes, EC2 its own few, and S3 its own
// codes with extra elements.
type Dialect int

// Dialects.
const (
	// DialectJSON: json and rest-json services (Lambda, KMS, Logs, ...).
	DialectJSON Dialect = iota
	// DialectDynamoDB: like DialectJSON but every client error is a 400,
	// as DynamoDB (and DynamoDB Streams) send them.
	DialectDynamoDB
	// DialectQuery: query services and rest-xml services other than S3
	// (STS, IAM, SQS, SNS, Route 53, CloudFront, ...).
	DialectQuery
	// DialectEC2: the ec2 protocol.
	DialectEC2
	// DialectS3: S3 and S3 Control.
	DialectS3
)

// DialectOf picks the dialect for a service from its model's protocol and
// SigV4 signing name (see protocol.Service).
func DialectOf(protocol, signingName string) Dialect {
	switch {
	case signingName == "s3" || signingName == "s3express" || signingName == "s3-outposts":
		return DialectS3
	case signingName == "dynamodb":
		return DialectDynamoDB
	case protocol == "json" || protocol == "rest-json":
		return DialectJSON
	case protocol == "ec2":
		return DialectEC2
	}
	return DialectQuery
}

// entry is one AWS error: code, status and message. An empty msg means the
// message is the Error's detail text for that dialect.
type entry struct {
	code   string
	status int
	msg    string
}

// Fixed messages shared by several dialects.
const (
	msgMissingToken  = "Request is missing Authentication Token"
	msgSignature     = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgS3Signature   = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
	msgInvalidToken  = "The security token included in the request is invalid."
	msgExpiredToken  = "The security token included in the request is expired"
	msgS3Malformed   = "The authorization header is malformed; "
	msgS3Unsupported = "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."
)

// table is every failure kind's error per dialect: the one place to correct
// when AWS is found to answer differently. DialectDynamoDB is derived from
// DialectJSON in lookup.
var table = [...][KindLengthMismatch + 1]entry{
	DialectJSON: {
		KindMissing:               {"MissingAuthenticationTokenException", http.StatusForbidden, msgMissingToken},
		KindMalformed:             {"IncompleteSignatureException", http.StatusBadRequest, ""},
		KindMalformedQuery:        {"IncompleteSignatureException", http.StatusBadRequest, ""},
		KindUnsupported:           {"IncompleteSignatureException", http.StatusBadRequest, ""},
		KindMissingDate:           {"IncompleteSignatureException", http.StatusBadRequest, ""},
		KindCredentialDate:        {"InvalidSignatureException", http.StatusForbidden, ""},
		KindSignatureMismatch:     {"InvalidSignatureException", http.StatusForbidden, msgSignature},
		KindUnknownKey:            {"UnrecognizedClientException", http.StatusForbidden, msgInvalidToken},
		KindExpiredToken:          {"ExpiredTokenException", http.StatusForbidden, msgExpiredToken},
		KindSkewed:                {"InvalidSignatureException", http.StatusForbidden, ""},
		KindExpired:               {"InvalidSignatureException", http.StatusForbidden, ""},
		KindNotYetValid:           {"InvalidSignatureException", http.StatusForbidden, ""},
		KindMissingContentSHA256:  {"IncompleteSignatureException", http.StatusBadRequest, ""},
		KindInvalidContentSHA256:  {"InvalidSignatureException", http.StatusBadRequest, ""},
		KindContentSHA256Mismatch: {"InvalidSignatureException", http.StatusBadRequest, ""},
		KindChunkSignature:        {"InvalidSignatureException", http.StatusForbidden, msgSignature},
		KindMalformedBody:         {"SerializationException", http.StatusBadRequest, ""},
		KindLengthMismatch:        {"SerializationException", http.StatusBadRequest, ""},
	},
	DialectQuery: {
		KindMissing:               {"MissingAuthenticationToken", http.StatusForbidden, msgMissingToken},
		KindMalformed:             {"IncompleteSignature", http.StatusBadRequest, ""},
		KindMalformedQuery:        {"IncompleteSignature", http.StatusBadRequest, ""},
		KindUnsupported:           {"IncompleteSignature", http.StatusBadRequest, ""},
		KindMissingDate:           {"IncompleteSignature", http.StatusBadRequest, ""},
		KindCredentialDate:        {"SignatureDoesNotMatch", http.StatusForbidden, ""},
		KindSignatureMismatch:     {"SignatureDoesNotMatch", http.StatusForbidden, msgSignature},
		KindUnknownKey:            {"InvalidClientTokenId", http.StatusForbidden, msgInvalidToken},
		KindExpiredToken:          {"ExpiredToken", http.StatusForbidden, msgExpiredToken},
		KindSkewed:                {"SignatureDoesNotMatch", http.StatusForbidden, ""},
		KindExpired:               {"SignatureDoesNotMatch", http.StatusForbidden, ""},
		KindNotYetValid:           {"SignatureDoesNotMatch", http.StatusForbidden, ""},
		KindMissingContentSHA256:  {"IncompleteSignature", http.StatusBadRequest, ""},
		KindInvalidContentSHA256:  {"SignatureDoesNotMatch", http.StatusBadRequest, ""},
		KindContentSHA256Mismatch: {"SignatureDoesNotMatch", http.StatusBadRequest, ""},
		KindChunkSignature:        {"SignatureDoesNotMatch", http.StatusForbidden, msgSignature},
		KindMalformedBody:         {"MalformedInput", http.StatusBadRequest, ""},
		KindLengthMismatch:        {"MalformedInput", http.StatusBadRequest, ""},
	},
	DialectEC2: {
		KindMissing:               {"MissingAuthenticationToken", http.StatusUnauthorized, msgMissingToken},
		KindMalformed:             {"IncompleteSignature", http.StatusBadRequest, ""},
		KindMalformedQuery:        {"IncompleteSignature", http.StatusBadRequest, ""},
		KindUnsupported:           {"IncompleteSignature", http.StatusBadRequest, ""},
		KindMissingDate:           {"IncompleteSignature", http.StatusBadRequest, ""},
		KindCredentialDate:        {"SignatureDoesNotMatch", http.StatusForbidden, ""},
		KindSignatureMismatch:     {"SignatureDoesNotMatch", http.StatusForbidden, msgSignature},
		KindUnknownKey:            {"AuthFailure", http.StatusUnauthorized, "AWS was not able to validate the provided access credentials"},
		KindExpiredToken:          {"RequestExpired", http.StatusBadRequest, "Request has expired."},
		KindSkewed:                {"RequestExpired", http.StatusBadRequest, "Request has expired."},
		KindExpired:               {"RequestExpired", http.StatusBadRequest, "Request has expired."},
		KindNotYetValid:           {"RequestExpired", http.StatusBadRequest, "Request has expired."},
		KindMissingContentSHA256:  {"IncompleteSignature", http.StatusBadRequest, ""},
		KindInvalidContentSHA256:  {"SignatureDoesNotMatch", http.StatusBadRequest, ""},
		KindContentSHA256Mismatch: {"SignatureDoesNotMatch", http.StatusBadRequest, ""},
		KindChunkSignature:        {"SignatureDoesNotMatch", http.StatusForbidden, msgSignature},
		KindMalformedBody:         {"InvalidParameterValue", http.StatusBadRequest, ""},
		KindLengthMismatch:        {"InvalidParameterValue", http.StatusBadRequest, ""},
	},
	DialectS3: {
		KindMissing:               {"AccessDenied", http.StatusForbidden, "Access Denied"},
		KindMalformed:             {"AuthorizationHeaderMalformed", http.StatusBadRequest, msgS3Malformed + "%s"},
		KindMalformedQuery:        {"AuthorizationQueryParametersError", http.StatusBadRequest, ""},
		KindUnsupported:           {"InvalidRequest", http.StatusBadRequest, msgS3Unsupported},
		KindMissingDate:           {"AccessDenied", http.StatusForbidden, "AWS authentication requires a valid Date or x-amz-date header"},
		KindCredentialDate:        {"AuthorizationHeaderMalformed", http.StatusBadRequest, msgS3Malformed + "%s"},
		KindSignatureMismatch:     {"SignatureDoesNotMatch", http.StatusForbidden, msgS3Signature},
		KindUnknownKey:            {"InvalidAccessKeyId", http.StatusForbidden, "The AWS Access Key Id you provided does not exist in our records."},
		KindExpiredToken:          {"ExpiredToken", http.StatusBadRequest, "The provided token has expired."},
		KindSkewed:                {"RequestTimeTooSkewed", http.StatusForbidden, "The difference between the request time and the current time is too large."},
		KindExpired:               {"AccessDenied", http.StatusForbidden, "Request has expired"},
		KindNotYetValid:           {"AccessDenied", http.StatusForbidden, "Request is not valid yet"},
		KindMissingContentSHA256:  {"InvalidRequest", http.StatusBadRequest, "Missing required header for this request: x-amz-content-sha256"},
		KindInvalidContentSHA256:  {"InvalidArgument", http.StatusBadRequest, "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value."},
		KindContentSHA256Mismatch: {"XAmzContentSHA256Mismatch", http.StatusBadRequest, "The provided 'x-amz-content-sha256' header does not match what was computed."},
		KindChunkSignature:        {"SignatureDoesNotMatch", http.StatusForbidden, msgS3Signature},
		KindMalformedBody:         {"IncompleteBody", http.StatusBadRequest, "The request body terminated unexpectedly"},
		KindLengthMismatch:        {"IncompleteBody", http.StatusBadRequest, "You did not provide the number of bytes specified by the Content-Length HTTP header"},
	},
}

// lookup returns the entry of kind k in dialect d.
func lookup(d Dialect, k Kind) entry {
	if k <= 0 || k > KindLengthMismatch {
		k = KindSignatureMismatch
	}
	switch d {
	case DialectDynamoDB:
		e := table[DialectJSON][k]
		if e.status < http.StatusInternalServerError {
			e.status = http.StatusBadRequest
		}
		return e
	case DialectJSON, DialectQuery, DialectEC2, DialectS3:
		return table[d][k]
	}
	return table[DialectQuery][k]
}
