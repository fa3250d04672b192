package s3

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// minTransitionSize is the size below which S3's lifecycle transitions no
// object by default (since September 2024): a rule whose filter sets its
// own ObjectSizeGreaterThan transitions smaller objects too.
const minTransitionSize = 128 << 10

// transitionVersions applies the Transitions (to current versions) and
// NoncurrentVersionTransitions (to noncurrent ones) of the bucket's
// enabled rules at now. A version's storage class changes in place: its
// record is rewritten, its body and Last-Modified stay. When several
// transitions are due the coldest the waterfall allows wins; Object Lock
// does not stand in the way, as it does not on S3.
func (p *Provider) transitionVersions(ctx context.Context, bucket string, rules []s3api.LifecycleRule, now time.Time) error {
	if !hasAction(rules, func(r *s3api.LifecycleRule) bool {
		return len(r.Transitions) > 0 || len(r.NoncurrentVersionTransitions) > 0
	}) {
		return nil
	}
	var moves []classMove
	var key string
	var versions []*Object // of key, newest first
	decide := func() {
		for j, v := range versions {
			if v.DeleteMarker {
				continue
			}
			if to := transitionTarget(rules, key, versions, j, now); to != "" {
				moves = append(moves, classMove{key: key, seq: v.Seq, from: v.StorageClass, to: to})
			}
		}
	}
	if err := p.eachKeyVersions(ctx, bucket, func(k string, vs []*Object) {
		key, versions = k, vs
		decide()
	}); err != nil {
		return err
	}
	for _, m := range moves {
		if err := p.moveClass(ctx, bucket, m); err != nil {
			return err
		}
	}
	return nil
}

// classMove is one version's due transition.
type classMove struct {
	key      string
	seq      uint64
	from, to string
}

// transitionTarget is the class rules move versions[j] of key to at now,
// or "" when none is due. versions[0] is the key's newest version (current
// unless it is a delete marker); versions[j] became noncurrent when
// versions[j-1] was written, with j-1 noncurrent versions newer than it.
func transitionTarget(rules []s3api.LifecycleRule, key string, versions []*Object, j int, now time.Time) string {
	v := versions[j]
	best := ""
	consider := func(to string) {
		if transitionAllowed(v.StorageClass, to) && (best == "" || classRank[to] > classRank[best]) {
			best = to
		}
	}
	for i := range rules {
		r := &rules[i]
		if !ruleApplies(r, lifecycleObject{Key: key, Size: v.Size, Tags: tagMap(v.Tags)}) {
			continue
		}
		if _, _, gt, _ := ruleFilter(r); gt == nil && v.Size < minTransitionSize {
			continue
		}
		if j == 0 {
			for _, t := range r.Transitions {
				if transitionDue(t, v.LastModified, now) {
					consider(deref(t.StorageClass))
				}
			}
			continue
		}
		for _, t := range r.NoncurrentVersionTransitions {
			if n := t.NewerNoncurrentVersions; n != nil && int64(j-1) < *n {
				continue
			}
			if t.NoncurrentDays != nil && !now.Before(daysAfter(versions[j-1].LastModified, *t.NoncurrentDays)) {
				consider(deref(t.StorageClass))
			}
		}
	}
	return best
}

// transitionDue reports whether t moves, at now, a current version written
// at created: Days after it (rounded up to midnight UTC), or from Date on.
func transitionDue(t s3api.Transition, created, now time.Time) bool {
	switch {
	case t.Days != nil:
		return !now.Before(daysAfter(created, *t.Days))
	case t.Date != nil:
		return !now.Before(t.Date.UTC())
	}
	return false
}

// moveClass applies one transition, unless the version is gone or its
// class changed since the scan.
func (p *Provider) moveClass(ctx context.Context, bucket string, m classMove) error {
	return p.store.Update(ctx, func(tx storage.Txn) error {
		raw, err := tx.Get(ctx, versionKey(bucket, m.key, m.seq))
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("s3: read version: %w", err)
		}
		o, err := decodeObject(raw)
		if err != nil || o.DeleteMarker || o.StorageClass != m.from {
			return err
		}
		o.StorageClass = m.to
		return rewriteVersion(ctx, tx, bucket, m.key, o)
	})
}
