// Package sigv4 authenticates requests signed with AWS Signature Version 4,
// as the official SDKs and the AWS CLI send them: the Authorization header
// form, the presigned query form, and S3's aws-chunked streaming bodies with
// per-chunk signatures and trailing checksums.
//
// Parse reads what a request claims (access key, scope, signed headers,
// signature, time). A Verifier checks the claim against the secret of the
// access key: it rebuilds the canonical request with the path rules of the
// scope's service (S3 neither normalizes nor double-encodes the path), checks
// the clock skew or the presigned expiry, and compares signatures in constant
// time. Failures are *Error values of a Kind; Error.AWS turns one into the
// *awserr.Error that the service's protocol family sends.
package sigv4
