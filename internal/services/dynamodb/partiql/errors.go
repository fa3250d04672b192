package partiql

import (
	"github.com/unkai-cloud/unkai/internal/awserr"
)

// The messages DynamoDB sends for PartiQL statements it refuses, kept in one
// place so they can be checked against AWS in one place.
const (
	msgMalformed      = "Statement wasn't well formed, can't be processed: "
	msgParamCount     = "Number of parameters in request and statement don't match."
	msgKeyEquality    = "Where clause does not contain a mandatory equality on all key attributes"
	msgDuplicateItem  = "Duplicate primary key exists in table"
	msgUnsupported    = "Unsupported operation: "
	msgOrderByWhere   = "Must have WHERE clause in the statement when using ORDER BY clause."
	msgOrderByKey     = "Order by is only supported on the sort key of the table or index."
	msgOrderByScan    = "Must have equality condition on the partition key in the WHERE clause when using ORDER BY clause."
	msgInsertValue    = "Unsupported operation: Insert value must be a tuple of attribute names and values."
	msgSetMixed       = "Unsupported operation: Set literal must contain elements of one type: string, number or binary."
	msgSetEmpty       = "Unsupported operation: Set literal must not be empty."
	msgDuplicateField = "Duplicate field name in tuple literal: "
	// msgDeleteReturning takes the clause after RETURNING, e.g. "ALL NEW".
	msgDeleteReturning = "Invalid returning clause: RETURNING %s *. Only RETURNING ALL OLD * is allowed in DELETE statements."
)

// Detail strings appended to msgMalformed.
const (
	detUnexpectedKeyword = "Unexpected keyword"
	detUnexpectedToken   = "Unexpected token"
	detUnexpectedEnd     = "Unexpected end of statement"
	detUnterminated      = "Unterminated literal"
	detInvalidChar       = "Invalid character"
	detExpectedPath      = "Expected identifier for simple path"
	detInvalidPath       = "Invalid path component"
	detInvalidNumber     = "Invalid number literal"
)

func validation(msg string) *awserr.Error {
	return awserr.New("ValidationException", 400, "%s", msg)
}

func malformed(detail string) *awserr.Error {
	return validation(msgMalformed + detail)
}

// DuplicateItemError is the error DynamoDB answers to an INSERT whose primary
// key already exists. The engine returns it in place of the
// ConditionalCheckFailedException its PutItem raises for a KindInsert request.
func DuplicateItemError() *awserr.Error {
	return awserr.New("DuplicateItemException", 400, msgDuplicateItem)
}
