package attr

import (
	"errors"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

// Key encodings. Every encoding is self-delimiting, so a partition key's
// bytes can be followed by a sort key's, and byte order of encodings is
// DynamoDB's order of values of one type:
//
//   - S and B: the bytes with 0x00 escaped as 0x00 0xFF, then 0x00 0x01.
//   - N: a sign byte (0x01 negative, 0x02 zero, 0x03 positive); for nonzero
//     numbers, one exponent byte (exp+129 for 0.d×10^exp) and the digits in
//     pairs, one byte 1..100 per pair (an odd last digit is padded with 0),
//     then a 0x00 terminator. Negative numbers carry the bitwise complement
//     of the exponent, pairs and terminator, which reverses their order.
const (
	keyNeg  = 0x01
	keyZero = 0x02
	keyPos  = 0x03

	// expBias maps exponents (0.d×10^exp, exp in [-129, 126]) onto 0..255.
	expBias = -(MinExponent + 1)
)

// AppendKey appends v's order-preserving key encoding to dst. v must be a
// valid S, N or B; for other types or an invalid number dst is returned
// unchanged.
func AppendKey(dst []byte, v dynamodbapi.AttributeValue) []byte {
	switch {
	case v.S != nil:
		return appendEscaped(dst, *v.S)
	case v.B != nil:
		return appendEscaped(dst, v.B)
	case v.N != nil:
		n, err := parseNumber(*v.N)
		if err != nil {
			return dst
		}
		return AppendNumberKey(dst, n)
	}
	return dst
}

func appendEscaped[T string | []byte](dst []byte, s T) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == 0 {
			dst = append(dst, 0x00, 0xFF)
		} else {
			dst = append(dst, c)
		}
	}
	return append(dst, 0x00, 0x01)
}

// AppendNumberKey appends n's order-preserving key encoding to dst.
func AppendNumberKey(dst []byte, n Number) []byte {
	if n.digits == "" {
		return append(dst, keyZero)
	}
	var flip byte
	sign := byte(keyPos)
	if n.neg {
		flip, sign = 0xFF, keyNeg
	}
	dst = append(dst, sign, byte(int(n.exp)+expBias)^flip)
	d := n.digits
	for i := 0; i < len(d); i += 2 {
		p := (d[i] - '0') * 10
		if i+1 < len(d) {
			p += d[i+1] - '0'
		}
		dst = append(dst, (p+1)^flip)
	}
	return append(dst, 0x00^flip)
}

// errKey reports a malformed key encoding.
var errKey = errors.New("attr: malformed key encoding")

// DecodeKey decodes one key encoding of type typ ("S", "N" or "B") from the
// front of b and returns the value and the bytes after it.
func DecodeKey(typ string, b []byte) (dynamodbapi.AttributeValue, []byte, error) {
	switch typ {
	case TypeS, TypeB:
		raw, rest, err := unescape(b)
		if err != nil {
			return dynamodbapi.AttributeValue{}, nil, err
		}
		if typ == TypeS {
			s := string(raw)
			return dynamodbapi.AttributeValue{S: &s}, rest, nil
		}
		return dynamodbapi.AttributeValue{B: raw}, rest, nil
	case TypeN:
		n, rest, err := decodeNumberKey(b)
		if err != nil {
			return dynamodbapi.AttributeValue{}, nil, err
		}
		s := n.String()
		return dynamodbapi.AttributeValue{N: &s}, rest, nil
	}
	return dynamodbapi.AttributeValue{}, nil, errKey
}

func unescape(b []byte) ([]byte, []byte, error) {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != 0 {
			out = append(out, b[i])
			continue
		}
		if i+1 >= len(b) {
			return nil, nil, errKey
		}
		switch b[i+1] {
		case 0xFF:
			out = append(out, 0)
			i++
		case 0x01:
			return out, b[i+2:], nil
		default:
			return nil, nil, errKey
		}
	}
	return nil, nil, errKey
}

func decodeNumberKey(b []byte) (Number, []byte, error) {
	if len(b) == 0 {
		return Number{}, nil, errKey
	}
	var flip byte
	switch b[0] {
	case keyZero:
		return Number{}, b[1:], nil
	case keyNeg:
		flip = 0xFF
	case keyPos:
	default:
		return Number{}, nil, errKey
	}
	if len(b) < 2 {
		return Number{}, nil, errKey
	}
	exp := int32(b[1]^flip) - expBias
	digits := make([]byte, 0, MaxDigits+1)
	for i := 2; i < len(b); i++ {
		p := b[i] ^ flip
		if p == 0 {
			if len(digits) == 0 || digits[0] == '0' || digits[len(digits)-1] == '0' {
				return Number{}, nil, errKey
			}
			n := Number{digits: string(digits), exp: exp, neg: flip != 0}
			return n, b[i+1:], nil
		}
		if p > 100 || len(digits) >= MaxDigits+1 {
			return Number{}, nil, errKey
		}
		p--
		digits = append(digits, '0'+p/10, '0'+p%10)
		if p%10 == 0 && i+1 < len(b) && b[i+1]^flip == 0 {
			digits = digits[:len(digits)-1] // padding of an odd last digit
		}
	}
	return Number{}, nil, errKey
}
