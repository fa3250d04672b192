package sigv4

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/textproto"
	"strings"
)

// Limits of the aws-chunked framing the decoder accepts.
const (
	maxChunkLine    = 4096     // a chunk header or trailer line
	maxTrailers     = 32       // trailer lines
	maxChunkSize    = 1 << 40  // one chunk's declared size
	chunkBufferSize = 32 << 10 // the decoder's read buffer
)

// ChunkSigning is what verifying the chunk signatures of a
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] body needs: the request's
// signing key, time, scope and signature (the seed of the chain).
type ChunkSigning struct {
	Key     [32]byte
	AmzDate string
	Scope   string
	Seed    string
}

// ChunkedOptions configures a ChunkedReader.
type ChunkedOptions struct {
	// Payload is the request's X-Amz-Content-Sha256: StreamingPayload,
	// StreamingPayloadTrailer or StreamingUnsignedTrailer.
	Payload string
	// Signing, when set, makes the reader verify every chunk signature and
	// the trailer signature. Without it signatures are parsed, not checked.
	Signing *ChunkSigning
	// DecodedLength is X-Amz-Decoded-Content-Length; checked when KnownLength.
	DecodedLength int64
	KnownLength   bool
}

// ChunkedReader decodes an aws-chunked body as it is read, in constant
// memory. Chunk signatures are checked when a chunk ends, before any later
// byte or io.EOF is returned, so a consumer that reads to io.EOF without an
// error has received an authentic body. Trailing headers are available from
// Trailer once Read has returned io.EOF.
type ChunkedReader struct {
	br       *bufio.Reader
	body     io.Reader
	opts     ChunkedOptions
	signed   bool // chunk headers carry chunk-signature
	trailer  bool // trailing headers follow the last chunk
	prev     string
	sig      string
	h        hash.Hash
	inChunk  bool
	left     int64
	total    int64
	trailers http.Header
	err      error
}

// NewChunkedReader returns a decoder of body, an aws-chunked stream whose
// framing o.Payload names.
func NewChunkedReader(body io.Reader, o ChunkedOptions) (*ChunkedReader, error) {
	c := &ChunkedReader{body: body, opts: o, h: sha256.New()}
	switch o.Payload {
	case StreamingPayload:
		c.signed = true
	case StreamingPayloadTrailer:
		c.signed, c.trailer = true, true
	case StreamingUnsignedTrailer:
		c.trailer = true
	default:
		return nil, fmt.Errorf("sigv4: %q is not an aws-chunked payload", o.Payload)
	}
	if o.Signing != nil {
		c.prev = strings.ToLower(o.Signing.Seed)
	}
	c.br = bufio.NewReaderSize(body, chunkBufferSize)
	return c, nil
}

// Trailer returns the trailing headers (x-amz-checksum-crc32, ...), without
// x-amz-trailer-signature. It is nil until Read has returned io.EOF.
func (c *ChunkedReader) Trailer() http.Header {
	if c.err != io.EOF {
		return nil
	}
	return c.trailers
}

// Close closes the underlying body when it is an io.Closer.
func (c *ChunkedReader) Close() error {
	if cl, ok := c.body.(io.Closer); ok {
		return cl.Close()
	}
	return nil
}

