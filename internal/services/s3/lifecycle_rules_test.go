package s3

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/clock"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage/memory"
)

func expireRule(prefix string, days int64) s3api.LifecycleRule {
	return s3api.LifecycleRule{Status: ptr("Enabled"), Filter: &s3api.LifecycleRuleFilter{Prefix: ptr(prefix)},
		Expiration: &s3api.LifecycleExpiration{Days: ptr(days)}}
}

func TestLifecycleValidation(t *testing.T) {
	midnight := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	with := func(f func(r *s3api.LifecycleRule)) []s3api.LifecycleRule {
		r := expireRule("logs/", 30)
		f(&r)
		return []s3api.LifecycleRule{r}
	}
	many := make([]s3api.LifecycleRule, 1001)
	for i := range many {
		many[i] = expireRule("", 1)
	}
	for _, tc := range []struct {
		name  string
		rules []s3api.LifecycleRule
		err   string
	}{
		{"ok", with(func(*s3api.LifecycleRule) {}), ""},
		{"none", nil, "InvalidRequest"},
		{"too many", many, "InvalidRequest"},
		{"duplicate id", []s3api.LifecycleRule{with(func(r *s3api.LifecycleRule) { r.ID = ptr("a") })[0], with(func(r *s3api.LifecycleRule) { r.ID = ptr("a") })[0]}, "InvalidArgument"},
		{"long id", with(func(r *s3api.LifecycleRule) { r.ID = ptr(strings.Repeat("i", 256)) }), "InvalidArgument"},
		{"bad status", with(func(r *s3api.LifecycleRule) { r.Status = ptr("On") }), "MalformedXML"},
		{"prefix and filter", with(func(r *s3api.LifecycleRule) { r.Prefix = ptr("x") }), "MalformedXML"},
		{"no action", with(func(r *s3api.LifecycleRule) { r.Expiration = nil }), "InvalidRequest"},
		{"zero days", with(func(r *s3api.LifecycleRule) { r.Expiration.Days = ptr(int64(0)) }), "InvalidArgument"},
		{"date", with(func(r *s3api.LifecycleRule) { r.Expiration = &s3api.LifecycleExpiration{Date: &midnight} }), ""},
		{"date not midnight", with(func(r *s3api.LifecycleRule) {
			r.Expiration = &s3api.LifecycleExpiration{Date: ptr(midnight.Add(time.Hour))}
		}), "InvalidArgument"},
		{"days and date", with(func(r *s3api.LifecycleRule) { r.Expiration.Date = &midnight }), "MalformedXML"},
		{"marker and days", with(func(r *s3api.LifecycleRule) { r.Expiration.ExpiredObjectDeleteMarker = ptr(true) }), "InvalidArgument"},
		{"empty expiration", with(func(r *s3api.LifecycleRule) { r.Expiration = &s3api.LifecycleExpiration{} }), "MalformedXML"},
		{"two filters", with(func(r *s3api.LifecycleRule) { r.Filter.ObjectSizeGreaterThan = ptr(int64(5)) }), "MalformedXML"},
		{"and", with(func(r *s3api.LifecycleRule) {
			r.Filter = &s3api.LifecycleRuleFilter{And: &s3api.LifecycleRuleAndOperator{Prefix: ptr("a"),
				Tags: []s3api.Tag{tag("k", "v")}, ObjectSizeGreaterThan: ptr(int64(1)), ObjectSizeLessThan: ptr(int64(10))}}
		}), ""},
		{"bad size bounds", with(func(r *s3api.LifecycleRule) {
			r.Filter = &s3api.LifecycleRuleFilter{And: &s3api.LifecycleRuleAndOperator{ObjectSizeGreaterThan: ptr(int64(10)), ObjectSizeLessThan: ptr(int64(10))}}
		}), "InvalidRequest"},
		{"noncurrent", with(func(r *s3api.LifecycleRule) {
			r.NoncurrentVersionExpiration = &s3api.NoncurrentVersionExpiration{NoncurrentDays: ptr(int64(7)), NewerNoncurrentVersions: ptr(int64(3))}
		}), ""},
		{"noncurrent zero", with(func(r *s3api.LifecycleRule) {
			r.NoncurrentVersionExpiration = &s3api.NoncurrentVersionExpiration{NoncurrentDays: ptr(int64(0))}
		}), "InvalidArgument"},
		{"abort", with(func(r *s3api.LifecycleRule) {
			r.AbortIncompleteMultipartUpload = &s3api.AbortIncompleteMultipartUpload{DaysAfterInitiation: ptr(int64(0))}
		}), "InvalidArgument"},
		{"abort with tags", with(func(r *s3api.LifecycleRule) {
			r.Filter = &s3api.LifecycleRuleFilter{Tag: ptr(tag("k", "v"))}
			r.AbortIncompleteMultipartUpload = &s3api.AbortIncompleteMultipartUpload{DaysAfterInitiation: ptr(int64(1))}
		}), "InvalidRequest"},
		{"transition", with(func(r *s3api.LifecycleRule) {
			r.Transitions = []s3api.Transition{{Days: ptr(int64(40)), StorageClass: ptr("STANDARD_IA")}}
		}), ""},
		{"early IA transition", with(func(r *s3api.LifecycleRule) {
			r.Transitions = []s3api.Transition{{Days: ptr(int64(10)), StorageClass: ptr("STANDARD_IA")}}
		}), "InvalidArgument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ctx := newTestProvider(t)
			_, err := p.putBucketLifecycleConfiguration(ctx, &s3api.PutBucketLifecycleConfigurationRequest{Bucket: ptr("bkt"),
				LifecycleConfiguration: &s3api.BucketLifecycleConfiguration{Rules: tc.rules}})
			if errCode(err) != tc.err {
				t.Fatalf("put: %v, want %q", err, tc.err)
			}
			out, err := p.getBucketLifecycleConfiguration(ctx, &s3api.GetBucketLifecycleConfigurationRequest{Bucket: ptr("bkt")})
			if tc.err != "" {
				if errCode(err) != "NoSuchLifecycleConfiguration" {
					t.Fatalf("get after a refused put: %v", err)
				}
				return
			}
			if err != nil || len(out.Rules) != len(tc.rules) || deref(out.Rules[0].ID) == "" {
				t.Fatalf("get: %+v %v", out, err)
			}
			if _, err := p.deleteBucketLifecycle(ctx, &s3api.DeleteBucketLifecycleRequest{Bucket: ptr("bkt")}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestLifecycleDecisions(t *testing.T) {
	created := time.Date(2024, 1, 15, 10, 30, 0, 0, time.UTC)
	due := time.Date(2024, 1, 19, 0, 0, 0, 0, time.UTC) // 3 days, rounded up to midnight
	r3 := expireRule("logs/", 3)
	date := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	rDate := s3api.LifecycleRule{Status: ptr("Enabled"), Expiration: &s3api.LifecycleExpiration{Date: &date}}
	disabled := expireRule("", 1)
	disabled.Status = ptr("Disabled")
	for _, tc := range []struct {
		name string
		r    s3api.LifecycleRule
		now  time.Time
		want bool
	}{
		{"before rounding", r3, due.Add(-time.Second), false},
		{"at midnight", r3, due, true},
		{"date not reached", rDate, date.Add(-time.Nanosecond), false},
		{"date reached", rDate, date, true},
		{"disabled rule still computes time", disabled, created.Add(48 * time.Hour), true},
	} {
		if got := expirationDue(&tc.r, created, tc.now); got != tc.want {
			t.Errorf("%s: due %v", tc.name, got)
		}
	}
	if got := daysAfter(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 1); !got.Equal(time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("daysAfter from midnight: %v", got)
	}

	and := s3api.LifecycleRule{Status: ptr("Enabled"), Filter: &s3api.LifecycleRuleFilter{And: &s3api.LifecycleRuleAndOperator{
		Prefix: ptr("a/"), Tags: []s3api.Tag{tag("t", "1")}, ObjectSizeGreaterThan: ptr(int64(10)), ObjectSizeLessThan: ptr(int64(100))}}}
	legacy := s3api.LifecycleRule{Status: ptr("Enabled"), Prefix: ptr("b/")}
	for _, tc := range []struct {
		name string
		r    s3api.LifecycleRule
		o    lifecycleObject
		want bool
	}{
		{"prefix", r3, lifecycleObject{Key: "logs/x"}, true},
		{"other prefix", r3, lifecycleObject{Key: "data/x"}, false},
		{"disabled", disabled, lifecycleObject{Key: "x"}, false},
		{"and matches", and, lifecycleObject{Key: "a/x", Size: 50, Tags: map[string]string{"t": "1", "u": "2"}}, true},
		{"and missing tag", and, lifecycleObject{Key: "a/x", Size: 50}, false},
		{"and too small", and, lifecycleObject{Key: "a/x", Size: 10, Tags: map[string]string{"t": "1"}}, false},
		{"and too big", and, lifecycleObject{Key: "a/x", Size: 100, Tags: map[string]string{"t": "1"}}, false},
		{"legacy prefix", legacy, lifecycleObject{Key: "b/c"}, true},
	} {
		if got := ruleApplies(&tc.r, tc.o); got != tc.want {
			t.Errorf("%s: applies %v", tc.name, got)
		}
	}

	nc := s3api.LifecycleRule{Status: ptr("Enabled"), NoncurrentVersionExpiration: &s3api.NoncurrentVersionExpiration{
		NoncurrentDays: ptr(int64(1)), NewerNoncurrentVersions: ptr(int64(2))}}
	marker := s3api.LifecycleRule{Status: ptr("Enabled"), Expiration: &s3api.LifecycleExpiration{ExpiredObjectDeleteMarker: ptr(true)}}
	abort := s3api.LifecycleRule{Status: ptr("Enabled"), AbortIncompleteMultipartUpload: &s3api.AbortIncompleteMultipartUpload{DaysAfterInitiation: ptr(int64(2))}}
	for _, tc := range []struct {
		name string
		got  bool
		want bool
	}{
		{"noncurrent too young", noncurrentDue(&nc, created, 5, created.Add(12*time.Hour)), false},
		{"noncurrent due", noncurrentDue(&nc, created, 2, time.Date(2024, 1, 17, 0, 0, 0, 0, time.UTC)), true},
		{"noncurrent kept by newer count", noncurrentDue(&nc, created, 1, created.AddDate(1, 0, 0)), false},
		{"marker alone", deleteMarkerExpired(&marker, 0), true},
		{"marker with versions", deleteMarkerExpired(&marker, 1), false},
		{"days rule removes markers", deleteMarkerExpired(&r3, 0), true},
		{"abort not yet", abortDue(&abort, created, time.Date(2024, 1, 17, 23, 0, 0, 0, time.UTC)), false},
		{"abort due", abortDue(&abort, created, time.Date(2024, 1, 18, 0, 0, 0, 0, time.UTC)), true},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %v", tc.name, tc.got)
		}
	}
}

func TestLifecycleSweep(t *testing.T) {
	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	start := time.Date(2024, 3, 10, 15, 0, 0, 0, time.UTC)
	clk := clock.NewFake(start)
	p := New(service.Deps{Store: st, BlobDir: t.TempDir(), Clock: clk})
	p.maxInline = -1 // bodies in files, which this test counts
	ctx := scope.With(context.Background(), scope.Scope{Account: scope.DefaultAccount, Region: "us-east-1"})
	if _, err := p.createBucket(ctx, &s3api.CreateBucketRequest{Bucket: ptr("bkt")}); err != nil {
		t.Fatal(err)
	}
	put := func(key string) {
		t.Helper()
		if _, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr(key), Body: strings.NewReader("x")}); err != nil {
			t.Fatal(err)
		}
	}
	put("logs/a")
	put("logs/b")
	put("keep/c")
	rules := []s3api.LifecycleRule{expireRule("logs/", 2)}
	if _, err := p.putBucketLifecycleConfiguration(ctx, &s3api.PutBucketLifecycleConfigurationRequest{Bucket: ptr("bkt"),
		LifecycleConfiguration: &s3api.BucketLifecycleConfiguration{Rules: rules}}); err != nil {
		t.Fatal(err)
	}
	sweep := func(want int) {
		t.Helper()
		n, err := p.sweepLifecycle(ctx)
		if err != nil || n != want {
			t.Fatalf("at %v: expired %d (%v), want %d", clk.Now(), n, err, want)
		}
	}
	sweep(0)
	clk.Set(time.Date(2024, 3, 12, 23, 59, 0, 0, time.UTC))
	sweep(0)
	// A new object written now is due only two days after it.
	put("logs/late")
	clk.Set(time.Date(2024, 3, 13, 0, 0, 0, 0, time.UTC))
	sweep(2)
	for key, want := range map[string]string{"logs/a": "NoSuchKey", "logs/b": "NoSuchKey", "keep/c": "", "logs/late": ""} {
		if _, err := p.headObject(ctx, &s3api.HeadObjectRequest{Bucket: ptr("bkt"), Key: ptr(key)}); errCode(err) != want {
			t.Errorf("%s after the sweep: %v", key, err)
		}
	}
	if files, _ := dirFiles(p.blobDir); files != 2 {
		t.Errorf("%d blob files left, want 2", files)
	}
	rec, err := readLifecycle(ctx, st, "bkt")
	if err != nil || !rec.NextDue.Equal(time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("next due: %+v %v", rec, err)
	}
	// Nothing is due before NextDue: the pass reads no object.
	clk.Set(time.Date(2024, 3, 14, 12, 0, 0, 0, time.UTC))
	sweep(0)
	clk.Set(time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC))
	sweep(1)
}

func TestSweeperStartStop(t *testing.T) {
	p, ctx := newTestProvider(t)
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	p.lc.wake()
	if err := p.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Stop(ctx); err != nil {
		t.Fatalf("second stop: %v", err)
	}
}
