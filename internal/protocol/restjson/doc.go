// Package restjson is the server side of AWS's rest-json protocol: the
// operation comes from the HTTP method, path and fixed query parts (see
// package rest), input members from the URI, query string, headers and a
// JSON body (or a raw payload), and output members go to headers, the status
// code and a JSON body (or a raw payload).
//
// Wire behaviour:
//
//   - A request no operation's path matches is answered 404
//     UnknownOperationException with no message; one whose path matches only
//     under other methods is answered 405 MethodNotAllowedException, as
//     AWS's Smithy-based REST front ends do.
//   - A structure payload member makes the body that structure; a blob or
//     string payload is the raw body (bounded like JSON bodies); a streaming
//     payload is handed to the handler as the request body, unread. JSON
//     bodies are bounded (16 MiB by default, else 413
//     RequestEntityTooLargeException); malformed JSON, type mismatches and
//     unparsable bound values are answered 400 SerializationException.
//   - Responses carry the statusCode member's status, else the operation's
//     http.responseCode, else 200. A body is written only when the output
//     has body members (Content-Type application/json), a structure payload
//     that is set, or a raw payload.
//   - Errors carry the status, an X-Amzn-ErrorType header with the code,
//     header-bound members of awserr.Error.Fields, and a body
//     {"message": "..."} plus the exception's other members. The message
//     key is spelled as the exception shape spells it ("Message" for
//     Lambda). Exceptions whose shape has a Type member (Lambda) get
//     "Type": "User" for client faults and "Service" otherwise when the
//     error carries no Fields, as Lambda answers.
package restjson
