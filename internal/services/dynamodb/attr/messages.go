package attr

// Messages DynamoDB sends in ValidationExceptions about attribute values.
// Entries ending in a colon or holding a %s are completed with the offending
// input.
const (
	msgEmptyValue     = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
	msgManyTypes      = "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
	msgNullNotTrue    = "One or more parameter values were invalid: Null attribute value types must have the value of true"
	msgEmptySS        = "One or more parameter values were invalid: An string set  may not be empty"
	msgEmptyNS        = "One or more parameter values were invalid: An number set  may not be empty"
	msgEmptyBS        = "One or more parameter values were invalid: Binary sets should not be empty"
	msgDuplicates     = "One or more parameter values were invalid: Input collection [%s] contains duplicates."
	msgDuplicatesBS   = "One or more parameter values were invalid: Input collection [%s]of type BS contains duplicates."
	msgNotNumeric     = "The parameter cannot be converted to a numeric value"
	msgNotNumericArg  = "The parameter cannot be converted to a numeric value: %s"
	msgTooManyDigits  = "Attempting to store more than 38 significant digits in a Number"
	msgNumberOverflow = "Number overflow. Attempting to store a number with magnitude larger than supported range"
	msgNumberUnder    = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
	msgNesting        = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"
)

// codeValidation is the error code of every error this package returns.
const codeValidation = "ValidationException"
