package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/sigv4"
	"github.com/unkai-cloud/unkai/unkaitest"
)

func TestS3Payload(t *testing.T) {
	const fox = "The quick brown fox jumps over the lazy dog" // CRC32 0x414FA339
	data := bytes.Repeat([]byte(fox), 3000)                   // 129,000 bytes: two full chunks and a short one
	tests := []struct {
		mode     string
		hash     string // "" for the SHA-256 of data
		crc      bool   // x-amz-checksum-crc32 header
		chunked  bool
		readMode bool // GetObject asks for checksums
	}{
		{mode: "", hash: "UNSIGNED-PAYLOAD"},
		{mode: payloadUnsigned, hash: "UNSIGNED-PAYLOAD"},
		{mode: payloadSHA256},
		{mode: payloadSDKHTTP, crc: true, readMode: true},
		{mode: payloadSDKHTTPS, hash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER", chunked: true, readMode: true},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			p, err := newS3Payload(tt.mode, data)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.hash
			if want == "" {
				want = fmt.Sprintf("%x", sha256.Sum256(data))
			}
			if p.hash != want || sdkMode(tt.mode) != tt.readMode {
				t.Errorf("hash %q sdk %v, want %q %v", p.hash, sdkMode(tt.mode), want, tt.readMode)
			}
			if got := p.header.Get("X-Amz-Checksum-Crc32"); (got != "") != tt.crc || (tt.crc && got != crc32Base64(data)) {
				t.Errorf("x-amz-checksum-crc32 %q", got)
			}
			if !tt.chunked {
				if !bytes.Equal(p.body, data) || p.header.Get("Content-Encoding") != "" {
					t.Errorf("body of %d bytes, Content-Encoding %q", len(p.body), p.header.Get("Content-Encoding"))
				}
				return
			}
			h := p.header
			if h.Get("Content-Encoding") != "aws-chunked" || h.Get("X-Amz-Decoded-Content-Length") != strconv.Itoa(len(data)) || h.Get("X-Amz-Trailer") != "x-amz-checksum-crc32" {
				t.Errorf("headers %v", h)
			}
			// The server's own decoder reads the framing back.
			cr, err := sigv4.NewChunkedReader(bytes.NewReader(p.body), sigv4.ChunkedOptions{
				Payload: sigv4.StreamingUnsignedTrailer, DecodedLength: int64(len(data)), KnownLength: true})
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(cr)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("decoded %d bytes, err %v", len(got), err)
			}
			if c := cr.Trailer().Get("X-Amz-Checksum-Crc32"); c != crc32Base64(data) {
				t.Errorf("trailer checksum %q, want %q", c, crc32Base64(data))
			}
			// 129,000 bytes: a 64 KiB chunk, then 63,464 (0xf7e8).
			if !bytes.HasPrefix(p.body, []byte("10000\r\n")) || !bytes.Contains(p.body, []byte("\r\nf7e8\r\n")) {
				t.Errorf("chunks are not 64 KiB: %q…", p.body[:10])
			}
		})
	}
	if crc32Base64([]byte(fox)) != "QU+jOQ==" {
		t.Errorf("crc32 of the fox: %s", crc32Base64([]byte(fox)))
	}
	if p, err := newS3Payload(payloadSDKHTTPS, nil); err != nil || p.hash != "UNSIGNED-PAYLOAD" || p.header.Get("X-Amz-Checksum-Crc32") != "AAAAAA==" {
		t.Errorf("empty sdk-https body: %+v, %v (want a header checksum, as the SDK sends)", p, err)
	}
	if _, err := newS3Payload("sha1", data); !errors.Is(err, errUsage) {
		t.Errorf("unknown mode: %v", err)
	}
}

