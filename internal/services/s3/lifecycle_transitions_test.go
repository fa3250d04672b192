package s3

import (
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/storage/memory"
)

// TestLifecycleTransitions: current versions move class Days after they
// were written (or from Date), noncurrent ones NoncurrentDays after they
// were superseded; the coldest due class wins, the waterfall is kept, small
// objects stay unless the rule names a size bound, Object Lock does not
// block, and the body and Last-Modified stay.
func TestLifecycleTransitions(t *testing.T) {
	big := strings.Repeat("b", minTransitionSize)
	day := func(d int) time.Time { return restoreEpoch.Add(time.Duration(d) * 24 * time.Hour) }
	for _, tc := range []struct {
		name  string
		rules []s3api.LifecycleRule
		class string // the object's class when written
		body  string
		lock  bool
		// at is when the sweep runs; want the class then ("" STANDARD).
		at   time.Time
		want string
	}{
		{name: "not yet", rules: []s3api.LifecycleRule{transitionRule("", 30, "STANDARD_IA")}, body: big, at: day(29), want: ""},
		{name: "days", rules: []s3api.LifecycleRule{transitionRule("", 30, "STANDARD_IA")}, body: big, at: day(31), want: "STANDARD_IA"},
		{name: "coldest due wins", rules: []s3api.LifecycleRule{transitionRule("", 30, "STANDARD_IA"), transitionRule("", 60, "GLACIER"),
			transitionRule("", 90, "DEEP_ARCHIVE")}, body: big, at: day(61), want: "GLACIER"},
		{name: "other prefix", rules: []s3api.LifecycleRule{transitionRule("logs/", 0, "GLACIER")}, body: big, at: day(1), want: ""},
		{name: "small object stays", rules: []s3api.LifecycleRule{transitionRule("", 0, "GLACIER")}, body: "tiny", at: day(1), want: ""},
		{name: "size bound moves small", rules: []s3api.LifecycleRule{sizedTransitionRule(0, "GLACIER")}, body: "tiny", at: day(1), want: "GLACIER"},
		{name: "waterfall", rules: []s3api.LifecycleRule{transitionRule("", 30, "STANDARD_IA")}, class: "GLACIER", body: big, at: day(40), want: "GLACIER"},
		{name: "onezone to glacier ir refused", rules: []s3api.LifecycleRule{transitionRule("", 0, "GLACIER_IR")}, class: "ONEZONE_IA", body: big, at: day(1), want: "ONEZONE_IA"},
		{name: "glacier to deep archive", rules: []s3api.LifecycleRule{transitionRule("", 0, "DEEP_ARCHIVE")}, class: "GLACIER", body: big, at: day(1), want: "DEEP_ARCHIVE"},
		{name: "date", rules: []s3api.LifecycleRule{{ID: ptr("d"), Status: ptr("Enabled"), Filter: &s3api.LifecycleRuleFilter{Prefix: ptr("")},
			Transitions: []s3api.Transition{{Date: ptr(time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)), StorageClass: ptr("GLACIER_IR")}}}},
			body: big, at: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), want: "GLACIER_IR"},
		{name: "object lock", rules: []s3api.LifecycleRule{transitionRule("", 1, "GLACIER")}, body: big, lock: true, at: day(2), want: "GLACIER"},
		{name: "disabled", rules: []s3api.LifecycleRule{disabled(transitionRule("", 1, "GLACIER"))}, body: big, at: day(2), want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, clk, ctx := newClassProvider(t, memory.New(), false)
			in := &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("k"), Body: strings.NewReader(tc.body)}
			if tc.class != "" {
				in.StorageClass = ptr(tc.class)
			}
			if tc.lock {
				if _, err := p.createBucket(ctx, &s3api.CreateBucketRequest{Bucket: ptr("locked"), ObjectLockEnabledForBucket: ptr(true)}); err != nil {
					t.Fatal(err)
				}
				in.Bucket, in.ObjectLockMode, in.ObjectLockRetainUntilDate = ptr("locked"), ptr("COMPLIANCE"), ptr(restoreEpoch.Add(1000*24*time.Hour))
				in.ContentMD5 = md5Header(tc.body)
			}
			if _, err := p.putObject(ctx, in); err != nil {
				t.Fatal(err)
			}
			if _, err := p.putBucketLifecycleConfiguration(ctx, &s3api.PutBucketLifecycleConfigurationRequest{Bucket: in.Bucket,
				LifecycleConfiguration: &s3api.BucketLifecycleConfiguration{Rules: tc.rules}}); err != nil {
				t.Fatal(err)
			}
			clk.Set(tc.at)
			if _, err := p.sweepLifecycle(ctx); err != nil {
				t.Fatal(err)
			}
			h, err := p.headObject(ctx, &s3api.HeadObjectRequest{Bucket: in.Bucket, Key: ptr("k")})
			if err != nil {
				t.Fatal(err)
			}
			if got := deref(h.StorageClass); got != tc.want {
				t.Errorf("class %q, want %q", got, tc.want)
			}
			if !h.LastModified.Equal(restoreEpoch) || val(h.ContentLength) != int64(len(tc.body)) {
				t.Errorf("Last-Modified %v, length %d changed", h.LastModified, val(h.ContentLength))
			}
		})
	}
}

