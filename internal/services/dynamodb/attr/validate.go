package attr

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"slices"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
)

// MaxNesting is how many levels of maps and lists DynamoDB lets values nest.
const MaxNesting = 32

// MaxItemSize is DynamoDB's item size limit in bytes (400 KB), as ItemSize
// counts them.
const MaxItemSize = 409600

// Validate checks v as DynamoDB checks an AttributeValue in a request:
// exactly one type set, NULL true, sets non-empty without duplicates,
// numbers valid, maps and lists nested at most 32 levels. Empty strings
// and binaries are allowed (key attributes are the caller's concern). The
// error is an *awserr.Error ValidationException with AWS's message.
func Validate(v dynamodbapi.AttributeValue) error {
	if e := validate(&v, 0); e != nil {
		return e
	}
	return nil
}

// ValidateItem validates each of the item's values (see Validate).
func ValidateItem(it Item) error {
	for _, v := range it {
		if e := validate(&v, 0); e != nil {
			return e
		}
	}
	return nil
}

func invalid(format string, args ...any) *awserr.Error {
	return awserr.New(codeValidation, http.StatusBadRequest, format, args...)
}

// validate checks v, found inside depth maps or lists.
func validate(v *dynamodbapi.AttributeValue, depth int) *awserr.Error {
	switch typeCount(v) {
	case 0:
		return invalid(msgEmptyValue)
	case 1:
	default:
		return invalid(msgManyTypes)
	}
	switch {
	case v.N != nil:
		_, e := parseNumber(*v.N)
		return e
	case v.NULL != nil:
		if !*v.NULL {
			return invalid(msgNullNotTrue)
		}
	case v.SS != nil:
		if len(v.SS) == 0 {
			return invalid(msgEmptySS)
		}
		if hasDuplicates(v.SS, strings.Compare) {
			return invalid(msgDuplicates, strings.Join(v.SS, ", "))
		}
	case v.NS != nil:
		if len(v.NS) == 0 {
			return invalid(msgEmptyNS)
		}
		canon := make([]string, len(v.NS))
		for i, s := range v.NS {
			n, e := parseNumber(s)
			if e != nil {
				return e
			}
			canon[i] = n.String()
		}
		if hasDuplicates(canon, strings.Compare) {
			return invalid(msgDuplicates, strings.Join(v.NS, ", "))
		}
	case v.BS != nil:
		if len(v.BS) == 0 {
			return invalid(msgEmptyBS)
		}
		if hasDuplicates(v.BS, bytes.Compare) {
			enc := make([]string, len(v.BS))
			for i, b := range v.BS {
				enc[i] = base64.StdEncoding.EncodeToString(b)
			}
			return invalid(msgDuplicatesBS, strings.Join(enc, ", "))
		}
	case v.M != nil:
		if depth >= MaxNesting {
			return invalid(msgNesting)
		}
		for _, e := range v.M {
			if err := validate(&e, depth+1); err != nil {
				return err
			}
		}
	case v.L != nil:
		if depth >= MaxNesting {
			return invalid(msgNesting)
		}
		for i := range v.L {
			if err := validate(&v.L[i], depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// hasDuplicates reports whether s holds two equal members: pairwise for
// small sets, by sorting a copy for large ones.
func hasDuplicates[E any](s []E, cmp func(E, E) int) bool {
	if len(s) <= 16 {
		for i := range s {
			for j := i + 1; j < len(s); j++ {
				if cmp(s[i], s[j]) == 0 {
					return true
				}
			}
		}
		return false
	}
	c := make([]E, len(s))
	copy(c, s)
	slices.SortFunc(c, cmp)
	for i := 1; i < len(c); i++ {
		if cmp(c[i-1], c[i]) == 0 {
			return true
		}
	}
	return false
}
