package jsonshape

import "errors"

// Error is a body that is not JSON or does not fit the shape. Message is the
// text AWS's JSON services send with a SerializationException.
type Error struct {
	// Message is the client-facing text.
	Message string
	// Err is the underlying cause, if any (kept for logs).
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return "jsonshape: " + e.Message + ": " + e.Err.Error()
	}
	return "jsonshape: " + e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// ErrTooLarge is returned (wrapped) when a body is longer than the decoder's
// size bound.
var ErrTooLarge = errors.New("request body too large")

// typeNames are the names AWS's JSON services use for a member's type in
// serialization errors, by model type.
var typeNames = map[string]string{
	"string":    "String",
	"character": "String",
	"integer":   "Integer",
	"long":      "Long",
	"short":     "Short",
	"byte":      "Byte",
	"float":     "Float",
	"double":    "Double",
	"boolean":   "Boolean",
	"timestamp": "Date",
	"blob":      "ByteBuffer",
	"structure": "Structure",
	"list":      "List",
	"map":       "Map",
}

// typeName names model type kind for messages.
func typeName(kind string) string {
	if n, ok := typeNames[kind]; ok {
		return n
	}
	return "Object"
}

// mismatch is the error for a JSON token of class tok (STRING, NUMBER, TRUE,
// FALSE) where a member of model type kind was expected.
func mismatch(tok, kind string) *Error {
	return &Error{Message: tok + "_VALUE cannot be converted to " + typeName(kind)}
}

// Messages for structural mismatches, as AWS's JSON services word them.
const (
	msgUnexpectedObject = "Start of structure or map found where not expected."
	msgUnexpectedArray  = "Start of list found where not expected."
	msgTooDeep          = "Maximum nesting depth of the request body exceeded."
	msgTrailing         = "Unexpected content after the end of the JSON document."
)
