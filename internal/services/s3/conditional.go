package s3

import (
	"net/http"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/awserr"
)

// conditions are a GET's or HEAD's If-* headers.
type conditions struct {
	ifMatch, ifNoneMatch               *string
	ifModifiedSince, ifUnmodifiedSince *time.Time
}

// check applies the conditions to o as S3 does: If-Match failing gives 412
// and takes precedence over If-Unmodified-Since; If-None-Match matching
// gives 304 and takes precedence over If-Modified-Since.
func (c conditions) check(o *Object) error {
	if c.ifMatch != nil {
		if !etagMatches(*c.ifMatch, o.ETag) {
			return errPreconditionFailed()
		}
	} else if c.ifUnmodifiedSince != nil && o.LastModified.After(*c.ifUnmodifiedSince) {
		return errPreconditionFailed()
	}
	if c.ifNoneMatch != nil {
		if etagMatches(*c.ifNoneMatch, o.ETag) {
			return errNotModified()
		}
	} else if c.ifModifiedSince != nil && !o.LastModified.After(*c.ifModifiedSince) {
		return errNotModified()
	}
	return nil
}

// etagMatches reports whether a comma-separated If-Match list names etag.
func etagMatches(list, etag string) bool {
	want := strings.Trim(etag, `"`)
	for _, e := range strings.Split(list, ",") {
		e = strings.TrimPrefix(strings.TrimSpace(e), "W/")
		if e == "*" || strings.Trim(e, `"`) == want {
			return true
		}
	}
	return false
}

func errPreconditionFailed() *awserr.Error {
	return awserr.New("PreconditionFailed", http.StatusPreconditionFailed,
		"At least one of the pre-conditions you specified did not hold")
}

func errNotModified() *awserr.Error {
	return awserr.New("NotModified", http.StatusNotModified, "Not Modified")
}
