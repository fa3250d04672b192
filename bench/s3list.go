package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// listPage is the page size of s3.ListObjectsV2 (S3's largest).
const listPage = 1000

// maxListAnswer bounds the bytes of one page read.
const maxListAnswer = 16 << 20

// lister walks every page of a ListObjectsV2 of a prefix, following the
// continuation tokens as a client does, and checks the number of keys.
type lister struct {
	bucket string
	prefix string
	want   int
}

func s3ListObjects(p params) (plan, error) {
	bucket := p.resource + "-list"
	const prefix = "list/"
	puts, err := s3Puts(p, bucket, prefix)
	if err != nil {
		return plan{}, err
	}
	l := &lister{bucket: bucket, prefix: prefix, want: p.keys}
	return plan{setup: []step{s3Bucket(bucket, p.region)}, seed: puts, run: l.run}, nil
}

// page is the request for the page after token ("" for the first).
func (l *lister) page(token string) request {
	path := "/" + l.bucket + "?list-type=2&max-keys=" + fmt.Sprint(listPage) + "&prefix=" + url.QueryEscape(l.prefix)
	if token != "" {
		path += "&continuation-token=" + url.QueryEscape(token)
	}
	return request{method: http.MethodGet, path: path, header: http.Header{}}
}

// run lists the prefix once, every page.
func (l *lister) run(ctx context.Context, c *client, _ uint64) (int, []byte, error) {
	keys, token := 0, ""
	for pages := 1; ; pages++ {
		r := l.page(token)
		status, _, body, err := c.call(ctx, &r, maxListAnswer)
		if err != nil || status != http.StatusOK {
			return status, body, err
		}
		keys += bytes.Count(body, []byte("<Contents>"))
		if t, _ := xmlText(body, "IsTruncated"); t != "true" {
			break
		}
		next, ok := xmlText(body, "NextContinuationToken")
		if !ok || next == "" || next == token {
			return 0, nil, fmt.Errorf("page %d is truncated but has no new continuation token", pages)
		}
		token = next
	}
	if keys != l.want {
		return 0, nil, fmt.Errorf("listed %d keys under %q, want %d", keys, l.prefix, l.want)
	}
	return http.StatusOK, nil, nil
}
