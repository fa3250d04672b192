package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/sigv4"
)

func testParams() params {
	return params{region: "eu-west-1", resource: "bench-t", keys: 40, size: 100, part: 40, parallel: 2}
}

func TestOpTable(t *testing.T) {
	ops := opTable()
	for _, name := range []string{"dynamodb.ListTables", "sts.GetCallerIdentity", "logs.DescribeLogGroups", "s3.ListBuckets"} {
		if _, ok := ops[name]; !ok {
			t.Errorf("op table lacks %s", name)
		}
	}
	for name, o := range ops {
		t.Run(name, func(t *testing.T) {
			svc, _, ok := strings.Cut(name, ".")
			if !ok || o.name != name || o.service != svc || o.about == "" {
				t.Fatalf("op %q: name %q service %q about %q", name, o.name, o.service, o.about)
			}
			p, err := o.build(testParams())
			if err != nil {
				t.Fatal(err)
			}
			if len(p.requests) == 0 && p.run == nil {
				t.Fatal("no requests")
			}
			finishPlan(&p)
			all := append(append([]request{}, p.requests...), p.seed...)
			for _, s := range p.setup {
				all = append(all, s.req)
			}
			for _, r := range all {
				checkRequest(t, r)
			}
		})
	}
}

// checkRequest checks that r is well formed for its protocol.
func checkRequest(t *testing.T, r request) {
	t.Helper()
	literal := r.payloadHash == "UNSIGNED-PAYLOAD" || r.payloadHash == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
	if r.method == "" || !strings.HasPrefix(r.path, "/") || (len(r.payloadHash) != 64 && !literal) {
		t.Fatalf("request %+v: method, path or payload hash missing", r)
	}
	switch ct := r.header.Get("Content-Type"); {
	case strings.HasPrefix(ct, "application/x-amz-json-"):
		if r.header.Get("X-Amz-Target") == "" || !json.Valid(r.body) {
			t.Errorf("JSON request %s: target %q, body %s", r.path, r.header.Get("X-Amz-Target"), r.body)
		}
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		if !bytes.Contains(r.body, []byte("Action=")) {
			t.Errorf("query request without Action: %s", r.body)
		}
	}
}

func TestDataOpSizes(t *testing.T) {
	tests := []struct {
		op       string
		setup    int // setup steps
		seed     int
		requests int
		run      bool
	}{
		{op: "dynamodb.PutItem", setup: 2, requests: 40},
		{op: "dynamodb.GetItem", setup: 2 + 40, requests: 40},
		{op: "dynamodb.Query", setup: 2 + 40, requests: 16},
		{op: "s3.PutObject", setup: 1, requests: 40},
		{op: "s3.GetObject", setup: 1, seed: 40, requests: 40},
		{op: "s3.ListObjectsV2", setup: 1, seed: 40, run: true},
		{op: "s3.Multipart", setup: 1, run: true},
	}
	for _, tt := range tests {
		o, err := lookupOp(tt.op)
		if err != nil {
			t.Fatal(err)
		}
		p, err := o.build(testParams())
		if err != nil {
			t.Fatalf("%s: %v", tt.op, err)
		}
		if len(p.setup) != tt.setup || len(p.seed) != tt.seed || len(p.requests) != tt.requests || (p.run != nil) != tt.run {
			t.Errorf("%s: %d setup steps, %d seeds, %d requests, run %v; want %d, %d, %d, %v", tt.op,
				len(p.setup), len(p.seed), len(p.requests), p.run != nil, tt.setup, tt.seed, tt.requests, tt.run)
		}
		bad := []params{{keys: 0, size: 10, resource: "x"}, {keys: 1, size: -1, resource: "x"}, {keys: maxKeys + 1, size: 1, resource: "x"}, {keys: 1, size: maxPlanBytes + 1, resource: "x"}}
		if tt.op == "s3.Multipart" {
			bad = []params{{size: 0, part: 1}, {size: 10, part: 0}, {size: 1 << 30, part: maxPlanBytes + 1}, {size: maxParts + 1, part: 1}, {size: 10, part: 5, payload: "nope"}}
		}
		for _, b := range bad {
			if _, err := o.build(b); err == nil {
				t.Errorf("%s accepted %+v", tt.op, b)
			}
		}
	}
	// Query's ranged table is not the hash-only table of PutItem.
	q, _ := lookupOp("dynamodb.Query")
	qp, _ := q.build(testParams())
	if !bytes.Contains(qp.setup[0].req.body, []byte(`"bench-t-ranged"`)) || !bytes.Contains(qp.requests[0].body, []byte(`"bench-t-ranged"`)) {
		t.Errorf("Query plan does not use the ranged table: %s", qp.setup[0].req.body)
	}
	// S3 objects share one body, and so one hash.
	o, _ := lookupOp("s3.PutObject")
	p, _ := o.build(testParams())
	finishPlan(&p)
	if len(p.requests[0].body) != 100 || p.requests[0].payloadHash != p.requests[39].payloadHash {
		t.Errorf("S3 puts: body %d bytes, hashes %s and %s", len(p.requests[0].body), p.requests[0].payloadHash, p.requests[39].payloadHash)
	}
	// Outside us-east-1 a bucket is created with a location constraint.
	if !bytes.Contains(p.setup[0].req.body, []byte("<LocationConstraint>eu-west-1<")) {
		t.Errorf("CreateBucket body %q lacks the region", p.setup[0].req.body)
	}
}

func TestLookupOpUnknown(t *testing.T) {
	if _, err := lookupOp("dynamodb.Nope"); err == nil || !strings.Contains(err.Error(), "dynamodb.ListTables") {
		t.Errorf("lookupOp of an unknown op: %v, want a list of known ops", err)
	}
}

func TestRequestSigning(t *testing.T) {
	u, err := checkEndpoint(context.Background(), "http://127.0.0.1:4566", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, o := range opTable() {
		p, err := o.build(testParams())
		if err != nil {
			t.Fatal(err)
		}
		finishPlan(&p)
		if len(p.requests) == 0 {
			continue // compound ops sign through the same client (s3ops_test.go)
		}
		for _, unsigned := range []bool{false, true} {
			c := newClient(clientOptions{endpoint: u, conns: 1, region: "eu-west-1", service: o.service,
				accessKey: "123456789012", secretKey: "s", unsigned: unsigned})
			req, err := c.newRequest(context.Background(), &p.requests[0])
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			a, err := sigv4.Parse(req)
			if unsigned {
				if err == nil || req.Header.Get("Authorization") != "" {
					t.Errorf("%s: unsigned request carries a signature", name)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: the server cannot parse the signature: %v", name, err)
			}
			if a.AccessKeyID != "123456789012" || a.Region != "eu-west-1" || a.Service != o.service {
				t.Errorf("%s: signed as %s/%s/%s", name, a.AccessKeyID, a.Region, a.Service)
			}
			if (o.service == "s3") != (req.Header.Get("X-Amz-Content-Sha256") != "") {
				t.Errorf("%s: X-Amz-Content-Sha256 = %q", name, req.Header.Get("X-Amz-Content-Sha256"))
			}
			if p.requests[0].header.Get("Authorization") != "" {
				t.Errorf("%s: signing changed the shared request headers", name)
			}
			if req.Method != p.requests[0].method || (len(p.requests[0].body) == 0) != (req.Body == http.NoBody) {
				t.Errorf("%s: method %s, body %v", name, req.Method, req.Body)
			}
		}
	}
}
