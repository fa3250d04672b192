package expr

import (
	"fmt"
	"strings"

	"github.com/unkai-cloud/unkai/internal/awserr"
)

// Expression kinds, as DynamoDB names them in "Invalid <kind>: ..." messages.
const (
	KindCondition    = "ConditionExpression"
	KindFilter       = "FilterExpression"
	KindKeyCondition = "KeyConditionExpression"
	KindUpdate       = "UpdateExpression"
	KindProjection   = "ProjectionExpression"
)

// Limits DynamoDB enforces on expressions.
const (
	maxExprSize   = 4096 // bytes of one expression string
	maxOperators  = 300  // operators and functions in one expression
	maxInOperands = 100  // operands of IN, the tested one included
	maxPathDepth  = 32   // elements of one document path
)

// Messages DynamoDB sends, in one place. Those taking arguments are formats.
const (
	msgEmpty          = "The expression can not be empty;"
	msgTooLarge       = "Expression size has exceeded the maximum allowed size; expression size: %d"
	msgTooManyOps     = "The expression contains too many operators; operator count: %d, maximum: %d"
	msgTooManyIn      = "The expression contains too many operands for the IN operator; number of operands: %d, maximum: %d"
	msgTooDeep        = "The document path has too many nesting levels; nesting levels: %d"
	msgSyntax         = "Syntax error; token: \"%s\", near: \"%s\""
	msgReserved       = "Attribute name is a reserved keyword; reserved keyword: %s"
	msgNameUndefined  = "An expression attribute name used in the document path is not defined; attribute name: %s"
	msgValueUndefined = "An expression attribute value used in expression is not defined; attribute value: %s"
	msgUnusedValues   = "Value provided in ExpressionAttributeValues unused in expressions: keys: {%s}"
	msgUnusedNames    = "Value provided in ExpressionAttributeNames unused in expressions: keys: {%s}"
	msgBadFunction    = "Invalid function name; function: %s"
	msgOperandCount   = "Incorrect number of operands for operator or function; operator or function: %s, number of operands: %d"
	msgNeedsPath      = "Operator or function requires a document path; operator or function: %s"
	msgOperandType    = "Incorrect operand type for operator or function; operator or function: %s, operand type: %s"
	msgUpdOperandType = "Incorrect operand type for operator or function; operator: %s, operand type: %s"
	msgBadTypeName    = "Invalid attribute type name found; type: %s, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
	msgMisused        = "The function is not allowed to be used this way in an expression; function: %s"
	msgParens         = "The expression has redundant parentheses;"
	msgDistinct       = "The first operand must be distinct from the remaining operands for this operator or function; operator: %s, first operand: %s"
	msgBetweenTypes   = "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {%s}, upper bound operand: AttributeValue: {%s}"
	msgBetweenOrder   = "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {%s}, upper bound operand: AttributeValue: {%s}"
	msgSection        = "The \"%s\" section can only be used once in an update expression;"
	msgOverlap        = "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: %s, path two: %s"
	msgConflict       = "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: %s, path two: %s"

	msgInvalidPath    = "The document path provided in the update expression is invalid for update"
	msgBadDataType    = "An operand in the update expression has an incorrect data type"
	msgMissingOperand = "The provided expression refers to an attribute that does not exist in the item"

	msgKeyOperator     = "Invalid operator used in KeyConditionExpression: %s"
	msgKeyNotSupported = "Query key condition not supported"
	msgKeyOnePerKey    = "KeyConditionExpressions must only contain one condition per key"
	msgKeyMissed       = "Query condition missed key schema element: %s"
	msgKeyNested       = "KeyConditionExpressions cannot have conditions on nested attributes"

	msgMixed        = "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {%s} Expression parameters: {%s}"
	msgNamesNoExpr  = "ExpressionAttributeNames can only be specified when using expressions"
	msgValuesNoExpr = "ExpressionAttributeValues can only be specified when using expressions: %s %s null"
	msgNamesEmpty   = "ExpressionAttributeNames must not be empty"
	msgValuesEmpty  = "ExpressionAttributeValues must not be empty"
	msgNamesBadKey  = "ExpressionAttributeNames contains invalid key: Syntax error; key: \"%s\""
	msgValuesBadKey = "ExpressionAttributeValues contains invalid key: Syntax error; key: \"%s\""
	msgNameEmptyVal = "ExpressionAttributeNames contains invalid value: Empty attribute name provided for key %s"

	msgLegacyPrefix       = "One or more parameter values were invalid: "
	msgLegacyArgCount     = msgLegacyPrefix + "Invalid number of argument(s) for the %s ComparisonOperator"
	msgLegacyExistsAndOp  = msgLegacyPrefix + "Exists and ComparisonOperator cannot be used together for Attribute: %s"
	msgLegacyValueAndList = msgLegacyPrefix + "Value and AttributeValueList cannot be used together for Attribute: %s"
	msgLegacyListNoOp     = msgLegacyPrefix + "AttributeValueList can only be used with a ComparisonOperator for Attribute: %s"
	msgLegacyNeedValue    = msgLegacyPrefix + "Value must be provided when Exists is %s for Attribute: %s"
	msgLegacyValueFalse   = msgLegacyPrefix + "Value cannot be used when Exists is false for Attribute: %s"
	msgLegacyOpType       = msgLegacyPrefix + "ComparisonOperator %s is not valid for %s AttributeValue type"
	msgLegacyBadOp        = "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"
	msgLegacyCondOp       = "1 validation error detected: Value '%s' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [OR, AND]"
	msgLegacyNoValue      = msgLegacyPrefix + "Only DELETE action is allowed when no attribute value is specified"
	msgLegacyAddType      = msgLegacyPrefix + "ADD action is not supported for the type %s"
	msgLegacyDeleteType   = msgLegacyPrefix + "DELETE action with value is not supported for the type %s"
	msgLegacyBadAction    = "1 validation error detected: Value '%s' at 'attributeUpdates.%s.member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]"
	msgLegacySameType     = msgLegacyPrefix + "AttributeValues inside AttributeValueList must be of same type"
	msgLegacyBetween      = "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"
	msgKeyCondCount       = "Conditions can be of length 1 or 2 only"
	msgKeyCondOp          = "Attempted conditional constraint is not an indexable operation"
	msgFilterArgCount     = "The attempted filter operation is not supported for the provided filter argument count"
	msgLegacyCondOpAlone  = msgLegacyPrefix + "ConditionalOperator can only be used when Filter or Expected has two or more elements"
)

