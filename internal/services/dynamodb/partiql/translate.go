package partiql

import (
	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
)

// Kind says which API request a statement became.
type Kind int

// The kinds of request a statement translates to.
const (
	// KindGetItem is a SELECT naming the whole primary key of a table.
	KindGetItem Kind = iota + 1
	// KindQuery is a SELECT with an equality on the partition key.
	KindQuery
	// KindScan is any other SELECT.
	KindScan
	// KindInsert is an INSERT: a PutItem whose ConditionalCheckFailedException
	// the engine answers as DuplicateItemError.
	KindInsert
	// KindUpdate is an UPDATE: an UpdateItem conditioned on the item existing.
	KindUpdate
	// KindDelete is a DELETE: a DeleteItem, conditioned only when WHERE holds
	// more than the key.
	KindDelete
	// KindConditionCheck is EXISTS(SELECT ...), allowed in transactions.
	KindConditionCheck
)

// String names the kind after the API operation it becomes.
func (k Kind) String() string {
	switch k {
	case KindGetItem:
		return "GetItem"
	case KindQuery:
		return "Query"
	case KindScan:
		return "Scan"
	case KindInsert:
		return "PutItem"
	case KindUpdate:
		return "UpdateItem"
	case KindDelete:
		return "DeleteItem"
	case KindConditionCheck:
		return "ConditionCheck"
	}
	return "Unknown"
}

// KeySchema names a table's or index's key attributes; SortKey is empty
// when there is none.
type KeySchema struct {
	PartitionKey string
	SortKey      string
}

// SchemaLookup returns the key schema of a table (index == "") or of one
// of its indexes. Its error (e.g. ResourceNotFoundException) is returned
// from Translate unchanged.
type SchemaLookup func(table, index string) (KeySchema, error)

// Request is a statement as an API request: Kind says which one of the
// input fields is set.
type Request struct {
	Kind           Kind
	GetItem        *dynamodbapi.GetItemInput
	Query          *dynamodbapi.QueryInput
	Scan           *dynamodbapi.ScanInput
	Put            *dynamodbapi.PutItemInput
	Update         *dynamodbapi.UpdateItemInput
	Delete         *dynamodbapi.DeleteItemInput
	ConditionCheck *dynamodbapi.ConditionCheck
}

// IsRead reports whether the statement reads (SELECT) rather than writes.
func (r *Request) IsRead() bool {
	return r.Kind == KindGetItem || r.Kind == KindQuery || r.Kind == KindScan
}

// Translate validates params, parses stmt, binds params to its ? markers in
// order, and returns the equivalent API request. Errors are *awserr.Error values carrying
// DynamoDB's messages, or whatever schema returned.
func Translate(stmt string, params []dynamodbapi.AttributeValue, schema SchemaLookup) (*Request, error) {
	for _, p := range params {
		if err := attr.Validate(p); err != nil {
			return nil, err
		}
	}
	s, err := parse(stmt, params)
	if err != nil {
		return nil, err
	}
	switch s := s.(type) {
	case *selectStmt:
		return translateSelect(s, schema)
	case *insertStmt:
		return translateInsert(s, schema)
	case *updateStmt:
		return translateUpdate(s, schema)
	case *deleteStmt:
		return translateDelete(s, schema)
	case *existsStmt:
		return translateExists(s, schema)
	}
	return nil, malformed(detUnexpectedToken)
}
