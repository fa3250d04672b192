package s3

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/clock"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// sweepInterval is how often the lifecycle sweeper wakes on its own. S3
// applies lifecycle rules once a day or so; a pass over buckets with nothing
// due reads only their lifecycle records.
const sweepInterval = time.Minute

// sweepPage bounds the records one scan reads before acting on them.
const sweepPage = 500

// lifecycleState is the provider's background work: the lifecycle sweeper
// and the restore loop (restore_loop.go), and the sweeper's wake-up
// channel.
type lifecycleState struct {
	bg   *service.Background
	kick chan struct{}
}

// newLifecycleState registers the provider's loops; Start runs them.
func newLifecycleState(p *Provider, log *slog.Logger, c clock.Clock) *lifecycleState {
	l := &lifecycleState{bg: service.NewBackground(log, c), kick: make(chan struct{}, 1)}
	l.bg.Every("lifecycle sweep", sweepInterval, l.kick, func(ctx context.Context) error {
		_, err := p.sweepLifecycle(ctx)
		return err
	})
	l.bg.Every("restore jobs", restoreInterval, nil, func(ctx context.Context) error {
		_, err := p.settleRestores(ctx)
		return err
	})
	return l
}

// wake asks the running sweeper for a pass soon (after a configuration
// change); it never blocks.
func (l *lifecycleState) wake() {
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// Loops implements service.LoopReporter: the records of the lifecycle
// sweeper, the restore loop and the replication loop (replication.go).
func (p *Provider) Loops() []service.LoopStatus { return p.lc.bg.Status() }

// Stop implements service.Stopper: it ends the background loops, waiting
// for passes in progress until ctx is done.
func (p *Provider) Stop(ctx context.Context) error {
	if err := p.lc.bg.Stop(ctx); err != nil {
		return fmt.Errorf("s3: stop background loops: %w", err)
	}
	return nil
}

// sweepLifecycle runs one pass over every bucket with lifecycle rules, at
// p.clock's time, and returns how many current objects it expired. It
// reads the lifecycle records by range; a bucket whose NextDue lies ahead
// costs nothing more.
func (p *Provider) sweepLifecycle(ctx context.Context) (int, error) {
	now := p.clock.Now().UTC()
	start, end := storage.PrefixRange(lifecyclePrefix())
	expired := 0
	for {
		names, recs, err := p.lifecyclePage(ctx, start, end)
		if err != nil {
			return expired, err
		}
		for i, rec := range recs {
			n, err := p.sweepBucket(ctx, names[i], rec, now)
			expired += n
			if err != nil {
				return expired, err
			}
		}
		if len(recs) < sweepPage {
			return expired, nil
		}
		start = append(lifecycleKey(names[len(names)-1]), 0)
	}
}

// lifecyclePage reads up to sweepPage lifecycle records from start.
func (p *Provider) lifecyclePage(ctx context.Context, start, end []byte) ([]string, []*lifecycleRecord, error) {
	it := p.store.Scan(ctx, start, end, storage.ScanOptions{Limit: sweepPage})
	defer it.Close()
	var names []string
	var recs []*lifecycleRecord
	for it.Next() {
		parts, err := storage.Decode(it.Key())
		if err != nil || len(parts) != 3 {
			return nil, nil, fmt.Errorf("s3: lifecycle record key: %w", err)
		}
		name, _ := parts[2].(string)
		var rec lifecycleRecord
		if err := json.Unmarshal(it.Value(), &rec); err != nil {
			return nil, nil, fmt.Errorf("s3: decode lifecycle: %w", err)
		}
		names, recs = append(names, name), append(recs, &rec)
	}
	if err := it.Err(); err != nil {
		return nil, nil, fmt.Errorf("s3: scan lifecycle: %w", err)
	}
	return names, recs, nil
}

// sweepBucket applies a bucket's rules at now: current objects due for
// expiration are deleted and the bucket's NextDue recorded, then
// noncurrent versions, expired delete markers and incomplete multipart
// uploads are dealt with (lifecycle_versions.go), and due storage class
// transitions applied (lifecycle_transitions.go).
func (p *Provider) sweepBucket(ctx context.Context, bucket string, rec *lifecycleRecord, now time.Time) (int, error) {
	ctx = scope.With(ctx, scope.Scope{Account: rec.Account, Region: rec.Region})
	expired := 0
	if rec.NextDue.IsZero() || !now.Before(rec.NextDue) {
		next := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range rec.Rules {
			r := &rec.Rules[i]
			if deref(r.Status) != "Enabled" {
				continue
			}
			if _, ok := expirationTime(r, now); !ok {
				continue
			}
			n, due, err := p.expireCurrent(ctx, bucket, r, now)
			expired += n
			if err != nil {
				return expired, err
			}
			next = earliest(next, due, nextPossibleDue(r, now))
		}
		if err := p.recordNextDue(ctx, bucket, rec.Gen, next); err != nil {
			return expired, err
		}
	}
	if err := p.expireVersions(ctx, bucket, rec.Rules, now); err != nil {
		return expired, fmt.Errorf("s3: lifecycle versions of %s: %w", bucket, err)
	}
	if err := p.transitionVersions(ctx, bucket, rec.Rules, now); err != nil {
		return expired, fmt.Errorf("s3: lifecycle transitions of %s: %w", bucket, err)
	}
	if err := p.abortUploads(ctx, bucket, rec.Rules, now); err != nil {
		return expired, fmt.Errorf("s3: lifecycle uploads of %s: %w", bucket, err)
	}
	return expired, nil
}

// nextPossibleDue is the earliest time r can expire an object that does
// not exist yet: a Days rule no sooner than Days after now, a Date rule at
// its date, or now again when the date has passed (new objects expire at
// the next pass).
func nextPossibleDue(r *s3api.LifecycleRule, now time.Time) time.Time {
	at, _ := expirationTime(r, now)
	if r.Expiration.Date != nil && at.Before(now) {
		return now
	}
	return at
}

func earliest(ts ...time.Time) time.Time {
	m := ts[0]
	for _, t := range ts[1:] {
		if !t.IsZero() && t.Before(m) {
			m = t
		}
	}
	return m
}

// expireCurrent deletes the current objects r selects that are due at
// now, scanning the rule's prefix a page at a time. It returns how many it
// expired and the earliest time one of the others falls due (zero when
// none will).
func (p *Provider) expireCurrent(ctx context.Context, bucket string, r *s3api.LifecycleRule, now time.Time) (int, time.Time, error) {
	prefix, _, _, _ := ruleFilter(r)
	start, end := storage.PrefixRange(keyPrefix(bucket, prefix))
	expired := 0
	var next time.Time
	for {
		var due []string
		var dueObjs []*Object
		it := p.store.Scan(ctx, start, end, storage.ScanOptions{Limit: sweepPage})
		n := 0
		var last []byte
		for it.Next() {
			n++
			last = it.Key()
			key, err := objectName(last)
			if err != nil {
				it.Close()
				return expired, next, err
			}
			var o Object
			if err := json.Unmarshal(it.Value(), &o); err != nil {
				it.Close()
				return expired, next, fmt.Errorf("s3: decode object: %w", err)
			}
			lo := lifecycleObject{Key: key, Size: o.Size, Tags: tagMap(o.Tags)}
			if !ruleApplies(r, lo) {
				continue
			}
			at, _ := expirationTime(r, o.LastModified)
			if !now.Before(at) {
				due, dueObjs = append(due, key), append(dueObjs, &o)
			} else if next.IsZero() || at.Before(next) {
				next = at
			}
		}
		if err := it.Close(); err != nil {
			return expired, next, fmt.Errorf("s3: scan objects: %w", err)
		}
		for i, key := range due {
			ok, err := p.expireObject(ctx, bucket, key, dueObjs[i])
			if err != nil {
				return expired, next, err
			}
			if ok {
				expired++
			}
		}
		if n < sweepPage {
			return expired, next, nil
		}
		start = append(last, 0)
	}
}

// expireObject deletes an expired current object through DeleteObject, the
// path a user's delete takes (on a versioned bucket it then leaves a delete
// marker). It first checks the object is still the one found due: one
// overwritten since is left alone. A write landing between that check and
// the delete can still be lost; a conditional DeleteObject would close the
// gap.
func (p *Provider) expireObject(ctx context.Context, bucket, key string, seen *Object) (bool, error) {
	_, cur, err := p.lookup(ctx, bucket, key, nil)
	if c := codeOf(err); c == "NoSuchKey" || c == "NoSuchBucket" {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if cur.ETag != seen.ETag || !cur.LastModified.Equal(seen.LastModified) || cur.Blob != seen.Blob || cur.Seq != seen.Seq {
		return false, nil
	}
	// Delete markers lifecycle expiration adds are never replicated.
	if _, err := p.deleteObject(withoutReplication(ctx), &s3api.DeleteObjectRequest{Bucket: &bucket, Key: &key}); err != nil {
		return false, err
	}
	return true, nil
}

// recordNextDue stores when the bucket's next current-object expiration
// can fall due, unless its configuration changed meanwhile.
func (p *Provider) recordNextDue(ctx context.Context, bucket, gen string, next time.Time) error {
	return p.store.Update(ctx, func(tx storage.Txn) error {
		rec, err := readLifecycle(ctx, tx, bucket)
		if err != nil || rec == nil || rec.Gen != gen || rec.NextDue.Equal(next) {
			return err
		}
		rec.NextDue = next
		return putRecord(tx, lifecycleKey(bucket), rec)
	})
}

var _ service.Stopper = (*Provider)(nil)
