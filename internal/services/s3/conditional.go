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

// writeConditions are a PUT's If-Match and If-None-Match headers: the
// conditional writes S3 checks against the current object when the write
// commits.
type writeConditions struct {
	ifMatch, ifNoneMatch *string
}

// validate rejects what S3 does not support before the body is read:
// If-None-Match takes only "*".
func (c writeConditions) validate() error {
	if c.ifNoneMatch != nil && strings.TrimSpace(*c.ifNoneMatch) != "*" {
		return awserr.New("NotImplemented", http.StatusNotImplemented,
			"A header you provided implies functionality that is not implemented")
	}
	return nil
}

// check applies the conditions to the current object (nil when the key has
// none, or its latest version is a delete marker): If-None-Match: * fails
// when there is one, If-Match fails when there is none (NoSuchKey) or its
// ETag differs. Run inside the committing transaction, they cannot race
// another write.
func (c writeConditions) check(prev *Object) error {
	if err := c.validate(); err != nil {
		return err
	}
	if c.ifNoneMatch != nil && prev != nil {
		return errPreconditionFailed()
	}
	if c.ifMatch != nil {
		if prev == nil {
			return errNoSuchKey()
		}
		if !etagMatches(*c.ifMatch, prev.ETag) {
			return errPreconditionFailed()
		}
	}
	return nil
}
