package s3

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"net/http"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
)

// checksumAlgs are the flexible checksums S3 verifies, by algorithm name.
var checksumAlgs = []struct {
	name    string
	trailer string // the trailing header that carries it
	cheap   bool   // computed for every upload
	new     func() hash.Hash
}{
	{"CRC32", "X-Amz-Checksum-Crc32", true, func() hash.Hash { return crc32.NewIEEE() }},
	{"CRC32C", "X-Amz-Checksum-Crc32c", true, func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) }},
	{"SHA1", "X-Amz-Checksum-Sha1", false, sha1.New},
	{"SHA256", "X-Amz-Checksum-Sha256", false, sha256.New},
}

// Checksum is an object's flexible checksum: the algorithm and the base64
// digest of the whole body.
type Checksum struct {
	Algorithm string `json:"algorithm"`
	Value     string `json:"value"`
}

// checksummer computes the flexible checksums an upload may be checked
// against while the body streams.
type checksummer struct {
	hashes map[string]hash.Hash
}

// newChecksummer computes the cheap checksums and any the request names;
// all of them for a chunked body, whose trailer may carry any.
func newChecksummer(in *s3api.PutObjectRequest, chunked bool) *checksummer {
	c := &checksummer{hashes: map[string]hash.Hash{}}
	given := headerChecksums(in)
	for _, a := range checksumAlgs {
		if a.cheap || chunked || strings.EqualFold(deref(in.ChecksumAlgorithm), a.name) || given[a.name] != "" {
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

// headerChecksums returns the x-amz-checksum-* headers of a request.
func headerChecksums(in *s3api.PutObjectRequest) map[string]string {
	return map[string]string{
		"CRC32": deref(in.ChecksumCRC32), "CRC32C": deref(in.ChecksumCRC32C),
		"SHA1": deref(in.ChecksumSHA1), "SHA256": deref(in.ChecksumSHA256),
	}
}

// verify checks the checksums the client sent, in headers or in the
// trailer of an aws-chunked body, and returns the one to keep.
func (c *checksummer) verify(in *s3api.PutObjectRequest, trailer http.Header) (*Checksum, error) {
	given := headerChecksums(in)
	var kept *Checksum
	for _, a := range checksumAlgs {
		want := given[a.name]
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
	if kept == nil && in.ChecksumAlgorithm != nil {
		for _, a := range checksumAlgs {
			if h, ok := c.hashes[a.name]; ok && strings.EqualFold(*in.ChecksumAlgorithm, a.name) {
				kept = &Checksum{Algorithm: a.name, Value: base64.StdEncoding.EncodeToString(h.Sum(nil))}
			}
		}
	}
	return kept, nil
}

// checksumFields are the response members a checksum is sent in.
type checksumFields struct{ crc32, crc32c, sha1, sha256 **string }

// set fills the member of c's algorithm.
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
	case "SHA1":
		*f.sha1 = &v
	case "SHA256":
		*f.sha256 = &v
	}
}
