package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/unkai-cloud/unkai/internal/app"
	"github.com/unkai-cloud/unkai/unkaitest"
)

// newGateway builds a whole server (every shipped provider, memory
// storage, open auth) with the given request logger, without listening, so
// a benchmark can call ServeHTTP with no network in between.
func newGateway(tb testing.TB, log *slog.Logger) http.Handler {
	tb.Helper()
	return newGatewayWith(tb, app.Config{Ephemeral: true, Auth: app.AuthOpen}, log)
}

// newGatewayWith builds a whole server of cfg without listening.
func newGatewayWith(tb testing.TB, cfg app.Config, log *slog.Logger) http.Handler {
	tb.Helper()
	srv, err := app.New(cfg, app.WithLogger(log))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close(context.Background()) })
	return srv.Handler()
}

// signedRequests returns a signed request of op, ready to serve in-process.
func signedRequest(tb testing.TB, opName string) *http.Request {
	tb.Helper()
	o, err := lookupOp(opName)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := o.build(params{region: "us-east-1", resource: "b", keys: 1, size: 1})
	if err != nil {
		tb.Fatal(err)
	}
	finishPlan(&p)
	u, err := checkEndpoint(context.Background(), "http://127.0.0.1:4566", false, nil)
	if err != nil {
		tb.Fatal(err)
	}
	c := newClient(clientOptions{endpoint: u, conns: 1, region: "us-east-1", service: o.service, accessKey: "test", secretKey: "test"})
	req, err := c.newRequest(context.Background(), &p.requests[0])
	if err != nil {
		tb.Fatal(err)
	}
	req.RequestURI = req.URL.RequestURI()
	return req
}

// benchServe serves one signed request of op through the gateway b.N times.
// Each iteration shares the template's headers (the gateway only reads
// them) and gets a fresh body reader and a reused response writer, so
// nearly all the time and allocations measured are the server's own.
func benchServe(b *testing.B, log *slog.Logger, opName string) {
	gw := newGateway(b, log)
	tmpl := signedRequest(b, opName)
	var body []byte
	if tmpl.GetBody != nil {
		rc, err := tmpl.GetBody()
		if err != nil {
			b.Fatal(err)
		}
		if body, err = io.ReadAll(rc); err != nil {
			b.Fatal(err)
		}
	}
	w := &discardWriter{header: http.Header{}}
	br := bytes.NewReader(nil)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := *tmpl
		u := *tmpl.URL
		req.URL = &u
		br.Reset(body)
		req.Body = io.NopCloser(br)
		clear(w.header)
		w.code = 0
		gw.ServeHTTP(w, &req)
		if w.code != 0 && w.code != http.StatusOK {
			b.Fatalf("status %d", w.code)
		}
	}
}

// discardWriter is a reusable http.ResponseWriter that keeps only the
// status.
type discardWriter struct {
	header http.Header
	code   int
}

func (d *discardWriter) Header() http.Header { return d.header }

func (d *discardWriter) WriteHeader(code int) {
	if d.code == 0 {
		d.code = code
	}
}

func (d *discardWriter) Write(b []byte) (int, error) {
	if d.code == 0 {
		d.code = http.StatusOK
	}
	return len(b), nil
}

// infoLog is the server's default request log: text at info level, here
// written to nowhere so only its formatting cost is measured.
func infoLog() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func warnLog() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func BenchmarkGatewayListTablesInfo(b *testing.B) { benchServe(b, infoLog(), "dynamodb.ListTables") }
func BenchmarkGatewayListTablesWarn(b *testing.B) { benchServe(b, warnLog(), "dynamodb.ListTables") }
func BenchmarkGatewayGetCallerIdentityWarn(b *testing.B) {
	benchServe(b, warnLog(), "sts.GetCallerIdentity")
}
func BenchmarkGatewayDescribeLogGroupsWarn(b *testing.B) {
	benchServe(b, warnLog(), "logs.DescribeLogGroups")
}
func BenchmarkGatewayListBucketsWarn(b *testing.B) { benchServe(b, warnLog(), "s3.ListBuckets") }

