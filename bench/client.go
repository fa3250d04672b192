package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// client sends an op's requests, SigV4-signed as the SDKs sign them, over
// keep-alive connections.
type client struct {
	hc       *http.Client
	base     string // endpoint URL without a trailing slash
	signer   *v4.Signer
	creds    aws.Credentials
	region   string
	service  string
	sign     bool
	s3Style  bool // S3 signs the payload hash header and does not escape paths twice
	maxKeep  int  // bytes of answer bodies kept for setup steps
	userAgnt string
}

// clientOptions configures newClient.
type clientOptions struct {
	endpoint    *url.URL
	conns       int
	timeout     time.Duration
	region      string
	service     string
	accessKey   string
	secretKey   string
	unsigned    bool
	insecureTLS bool
}

func newClient(o clientOptions) *client {
	tr := &http.Transport{
		Proxy:               nil, // never through a proxy: the target is local
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        o.conns,
		MaxIdleConnsPerHost: o.conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	if o.insecureTLS {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // -insecure, for local self-signed servers
	}
	return &client{
		hc:       &http.Client{Transport: tr, Timeout: o.timeout},
		base:     o.endpoint.Scheme + "://" + o.endpoint.Host,
		signer:   v4.NewSigner(),
		creds:    aws.Credentials{AccessKeyID: o.accessKey, SecretAccessKey: o.secretKey, Source: "bench"},
		region:   o.region,
		service:  o.service,
		sign:     !o.unsigned,
		s3Style:  o.service == "s3",
		maxKeep:  64 << 10,
		userAgnt: "unkai-bench/1",
	}
}

// close drops idle connections.
func (c *client) close() { c.hc.CloseIdleConnections() }

// finishPlan computes the payload hash of every request that has none,
// once per distinct body (requests that share a body slice share the hash).
func finishPlan(p *plan) {
	hash := func(reqs []request) {
		var prev []byte
		var prevHash string
		for i := range reqs {
			if reqs[i].payloadHash != "" {
				continue
			}
			b := reqs[i].body
			if prevHash != "" && len(b) == len(prev) && (len(b) == 0 || &b[0] == &prev[0]) {
				reqs[i].payloadHash = prevHash
				continue
			}
			sum := sha256.Sum256(b)
			prev, prevHash = b, hex.EncodeToString(sum[:])
			reqs[i].payloadHash = prevHash
		}
	}
	hash(p.requests)
	hash(p.seed)
	for i := range p.setup {
		one := []request{p.setup[i].req}
		hash(one)
		p.setup[i].req = one[0]
	}
}

// do sends r and drains the answer. It returns the status and, when keep is
// set, up to maxKeep bytes of the body.
func (c *client) do(ctx context.Context, r *request, keep bool) (int, []byte, error) {
	var limit int64
	if keep {
		limit = int64(c.maxKeep)
	}
	status, _, body, err := c.call(ctx, r, limit)
	return status, body, err
}

// call sends r and drains the answer. It returns the status, the headers
// and up to keep bytes of the body.
func (c *client) call(ctx context.Context, r *request, keep int64) (int, http.Header, []byte, error) {
	req, err := c.newRequest(ctx, r)
	if err != nil {
		return 0, nil, nil, err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	var body []byte
	if keep > 0 {
		body, err = io.ReadAll(io.LimitReader(resp.Body, keep))
		if err != nil {
			return resp.StatusCode, resp.Header, body, fmt.Errorf("read answer: %w", err)
		}
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return resp.StatusCode, resp.Header, body, fmt.Errorf("read answer: %w", err)
	}
	return resp.StatusCode, resp.Header, body, nil
}

// newRequest builds and signs the HTTP request for r.
func (c *client) newRequest(ctx context.Context, r *request) (*http.Request, error) {
	var body io.Reader = http.NoBody
	if len(r.body) > 0 {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, c.base+r.path, body)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	for k, v := range r.header {
		req.Header[k] = v // shared, read-only: the signer only adds keys
	}
	req.Header["User-Agent"] = []string{c.userAgnt}
	if !c.sign {
		return req, nil
	}
	hash := r.payloadHash
	if hash == "" {
		sum := sha256.Sum256(r.body)
		hash = hex.EncodeToString(sum[:])
	}
	if c.s3Style {
		req.Header["X-Amz-Content-Sha256"] = []string{hash}
	}
	err = c.signer.SignHTTP(ctx, c.creds, req, hash, c.service, c.region, time.Now(), func(o *v4.SignerOptions) {
		o.DisableURIPathEscaping = c.s3Style
	})
	if err != nil {
		return nil, fmt.Errorf("sign request: %w", err)
	}
	return req, nil
}

// runSetup issues a plan's setup steps in order.
func (c *client) runSetup(ctx context.Context, steps []step, wait time.Duration) error {
	for i := range steps {
		s := &steps[i]
		status, body, err := c.do(ctx, &s.req, true)
		if err != nil {
			return fmt.Errorf("setup %s %s: %w", s.req.method, s.req.path, err)
		}
		ok := s.ok
		if ok == nil {
			ok = func(status int, _ []byte) bool { return status/100 == 2 }
		}
		if !ok(status, body) {
			return fmt.Errorf("setup %s %s: status %d: %s", s.req.method, s.req.path, status, snippet(body))
		}
		if s.until == nil {
			continue
		}
		deadline := time.Now().Add(wait)
		for !s.until(status, body) {
			if time.Now().After(deadline) {
				return fmt.Errorf("setup %s %s: not ready after %s: %s", s.req.method, s.req.path, wait, snippet(body))
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
			if status, body, err = c.do(ctx, &s.req, true); err != nil {
				return fmt.Errorf("setup %s %s: %w", s.req.method, s.req.path, err)
			}
		}
	}
	return nil
}

// runSeed sends reqs from workers concurrent clients; each must answer
// 2xx. It stops at the first failure.
func (c *client) runSeed(ctx context.Context, reqs []request, workers int) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, len(reqs)) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= int64(len(reqs)) {
					return
				}
				r := &reqs[i]
				status, body, err := c.do(ctx, r, true)
				if err == nil && status/100 != 2 {
					err = fmt.Errorf("status %d: %s", status, snippet(body))
				}
				if err != nil {
					cancel(fmt.Errorf("seed %s %s: %w", r.method, r.path, err))
					return
				}
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}

// snippet shortens an answer body for an error message.
func snippet(b []byte) string {
	const n = 300
	b = bytes.TrimSpace(b)
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