func TestXMLText(t *testing.T) {
	tests := []struct {
		body, name, want string
		ok               bool
	}{
		{"<R><UploadId>abc</UploadId></R>", "UploadId", "abc", true},
		{"<R><T>a&amp;b&lt;&#34;</T><T>2</T></R>", "T", `a&b<"`, true},
		{"<R><T></T></R>", "T", "", true},
		{"<R><T>open", "T", "", false},
		{"<R/>", "T", "", false},
		{"<R><Tx>1</Tx></R>", "T", "", false},
	}
	for _, tt := range tests {
		if got, ok := xmlText([]byte(tt.body), tt.name); got != tt.want || ok != tt.ok {
			t.Errorf("xmlText(%q, %q) = %q, %v; want %q, %v", tt.body, tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzXMLText(f *testing.F) {
	f.Add([]byte("<R><IsTruncated>true</IsTruncated><NextContinuationToken>a+b/c=</NextContinuationToken></R>"), "NextContinuationToken")
	f.Add([]byte("<UploadId>x&amp;</UploadId>"), "UploadId")
	f.Fuzz(func(t *testing.T, body []byte, name string) {
		got, ok := xmlText(body, name)
		if !ok && got != "" {
			t.Fatalf("no element but text %q", got)
		}
		if ok && !bytes.Contains(body, []byte("<"+name+">")) {
			t.Fatalf("found %q without its start tag", name)
		}
	})
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int
		err  bool
	}{
		{in: "0", want: 0},
		{in: "4096", want: 4096},
		{in: "4K", want: 4096},
		{in: "4KiB", want: 4096},
		{in: "8m", want: 8 << 20},
		{in: "1GiB", want: 1 << 30},
		{in: "1024G", want: 1 << 40},
		{in: "1025G", err: true},
		{in: "", err: true},
		{in: "K", err: true},
		{in: "-1", err: true},
		{in: "4KB", err: true},
		{in: "1.5M", err: true},
		{in: "4 K", err: true},
	}
	for _, tt := range tests {
		got, err := parseSize(tt.in)
		if (err != nil) != tt.err || (!tt.err && got != tt.want) {
			t.Errorf("parseSize(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"4096", "4K", "8MiB", "1g", "99999999999999999999", "-3M", "1.5k"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseSize(s)
		if err == nil && (n < 0 || n > 1<<40) {
			t.Fatalf("parseSize(%q) = %d", s, n)
		}
	})
}

// TestS3OpsAgainstUnkai drives each S3 op and payload mode against an
// in-process unkai that verifies every signature.
func TestS3OpsAgainstUnkai(t *testing.T) {
	srv := unkaitest.Start(t, unkaitest.WithStrictAuth("AKIDBENCH", "bench-secret"))
	tests := []struct {
		op      string
		payload string
		keys    int
		size    int
		n       uint64
		c       int
	}{
		{op: "s3.PutObject", payload: payloadUnsigned, keys: 20, size: 4096, n: 100, c: 4},
		{op: "s3.PutObject", payload: payloadSHA256, keys: 20, size: 4096, n: 50, c: 4},
		{op: "s3.PutObject", payload: payloadSDKHTTP, keys: 20, size: 4096, n: 50, c: 4},
		{op: "s3.PutObject", payload: payloadSDKHTTPS, keys: 20, size: 200 << 10, n: 20, c: 4},
		{op: "s3.GetObject", payload: payloadUnsigned, keys: 20, size: 4096, n: 100, c: 4},
		{op: "s3.GetObject", payload: payloadSDKHTTPS, keys: 5, size: 100 << 10, n: 20, c: 2},
		{op: "s3.ListObjectsV2", keys: 2500, size: 0, n: 2, c: 1}, // three pages
	}
	for _, tt := range tests {
		t.Run(tt.op+"/"+tt.payload, func(t *testing.T) {
			res, err := load(context.Background(), loadConfig{
				endpoint: srv.URL, op: tt.op, concurrency: tt.c, requests: tt.n, timeout: 10 * time.Second,
				region: "us-west-2", accessKey: "AKIDBENCH", secretKey: "bench-secret",
				params: params{region: "us-west-2", resource: "bench-s3", keys: tt.keys, size: tt.size, payload: tt.payload},
			}, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if res.Requests != tt.n || res.Errors != 0 || res.Status["200"] != int64(tt.n) {
				t.Fatalf("requests %d errors %d status %v: %s", res.Requests, res.Errors, res.Status, res.FirstError)
			}
			if (res.MBps > 0) != (tt.size > 0 && tt.op != "s3.ListObjectsV2") {
				t.Errorf("MB/s %.1f", res.MBps)
			}
		})
	}
	// A listing that finds fewer keys than seeded is an error.
	res, err := load(context.Background(), loadConfig{
		endpoint: srv.URL, op: "s3.ListObjectsV2", concurrency: 1, requests: 1, timeout: 10 * time.Second, skipSetup: true,
		region: "us-west-2", accessKey: "AKIDBENCH", secretKey: "bench-secret",
		params: params{region: "us-west-2", resource: "bench-s3", keys: 2600},
	}, io.Discard)
	if err != nil || res.Errors != 1 || !strings.Contains(res.FirstError, "listed 2500 keys") {
		t.Errorf("short listing: %+v, %v", res, err)
	}
}

// fakeMultipart is an S3 stand-in for multipart uploads: it checks each
// request's signature and shape and records what it got.
type fakeMultipart struct {
	t        *testing.T
	failPart int // answer 500 to this part number
	mu       sync.Mutex
	parts    map[int]int // part number → bytes
	complete string
	aborted  bool
	inFlight atomic.Int32
	maxIn    atomic.Int32
}

func (f *fakeMultipart) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, err := sigv4.Parse(r); err != nil || r.URL.Path != "/mp/multipart-object" {
		f.t.Errorf("%s %s: signature %v", r.Method, r.URL, err)
	}
	q := r.URL.Query()
	body, _ := io.ReadAll(r.Body)
	switch {
	case r.Method == http.MethodPost && q.Has("uploads"):
		io.WriteString(w, `<InitiateMultipartUploadResult><Bucket>mp</Bucket><UploadId>id+/=&amp;1</UploadId></InitiateMultipartUploadResult>`)
	case r.Method == http.MethodPut && q.Get("uploadId") == "id+/=&1":
		n := f.inFlight.Add(1)
		defer f.inFlight.Add(-1)
		for m := f.maxIn.Load(); n > m && !f.maxIn.CompareAndSwap(m, n); m = f.maxIn.Load() {
		}
		time.Sleep(5 * time.Millisecond) // let parts overlap
		num, _ := strconv.Atoi(q.Get("partNumber"))
		if r.Header.Get("X-Amz-Content-Sha256") != "UNSIGNED-PAYLOAD" || r.ContentLength != int64(len(body)) {
			f.t.Errorf("part %d: X-Amz-Content-Sha256 %q, Content-Length %d", num, r.Header.Get("X-Amz-Content-Sha256"), r.ContentLength)
		}
		if num == f.failPart {
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, "<Error><Code>InternalError</Code></Error>")
			return
		}
		f.mu.Lock()
		f.parts[num] = len(body)
		f.mu.Unlock()
		w.Header().Set("ETag", fmt.Sprintf(`"etag-%d"`, num))
	case r.Method == http.MethodPost && q.Get("uploadId") == "id+/=&1":
		f.mu.Lock()
		f.complete = string(body)
		f.mu.Unlock()
		io.WriteString(w, `<CompleteMultipartUploadResult><ETag>"x-3"</ETag></CompleteMultipartUploadResult>`)
	case r.Method == http.MethodDelete && q.Get("uploadId") == "id+/=&1":
		f.mu.Lock()
		f.aborted = true
		f.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	default:
		f.t.Errorf("unexpected %s %s", r.Method, r.URL)
		w.WriteHeader(http.StatusBadRequest)
	}
}

func TestMultipartRequests(t *testing.T) {
	tests := []struct {
		name      string
		size      int
		part      int
		parallel  int
		failPart  int
		wantParts map[int]int
	}{
		{name: "even", size: 400, part: 100, parallel: 2, wantParts: map[int]int{1: 100, 2: 100, 3: 100, 4: 100}},
		{name: "short last part", size: 250, part: 100, parallel: 4, wantParts: map[int]int{1: 100, 2: 100, 3: 50}},
		{name: "one part", size: 30, part: 100, parallel: 3, wantParts: map[int]int{1: 30}},
		{name: "failed part aborts", size: 500, part: 100, parallel: 1, failPart: 2, wantParts: map[int]int{1: 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeMultipart{t: t, failPart: tt.failPart, parts: map[int]int{}}
			srv := httptest.NewServer(f)
			defer srv.Close()
			res, err := load(context.Background(), loadConfig{
				endpoint: srv.URL, op: "s3.Multipart", concurrency: tt.parallel, requests: 1, timeout: 5 * time.Second,
				region: "us-east-1", accessKey: "a", secretKey: "s", skipSetup: true,
				params: params{resource: "mp", size: tt.size, part: tt.part},
			}, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if fmt.Sprint(f.parts) != fmt.Sprint(tt.wantParts) {
				t.Errorf("parts %v, want %v", f.parts, tt.wantParts)
			}
			if int(f.maxIn.Load()) > tt.parallel {
				t.Errorf("%d parts in flight, -c %d", f.maxIn.Load(), tt.parallel)
			}
			if tt.failPart > 0 {
				if !f.aborted || f.complete != "" || res.Errors != 1 || res.Status["500"] != 1 || res.MBps != 0 {
					t.Errorf("failed upload: aborted %v, complete %q, result %+v", f.aborted, f.complete, res)
				}
				return
			}
			var want strings.Builder
			want.WriteString(`<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
			for i := 1; i <= len(tt.wantParts); i++ {
				fmt.Fprintf(&want, "<Part><ETag>&#34;etag-%d&#34;</ETag><PartNumber>%d</PartNumber></Part>", i, i)
			}
			want.WriteString("</CompleteMultipartUpload>")
			if f.complete != want.String() || f.aborted || res.Errors != 0 || res.MBps <= 0 {
				t.Errorf("complete %s\nwant     %s\naborted %v, result %+v", f.complete, want.String(), f.aborted, res)
			}
		})
	}
}

// TestMultipartAgainstMinIO uploads to a MinIO started by
// bench/peers/minio.sh (unkai's multipart is built elsewhere). It runs when
// BENCH_MINIO_ENDPOINT is set, with the script's default credentials
// unless MINIO_ROOT_USER / MINIO_ROOT_PASSWORD say otherwise.
func TestMultipartAgainstMinIO(t *testing.T) {
	endpoint := os.Getenv("BENCH_MINIO_ENDPOINT")
	if endpoint == "" {
		t.Skip("BENCH_MINIO_ENDPOINT not set (bench/peers/minio.sh start; BENCH_MINIO_ENDPOINT=http://127.0.0.1:9000)")
	}
	user, pass := os.Getenv("MINIO_ROOT_USER"), os.Getenv("MINIO_ROOT_PASSWORD")
	if user == "" {
		user, pass = "benchadmin", "benchadmin-secret"
	}
	for _, payload := range []string{payloadUnsigned, payloadSDKHTTPS} {
		res, err := load(context.Background(), loadConfig{
			endpoint: endpoint, op: "s3.Multipart", concurrency: 3, requests: 1, timeout: 30 * time.Second,
			region: "us-east-1", accessKey: user, secretKey: pass,
			params: params{resource: "bench-mp-test", size: 12<<20 + 5, part: 5 << 20, payload: payload},
		}, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if res.Errors != 0 || res.Status["200"] != 1 {
			t.Errorf("%s: %+v", payload, res)
		}
	}
}

func TestSampleRSS(t *testing.T) {
	stop := sampleRSS(context.Background(), os.Getpid(), time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	if mib := stop(); mib <= 0 {
		t.Errorf("own peak RSS %.1f MiB", mib)
	}
	if mib := sampleRSS(context.Background(), 1<<30, time.Millisecond)(); mib != 0 {
		t.Errorf("RSS of no process: %.1f", mib)
	}
}