// benchServeDisk serves the requests of an op (objects or items of size bytes over
// 1,000 keys, sent as the load sends them) through a gateway storing on
// disk, as the server does by default, after the op's setup and seed. The
// requests are signed before the timer starts.
func benchServeDisk(b *testing.B, opName string, size int) {
	gw := newGatewayWith(b, app.Config{DataDir: b.TempDir(), Auth: app.AuthOpen}, warnLog())
	o, err := lookupOp(opName)
	if err != nil {
		b.Fatal(err)
	}
	p, err := o.build(params{region: "us-east-1", resource: "bench", keys: 1000, size: size})
	if err != nil {
		b.Fatal(err)
	}
	finishPlan(&p)
	u, err := checkEndpoint(context.Background(), "http://127.0.0.1:4566", false, nil)
	if err != nil {
		b.Fatal(err)
	}
	c := newClient(clientOptions{endpoint: u, conns: 1, region: "us-east-1", service: o.service, accessKey: "test", secretKey: "test"})
	sign := func(r *request) *http.Request {
		req, err := c.newRequest(context.Background(), r)
		if err != nil {
			b.Fatal(err)
		}
		req.RequestURI = req.URL.RequestURI()
		return req
	}
	w := &discardWriter{header: http.Header{}}
	serve := func(req *http.Request, body []byte) {
		r := *req
		u := *req.URL
		r.URL = &u
		r.Body = io.NopCloser(bytes.NewReader(body))
		clear(w.header)
		w.code = 0
		gw.ServeHTTP(w, &r)
		if w.code != 0 && w.code/100 != 2 {
			b.Fatalf("%s %s: status %d", req.Method, req.URL, w.code)
		}
	}
	for _, s := range p.setup {
		serve(sign(&s.req), s.req.body)
	}
	for i := range p.seed {
		serve(sign(&p.seed[i]), p.seed[i].body)
	}
	reqs := make([]*http.Request, len(p.requests))
	for i := range reqs {
		reqs[i] = sign(&p.requests[i])
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		serve(reqs[i%len(reqs)], p.requests[i%len(reqs)].body)
		i++
	}
}

func BenchmarkGatewayS3PutObject4KiB(b *testing.B)     { benchServeDisk(b, "s3.PutObject", 4096) }
func BenchmarkGatewayS3GetObject4KiB(b *testing.B)     { benchServeDisk(b, "s3.GetObject", 4096) }
func BenchmarkGatewayDynamoDBPutItem1KiB(b *testing.B) { benchServeDisk(b, "dynamodb.PutItem", 1024) }
func BenchmarkGatewayDynamoDBGetItem1KiB(b *testing.B) { benchServeDisk(b, "dynamodb.GetItem", 1024) }

// BenchmarkLoopbackListTables goes through a real listener on 127.0.0.1
// (unkaitest) with bench's client: signing, HTTP both ways, the server.
func BenchmarkLoopbackListTables(b *testing.B) {
	srv := unkaitest.Start(b)
	u, err := checkEndpoint(context.Background(), srv.URL, false, nil)
	if err != nil {
		b.Fatal(err)
	}
	o, _ := lookupOp("dynamodb.ListTables")
	p, _ := o.build(params{})
	finishPlan(&p)
	c := newClient(clientOptions{endpoint: u, conns: 8, region: "us-east-1", service: o.service, accessKey: "test", secretKey: "test"})
	defer c.close()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			status, _, err := c.do(context.Background(), &p.requests[0], false)
			if err != nil || status != http.StatusOK {
				b.Errorf("status %d, %v", status, err)
				return
			}
		}
	})
}

// TestGatewayMatchesServer checks the benchmark's gateway answers as the
// real server does (so its numbers are about the same code path).
func TestGatewayMatchesServer(t *testing.T) {
	gw := newGateway(t, warnLog())
	for _, name := range []string{"dynamodb.ListTables", "sts.GetCallerIdentity", "logs.DescribeLogGroups", "s3.ListBuckets"} {
		w := httptest.NewRecorder()
		gw.ServeHTTP(w, signedRequest(t, name))
		if w.Code != http.StatusOK {
			t.Errorf("%s: status %d: %s", name, w.Code, w.Body.String())
		}
	}
}
