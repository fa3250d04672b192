package e2e

import (
	"context"
	"os/exec"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// TestS3WebsiteConfig stores, reads and deletes a website configuration,
// and the logging, accelerate and request payment settings, through
// aws-sdk-go-v2.
func TestS3WebsiteConfig(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	c := s3Client(srv, "")
	bucket := aws.String("site-bucket")
	for _, b := range []*string{bucket, aws.String("site-logs")} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: bucket})
	apiError(t, err, "NoSuchWebsiteConfiguration", 404)
	_, err = c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: bucket, WebsiteConfiguration: &s3types.WebsiteConfiguration{
		IndexDocument: &s3types.IndexDocument{Suffix: aws.String("a/index.html")}}})
	apiError(t, err, "InvalidArgument", 400)
	if _, err := c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: bucket, WebsiteConfiguration: &s3types.WebsiteConfiguration{
		IndexDocument: &s3types.IndexDocument{Suffix: aws.String("index.html")},
		ErrorDocument: &s3types.ErrorDocument{Key: aws.String("error.html")},
		RoutingRules: []s3types.RoutingRule{{
			Condition: &s3types.Condition{KeyPrefixEquals: aws.String("old/")},
			Redirect:  &s3types.Redirect{ReplaceKeyPrefixWith: aws.String("new/"), HttpRedirectCode: aws.String("301")},
		}},
	}}); err != nil {
		t.Fatal(err)
	}
	w, err := c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: bucket})
	if err != nil || aws.ToString(w.IndexDocument.Suffix) != "index.html" || aws.ToString(w.ErrorDocument.Key) != "error.html" ||
		len(w.RoutingRules) != 1 || aws.ToString(w.RoutingRules[0].Redirect.ReplaceKeyPrefixWith) != "new/" {
		t.Fatalf("GetBucketWebsite = %+v, %v", w, err)
	}
	if _, err := c.DeleteBucketWebsite(ctx, &s3.DeleteBucketWebsiteInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: bucket})
	apiError(t, err, "NoSuchWebsiteConfiguration", 404)

	_, err = c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: bucket, BucketLoggingStatus: &s3types.BucketLoggingStatus{
		LoggingEnabled: &s3types.LoggingEnabled{TargetBucket: aws.String("no-such-logs"), TargetPrefix: aws.String("p/")}}})
	apiError(t, err, "InvalidTargetBucketForLogging", 400)
	if _, err := c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: bucket, BucketLoggingStatus: &s3types.BucketLoggingStatus{
		LoggingEnabled: &s3types.LoggingEnabled{TargetBucket: aws.String("site-logs"), TargetPrefix: aws.String("p/")}}}); err != nil {
		t.Fatal(err)
	}
	if l, err := c.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: bucket}); err != nil || l.LoggingEnabled == nil || aws.ToString(l.LoggingEnabled.TargetBucket) != "site-logs" {
		t.Fatalf("GetBucketLogging = %+v, %v", l, err)
	}
	if _, err := c.PutBucketAccelerateConfiguration(ctx, &s3.PutBucketAccelerateConfigurationInput{Bucket: bucket,
		AccelerateConfiguration: &s3types.AccelerateConfiguration{Status: s3types.BucketAccelerateStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	if a, err := c.GetBucketAccelerateConfiguration(ctx, &s3.GetBucketAccelerateConfigurationInput{Bucket: bucket}); err != nil || a.Status != s3types.BucketAccelerateStatusEnabled {
		t.Fatalf("GetBucketAccelerateConfiguration = %+v, %v", a, err)
	}
	if rp, err := c.GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: bucket}); err != nil || rp.Payer != s3types.PayerBucketOwner {
		t.Fatalf("default GetBucketRequestPayment = %+v, %v", rp, err)
	}
	if _, err := c.PutBucketRequestPayment(ctx, &s3.PutBucketRequestPaymentInput{Bucket: bucket,
		RequestPaymentConfiguration: &s3types.RequestPaymentConfiguration{Payer: s3types.PayerRequester}}); err != nil {
		t.Fatal(err)
	}
	if rp, err := c.GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: bucket}); err != nil || rp.Payer != s3types.PayerRequester {
		t.Fatalf("GetBucketRequestPayment = %+v, %v", rp, err)
	}
}

// TestS3WebsiteCLI runs `aws s3 website` and reads the result back.
func TestS3WebsiteCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not installed")
	}
	srv := unkaitest.Start(t)
	runAWS(t, srv, "test", "s3api", "create-bucket", "--bucket", "cli-site")
	runAWSText(t, srv, "s3", "website", "s3://cli-site", "--index-document", "index.html", "--error-document", "error.html")
	w := runAWS(t, srv, "test", "s3api", "get-bucket-website", "--bucket", "cli-site")
	if idx, _ := w["IndexDocument"].(map[string]any); idx["Suffix"] != "index.html" {
		t.Fatalf("get-bucket-website = %v", w)
	}
	if e, _ := w["ErrorDocument"].(map[string]any); e["Key"] != "error.html" {
		t.Fatalf("get-bucket-website = %v", w)
	}
}
