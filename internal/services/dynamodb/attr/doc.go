// Package attr holds DynamoDB attribute values as unkai stores and compares
// them: validation with AWS's messages, exact 38-digit decimal numbers,
// order-preserving key encodings, AWS's item size rules and a compact binary
// storage codec for items.
//
// Values are the generated dynamodbapi.AttributeValue; a value's type is the
// one field that is non-nil (an empty but non-nil B, SS, M or L counts as
// set).
package attr
