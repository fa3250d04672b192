package sigv4

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"strings"
)

// Values of X-Amz-Content-Sha256 that stand for a payload hash.
const (
	UnsignedPayload          = "UNSIGNED-PAYLOAD"
	StreamingPayload         = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	StreamingPayloadTrailer  = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	StreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
)

// payloadKind says how the body relates to the payload hash that was signed.
type payloadKind int

const (
	payloadHashed    payloadKind = iota // the verifier hashed the body itself
	payloadHex                          // a literal hash, checked as the body streams
	payloadUnsigned                     // UNSIGNED-PAYLOAD or an unknown literal
	payloadStreaming                    // one of the STREAMING-* values
)

func isStreaming(v string) bool {
	return v == StreamingPayload || v == StreamingPayloadTrailer || v == StreamingUnsignedTrailer
}

func isHexSHA256(v string) bool {
	if len(v) != 64 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// classifyPayload reads the declared payload hash. It returns the value to
// put in the canonical request ("" when the body must be hashed).
func classifyPayload(declared string, s3, presigned bool) (string, payloadKind, error) {
	switch {
	case declared == "" && s3 && presigned:
		return UnsignedPayload, payloadUnsigned, nil
	case declared == "" && s3:
		return "", 0, newError(KindMissingContentSHA256, "Missing required header for this request: x-amz-content-sha256")
	case declared == "":
		return "", payloadHashed, nil
	case isHexSHA256(declared):
		return declared, payloadHex, nil
	case isStreaming(declared):
		return declared, payloadStreaming, nil
	case declared == UnsignedPayload || !s3:
		return declared, payloadUnsigned, nil
	}
	return "", 0, errorf(KindInvalidContentSHA256, "x-amz-content-sha256 has an invalid value: '%s'.", clip(declared))
}

// hashBody reads body once, hashing it, and returns its hex SHA-256 and a
// replacement body holding the same bytes (sizeHint is the expected length,
// or -1): in memory up to memLimit bytes,
// beyond that in a temporary file in dir, so the body is never held twice.
func hashBody(body io.Reader, sizeHint, memLimit int64, dir string) (string, io.ReadCloser, error) {
	h := sha256.New()
	if body == nil {
		return EmptySHA256, io.NopCloser(bytes.NewReader(nil)), nil
	}
	var buf bytes.Buffer
	if sizeHint > 0 && sizeHint <= memLimit {
		buf.Grow(int(sizeHint) + 1)
	}
	n, err := buf.ReadFrom(io.LimitReader(body, memLimit+1))
	if err != nil {
		return "", nil, fmt.Errorf("sigv4: read body: %w", err)
	}
	h.Write(buf.Bytes())
	if n <= memLimit {
		return hex.EncodeToString(h.Sum(nil)), io.NopCloser(bytes.NewReader(buf.Bytes())), nil
	}
	f, err := os.CreateTemp(dir, "unkai-sigv4-body-*")
	if err != nil {
		return "", nil, fmt.Errorf("sigv4: spool body: %w", err)
	}
	// Unlink at once where the OS allows it, so the file cannot leak.
	removed := os.Remove(f.Name()) == nil
	tb := &tempBody{f: f, removed: removed}
	if _, err := f.Write(buf.Bytes()); err != nil {
		_ = tb.Close()
		return "", nil, fmt.Errorf("sigv4: spool body: %w", err)
	}
	buf = bytes.Buffer{}
	if _, err := io.Copy(io.MultiWriter(h, f), body); err != nil {
		_ = tb.Close()
		return "", nil, fmt.Errorf("sigv4: read body: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		_ = tb.Close()
		return "", nil, fmt.Errorf("sigv4: spool body: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), tb, nil
}

// tempBody serves a spooled body from its temporary file.
type tempBody struct {
	f       *os.File
	removed bool
}

func (t *tempBody) Read(p []byte) (int, error) { return t.f.Read(p) }

// Close closes the file and removes it if that was not possible earlier.
func (t *tempBody) Close() error {
	err := t.f.Close()
	if !t.removed {
		t.removed = true
		if rerr := os.Remove(t.f.Name()); rerr != nil && err == nil {
			err = rerr
		}
	}
	return err
}

// hashCheckReader passes a body through and, at its end, checks that it
// hashes to the declared X-Amz-Content-Sha256.
type hashCheckReader struct {
	r    io.ReadCloser
	h    hash.Hash
	want string
	err  error
}

func newHashCheckReader(r io.ReadCloser, want string) *hashCheckReader {
	return &hashCheckReader{r: r, h: sha256.New(), want: strings.ToLower(want)}
}

func (c *hashCheckReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	if err == io.EOF {
		if got := hex.EncodeToString(c.h.Sum(nil)); got != c.want {
			c.err = &Error{
				Kind:                  KindContentSHA256Mismatch,
				Detail:                "The provided 'x-amz-content-sha256' header does not match what was computed.",
				ClientContentSHA256:   c.want,
				ComputedContentSHA256: got,
			}
			return n, c.err
		}
		c.err = io.EOF
	}
	return n, err
}

func (c *hashCheckReader) Close() error { return c.r.Close() }
