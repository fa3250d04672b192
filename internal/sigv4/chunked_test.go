package sigv4

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// signedBody frames chunks with signatures chained from seed; with trailer
// set it appends the trailing headers and their signature.
func signedBody(s testSigner, seed string, chunks []string, trailer string) string {
	var b strings.Builder
	prev := seed
	for _, c := range append(chunks, "") {
		frame, sig := s.chunk(now, prev, []byte(c))
		prev = sig
		if c == "" && trailer != "" {
			frame = strings.TrimSuffix(frame, "\r\n") // the trailer follows the zero chunk's header
		}
		b.WriteString(frame)
	}
	if trailer != "" {
		for line := range strings.SplitSeq(strings.TrimSuffix(trailer, "\n"), "\n") {
			b.WriteString(line + "\r\n")
		}
		b.WriteString("x-amz-trailer-signature:" + s.trailerSig(now, prev, trailer) + "\r\n\r\n")
	}
	return b.String()
}

func TestChunkedVerify(t *testing.T) {
	s := testSigner{akid: s3AKID, secret: s3Secret, region: "us-east-1", service: "s3"}
	big := strings.Repeat("0123456789abcdef", 5000)
	tests := []struct {
		name    string
		payload string
		chunks  []string
		trailer string
		mangle  func(body string) string
		decoded string // x-amz-decoded-content-length; "" = the true length
		want    Kind
		wantTr  string // x-amz-checksum-crc32 trailer value
	}{
		{name: "signed chunks", payload: StreamingPayload, chunks: []string{big, "tail"}},
		{name: "signed single chunk", payload: StreamingPayload, chunks: []string{"x"}},
		{name: "signed empty body", payload: StreamingPayload},
		{name: "signed trailer", payload: StreamingPayloadTrailer, chunks: []string{"hello", "world"},
			trailer: "x-amz-checksum-crc32:sOO8/Q==\n", wantTr: "sOO8/Q=="},
		{name: "bad chunk signature", payload: StreamingPayload, chunks: []string{"hello", "world"},
			mangle: func(b string) string { return strings.Replace(b, "hello", "jello", 1) }, want: KindChunkSignature},
		{name: "reordered chain", payload: StreamingPayload, chunks: []string{"aaaa", "bbbb"},
			mangle: func(b string) string {
				parts := strings.SplitAfter(b, "\r\n")
				return parts[2] + parts[3] + parts[0] + parts[1] + strings.Join(parts[4:], "")
			}, want: KindChunkSignature},
		{name: "bad trailer signature", payload: StreamingPayloadTrailer, chunks: []string{"hello"},
			trailer: "x-amz-checksum-crc32:sOO8/Q==\n",
			mangle:  func(b string) string { return strings.Replace(b, "sOO8/Q==", "AAAAAA==", 1) }, want: KindChunkSignature},
		{name: "decoded length mismatch", payload: StreamingPayload, chunks: []string{"hello"}, decoded: "4", want: KindLengthMismatch},
		{name: "decoded length short", payload: StreamingPayload, chunks: []string{"hello"}, decoded: "6", want: KindLengthMismatch},
		{name: "truncated", payload: StreamingPayload, chunks: []string{"hello world"},
			mangle: func(b string) string { return b[:len(b)/2] }, want: KindMalformedBody},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("PUT", "http://localhost/bucket/obj", nil)
			r.Header.Set("X-Amz-Content-Sha256", tc.payload)
			r.Header.Set("Content-Encoding", "aws-chunked")
			want := strings.Join(tc.chunks, "")
			dl := tc.decoded
			if dl == "" {
				dl = strconv.Itoa(len(want))
			}
			r.Header.Set("X-Amz-Decoded-Content-Length", dl)
			if tc.trailer != "" {
				r.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
			}
			seed := s.sign(r, now, tc.payload, "content-encoding")
			body := signedBody(s, seed, tc.chunks, tc.trailer)
			if tc.mangle != nil {
				body = tc.mangle(body)
			}
			r.Body = io.NopCloser(iotest.HalfReader(strings.NewReader(body)))
			res, err := newTestVerifier(t, now).Verify(r)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if res.Chunked.Trailer() != nil {
				t.Error("trailer available before EOF")
			}
			got, err := io.ReadAll(r.Body)
			if k := kindOf(err); k != tc.want {
				t.Fatalf("read: err = %v (kind %v), want kind %v", err, k, tc.want)
			}
			if err != nil {
				if _, again := r.Body.Read(make([]byte, 1)); again != err {
					t.Errorf("error is not sticky: %v", again)
				}
				return
			}
			if string(got) != want {
				t.Errorf("decoded %d bytes, want %d", len(got), len(want))
			}
			if tr := res.Chunked.Trailer().Get("X-Amz-Checksum-Crc32"); tr != tc.wantTr {
				t.Errorf("trailer = %q, want %q", tr, tc.wantTr)
			}
			if res.Chunked.Trailer().Get("X-Amz-Trailer-Signature") != "" {
				t.Error("trailer signature exposed as a trailer")
			}
		})
	}
}

