package dynamodb

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
)

// Calls into S3, made in-process through S3's own typed operations (never
// its store), in the scope of the table's owner, as exports and imports
// act for it.

// errNoS3 is the failure of an export or import on a server without S3.
var errNoS3 = errors.New("no provider serves S3")

// s3Client calls S3's handlers for one export or import.
type s3Client struct {
	h      *s3api.Handlers
	ctx    context.Context // carries the owner's scope
	bucket string
	owner  *string // the expected bucket owner, when the request named one
}

// s3For returns a client of S3 acting in sc on bucket.
func (p *Provider) s3For(ctx context.Context, sc scope.Scope, bucket string, owner *string) (*s3Client, error) {
	h, _ := p.peers.Handlers(s3api.Descriptor).(*s3api.Handlers)
	if h == nil || h.PutObject == nil {
		return nil, errNoS3
	}
	return &s3Client{h: h, ctx: scope.With(ctx, sc), bucket: bucket, owner: owner}, nil
}

// put stores body (size bytes) as key and returns the object's ETag.
func (c *s3Client) put(key string, body io.Reader, size int64) (string, error) {
	out, err := c.h.PutObject(c.ctx, &s3api.PutObjectRequest{
		Bucket: &c.bucket, Key: &key, Body: body, ContentLength: &size, ExpectedBucketOwner: c.owner,
	})
	if err != nil {
		return "", err
	}
	return deref(out.ETag), nil
}

// putBytes stores b as key.
func (c *s3Client) putBytes(key string, b []byte) (string, error) {
	return c.put(key, bytes.NewReader(b), int64(len(b)))
}

// putFile stores the file at path as key.
func (c *s3Client) putFile(key, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", awserr.Internal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", awserr.Internal(err)
	}
	return c.put(key, f, fi.Size())
}

// s3Object is an object a listing names.
type s3Object struct {
	key  string
	size int64
}

// list calls fn with each object whose key starts with prefix, in key
// order, a page at a time.
func (c *s3Client) list(prefix string, fn func(s3Object) error) error {
	var token *string
	for {
		out, err := c.h.ListObjectsV2(c.ctx, &s3api.ListObjectsV2Request{
			Bucket: &c.bucket, Prefix: &prefix, ContinuationToken: token, ExpectedBucketOwner: c.owner,
		})
		if err != nil {
			return err
		}
		for _, o := range out.Contents {
			if err := fn(s3Object{key: deref(o.Key), size: derefInt(o.Size)}); err != nil {
				return err
			}
		}
		if out.IsTruncated == nil || !*out.IsTruncated || out.NextContinuationToken == nil {
			return nil
		}
		token = out.NextContinuationToken
	}
}

// open returns the body of object key as a stream the caller closes.
func (c *s3Client) open(key string) (io.ReadCloser, error) {
	out, err := c.h.GetObject(c.ctx, &s3api.GetObjectRequest{Bucket: &c.bucket, Key: &key, ExpectedBucketOwner: c.owner})
	if err != nil {
		return nil, err
	}
	if rc, ok := out.Body.(io.ReadCloser); ok {
		return rc, nil
	}
	if out.Body == nil {
		return io.NopCloser(strings.NewReader("")), nil
	}
	return io.NopCloser(out.Body), nil
}

// s3Failure gives the FailureCode and FailureMessage of an export or
// import that an S3 call failed: "S3" and S3's error code (S3NoSuchBucket,
// S3AccessDenied, ...) with S3's message. ok is false for an internal
// failure, which the caller retries rather than reports.
func s3Failure(err error) (code, msg string, ok bool) {
	if errors.Is(err, errNoS3) {
		return "S3NotAvailable", "S3 is not served by this server", true
	}
	e := awserr.From(err)
	if e == nil || !e.Sender() {
		return "", "", false
	}
	return "S3" + e.Code, e.Message, true
}
