package attr

import "github.com/unkai-cloud/unkai/internal/api/dynamodbapi"

// ItemSize returns the item's size as DynamoDB counts it against the 400 KB item
// limit: for each attribute, its name's UTF-8 length plus its value's size
// (see ValueSize).
func ItemSize(it Item) int {
	n := 0
	for k, v := range it {
		n += len(k) + ValueSize(v)
	}
	return n
}

// ValueSize returns v's storage size by AWS's "Item sizes and formats"
// rules: S its UTF-8 length; N 1 byte per two significant digits plus 1;
// B its length; NULL and BOOL 1; sets the sum of their members; M and L 3
// bytes plus, per element, 1 byte and the element's size (and, in a map,
// its name's length).
func ValueSize(v dynamodbapi.AttributeValue) int {
	switch {
	case v.S != nil:
		return len(*v.S)
	case v.N != nil:
		return numberSize(*v.N)
	case v.B != nil:
		return len(v.B)
	case v.SS != nil:
		n := 0
		for _, s := range v.SS {
			n += len(s)
		}
		return n
	case v.NS != nil:
		n := 0
		for _, s := range v.NS {
			n += numberSize(s)
		}
		return n
	case v.BS != nil:
		n := 0
		for _, b := range v.BS {
			n += len(b)
		}
		return n
	case v.M != nil:
		n := 3
		for k, e := range v.M {
			n += 1 + len(k) + ValueSize(e)
		}
		return n
	case v.L != nil:
		n := 3
		for _, e := range v.L {
			n += 1 + ValueSize(e)
		}
		return n
	case v.NULL != nil, v.BOOL != nil:
		return 1
	}
	return 0
}

// numberSize is the size of a number's text; an invalid number counts its
// text length.
func numberSize(s string) int {
	n, err := parseNumber(s)
	if err != nil {
		return len(s)
	}
	return (len(n.digits)+1)/2 + 1
}

// Size returns what DynamoDB's size() function gives for v: a string's
// length (in UTF-8 bytes), a binary's length in bytes, and the number of
// elements of a set, map or list. It returns -1 for types size() does not
// accept (N, NULL, BOOL) and for an invalid value.
func Size(v dynamodbapi.AttributeValue) int {
	switch {
	case v.S != nil:
		return len(*v.S)
	case v.B != nil:
		return len(v.B)
	case v.SS != nil:
		return len(v.SS)
	case v.NS != nil:
		return len(v.NS)
	case v.BS != nil:
		return len(v.BS)
	case v.M != nil:
		return len(v.M)
	case v.L != nil:
		return len(v.L)
	}
	return -1
}
