// Package awsjson is the server side of AWS's json protocol (versions 1.0
// and 1.1): operations named by the X-Amz-Target header, JSON request and
// response bodies, and errors as {"__type": ..., "message": ...}.
//
// Wire behaviour, as the SDKs expect it:
//
//   - X-Amz-Target is "<targetPrefix>.<Operation>"; a missing or unknown
//     target is answered 400 UnknownOperationException.
//   - Request Content-Type may be application/x-amz-json-1.0 or -1.1 (either
//     version is accepted for any service), application/json, or absent.
//     Any other media type (e.g. form-encoded, which AWS's front end treats
//     as the query protocol) is answered 400 UnknownOperationException:
//     the request names no JSON operation. Gateways that serve query-
//     compatible services route form requests to the query codec instead.
//   - An empty body decodes as {}; bodies longer than the codec's limit
//     (16 MiB by default) are answered 413 RequestEntityTooLargeException.
//     Malformed JSON and type mismatches are answered 400
//     SerializationException with AWS's wording; unknown keys are ignored.
//   - Responses are 200 with Content-Type application/x-amz-json-<version>
//     and only the members that are set.
//   - Errors carry the status, an X-Amzn-ErrorType header with the bare code
//     and a body {"__type": "<namespace>#<Code>", "message": "..."} plus the
//     members of awserr.Error.Fields. json 1.0 services (DynamoDB) qualify
//     their own codes with the service namespace
//     ("com.amazonaws.dynamodb.v20120810#") and AWS front-end codes with
//     Coral's ("com.amazon.coral.service#SerializationException",
//     "com.amazon.coral.validate#ValidationException"); json 1.1 services
//     send the bare code. SDKs read __type (or the header), drop what
//     precedes '#' and what follows ':', and read "message" in any case.
package awsjson