// Read implements io.Reader over the decoded payload.
func (c *ChunkedReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	for c.left == 0 {
		if err := c.next(); err != nil {
			c.err = err
			return 0, err
		}
	}
	if len(p) == 0 {
		return 0, nil
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.br.Read(p)
	c.h.Write(p[:n])
	c.left -= int64(n)
	c.total += int64(n)
	if c.opts.KnownLength && c.total > c.opts.DecodedLength {
		c.err = c.lengthError()
		return n, c.err
	}
	if err != nil {
		if err == io.EOF {
			err = malformed("the body ends inside a chunk")
		} else {
			err = fmt.Errorf("sigv4: read chunked body: %w", err)
		}
		c.err = err
		return n, err
	}
	return n, nil
}

// next ends the current chunk and starts the next one. After the final
// chunk it reads the trailer and returns io.EOF.
func (c *ChunkedReader) next() error {
	if c.inChunk {
		if err := c.expectCRLF(); err != nil {
			return err
		}
		if err := c.verifyChunk(hex.EncodeToString(c.h.Sum(nil))); err != nil {
			return err
		}
		c.inChunk = false
	}
	line, err := c.readLine()
	if err != nil {
		return err
	}
	size, sig, err := parseChunkHeader(line, c.signed)
	if err != nil {
		return err
	}
	c.sig = sig
	if size > 0 {
		c.inChunk, c.left = true, size
		c.h.Reset()
		return nil
	}
	if err := c.verifyChunk(EmptySHA256); err != nil {
		return err
	}
	if c.trailer {
		if err := c.readTrailers(); err != nil {
			return err
		}
	} else if err := c.expectCRLF(); err != nil && !errors.Is(err, errCleanEOF) {
		return err
	}
	if c.opts.KnownLength && c.total != c.opts.DecodedLength {
		return c.lengthError()
	}
	return io.EOF
}

// errCleanEOF marks the end of the stream where a line should start; the
// last CRLF of a body is optional.
var errCleanEOF = errors.New("sigv4: end of body")

func malformed(detail string) *Error {
	return newError(KindMalformedBody, "Invalid aws-chunked body: "+detail+".")
}

func (c *ChunkedReader) lengthError() *Error {
	return errorf(KindLengthMismatch,
		"The decoded body length does not match x-amz-decoded-content-length %d.", c.opts.DecodedLength)
}

// readLine reads one CRLF-terminated line, without its terminator.
func (c *ChunkedReader) readLine() (string, error) {
	line, err := c.br.ReadSlice('\n')
	switch {
	case err == nil:
	case errors.Is(err, bufio.ErrBufferFull):
		return "", malformed("a chunk line is too long")
	case err == io.EOF && len(line) == 0:
		return "", malformed("the body ends before its last chunk").withCause(errCleanEOF)
	case err == io.EOF:
		return "", malformed("the body ends inside a chunk line")
	default:
		return "", fmt.Errorf("sigv4: read chunked body: %w", err)
	}
	if len(line) > maxChunkLine {
		return "", malformed("a chunk line is too long")
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return "", malformed("a chunk line does not end with CRLF")
	}
	return string(line[:len(line)-2]), nil
}

func (c *ChunkedReader) expectCRLF() error {
	line, err := c.readLine()
	if err != nil {
		return err
	}
	if line != "" {
		return malformed("chunk data is longer than its declared size")
	}
	return nil
}

// parseChunkHeader parses "<hex size>[;chunk-signature=<sig>][;ext...]".
func parseChunkHeader(line string, signed bool) (int64, string, error) {
	sizeText, exts, _ := strings.Cut(line, ";")
	if sizeText == "" || len(sizeText) > 16 {
		return 0, "", malformed("invalid chunk size")
	}
	var size int64
	for i := 0; i < len(sizeText); i++ {
		d := unhex(sizeText[i])
		if d < 0 {
			return 0, "", malformed("invalid chunk size")
		}
		size = size<<4 | int64(d)
	}
	if size < 0 || size > maxChunkSize {
		return 0, "", malformed("chunk size too large")
	}
	var sig string
	for exts != "" {
		var ext string
		ext, exts, _ = strings.Cut(exts, ";")
		if k, v, ok := strings.Cut(ext, "="); ok && strings.TrimSpace(k) == "chunk-signature" {
			sig = strings.TrimSpace(v)
		}
	}
	if signed && sig == "" {
		return 0, "", malformed("a chunk has no chunk-signature")
	}
	return size, sig, nil
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// verifyChunk checks the current chunk's signature against the chain.
func (c *ChunkedReader) verifyChunk(dataHash string) error {
	s := c.opts.Signing
	if s == nil || !c.signed {
		return nil
	}
	sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + s.AmzDate + "\n" + s.Scope + "\n" + c.prev + "\n" + EmptySHA256 + "\n" + dataHash
	want := signHex(s.Key[:], sts)
	if !equalSig(want, c.sig) {
		return &Error{Kind: KindChunkSignature, Detail: "a chunk signature does not match",
			StringToSign: sts, SignatureProvided: c.sig}
	}
	c.prev = want
	return nil
}

// readTrailers reads "name:value" lines up to an empty line (or the end of
// the body) and verifies x-amz-trailer-signature in the signed variant.
func (c *ChunkedReader) readTrailers() error {
	c.trailers = http.Header{}
	var canon strings.Builder
	var trailerSig string
	for n := 0; ; n++ {
		line, err := c.readLine()
		if errors.Is(err, errCleanEOF) {
			break
		}
		if err != nil {
			return err
		}
		if line == "" {
			break
		}
		if n >= maxTrailers {
			return malformed("too many trailing headers")
		}
		name, value, ok := strings.Cut(line, ":")
		name = strings.ToLower(strings.TrimSpace(name))
		if !ok || name == "" {
			return malformed("invalid trailing header")
		}
		value = strings.TrimSpace(value)
		if name == "x-amz-trailer-signature" {
			trailerSig = value
			continue
		}
		c.trailers.Add(textproto.CanonicalMIMEHeaderKey(name), value)
		canon.WriteString(name + ":" + value + "\n")
	}
	s := c.opts.Signing
	if s == nil || !c.signed {
		return nil
	}
	sts := "AWS4-HMAC-SHA256-TRAILER\n" + s.AmzDate + "\n" + s.Scope + "\n" + c.prev + "\n" + sha256Hex(canon.String())
	if want := signHex(s.Key[:], sts); !equalSig(want, trailerSig) {
		return &Error{Kind: KindChunkSignature, Detail: "the trailer signature does not match",
			StringToSign: sts, SignatureProvided: trailerSig}
	}
	return nil
}
