package dynamodb

import (
	"fmt"
	"strings"
)

// Table names: 3 to 255 characters of [a-zA-Z0-9_.-]. The pinned model
// types the TableName members as table names or ARNs (up to 1,024
// characters, no pattern), so the codec does not check this; DynamoDB
// does, with the validation message of the older member constraints.

// checkTableName returns the ValidationException DynamoDB sends for a
// malformed table name in member (as the message names it, e.g.
// "tableName"), or nil. Names that are ARNs are left to the lookup.
func checkTableName(member, name string) error {
	if isARN(name) {
		return nil
	}
	return checkNewTableName(member, name)
}

// checkNewTableName checks the name of a table being created, which must be
// a name: CreateTable refuses an ARN as it refuses any name outside the
// pattern.
func checkNewTableName(member, name string) error {
	var errs []string
	quoted := "Value '" + name + "' at '" + member + "' failed to satisfy constraint: "
	switch {
	case len(name) < 3:
		errs = append(errs, quoted+"Member must have length greater than or equal to 3")
	case len(name) > 255:
		errs = append(errs, quoted+"Member must have length less than or equal to 255")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			errs = append(errs, quoted+"Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
			break
		}
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return validation("1 validation error detected: %s", errs[0])
	}
	return validation("%s", fmt.Sprintf("%d validation errors detected: %s", len(errs), strings.Join(errs, "; ")))
}
