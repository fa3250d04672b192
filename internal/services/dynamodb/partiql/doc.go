// Package partiql translates DynamoDB's PartiQL subset — the statements of
// ExecuteStatement, BatchExecuteStatement and ExecuteTransaction — into the
// ordinary DynamoDB API requests that do the same work, so the engine runs
// every statement through its GetItem, Query, Scan, PutItem, UpdateItem,
// DeleteItem and condition-check paths.
//
// Supported: SELECT (projection list or *, FROM "table" or "table"."index",
// WHERE with = <> < <= > >= BETWEEN IN AND OR NOT, IS [NOT] MISSING,
// IS [NOT] NULL, begins_with, contains, attribute_type, size; ORDER BY the
// sort key), INSERT INTO ... VALUE {...}, UPDATE ... SET/REMOVE ... WHERE
// [RETURNING], DELETE FROM ... WHERE [RETURNING ALL OLD *], EXISTS(SELECT
// ...) in transactions, and ? parameters bound in order.
//
// Translate is the entry point: it returns a Request whose Kind names the
// API operation and whose matching input field is filled in. Expressions use
// #n and :v placeholders for every name and value, so reserved words and
// odd characters in attribute names need no care from the engine.
package partiql