// TestNoncurrentTransitions: a noncurrent version moves NoncurrentDays
// after a newer version superseded it, keeping NewerNoncurrentVersions.
func TestNoncurrentTransitions(t *testing.T) {
	p, clk, ctx := newClassProvider(t, memory.New(), true)
	big := strings.Repeat("v", minTransitionSize)
	var ids []string
	for range 3 {
		out, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("k"), Body: strings.NewReader(big)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, deref(out.VersionId))
		clk.Advance(24 * time.Hour)
	}
	rule := s3api.LifecycleRule{ID: ptr("nc"), Status: ptr("Enabled"), Filter: &s3api.LifecycleRuleFilter{Prefix: ptr("")},
		NoncurrentVersionTransitions: []s3api.NoncurrentVersionTransition{{NoncurrentDays: ptr(int64(10)), StorageClass: ptr("GLACIER"),
			NewerNoncurrentVersions: ptr(int64(1))}}}
	if _, err := p.putBucketLifecycleConfiguration(ctx, &s3api.PutBucketLifecycleConfigurationRequest{Bucket: ptr("bkt"),
		LifecycleConfiguration: &s3api.BucketLifecycleConfiguration{Rules: []s3api.LifecycleRule{rule}}}); err != nil {
		t.Fatal(err)
	}
	clk.Set(restoreEpoch.Add(30 * 24 * time.Hour))
	if _, err := p.sweepLifecycle(ctx); err != nil {
		t.Fatal(err)
	}
	// ids[0] is the oldest noncurrent version, with one newer noncurrent
	// version (ids[1], kept) and the current one (ids[2]).
	for i, want := range []string{"GLACIER", "", ""} {
		h, err := p.headObject(ctx, &s3api.HeadObjectRequest{Bucket: ptr("bkt"), Key: ptr("k"), VersionId: &ids[i]})
		if err != nil {
			t.Fatal(err)
		}
		if got := deref(h.StorageClass); got != want {
			t.Errorf("version %d: class %q, want %q", i, got, want)
		}
	}
}

func transitionRule(prefix string, days int64, class string) s3api.LifecycleRule {
	return s3api.LifecycleRule{ID: ptr(prefix + class), Status: ptr("Enabled"), Filter: &s3api.LifecycleRuleFilter{Prefix: ptr(prefix)},
		Transitions: []s3api.Transition{{Days: ptr(days), StorageClass: ptr(class)}}}
}

func sizedTransitionRule(gt int64, class string) s3api.LifecycleRule {
	return s3api.LifecycleRule{ID: ptr("sized"), Status: ptr("Enabled"), Filter: &s3api.LifecycleRuleFilter{ObjectSizeGreaterThan: ptr(gt)},
		Transitions: []s3api.Transition{{Days: ptr(int64(0)), StorageClass: ptr(class)}}}
}

func disabled(r s3api.LifecycleRule) s3api.LifecycleRule {
	r.Status = ptr("Disabled")
	return r
}
