package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// EmptySHA256 is the hex SHA-256 of an empty payload.
const EmptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// DeriveKey computes the SigV4 signing key of a secret for one scope.
func DeriveKey(secret, date, region, service string) [32]byte {
	k := hmacSum([]byte("AWS4"+secret), date)
	k = hmacSum(k[:], region)
	k = hmacSum(k[:], service)
	return hmacSum(k[:], "aws4_request")
}

func hmacSum(key []byte, data string) [32]byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	var out [32]byte
	m.Sum(out[:0])
	return out
}

// signHex returns the hex HMAC-SHA256 of msg under key.
func signHex(key []byte, msg string) string {
	s := hmacSum(key, msg)
	return hex.EncodeToString(s[:])
}

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// stringToSign builds the string to sign of a canonical request.
func stringToSign(amzDate, scope, canonical string) string {
	var b strings.Builder
	b.Grow(len(Algorithm) + len(amzDate) + len(scope) + 64 + 3)
	b.WriteString(Algorithm)
	b.WriteByte('\n')
	b.WriteString(amzDate)
	b.WriteByte('\n')
	b.WriteString(scope)
	b.WriteByte('\n')
	b.WriteString(sha256Hex(canonical))
	return b.String()
}

// equalSig compares a computed lowercase hex signature with the one a
// client sent, in constant time.
func equalSig(computed, provided string) bool {
	return hmac.Equal([]byte(computed), []byte(strings.ToLower(provided)))
}
