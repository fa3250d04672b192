package s3

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"net/http"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
)

// crc64NVME is the CRC-64/NVME polynomial 0xad93d23594c93659 in the
// bit-reversed form hash/crc64 and the CRC combination take.
const crc64NVME = 0x9a6c9329ac4bc9b5

// checksumAlg is a flexible checksum algorithm S3 verifies.
type checksumAlg struct {
	name    string
	trailer string // the trailing header that carries it
	// cheap marks the checksum S3 computes for every upload, and keeps
	// for one sent without a checksum: CRC64NVME, as S3 has done since
	// 2025.
	cheap bool
	new   func() hash.Hash
	// crcWidth and crcPoly (bit-reversed) describe a CRC, whose values of
	// consecutive pieces combine into the whole's (crcCombine); crcWidth is
	// 0 for the SHA digests, which can only be composite over parts.
	crcWidth int
	crcPoly  uint64
}

// checksumAlgs are the flexible checksums S3 verifies, by algorithm name.
var checksumAlgs = []checksumAlg{
	{"CRC32", "X-Amz-Checksum-Crc32", false, func() hash.Hash { return crc32.NewIEEE() }, 32, 0xedb88320},
	{"CRC32C", "X-Amz-Checksum-Crc32c", false, func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) }, 32, 0x82f63b78},
	{"CRC64NVME", "X-Amz-Checksum-Crc64nvme", true, func() hash.Hash { return crc64.New(crc64.MakeTable(crc64NVME)) }, 64, crc64NVME},
	{"SHA1", "X-Amz-Checksum-Sha1", false, sha1.New, 0, 0},
	{"SHA256", "X-Amz-Checksum-Sha256", false, sha256.New, 0, 0},
}

// algorithm returns the flexible checksum algorithm named name (case
// insensitive), or nil.
func algorithm(name string) *checksumAlg {
	for i := range checksumAlgs {
		if strings.EqualFold(checksumAlgs[i].name, name) {
			return &checksumAlgs[i]
		}
	}
	return nil
}

// Checksum types: a full-object checksum is the digest of the whole body; a
// composite one (multipart uploads only) is the digest of the concatenated
// digests of the parts, suffixed "-<parts>".
const (
	checksumFullObject = "FULL_OBJECT"
	checksumComposite  = "COMPOSITE"
)

// Checksum is an object's or part's flexible checksum: the algorithm and
// the base64 digest, with "-<parts>" appended when composite.
type Checksum struct {
	Algorithm string `json:"algorithm"`
	Value     string `json:"value"`
	// Type is checksumComposite for a composite checksum; empty means a
	// full-object one.
	Type string `json:"type,omitempty"`
}

// checksumInput is what a write request says about flexible checksums:
// the algorithm it names and the x-amz-checksum-* header values given.
type checksumInput struct {
	algorithm *string
	values    map[string]string
}

// putChecksums is the checksum part of a PutObject request.
func putChecksums(in *s3api.PutObjectRequest) checksumInput {
	return checksumInput{in.ChecksumAlgorithm, map[string]string{
		"CRC32": deref(in.ChecksumCRC32), "CRC32C": deref(in.ChecksumCRC32C), "CRC64NVME": deref(in.ChecksumCRC64NVME),
		"SHA1": deref(in.ChecksumSHA1), "SHA256": deref(in.ChecksumSHA256),
	}}
}

// checksummer computes the flexible checksums an upload may be checked
// against while the body streams.
type checksummer struct {
	hashes map[string]hash.Hash
}

// newChecksummer computes the cheap checksum and any the request names;
// all of them for a chunked body that does not name its trailer's
// algorithm (x-amz-sdk-checksum-algorithm), since the trailer may carry any.
func newChecksummer(in checksumInput, chunked bool) *checksummer {
	c := &checksummer{hashes: map[string]hash.Hash{}}
	for _, a := range checksumAlgs {
		if a.cheap || (chunked && in.algorithm == nil) || strings.EqualFold(deref(in.algorithm), a.name) || in.values[a.name] != "" {
			c.hashes[a.name] = a.new()
		}
	}
	return c
}

// Write feeds every checksum.
func (c *checksummer) Write(p []byte) (int, error) {
	for _, h := range c.hashes {
		h.Write(p)
	}
	return len(p), nil
}

// sum returns the base64 digest of the named algorithm, or "" when it was
// not computed.
func (c *checksummer) sum(name string) string {
	h, ok := c.hashes[name]
	if !ok {
		return ""
	}
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// verify checks the checksums the client sent, in headers or in the
// trailer of an aws-chunked body, and returns the one to keep.
func (c *checksummer) verify(in checksumInput, trailer http.Header) (*Checksum, error) {
	var kept *Checksum
	for _, a := range checksumAlgs {
		want := in.values[a.name]
		if want == "" && trailer != nil {
			want = trailer.Get(a.trailer)
		}
		if want == "" {
			continue
		}
		h, ok := c.hashes[a.name]
		if !ok {
			return nil, awserr.New("InvalidRequest", http.StatusBadRequest,
				"The %s checksum was sent without x-amz-sdk-checksum-algorithm.", a.name)
		}
		got := base64.StdEncoding.EncodeToString(h.Sum(nil))
		if got != want {
			return nil, awserr.New("BadDigest", http.StatusBadRequest,
				"The %s you specified did not match the calculated checksum.", a.name)
		}
		if kept == nil {
			kept = &Checksum{Algorithm: a.name, Value: got}
		}
	}
	if kept == nil && in.algorithm != nil {
		if a := algorithm(*in.algorithm); a != nil && c.sum(a.name) != "" {
			kept = &Checksum{Algorithm: a.name, Value: c.sum(a.name)}
		}
	}
	if kept == nil {
		for _, a := range checksumAlgs {
			if a.cheap && c.sum(a.name) != "" {
				kept = &Checksum{Algorithm: a.name, Value: c.sum(a.name)}
				break
			}
		}
	}
	return kept, nil
}

// checksumFields are the response members a checksum is sent in: one per
// algorithm, and the checksum's type (nil where a shape has no type).
type checksumFields struct{ crc32, crc32c, crc64nvme, sha1, sha256, typ **string }

// set fills the member of c's algorithm and its type.
func (f checksumFields) set(c *Checksum) {
	if c == nil {
		return
	}
	v := c.Value
	switch c.Algorithm {
	case "CRC32":
		*f.crc32 = &v
	case "CRC32C":
		*f.crc32c = &v
	case "CRC64NVME":
		*f.crc64nvme = &v
	case "SHA1":
		*f.sha1 = &v
	case "SHA256":
		*f.sha256 = &v
	}
	if f.typ != nil {
		t := c.Type
		if t == "" {
			t = checksumFullObject
		}
		*f.typ = &t
	}
}
