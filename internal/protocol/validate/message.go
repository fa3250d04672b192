package validate

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/unkai-cloud/unkai/internal/awserr"
)

// Violation is one constraint a member of an input failed.
type Violation struct {
	// Path locates the member the way AWS does: lowerCamel member names
	// joined by dots, list elements as "<index>.member" (1-based), map
	// values as "<key>", e.g. "globalSecondaryIndexes.1.member.indexName".
	Path string
	// Value is the offending value as AWS renders it ("'ab'", "'[a, b]'"),
	// or "null" for a missing member.
	Value string
	// Constraint is the failed constraint, e.g. "Member must not be null".
	Constraint string
}

// String renders v as one clause of AWS's validation message:
// "Value null at 'tableName' failed to satisfy constraint: Member must not be null".
func (v Violation) String() string {
	return "Value " + v.Value + " at '" + v.Path + "' failed to satisfy constraint: " + v.Constraint
}

// Message builds AWS's ValidationException message from vs:
// "1 validation error detected: <v>" or "N validation errors detected: <v1>; <v2>".
// It returns "" when vs is empty.
func Message(vs []Violation) string {
	if len(vs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(vs)))
	if len(vs) == 1 {
		b.WriteString(" validation error detected: ")
	} else {
		b.WriteString(" validation errors detected: ")
	}
	for i, v := range vs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(v.String())
	}
	return b.String()
}

// Error returns the client error for vs with the given code (JSON services
// answer "ValidationException", query services "ValidationError"), status
// 400 and Message(vs); it returns nil when vs is empty.
func Error(code string, vs []Violation) *awserr.Error {
	if len(vs) == 0 {
		return nil
	}
	return &awserr.Error{Code: code, Message: Message(vs), Status: http.StatusBadRequest}
}
