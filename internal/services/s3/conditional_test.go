package s3

import (
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
)

func TestConditions(t *testing.T) {
	mod := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	o := &Object{ETag: `"abc"`, LastModified: mod}
	before, after := mod.Add(-time.Hour), mod.Add(time.Hour)
	for _, tc := range []struct {
		name string
		c    conditions
		want string
	}{
		{"none", conditions{}, ""},
		{"if-match hit", conditions{ifMatch: ptr(`"abc"`)}, ""},
		{"if-match list", conditions{ifMatch: ptr(`"x", abc`)}, ""},
		{"if-match star", conditions{ifMatch: ptr("*")}, ""},
		{"if-match miss", conditions{ifMatch: ptr(`"x"`)}, "PreconditionFailed"},
		{"if-none-match hit", conditions{ifNoneMatch: ptr(`"abc"`)}, "NotModified"},
		{"if-none-match miss", conditions{ifNoneMatch: ptr(`"x"`)}, ""},
		{"modified since before", conditions{ifModifiedSince: &before}, ""},
		{"modified since after", conditions{ifModifiedSince: &after}, "NotModified"},
		{"unmodified since before", conditions{ifUnmodifiedSince: &before}, "PreconditionFailed"},
		{"unmodified since after", conditions{ifUnmodifiedSince: &after}, ""},
		{"if-match beats unmodified", conditions{ifMatch: ptr(`"abc"`), ifUnmodifiedSince: &before}, ""},
		{"if-none-match beats modified", conditions{ifNoneMatch: ptr(`"x"`), ifModifiedSince: &after}, ""},
	} {
		if got := errCode(tc.c.check(o)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestConditionalPut(t *testing.T) {
	p, ctx := newTestProvider(t)
	p.maxInline = -1 // bodies in files, which this test counts
	first := put(t, p, ctx, "k", "one")
	for _, tc := range []struct {
		name string
		key  string
		cond writeConditions
		err  string
	}{
		{"if-none-match on a new key", "new", writeConditions{ifNoneMatch: ptr("*")}, ""},
		{"if-none-match on an existing key", "k", writeConditions{ifNoneMatch: ptr("*")}, "PreconditionFailed"},
		{"if-none-match with an etag", "k", writeConditions{ifNoneMatch: first.ETag}, "NotImplemented"},
		{"if-match", "k", writeConditions{ifMatch: first.ETag}, ""},
		{"if-match stale", "k", writeConditions{ifMatch: first.ETag}, "PreconditionFailed"},
		{"if-match on a missing key", "none", writeConditions{ifMatch: ptr("*")}, "NoSuchKey"},
	} {
		_, err := p.putObjectIf(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr(tc.key), Body: strings.NewReader("two")}, tc.cond)
		if errCode(err) != tc.err {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
	// A delete marker is no object: If-None-Match: * succeeds over it.
	setVersioning(t, p, ctx, "Enabled")
	if _, err := p.deleteObject(ctx, &s3api.DeleteObjectRequest{Bucket: ptr("bkt"), Key: ptr("k")}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.putObjectIf(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("k"), Body: strings.NewReader("x")},
		writeConditions{ifNoneMatch: ptr("*")}); err != nil {
		t.Errorf("if-none-match over a delete marker: %v", err)
	}
	if n := blobCount(t, p); n != 3 {
		t.Errorf("%d files; failed conditional puts must leave none", n)
	}
}