func TestChunkedFraming(t *testing.T) {
	sig := ";chunk-signature=" + strings.Repeat("0", 64)
	tests := []struct {
		name    string
		payload string
		body    string
		want    Kind // 0: decodes to wantOut
		wantOut string
		wantTr  string
	}{
		{name: "unsigned trailer", payload: StreamingUnsignedTrailer,
			body: "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", wantOut: "hello", wantTr: "AAAAAA=="},
		{name: "unsigned trailer without final crlf", payload: StreamingUnsignedTrailer,
			body: "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n", wantOut: "hello", wantTr: "AAAAAA=="},
		{name: "unsigned no trailers", payload: StreamingUnsignedTrailer, body: "3\r\nabc\r\n0\r\n\r\n", wantOut: "abc"},
		{name: "uppercase hex size", payload: StreamingUnsignedTrailer, body: "A\r\n0123456789\r\n0\r\n\r\n", wantOut: "0123456789"},
		{name: "signed framing unverified", payload: StreamingPayload, body: "3" + sig + "\r\nabc\r\n0" + sig + "\r\n\r\n", wantOut: "abc"},
		{name: "signed final crlf optional", payload: StreamingPayload, body: "3" + sig + "\r\nabc\r\n0" + sig + "\r\n", wantOut: "abc"},
		{name: "missing chunk signature", payload: StreamingPayload, body: "3\r\nabc\r\n0\r\n\r\n", want: KindMalformedBody},
		{name: "bad size", payload: StreamingUnsignedTrailer, body: "xyz\r\nabc\r\n0\r\n\r\n", want: KindMalformedBody},
		{name: "signed size", payload: StreamingUnsignedTrailer, body: "+3\r\nabc\r\n0\r\n\r\n", want: KindMalformedBody},
		{name: "empty size", payload: StreamingUnsignedTrailer, body: "\r\nabc\r\n0\r\n\r\n", want: KindMalformedBody},
		{name: "huge size", payload: StreamingUnsignedTrailer, body: "ffffffffffffffff\r\nabc", want: KindMalformedBody},
		{name: "size too long", payload: StreamingUnsignedTrailer, body: "00000000000000003\r\nabc\r\n0\r\n\r\n", want: KindMalformedBody},
		{name: "data longer than size", payload: StreamingUnsignedTrailer, body: "2\r\nabc\r\n0\r\n\r\n", want: KindMalformedBody},
		{name: "bare lf", payload: StreamingUnsignedTrailer, body: "3\nabc\n0\n\n", want: KindMalformedBody},
		{name: "truncated in data", payload: StreamingUnsignedTrailer, body: "10\r\nabc", want: KindMalformedBody},
		{name: "no final chunk", payload: StreamingUnsignedTrailer, body: "3\r\nabc\r\n", want: KindMalformedBody},
		{name: "empty body", payload: StreamingUnsignedTrailer, body: "", want: KindMalformedBody},
		{name: "line too long", payload: StreamingUnsignedTrailer, body: "3;" + strings.Repeat("x", 5000) + "\r\nabc\r\n0\r\n\r\n", want: KindMalformedBody},
		{name: "huge line", payload: StreamingUnsignedTrailer, body: "3;" + strings.Repeat("x", 50000) + "\r\nabc\r\n0\r\n\r\n", want: KindMalformedBody},
		{name: "trailer without colon", payload: StreamingUnsignedTrailer, body: "0\r\nnocolon\r\n\r\n", want: KindMalformedBody},
		{name: "too many trailers", payload: StreamingUnsignedTrailer,
			body: "0\r\n" + strings.Repeat("x-a:b\r\n", 40) + "\r\n", want: KindMalformedBody},
		{name: "trailer truncated", payload: StreamingUnsignedTrailer, body: "0\r\nx-amz-checksum-crc32:AA", want: KindMalformedBody},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewChunkedReader(iotest.OneByteReader(strings.NewReader(tc.body)), ChunkedOptions{Payload: tc.payload})
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(c)
			if k := kindOf(err); k != tc.want {
				t.Fatalf("err = %v (kind %v), want kind %v", err, k, tc.want)
			}
			if err != nil {
				if c.Trailer() != nil {
					t.Error("trailer after a failure")
				}
				return
			}
			if string(got) != tc.wantOut {
				t.Errorf("decoded %q, want %q", got, tc.wantOut)
			}
			if tr := c.Trailer().Get("x-amz-checksum-crc32"); tr != tc.wantTr {
				t.Errorf("trailer = %q, want %q", tr, tc.wantTr)
			}
		})
	}
	if _, err := NewChunkedReader(strings.NewReader(""), ChunkedOptions{Payload: UnsignedPayload}); err == nil {
		t.Error("NewChunkedReader accepted a non-streaming payload")
	}
}