// validation returns a ValidationException with the given message.
func validation(format string, args ...any) *awserr.Error {
	return awserr.New("ValidationException", 400, format, args...)
}

// invalid returns "Invalid <kind>: <message>".
func invalid(kind, format string, args ...any) *awserr.Error {
	return awserr.New("ValidationException", 400, "Invalid %s: %s", kind, fmt.Sprintf(format, args...))
}

// MixedParams returns DynamoDB's error for a request that uses both legacy
// (nonExpr, e.g. "AttributesToGet") and expression (expr, e.g.
// "ProjectionExpression") parameters. Names are listed as given.
func MixedParams(nonExpr, expr []string) error {
	return validation(msgMixed, strings.Join(nonExpr, ", "), strings.Join(expr, ", "))
}

// NamesWithoutExpression is the error for ExpressionAttributeNames sent in a
// request that has no expression.
func NamesWithoutExpression() error { return validation(msgNamesNoExpr) }

// ValuesWithoutExpression is the error for ExpressionAttributeValues sent in
// a request without any of the expressions that take values. exprs names
// those expressions in the order DynamoDB lists them, e.g.
// ["UpdateExpression", "ConditionExpression"] for UpdateItem.
func ValuesWithoutExpression(exprs ...string) error {
	verb := "is"
	if len(exprs) > 1 {
		verb = "are"
	}
	return validation(msgValuesNoExpr, strings.Join(exprs, " and "), verb)
}

// ValidateNamesValues checks the ExpressionAttributeNames and Values maps
// themselves: present-but-empty maps and keys without their '#' or ':'
// prefix are errors. A nil map means "not sent".
func ValidateNamesValues(names Names, values Values) error {
	if names != nil && len(names) == 0 {
		return validation(msgNamesEmpty)
	}
	if values != nil && len(values) == 0 {
		return validation(msgValuesEmpty)
	}
	for _, k := range sortedKeys(names) {
		if !validRefKey(k, '#') {
			return validation(msgNamesBadKey, k)
		}
		if names[k] == "" {
			return validation(msgNameEmptyVal, k)
		}
	}
	for _, k := range sortedKeys(values) {
		if !validRefKey(k, ':') {
			return validation(msgValuesBadKey, k)
		}
	}
	return nil
}

// validRefKey reports whether k is prefix followed by one or more word characters.
func validRefKey(k string, prefix byte) bool {
	if len(k) < 2 || k[0] != prefix {
		return false
	}
	for i := 1; i < len(k); i++ {
		if !isWordByte(k[i]) {
			return false
		}
	}
	return true
}
