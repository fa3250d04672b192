package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/unkaitest"
)

func TestLoadAgainstUnkai(t *testing.T) {
	// Strict auth: the server verifies every signature the load sends.
	srv := unkaitest.Start(t, unkaitest.WithStrictAuth("AKIDBENCH", "bench-secret"))
	base := loadConfig{
		endpoint: srv.URL, concurrency: 4, timeout: 5 * time.Second, region: "us-west-2",
		accessKey: "AKIDBENCH", secretKey: "bench-secret", params: params{keys: 10, size: 10, resource: "t"},
	}
	tests := []struct {
		name       string
		op         string
		requests   uint64
		duration   time.Duration
		secret     string
		unsigned   bool
		wantErrors bool
		wantStatus string
	}{
		{name: "ListTables by count", op: "dynamodb.ListTables", requests: 200, wantStatus: "200"},
		{name: "GetCallerIdentity", op: "sts.GetCallerIdentity", requests: 100, wantStatus: "200"},
		{name: "DescribeLogGroups", op: "logs.DescribeLogGroups", requests: 100, wantStatus: "200"},
		{name: "ListBuckets", op: "s3.ListBuckets", requests: 100, wantStatus: "200"},
		{name: "by duration", op: "dynamodb.ListTables", duration: 200 * time.Millisecond, wantStatus: "200"},
		{name: "wrong secret", op: "dynamodb.ListTables", requests: 20, secret: "nope", wantErrors: true, wantStatus: "400"},
		{name: "unsigned in strict mode", op: "sts.GetCallerIdentity", requests: 20, unsigned: true, wantErrors: true, wantStatus: "403"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			cfg.op, cfg.requests, cfg.duration, cfg.unsigned = tt.op, tt.requests, tt.duration, tt.unsigned
			if tt.secret != "" {
				cfg.secretKey = tt.secret
			}
			res, err := load(context.Background(), cfg, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if tt.requests > 0 && res.Requests != tt.requests {
				t.Errorf("%d requests, want %d", res.Requests, tt.requests)
			}
			if res.Requests == 0 || res.RPS <= 0 || res.Latency.P50 <= 0 || res.Latency.P50 > res.Latency.P99 || res.Latency.P99 > res.Latency.Max {
				t.Errorf("implausible result %+v", res)
			}
			if (res.Errors > 0) != tt.wantErrors || res.Status[tt.wantStatus] == 0 {
				t.Errorf("errors %d, status %v, first error %q", res.Errors, res.Status, res.FirstError)
			}
			if tt.wantErrors && res.FirstError == "" {
				t.Errorf("errors without a first error")
			}
		})
	}
}

func TestRunLoadOutput(t *testing.T) {
	srv := unkaitest.Start(t)
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"load", "-endpoint", srv.URL, "-op", "s3.ListBuckets", "-c", "2", "-n", "50", "-json", "-pid", strconv.Itoa(os.Getpid())}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var res loadResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("-json output: %v\n%s", err, out.String())
	}
	if res.Requests != 50 || res.Errors != 0 || res.Concurrency != 2 || !res.Signed || res.ClientCPUus < 0 || res.ServerCPUus < 0 || res.ServerMaxRSSMiB <= 0 {
		t.Errorf("result %+v", res)
	}
	out.Reset()
	if code := run(context.Background(), []string{"load", "-endpoint", srv.URL, "-n", "10"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{"dynamodb.ListTables", "req/s", "p99", "200×10"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunUsageErrors(t *testing.T) {
	tests := [][]string{
		{},
		{"nope"},
		{"load", "-endpoint", "http://192.0.2.1:4566", "-n", "1"},
		{"load", "-op", "nope.Nope", "-n", "1"},
		{"load", "-c", "0", "-n", "1"},
		{"load", "-d", "0"},
		{"load", "extra"},
		{"start"},
		{"rss"},
	}
	for _, args := range tests {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != 2 {
			t.Errorf("bench %v: exit %d, want 2 (stderr %q)", args, code, errOut.String())
		}
	}
	var out bytes.Buffer
	if code := run(context.Background(), []string{"ops"}, &out, io.Discard); code != 0 || !strings.Contains(out.String(), "s3.ListBuckets") {
		t.Errorf("bench ops: exit %d, output %q", code, out.String())
	}
}
