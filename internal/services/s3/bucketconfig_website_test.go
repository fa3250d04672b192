package s3

import (
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/scope"
)

func TestBucketWebsite(t *testing.T) {
	p, ctx := newTestProvider(t)
	index := &s3api.IndexDocument{Suffix: ptr("index.html")}
	rule := func(cond *s3api.Condition, red s3api.Redirect) []s3api.RoutingRule {
		return []s3api.RoutingRule{{Condition: cond, Redirect: &red}}
	}
	for _, tc := range []struct {
		name    string
		cfg     *s3api.WebsiteConfiguration
		wantErr string
	}{
		{"no body", nil, "MalformedXML"},
		{"empty", &s3api.WebsiteConfiguration{}, "InvalidArgument"},
		{"empty suffix", &s3api.WebsiteConfiguration{IndexDocument: &s3api.IndexDocument{Suffix: ptr("")}}, "InvalidArgument"},
		{"suffix with slash", &s3api.WebsiteConfiguration{IndexDocument: &s3api.IndexDocument{Suffix: ptr("a/index.html")}}, "InvalidArgument"},
		{"redirect all with index", &s3api.WebsiteConfiguration{IndexDocument: index,
			RedirectAllRequestsTo: &s3api.RedirectAllRequestsTo{HostName: ptr("example.com")}}, "InvalidRequest"},
		{"redirect all without host", &s3api.WebsiteConfiguration{RedirectAllRequestsTo: &s3api.RedirectAllRequestsTo{HostName: ptr("")}}, "InvalidRequest"},
		{"empty condition", &s3api.WebsiteConfiguration{IndexDocument: index, RoutingRules: rule(&s3api.Condition{}, s3api.Redirect{HostName: ptr("h")})}, "InvalidRequest"},
		{"error code 302", &s3api.WebsiteConfiguration{IndexDocument: index,
			RoutingRules: rule(&s3api.Condition{HttpErrorCodeReturnedEquals: ptr("302")}, s3api.Redirect{HostName: ptr("h")})}, "InvalidRequest"},
		{"redirect code 300", &s3api.WebsiteConfiguration{IndexDocument: index,
			RoutingRules: rule(nil, s3api.Redirect{HttpRedirectCode: ptr("300")})}, "InvalidRequest"},
		{"key and prefix", &s3api.WebsiteConfiguration{IndexDocument: index,
			RoutingRules: rule(nil, s3api.Redirect{ReplaceKeyWith: ptr("a"), ReplaceKeyPrefixWith: ptr("b")})}, "InvalidRequest"},
		{"too many rules", &s3api.WebsiteConfiguration{IndexDocument: index, RoutingRules: make([]s3api.RoutingRule, 51)}, "InvalidRequest"},
		{"no such bucket", nil, "NoSuchBucket"},
		{"redirect all", &s3api.WebsiteConfiguration{RedirectAllRequestsTo: &s3api.RedirectAllRequestsTo{HostName: ptr("example.com"), Protocol: ptr("https")}}, ""},
		{"index and rules", &s3api.WebsiteConfiguration{IndexDocument: index, ErrorDocument: &s3api.ErrorDocument{Key: ptr("404.html")},
			RoutingRules: rule(&s3api.Condition{KeyPrefixEquals: ptr("docs/")}, s3api.Redirect{ReplaceKeyPrefixWith: ptr("documents/"), HttpRedirectCode: ptr("301")})}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bucket := "bkt"
			cfg := tc.cfg
			if tc.wantErr == "NoSuchBucket" {
				bucket, cfg = "nobucket", &s3api.WebsiteConfiguration{IndexDocument: index}
			}
			_, err := p.putBucketWebsite(ctx, &s3api.PutBucketWebsiteRequest{Bucket: ptr(bucket), WebsiteConfiguration: cfg})
			if got := errCode(err); got != tc.wantErr {
				t.Fatalf("error %q (%v), want %q", got, err, tc.wantErr)
			}
			if err != nil {
				return
			}
			out, err := p.getBucketWebsite(ctx, &s3api.GetBucketWebsiteRequest{Bucket: ptr(bucket)})
			if err != nil || (out.IndexDocument == nil) != (cfg.IndexDocument == nil) || len(out.RoutingRules) != len(cfg.RoutingRules) {
				t.Fatalf("GetBucketWebsite = %+v, %v", out, err)
			}
		})
	}
	if _, err := p.deleteBucketWebsite(ctx, &s3api.DeleteBucketWebsiteRequest{Bucket: ptr("bkt")}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.getBucketWebsite(ctx, &s3api.GetBucketWebsiteRequest{Bucket: ptr("bkt")}); errCode(err) != "NoSuchWebsiteConfiguration" {
		t.Fatalf("after delete: %v", err)
	}
}

