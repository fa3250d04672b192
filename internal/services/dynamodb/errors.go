package dynamodb

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/unkai-cloud/unkai/internal/awserr"
)

// Error codes DynamoDB sends.
const (
	codeValidation        = "ValidationException"
	codeNotFound          = "ResourceNotFoundException"
	codeInUse             = "ResourceInUseException"
	codeConditionalFailed = "ConditionalCheckFailedException"
	codeTxCanceled        = "TransactionCanceledException"
	codeIdempotent        = "IdempotentParameterMismatchException"
	codeLimitExceeded     = "LimitExceededException"
)

// Messages DynamoDB sends, kept in one place so they can be checked
// against AWS together. Those with verbs take fmt arguments.
const (
	msgInvalid               = "One or more parameter values were invalid: "
	msgTableNotFound         = "Requested resource not found: Table: %s not found"
	msgResourceNotFound      = "Requested resource not found"
	msgTableExists           = "Table already exists: %s"
	msgKeyCountMismatch      = msgInvalid + "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"
	msgKeysNoDefinition      = "Invalid KeySchema: Some index key attribute have no definition"
	msgKeysNotDefined        = msgInvalid + "Some index key attributes are not defined in AttributeDefinitions. Keys: [%s], AttributeDefinitions: [%s]"
	msgFirstNotHash          = "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
	msgSecondNotRange        = "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"
	msgSameHashRange         = "Both the Hash Key and the Range Key element in the KeySchema have the same name"
	msgThroughputRequired    = msgInvalid + "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
	msgThroughputForbidden   = msgInvalid + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
	msgIndexThroughputNeeded = msgInvalid + "ProvisionedThroughput must be specified for index: %s"
	msgIndexThroughputGiven  = msgInvalid + "ProvisionedThroughput should not be specified for index: %s when BillingMode is PAY_PER_REQUEST"
	msgTooManyGSIs           = msgInvalid + "GlobalSecondaryIndex count exceeds the per-table limit of 20"
	msgTooManyLSIs           = msgInvalid + "Number of LocalSecondaryIndexes exceeds per-table limit of 5"
	msgEmptyGSIs             = msgInvalid + "List of GlobalSecondaryIndexes is empty"
	msgEmptyLSIs             = msgInvalid + "List of LocalSecondaryIndexes is empty"
	msgDuplicateIndex        = msgInvalid + "Duplicate index name: %s"
	msgLSINoRange            = msgInvalid + "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex"
	msgLSIHash               = msgInvalid + "Index KeySchema does not have the same leading hash key as table KeySchema for index: %s. index hash key: %s, table hash key: %s"
	msgLSINeedsRange         = msgInvalid + "Index KeySchema does not have a range key for index: %s"
	msgNonKeyNotAllowed      = msgInvalid + "ProjectionType is %s, but NonKeyAttributes is specified"
	msgNonKeyRequired        = msgInvalid + "ProjectionType is INCLUDE, but NonKeyAttributes is not specified"
	msgTooManyProjected      = msgInvalid + "Number of projected attributes in all indexes exceeds limit of 100"
	msgDeletionProtected     = "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first."
	msgIndexExists           = "Attempting to create an index which already exists"
	msgIndexNotFound         = "Requested resource not found: Requested index %s was not found"
	msgNoUpdate              = "The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: %d. Requested ReadCapacityUnits: %d. Current WriteCapacityUnits provisioned for the table: %d. Requested WriteCapacityUnits: %d. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits."
	msgNothingToUpdate       = "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required"
	msgOneGSIAction          = "One or more parameter values were invalid: One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null"
	msgBadARN                = "Invalid TableArn: Invalid ResourceArn provided as input %s"
	msgTagKeysEmpty          = "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null"
	msgTooManyTags           = "Number of Tags exceed the current limit for the provided ResourceArn"
)

// validation returns a ValidationException with a formatted message.
func validation(format string, args ...any) *awserr.Error {
	return awserr.New(codeValidation, http.StatusBadRequest, format, args...)
}

// tableNotFound is the ResourceNotFoundException for a missing table.
func tableNotFound(name string) *awserr.Error {
	return awserr.New(codeNotFound, http.StatusBadRequest, msgTableNotFound, name)
}

// resourceNotFound is the ResourceNotFoundException without a name.
func resourceNotFound() *awserr.Error {
	return awserr.New(codeNotFound, http.StatusBadRequest, msgResourceNotFound)
}

// tableInUse is the ResourceInUseException for an existing table.
func tableInUse(format string, args ...any) *awserr.Error {
	return awserr.New(codeInUse, http.StatusBadRequest, format, args...)
}

// internalf is an internal failure with a formatted hidden cause.
func internalf(format string, args ...any) *awserr.Error {
	return awserr.Internal(fmt.Errorf(format, args...))
}

// joinComma joins names with ", " as AWS lists them in messages.
func joinComma(names []string) string { return strings.Join(names, ", ") }

// awsNotFound is a ResourceNotFoundException with a formatted message.
func awsNotFound(format string, args ...any) *awserr.Error {
	return awserr.New(codeNotFound, http.StatusBadRequest, format, args...)
}

// awsLimit is a LimitExceededException.
func awsLimit(msg string) *awserr.Error {
	return awserr.New(codeLimitExceeded, http.StatusBadRequest, "%s", msg)
}
