package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// maxParts is S3's limit on the parts of one upload.
const maxParts = 10000

// multipart uploads one object in parts, as the SDKs' transfer managers
// do: CreateMultipartUpload, then the parts from parallel clients, then
// CompleteMultipartUpload with the parts' ETags. A failed upload is
// aborted. Parts carry the payload mode's checksums; the create and
// complete requests do not name a checksum algorithm.
type multipart struct {
	path     string // /bucket/key
	size     int64
	partSize int64
	parallel int
	full     s3Payload // a whole part
	last     s3Payload // the last part, when shorter
}

func s3Multipart(p params) (plan, error) {
	m, err := newMultipart(p)
	if err != nil {
		return plan{}, err
	}
	return plan{setup: []step{s3Bucket(p.resource, p.region)}, run: m.run, workers: 1, bytesPer: m.size}, nil
}

func newMultipart(p params) (*multipart, error) {
	if p.size < 1 || p.part < 1 || p.part > maxPlanBytes {
		return nil, fmt.Errorf("%w: -size must be at least 1 and -part between 1 and %d", errUsage, maxPlanBytes)
	}
	m := &multipart{path: "/" + p.resource + "/multipart-object", size: int64(p.size), partSize: int64(min(p.part, p.size)), parallel: max(p.parallel, 1)}
	if m.parts() > maxParts {
		return nil, fmt.Errorf("%w: -size %d in parts of %d is more than %d parts", errUsage, p.size, p.part, maxParts)
	}
	data := filler(int(m.partSize))
	var err error
	if m.full, err = newS3Payload(p.payload, data); err != nil {
		return nil, err
	}
	m.last = m.full
	if rest := m.size % m.partSize; rest != 0 {
		if m.last, err = newS3Payload(p.payload, data[:rest]); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// parts is the number of parts of an upload.
func (m *multipart) parts() int { return int((m.size + m.partSize - 1) / m.partSize) }

// part is the request that uploads part n (1-based) of upload id.
func (m *multipart) part(id string, n int) request {
	pl := m.full
	if n == m.parts() {
		pl = m.last
	}
	return pl.request(m.path + "?partNumber=" + strconv.Itoa(n) + "&uploadId=" + url.QueryEscape(id))
}

// create is the CreateMultipartUpload request.
func (m *multipart) create() request {
	return request{method: http.MethodPost, path: m.path + "?uploads", header: http.Header{"Content-Type": {"application/octet-stream"}}}
}

// complete is the CompleteMultipartUpload request for the parts' ETags.
func (m *multipart) complete(id string, etags []string) request {
	var b bytes.Buffer
	b.WriteString(`<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	for i, e := range etags {
		b.WriteString("<Part><ETag>")
		_ = xml.EscapeText(&b, []byte(e)) // writes to a bytes.Buffer do not fail
		fmt.Fprintf(&b, "</ETag><PartNumber>%d</PartNumber></Part>", i+1)
	}
	b.WriteString("</CompleteMultipartUpload>")
	return request{method: http.MethodPost, path: m.path + "?uploadId=" + url.QueryEscape(id),
		header: http.Header{"Content-Type": {"application/xml"}}, body: b.Bytes()}
}

// abort is the AbortMultipartUpload request.
func (m *multipart) abort(id string) request {
	return request{method: http.MethodDelete, path: m.path + "?uploadId=" + url.QueryEscape(id), header: http.Header{}}
}

// run does one whole upload.
func (m *multipart) run(ctx context.Context, c *client, _ uint64) (int, []byte, error) {
	cr := m.create()
	status, body, err := c.do(ctx, &cr, true)
	if err != nil || status != http.StatusOK {
		return status, body, err
	}
	id, ok := xmlText(body, "UploadId")
	if !ok || id == "" {
		return 0, nil, fmt.Errorf("CreateMultipartUpload answer without UploadId: %s", snippet(body))
	}
	etags, status, body, err := m.upload(ctx, c, id)
	if err == nil && status == http.StatusOK {
		done := m.complete(id, etags)
		status, body, err = c.do(ctx, &done, true)
		// S3 may answer 200 and then report the failure in the body.
		if err == nil && status == http.StatusOK && bytes.Contains(body, []byte("<Error>")) {
			err = fmt.Errorf("CompleteMultipartUpload failed: %s", snippet(body))
		}
		if err == nil && status == http.StatusOK {
			return status, nil, nil
		}
	}
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	ab := m.abort(id)
	_, _, _ = c.do(actx, &ab, false) // best effort: the upload already failed
	return status, body, err
}

// upload sends the parts of upload id from m.parallel clients and returns
// their ETags in order; on the first failure it stops and returns it.
func (m *multipart) upload(ctx context.Context, c *client, id string) ([]string, int, []byte, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n := m.parts()
	etags := make([]string, n)
	next := make(chan int)
	var (
		mu        sync.Mutex
		failed    bool
		failCode  int
		failBody  []byte
		failError error
	)
	fail := func(status int, body []byte, err error) {
		mu.Lock()
		defer mu.Unlock()
		if !failed {
			failed, failCode, failBody, failError = true, status, body, err
			cancel()
		}
	}
	var wg sync.WaitGroup
	for range min(m.parallel, n) {
		wg.Go(func() {
			for i := range next {
				if ctx.Err() != nil {
					continue // failed: drain
				}
				r := m.part(id, i+1)
				status, h, body, err := c.call(ctx, &r, 1024)
				switch {
				case err != nil || status != http.StatusOK:
					fail(status, body, err)
				case h.Get("ETag") == "":
					fail(0, nil, fmt.Errorf("UploadPart %d answer without ETag", i+1))
				default:
					etags[i] = h.Get("ETag")
				}
			}
		})
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if failed {
		return nil, failCode, failBody, failError
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, nil, err
	}
	return etags, http.StatusOK, nil, nil
}