// TestChunkedConstantMemory decodes a large body through a reader that never
// holds more than its buffer.
func TestChunkedConstantMemory(t *testing.T) {
	const chunk = 1 << 20
	const n = 64
	pr, pw := io.Pipe()
	go func() {
		data := bytes.Repeat([]byte{'z'}, chunk)
		for range n {
			if _, err := pw.Write([]byte(strconv.FormatInt(chunk, 16) + "\r\n")); err != nil {
				return
			}
			_, _ = pw.Write(data)
			_, _ = pw.Write([]byte("\r\n"))
		}
		_, _ = pw.Write([]byte("0\r\n\r\n"))
		_ = pw.Close()
	}()
	c, err := NewChunkedReader(pr, ChunkedOptions{Payload: StreamingUnsignedTrailer, DecodedLength: chunk * n, KnownLength: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.Copy(io.Discard, c)
	if err != nil || got != chunk*n {
		t.Fatalf("copied %d, %v", got, err)
	}
	if c.Trailer() == nil {
		t.Error("no trailer after EOF")
	}
	if err := c.Close(); err != nil {
		t.Error(err)
	}
}

func TestUnsignedTrailerViaVerify(t *testing.T) {
	s := testSigner{akid: s3AKID, secret: s3Secret, region: "us-east-1", service: "s3"}
	r := httptest.NewRequest("PUT", "http://localhost/bucket/obj", strings.NewReader("5\r\nhello\r\n0\r\nx-amz-checksum-crc32c:abc=\r\n\r\n"))
	r.Header.Set("X-Amz-Content-Sha256", StreamingUnsignedTrailer)
	r.Header.Set("X-Amz-Decoded-Content-Length", "5")
	s.sign(r, now, StreamingUnsignedTrailer)
	res, err := newTestVerifier(t, now).Verify(r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r.Body)
	if err != nil || string(got) != "hello" || res.Chunked.Trailer().Get("X-Amz-Checksum-Crc32c") != "abc=" {
		t.Fatalf("got %q, %v, trailer %v", got, err, res.Chunked.Trailer())
	}
	var _ http.Header = res.Chunked.Trailer()
}
