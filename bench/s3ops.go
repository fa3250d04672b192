package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"html"
	"net/http"
	"strconv"
)

// Payload modes of S3 bodies (-payload). S3 ops address buckets by path
// (http://host/bucket/key) and sign with SigV4.
const (
	// payloadUnsigned signs X-Amz-Content-Sha256: UNSIGNED-PAYLOAD, as
	// tools that skip payload hashing do.
	payloadUnsigned = "unsigned"
	// payloadSHA256 signs the body's SHA-256: the SDKs' way over http
	// before they added default checksums.
	payloadSHA256 = "sha256"
	// payloadSDKHTTP is what aws-sdk-go-v2 (s3 v1.114) sends by default
	// over http: the signed SHA-256 and an x-amz-checksum-crc32 header.
	// Its GetObject asks for checksums (x-amz-checksum-mode: ENABLED).
	payloadSDKHTTP = "sdk-http"
	// payloadSDKHTTPS is what it sends by default over https: the body
	// aws-chunked in 64 KiB chunks, STREAMING-UNSIGNED-PAYLOAD-TRAILER, the
	// CRC32 in a trailer. Sent here over http too (the wire is the same).
	payloadSDKHTTPS = "sdk-https"
)

// sdkChunk is aws-sdk-go-v2's aws-chunked chunk length.
const sdkChunk = 64 << 10

// s3Payload is an object body as sent in one payload mode. Requests built
// from it share its header map and body (both read-only).
type s3Payload struct {
	header http.Header
	body   []byte // on the wire
	hash   string // the X-Amz-Content-Sha256 signed
}

// sdkMode reports whether mode copies the SDK's defaults, under which
// GetObject also asks for checksums (x-amz-checksum-mode: ENABLED).
func sdkMode(mode string) bool { return mode == payloadSDKHTTP || mode == payloadSDKHTTPS }

// newS3Payload encodes data for mode.
func newS3Payload(mode string, data []byte) (s3Payload, error) {
	h := http.Header{"Content-Type": {"application/octet-stream"}}
	p := s3Payload{header: h, body: data}
	switch mode {
	case payloadUnsigned, "":
		p.hash = "UNSIGNED-PAYLOAD"
	case payloadSHA256, payloadSDKHTTP:
		sum := sha256.Sum256(data)
		p.hash = hex.EncodeToString(sum[:])
	case payloadSDKHTTPS:
		if len(data) == 0 { // the SDK sends empty bodies with a header checksum
			p.hash = "UNSIGNED-PAYLOAD"
			break
		}
		p.hash = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
		p.body = awsChunked(data, sdkChunk, "x-amz-checksum-crc32", crc32Base64(data))
		h["Content-Encoding"] = []string{"aws-chunked"}
		h["X-Amz-Decoded-Content-Length"] = []string{strconv.Itoa(len(data))}
		h["X-Amz-Trailer"] = []string{"x-amz-checksum-crc32"}
		return p, nil
	default:
		return s3Payload{}, fmt.Errorf("%w: -payload %q is not unsigned, sha256, sdk-http or sdk-https", errUsage, mode)
	}
	if sdkMode(mode) {
		h["X-Amz-Checksum-Crc32"] = []string{crc32Base64(data)}
	}
	return p, nil
}

// request is a PUT of the payload to path.
func (s s3Payload) request(path string) request {
	return request{method: http.MethodPut, path: path, header: s.header, body: s.body, payloadHash: s.hash}
}

// crc32Base64 is the x-amz-checksum-crc32 value of data.
func crc32Base64(data []byte) string {
	return base64.StdEncoding.EncodeToString(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(data)))
}

// awsChunked frames data as an unsigned aws-chunked body with one trailer.
func awsChunked(data []byte, chunk int, trailer, value string) []byte {
	var b bytes.Buffer
	b.Grow(len(data) + len(data)/chunk*16 + 64)
	for off := 0; off < len(data); off += chunk {
		end := min(off+chunk, len(data))
		fmt.Fprintf(&b, "%x\r\n", end-off)
		b.Write(data[off:end])
		b.WriteString("\r\n")
	}
	fmt.Fprintf(&b, "0\r\n%s:%s\r\n\r\n", trailer, value)
	return b.Bytes()
}

// s3Bucket is the setup that creates bucket name in region.
func s3Bucket(name, region string) step {
	r := request{method: http.MethodPut, path: "/" + name, header: http.Header{}}
	if region != "" && region != "us-east-1" {
		r.body = []byte(`<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>` +
			region + `</LocationConstraint></CreateBucketConfiguration>`)
	}
	return step{req: r, ok: okOrBody("BucketAlreadyOwnedByYou")}
}

// s3Puts are PUTs of one -size body to keys prefix+keyName(i) of bucket.
func s3Puts(p params, bucket, prefix string) ([]request, error) {
	if err := checkSizes(p, 0); err != nil {
		return nil, err
	}
	pl, err := newS3Payload(p.payload, filler(p.size))
	if err != nil {
		return nil, err
	}
	reqs := make([]request, p.keys)
	for i := range reqs {
		reqs[i] = pl.request("/" + bucket + "/" + prefix + keyName(i))
	}
	return reqs, nil
}

func s3PutObject(p params) (plan, error) {
	puts, err := s3Puts(p, p.resource, "")
	if err != nil {
		return plan{}, err
	}
	return plan{setup: []step{s3Bucket(p.resource, p.region)}, requests: puts, bytesPer: int64(p.size)}, nil
}

func s3GetObject(p params) (plan, error) {
	puts, err := s3Puts(p, p.resource, "")
	if err != nil {
		return plan{}, err
	}
	header := http.Header{}
	if sdkMode(p.payload) {
		header["X-Amz-Checksum-Mode"] = []string{"ENABLED"}
	}
	gets := make([]request, p.keys)
	for i := range gets {
		gets[i] = request{method: http.MethodGet, path: "/" + p.resource + "/" + keyName(i), header: header}
	}
	return plan{setup: []step{s3Bucket(p.resource, p.region)}, seed: puts, requests: gets, bytesPer: int64(p.size)}, nil
}

// xmlText returns the unescaped text of the first <name> element of an S3
// answer, and whether there is one. It reads the flat answers S3 sends
// (no CDATA, no attributes on the elements asked for).
func xmlText(body []byte, name string) (string, bool) {
	open := "<" + name + ">"
	i := bytes.Index(body, []byte(open))
	if i < 0 {
		return "", false
	}
	rest := body[i+len(open):]
	j := bytes.Index(rest, []byte("</"+name+">"))
	if j < 0 {
		return "", false
	}
	return html.UnescapeString(string(rest[:j])), true
}
