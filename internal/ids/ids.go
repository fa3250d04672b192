// Package ids makes the identifiers AWS hands out: request ids and the
// random suffixes of resource ids, from an injected source of randomness.
package ids

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"io"
)

// Generator makes identifiers. The zero value reads crypto/rand.
type Generator struct {
	// Rand is the source of randomness; nil means crypto/rand.
	Rand io.Reader
}

func (g Generator) fill(b []byte) {
	r := g.Rand
	if r == nil {
		r = rand.Reader
	}
	if _, err := io.ReadFull(r, b); err != nil {
		// crypto/rand never fails on supported platforms; a custom source
		// that runs dry is a test bug.
		panic("ids: randomness source failed: " + err.Error())
	}
}

// UUID returns a random (version 4) UUID in its canonical text form.
func (g Generator) UUID() string {
	var b [16]byte
	g.fill(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

const upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// DynamoDBRequestID returns a 52-character upper-case alphanumeric id, the
// form DynamoDB uses for x-amzn-RequestId.
func (g Generator) DynamoDBRequestID() string { return g.Alnum(52, upperAlnum) }

// S3RequestID returns the 16-character upper-case hex id S3 sends as
// x-amz-request-id.
func (g Generator) S3RequestID() string {
	var b [8]byte
	g.fill(b[:])
	const digits = "0123456789ABCDEF"
	var out [16]byte
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&0x0f]
	}
	return string(out[:])
}

// S3HostID returns an opaque base64 value of the form S3 sends as x-amz-id-2.
func (g Generator) S3HostID() string {
	var b [48]byte
	g.fill(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}

// Alnum returns n characters drawn uniformly from alphabet (at most 256
// characters long).
func (g Generator) Alnum(n int, alphabet string) string {
	out := make([]byte, n)
	buf := make([]byte, n)
	limit := 256 - 256%len(alphabet)
	for i := 0; i < n; {
		g.fill(buf)
		for _, c := range buf {
			if int(c) < limit {
				out[i] = alphabet[int(c)%len(alphabet)]
				i++
				if i == n {
					break
				}
			}
		}
	}
	return string(out)
}

// Hex returns n random bytes as lower-case hex (2n characters), as EC2's
// resource ids use ("vpc-" + Hex(8)[:17]).
func (g Generator) Hex(n int) string {
	b := make([]byte, n)
	g.fill(b)
	return hex.EncodeToString(b)
}
