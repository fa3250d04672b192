package s3

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
)

// The CRCs S3 uses (CRC-32, CRC-32C, CRC-64/NVME) are reflected, start
// from all ones and end XORed with all ones. For such a CRC the value of a
// concatenation A‖B is
//
//	crc(A‖B) = crc(A)·x^(8·len(B)) mod P  ⊕  crc(B)
//
// so a multipart upload's full-object CRC follows from its parts' CRCs and
// sizes without reading the data again. Polynomials are held bit-reversed:
// the top bit of a width-w word is the coefficient of x^0.

// crcMulMod returns a·b mod P for polynomials in the bit-reversed form of
// a width-bit CRC with bit-reversed polynomial poly.
func crcMulMod(a, b uint64, width int, poly uint64) uint64 {
	top := uint64(1) << (width - 1)
	var p uint64
	for m := top; m != 0 && a&(m|(m-1)) != 0; m >>= 1 {
		if a&m != 0 {
			p ^= b
		}
		// b ← b·x mod P.
		if b&1 != 0 {
			b = b>>1 ^ poly
		} else {
			b >>= 1
		}
	}
	return p
}

// crcXPow returns x^n mod P, by squaring.
func crcXPow(n uint64, width int, poly uint64) uint64 {
	top := uint64(1) << (width - 1)
	result, base := top, top>>1 // x^0, x^1
	for ; n != 0; n >>= 1 {
		if n&1 != 0 {
			result = crcMulMod(result, base, width, poly)
		}
		base = crcMulMod(base, base, width, poly)
	}
	return result
}

// crcCombiner folds the CRCs of consecutive pieces into the CRC of their
// concatenation. It remembers x^(8·n) for the lengths it has seen, so the
// many equal parts of an upload cost one exponentiation.
type crcCombiner struct {
	width int
	poly  uint64
	pow   map[int64]uint64
	crc   uint64
	any   bool
}

func newCRCCombiner(a *checksumAlg) *crcCombiner {
	return &crcCombiner{width: a.crcWidth, poly: a.crcPoly, pow: map[int64]uint64{}}
}

// add appends a piece of size bytes whose CRC is crc.
func (c *crcCombiner) add(crc uint64, size int64) {
	if !c.any {
		c.crc, c.any = crc, true
		return
	}
	x, ok := c.pow[size]
	if !ok {
		x = crcXPow(8*uint64(size), c.width, c.poly)
		c.pow[size] = x
	}
	c.crc = crcMulMod(x, c.crc, c.width, c.poly) ^ crc
}

// decodeCRC reads a base64 big-endian CRC of the combiner's width.
func (c *crcCombiner) decodeCRC(b64 string) (uint64, error) {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != c.width/8 {
		return 0, fmt.Errorf("s3: malformed %d-bit crc %q", c.width, b64)
	}
	if c.width == 32 {
		return uint64(binary.BigEndian.Uint32(raw)), nil
	}
	return binary.BigEndian.Uint64(raw), nil
}

// value is the base64 big-endian CRC of everything added.
func (c *crcCombiner) value() string {
	if c.width == 32 {
		return base64.StdEncoding.EncodeToString(binary.BigEndian.AppendUint32(nil, uint32(c.crc)))
	}
	return base64.StdEncoding.EncodeToString(binary.BigEndian.AppendUint64(nil, c.crc))
}

// partDigest is what a completed upload knows of one part for the object's
// ETag and checksum.
type partDigest struct {
	size     int64
	etag     string // quoted hex MD5
	checksum string // base64 full-part checksum, "" when none
}

// multipartETag is S3's ETag of a multipart object: the hex MD5 of the
// concatenated binary MD5s of its parts, then "-<parts>".
func multipartETag(parts []partDigest) (string, error) {
	h := md5.New()
	for _, p := range parts {
		sum, err := hex.DecodeString(p.etag[1 : len(p.etag)-1])
		if err != nil {
			return "", fmt.Errorf("s3: part etag %q: %w", p.etag, err)
		}
		h.Write(sum)
	}
	return `"` + hex.EncodeToString(h.Sum(nil)) + "-" + strconv.Itoa(len(parts)) + `"`, nil
}

// multipartChecksum is the checksum of a multipart object whose parts were
// checked with algorithm a: the composite digest of the parts' digests, or
// for a full-object type (CRCs only) their combination.
func multipartChecksum(a *checksumAlg, typ string, parts []partDigest) (*Checksum, error) {
	if typ == checksumFullObject {
		c := newCRCCombiner(a)
		for _, p := range parts {
			crc, err := c.decodeCRC(p.checksum)
			if err != nil {
				return nil, err
			}
			c.add(crc, p.size)
		}
		return &Checksum{Algorithm: a.name, Value: c.value()}, nil
	}
	h := a.new()
	for _, p := range parts {
		raw, err := base64.StdEncoding.DecodeString(p.checksum)
		if err != nil {
			return nil, fmt.Errorf("s3: part checksum %q: %w", p.checksum, err)
		}
		h.Write(raw)
	}
	return &Checksum{
		Algorithm: a.name, Type: checksumComposite,
		Value: base64.StdEncoding.EncodeToString(h.Sum(nil)) + "-" + strconv.Itoa(len(parts)),
	}, nil
}
