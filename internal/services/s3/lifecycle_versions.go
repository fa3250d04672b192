package s3

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// The lifecycle actions beyond expiring current objects. Each pass scans
// the bucket's version records (or upload records) by range, and only for
// buckets whose rules ask for the action: these actions have no cheap
// "next due" bound, since versions become noncurrent whenever a newer one
// is written.

// tagMap turns an object's tags into a map, as rule filters match them.
func tagMap(tags []ObjectTag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

// hasAction reports whether any enabled rule has the action pick selects.
func hasAction(rules []s3api.LifecycleRule, pick func(*s3api.LifecycleRule) bool) bool {
	for i := range rules {
		if deref(rules[i].Status) == "Enabled" && pick(&rules[i]) {
			return true
		}
	}
	return false
}

// eachKeyVersions scans a bucket's versions and calls fn once per key with
// its versions, newest first (the slice is reused between calls).
func (p *Provider) eachKeyVersions(ctx context.Context, bucket string, fn func(key string, versions []*Object)) error {
	var key string
	var versions []*Object
	start, end := storage.PrefixRange(versionPrefix(bucket))
	it := p.store.Scan(ctx, start, end, storage.ScanOptions{})
	for it.Next() {
		k, _, err := versionEntry(it.Key())
		if err != nil {
			it.Close()
			return err
		}
		if k != key && len(versions) > 0 {
			fn(key, versions)
			versions = versions[:0]
		}
		key = k
		o, err := decodeObject(it.Value())
		if err != nil {
			it.Close()
			return err
		}
		versions = append(versions, o)
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("s3: scan versions: %w", err)
	}
	if len(versions) > 0 {
		fn(key, versions)
	}
	return nil
}

// expireVersions applies NoncurrentVersionExpiration and removes expired
// object delete markers (a delete marker that is the only version of its
// key), through deleteVersion as a user's versioned DELETE would.
func (p *Provider) expireVersions(ctx context.Context, bucket string, rules []s3api.LifecycleRule, now time.Time) error {
	if !hasAction(rules, func(r *s3api.LifecycleRule) bool {
		return r.NoncurrentVersionExpiration != nil || r.Expiration != nil
	}) {
		return nil
	}
	type victim struct{ key, id string }
	var victims []victim
	var key string
	var versions []*Object // of key, newest first
	decide := func() {
		if len(versions) == 0 {
			return
		}
		for i := range rules {
			r := &rules[i]
			if v := versions[0]; v.DeleteMarker && len(versions) == 1 &&
				ruleApplies(r, lifecycleObject{Key: key}) && deleteMarkerExpired(r, 0) {
				victims = append(victims, victim{key, idOf(v)})
				return
			}
			for j := 1; j < len(versions); j++ {
				v := versions[j]
				if v.DeleteMarker || !ruleApplies(r, lifecycleObject{Key: key, Size: v.Size, Tags: tagMap(v.Tags)}) {
					continue
				}
				// A version becomes noncurrent when the next newer one is
				// written; j-1 noncurrent versions are newer than it.
				if noncurrentDue(r, versions[j-1].LastModified, j-1, now) {
					victims = append(victims, victim{key, idOf(v)})
				}
			}
		}
	}
	if err := p.eachKeyVersions(ctx, bucket, func(k string, vs []*Object) {
		key, versions = k, vs
		decide()
	}); err != nil {
		return err
	}
	account := scope.From(ctx).Account
	seen := map[victim]bool{}
	for _, v := range victims {
		if seen[v] {
			continue
		}
		seen[v] = true
		// Versions Object Lock protects stay, as S3's lifecycle leaves them.
		if _, err := p.deleteVersion(ctx, account, bucket, v.key, v.id, false); err != nil && !isObjectLocked(err) {
			return err
		}
	}
	return nil
}

// abortUploads aborts the bucket's multipart uploads that an
// AbortIncompleteMultipartUpload rule says are due.
func (p *Provider) abortUploads(ctx context.Context, bucket string, rules []s3api.LifecycleRule, now time.Time) error {
	if !hasAction(rules, func(r *s3api.LifecycleRule) bool { return r.AbortIncompleteMultipartUpload != nil }) {
		return nil
	}
	var due []Upload
	start, end := storage.PrefixRange(uploadPrefix(bucket))
	it := p.store.Scan(ctx, start, end, storage.ScanOptions{})
	for it.Next() {
		var u Upload
		if err := json.Unmarshal(it.Value(), &u); err != nil {
			it.Close()
			return fmt.Errorf("s3: decode upload: %w", err)
		}
		for i := range rules {
			if ruleApplies(&rules[i], lifecycleObject{Key: u.Key}) && abortDue(&rules[i], u.Initiated, now) {
				due = append(due, u)
				break
			}
		}
	}
	if err := it.Close(); err != nil {
		return err
	}
	for _, u := range due {
		_, err := p.abortMultipartUpload(ctx, &s3api.AbortMultipartUploadRequest{Bucket: &bucket, Key: &u.Key, UploadId: &u.ID})
		if err != nil && codeOf(err) != "NoSuchUpload" {
			return err
		}
	}
	return nil
}
