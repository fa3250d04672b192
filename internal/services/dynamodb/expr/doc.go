// Package expr implements DynamoDB's expression language: condition and
// filter expressions, update expressions, projection expressions and key
// condition expressions, with the ExpressionAttributeNames/Values rules, and
// converts the legacy request parameters (Expected, AttributeUpdates,
// AttributesToGet, KeyConditions, QueryFilter/ScanFilter) to the same
// structures. Parsers are hand written; every error a client can cause is an
// *awserr.Error carrying the message DynamoDB sends.
package expr
