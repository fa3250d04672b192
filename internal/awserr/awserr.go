// Package awserr is the one error type every layer of unkai returns to a
// client: an AWS error code, the message real AWS would send, an HTTP status,
// and a cause that is kept for logs and tests but never written to the wire.
package awserr

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an error as a client sees it. Code and Message are sent; cause is
// never sent, not even in logs' client-facing fields.
type Error struct {
	// Code is the AWS error code, e.g. "ResourceNotFoundException".
	Code string
	// Message is the human text AWS sends with the code.
	Message string
	// Status is the HTTP status code of the response.
	Status int
	// Fields, when set, points to a generated exception structure whose extra
	// members (beyond code and message) codecs serialize beside the code, as
	// AWS does for e.g. TransactionCanceledException's CancellationReasons.
	Fields any
	// Headers are extra response headers some errors carry (e.g. S3's
	// x-amz-delete-marker on a 404 for a delete marker).
	Headers http.Header

	cause error
}

// New returns an error with the given code, status and formatted message.
func New(code string, status int, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Code: code, Message: msg, Status: status}
}

// Error implements error. It includes the hidden cause, so it is for logs and
// tests only; codecs write Code and Message, never Error().
func (e *Error) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.cause)
	}
	return e.Code + ": " + e.Message
}

// Unwrap returns the hidden cause.
func (e *Error) Unwrap() error { return e.cause }

// WithCause returns a copy of e that records cause for logs.
func (e *Error) WithCause(cause error) *Error {
	c := *e
	c.cause = cause
	return &c
}

// WithFields returns a copy of e whose extra members come from fields, a
// pointer to a generated exception structure.
func (e *Error) WithFields(fields any) *Error {
	c := *e
	c.Fields = fields
	return &c
}

// Sender reports whether the client is at fault (status below 500).
func (e *Error) Sender() bool { return e.Status < 500 }

// InternalFailureCode is the code for an unexpected server-side failure in
// the JSON and query protocols; S3's codec renames it to "InternalError".
const InternalFailureCode = "InternalFailure"

// Internal wraps an unexpected failure. The client sees only a generic
// message; cause is kept for the log line.
func Internal(cause error) *Error {
	return &Error{
		Code:    InternalFailureCode,
		Message: "We encountered an internal error. Please try again.",
		Status:  http.StatusInternalServerError,
		cause:   cause,
	}
}

// From returns err as an *Error: itself when it is (or wraps) one, an
// internal failure otherwise. A nil err gives nil.
func From(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

// NotImplemented is the 501 answered for an operation of a known service that
// unkai does not serve yet. It names the operation as "service:Operation".
func NotImplemented(service, operation string) *Error {
	return New("NotImplemented", http.StatusNotImplemented,
		"The operation %s:%s is not implemented by unkai yet.", service, operation)
}
