package expr

import (
	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
)

// av is the attribute value type used throughout the package.
type av = dynamodbapi.AttributeValue

// cmpNumbers compares two number texts; ok is false when either is invalid.
func cmpNumbers(a, b string) (int, bool) {
	x, err := attr.ParseNumber(a)
	if err != nil {
		return 0, false
	}
	y, err := attr.ParseNumber(b)
	if err != nil {
		return 0, false
	}
	return x.Cmp(y), true
}

// addNumbers returns a+b (sub=false) or a-b (sub=true) in canonical text.
// Errors are attr's ValidationExceptions (overflow, too many digits).
func addNumbers(a, b string, sub bool) (string, error) {
	x, err := attr.ParseNumber(a)
	if err != nil {
		return "", err
	}
	y, err := attr.ParseNumber(b)
	if err != nil {
		return "", err
	}
	var r attr.Number
	if sub {
		r, err = x.Sub(y)
	} else {
		r, err = x.Add(y)
	}
	if err != nil {
		return "", err
	}
	return r.String(), nil
}

// sizeOf is the value of size() for v; ok is false for types size() does not
// measure (N, BOOL, NULL).
func sizeOf(v av) (int, bool) {
	n := attr.Size(v)
	return n, n >= 0
}
