// Package rest holds what AWS's rest-json and rest-xml protocols share: a
// router from HTTP method, path and fixed query parts to operations, the
// decoding of input members bound to the URI, query string and headers, and
// the encoding of output members bound to headers, the status code and a
// raw (blob, string or streaming) payload. Bodies are left to the body
// codecs (restjson, restxml).
//
// Timestamps bound to headers default to RFC 822 (HTTP dates), those in the
// URI or query string to ISO 8601; a member's timestampFormat overrides.
// Reading is lenient and accepts every format (see ParseTimestamp).
//
// Members marked hostLabel are not read from the host: protocol.Operation
// carries no endpoint host prefix, and AWS's models bind every host label
// to a body or URI member too, so codecs read them from there.
package rest
