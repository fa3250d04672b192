package s3

import (
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
)

// The pure decisions of lifecycle rules: which objects a rule applies to and
// when an action is due. The sweeper (lifecycle_rules_sweep.go) and the
// hooks for versions and multipart uploads act on them.

const day = 24 * time.Hour

// lifecycleObject is what a rule's filter looks at.
type lifecycleObject struct {
	Key  string
	Size int64
	Tags map[string]string
}

// ruleFilter flattens a rule's filter (the legacy rule-level Prefix, or
// Filter with Prefix, Tag, size bounds or And) into its parts.
func ruleFilter(r *s3api.LifecycleRule) (prefix string, tags []s3api.Tag, gt, lt *int64) {
	if r.Prefix != nil {
		return *r.Prefix, nil, nil, nil
	}
	f := r.Filter
	if f == nil {
		return "", nil, nil, nil
	}
	if a := f.And; a != nil {
		return deref(a.Prefix), a.Tags, a.ObjectSizeGreaterThan, a.ObjectSizeLessThan
	}
	if f.Tag != nil {
		tags = []s3api.Tag{*f.Tag}
	}
	return deref(f.Prefix), tags, f.ObjectSizeGreaterThan, f.ObjectSizeLessThan
}

// ruleApplies reports whether an enabled rule's filter selects o: the key
// starts with the prefix, o carries every tag, and its size lies strictly
// between the bounds.
func ruleApplies(r *s3api.LifecycleRule, o lifecycleObject) bool {
	if deref(r.Status) != "Enabled" {
		return false
	}
	prefix, tags, gt, lt := ruleFilter(r)
	if !strings.HasPrefix(o.Key, prefix) {
		return false
	}
	for _, t := range tags {
		if v, ok := o.Tags[deref(t.Key)]; !ok || v != deref(t.Value) {
			return false
		}
	}
	if gt != nil && o.Size <= *gt {
		return false
	}
	if lt != nil && o.Size >= *lt {
		return false
	}
	return true
}

// daysAfter is S3's lifecycle clock: t plus n days, rounded up to the next
// midnight UTC (a time already at midnight stays).
func daysAfter(t time.Time, n int64) time.Time {
	t = t.UTC().Add(time.Duration(n) * day)
	if m := t.Truncate(day); !m.Equal(t) {
		return m.Add(day)
	}
	return t
}

// expirationTime is when rule r expires a current object created at
// created; false when r has no Days or Date expiration.
func expirationTime(r *s3api.LifecycleRule, created time.Time) (time.Time, bool) {
	e := r.Expiration
	switch {
	case e == nil:
		return time.Time{}, false
	case e.Days != nil:
		return daysAfter(created, *e.Days), true
	case e.Date != nil:
		return e.Date.UTC(), true
	}
	return time.Time{}, false
}

// expirationDue reports whether r expires, at now, a current object
// created at created.
func expirationDue(r *s3api.LifecycleRule, created, now time.Time) bool {
	at, ok := expirationTime(r, created)
	return ok && !now.Before(at)
}

// noncurrentDue reports whether r permanently deletes a noncurrent version
// that became noncurrent at since and has newer noncurrent versions newer
// than it: NoncurrentDays have passed (rounded up to midnight UTC) and, when
// NewerNoncurrentVersions is set, more than that many newer noncurrent
// versions are retained.
func noncurrentDue(r *s3api.LifecycleRule, since time.Time, newer int, now time.Time) bool {
	e := r.NoncurrentVersionExpiration
	if deref(r.Status) != "Enabled" || e == nil || e.NoncurrentDays == nil {
		return false
	}
	if n := e.NewerNoncurrentVersions; n != nil && int64(newer) < *n {
		return false
	}
	return !now.Before(daysAfter(since, *e.NoncurrentDays))
}

// deleteMarkerExpired reports whether r removes a current delete marker
// that has no noncurrent versions left behind it (an expired object delete
// marker). A rule with a Days expiration removes such markers too, as S3
// does.
func deleteMarkerExpired(r *s3api.LifecycleRule, olderVersions int) bool {
	e := r.Expiration
	if deref(r.Status) != "Enabled" || e == nil || olderVersions > 0 {
		return false
	}
	return val(e.ExpiredObjectDeleteMarker) || e.Days != nil
}

// abortDue reports whether r aborts a multipart upload initiated at
// initiated.
func abortDue(r *s3api.LifecycleRule, initiated, now time.Time) bool {
	a := r.AbortIncompleteMultipartUpload
	if deref(r.Status) != "Enabled" || a == nil || a.DaysAfterInitiation == nil {
		return false
	}
	return !now.Before(daysAfter(initiated, *a.DaysAfterInitiation))
}