func TestBucketLoggingAccelerateRequestPayment(t *testing.T) {
	p, ctx := newTestProvider(t)
	for _, in := range []*s3api.CreateBucketRequest{
		{Bucket: ptr("logs")},
		{Bucket: ptr("dotted.bucket")},
		{Bucket: ptr("locklogs"), ObjectLockEnabledForBucket: ptr(true)},
	} {
		if _, err := p.createBucket(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	west := scope.With(ctx, scope.Scope{Account: scope.DefaultAccount, Region: "eu-west-1"})
	if _, err := p.createBucket(west, &s3api.CreateBucketRequest{Bucket: ptr("westlogs"),
		CreateBucketConfiguration: &s3api.CreateBucketConfiguration{LocationConstraint: ptr("eu-west-1")}}); err != nil {
		t.Fatal(err)
	}
	other := scope.With(ctx, scope.Scope{Account: "111122223333", Region: "us-east-1"})
	if _, err := p.createBucket(other, &s3api.CreateBucketRequest{Bucket: ptr("otherlogs")}); err != nil {
		t.Fatal(err)
	}
	logTo := func(target string) *s3api.BucketLoggingStatus {
		return &s3api.BucketLoggingStatus{LoggingEnabled: &s3api.LoggingEnabled{TargetBucket: ptr(target), TargetPrefix: ptr("bkt/")}}
	}
	for _, tc := range []struct {
		name    string
		status  *s3api.BucketLoggingStatus
		wantErr string
		want    string // the target bucket afterwards
	}{
		{"no body", nil, "MalformedXML", ""},
		{"missing target", logTo("nologs"), "InvalidTargetBucketForLogging", ""},
		{"other account", logTo("otherlogs"), "InvalidTargetBucketForLogging", ""},
		{"other region", logTo("westlogs"), "CrossLocationLoggingProhibitted", ""},
		{"object lock target", logTo("locklogs"), "InvalidTargetBucketForLogging", ""},
		{"enabled", logTo("logs"), "", "logs"},
		{"disabled", &s3api.BucketLoggingStatus{}, "", ""},
	} {
		_, err := p.putBucketLogging(ctx, &s3api.PutBucketLoggingRequest{Bucket: ptr("bkt"), BucketLoggingStatus: tc.status})
		if got := errCode(err); got != tc.wantErr {
			t.Errorf("%s: error %q (%v), want %q", tc.name, got, err, tc.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		out, err := p.getBucketLogging(ctx, &s3api.GetBucketLoggingRequest{Bucket: ptr("bkt")})
		if err != nil {
			t.Fatal(err)
		}
		if got := ""; out.LoggingEnabled != nil {
			got = deref(out.LoggingEnabled.TargetBucket)
			if got != tc.want {
				t.Errorf("%s: target %q, want %q", tc.name, got, tc.want)
			}
		} else if tc.want != "" {
			t.Errorf("%s: logging off, want target %q", tc.name, tc.want)
		}
	}

	if out, err := p.getBucketAccelerateConfiguration(ctx, &s3api.GetBucketAccelerateConfigurationRequest{Bucket: ptr("bkt")}); err != nil || out.Status != nil {
		t.Fatalf("accelerate never set: %+v, %v", out, err)
	}
	for _, tc := range []struct {
		bucket, status, wantErr string
	}{
		{"bkt", "On", "MalformedXML"},
		{"dotted.bucket", "Enabled", "InvalidRequest"},
		{"nobucket", "Enabled", "NoSuchBucket"},
		{"bkt", "Enabled", ""},
		{"bkt", "Suspended", ""},
	} {
		_, err := p.putBucketAccelerateConfiguration(ctx, &s3api.PutBucketAccelerateConfigurationRequest{Bucket: ptr(tc.bucket),
			AccelerateConfiguration: &s3api.AccelerateConfiguration{Status: ptr(tc.status)}})
		if got := errCode(err); got != tc.wantErr {
			t.Errorf("accelerate %s %s: error %q, want %q", tc.bucket, tc.status, got, tc.wantErr)
			continue
		}
		if err == nil {
			out, err := p.getBucketAccelerateConfiguration(ctx, &s3api.GetBucketAccelerateConfigurationRequest{Bucket: ptr(tc.bucket)})
			if err != nil || deref(out.Status) != tc.status {
				t.Errorf("accelerate = %+v, %v; want %s", out, err, tc.status)
			}
		}
	}

	if out, err := p.getBucketRequestPayment(ctx, &s3api.GetBucketRequestPaymentRequest{Bucket: ptr("bkt")}); err != nil || deref(out.Payer) != "BucketOwner" {
		t.Fatalf("default payer: %+v, %v", out, err)
	}
	for _, tc := range []struct{ payer, wantErr string }{{"Anyone", "MalformedXML"}, {"Requester", ""}, {"BucketOwner", ""}} {
		_, err := p.putBucketRequestPayment(ctx, &s3api.PutBucketRequestPaymentRequest{Bucket: ptr("bkt"),
			RequestPaymentConfiguration: &s3api.RequestPaymentConfiguration{Payer: ptr(tc.payer)}})
		if got := errCode(err); got != tc.wantErr {
			t.Errorf("payer %s: error %q, want %q", tc.payer, got, tc.wantErr)
			continue
		}
		if err == nil {
			out, err := p.getBucketRequestPayment(ctx, &s3api.GetBucketRequestPaymentRequest{Bucket: ptr("bkt")})
			if err != nil || deref(out.Payer) != tc.payer {
				t.Errorf("payer = %+v, %v; want %s", out, err, tc.payer)
			}
		}
	}
}
