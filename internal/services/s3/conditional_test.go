package s3

import (
	"testing"
	"time"
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
