// Package query is the server side of AWS's query protocol (STS, IAM,
// CloudWatch, ...): requests are form-encoded Action/Version parameters in a
// POST body or a GET query string, responses are XML documents
// <OpResponse><OpResult>...</OpResult><ResponseMetadata>...</ResponseMetadata></OpResponse>,
// and errors are <ErrorResponse> documents.
//
// The form decoder (Decode, with QueryNaming or EC2Naming) is shared with
// the ec2query codec.
package query
