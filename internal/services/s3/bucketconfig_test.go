package s3

import (
	"os"
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
)

func tag(k, v string) s3api.Tag { return s3api.Tag{Key: ptr(k), Value: ptr(v)} }

func TestBucketTagging(t *testing.T) {
	many := make([]s3api.Tag, 51)
	for i := range many {
		many[i] = tag(strings.Repeat("k", i+1), "v")
	}
	for _, tc := range []struct {
		name string
		tags []s3api.Tag
		err  string
	}{
		{"ok", []s3api.Tag{tag("env", "prod"), tag("team", "a b+c@d")}, ""},
		{"too many", many, "BadRequest"},
		{"duplicate", []s3api.Tag{tag("a", "1"), tag("a", "2")}, "InvalidTag"},
		{"aws prefix", []s3api.Tag{tag("AWS:x", "1")}, "InvalidTag"},
		{"long key", []s3api.Tag{tag(strings.Repeat("k", 129), "1")}, "InvalidTag"},
		{"long value", []s3api.Tag{tag("k", strings.Repeat("v", 257))}, "InvalidTag"},
		{"bad char", []s3api.Tag{tag("k", "a*b")}, "InvalidTag"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ctx := newTestProvider(t)
			_, err := p.putBucketTagging(ctx, &s3api.PutBucketTaggingRequest{Bucket: ptr("bkt"), Tagging: &s3api.Tagging{TagSet: tc.tags}})
			if errCode(err) != tc.err {
				t.Fatalf("put: %v, want %q", err, tc.err)
			}
			out, err := p.getBucketTagging(ctx, &s3api.GetBucketTaggingRequest{Bucket: ptr("bkt")})
			if tc.err != "" {
				if errCode(err) != "NoSuchTagSet" {
					t.Fatalf("get after a refused put: %v", err)
				}
				return
			}
			if err != nil || len(out.TagSet) != len(tc.tags) {
				t.Fatalf("get: %v %v", out, err)
			}
			if _, err := p.deleteBucketTagging(ctx, &s3api.DeleteBucketTaggingRequest{Bucket: ptr("bkt")}); err != nil {
				t.Fatal(err)
			}
			if _, err := p.getBucketTagging(ctx, &s3api.GetBucketTaggingRequest{Bucket: ptr("bkt")}); errCode(err) != "NoSuchTagSet" {
				t.Fatalf("get after delete: %v", err)
			}
		})
	}
}

func TestBucketDefaultsAndDeletion(t *testing.T) {
	p, ctx := newTestProvider(t)
	own, err := p.getBucketOwnershipControls(ctx, &s3api.GetBucketOwnershipControlsRequest{Bucket: ptr("bkt")})
	if err != nil || *own.OwnershipControls.Rules[0].ObjectOwnership != ownerEnforced {
		t.Fatalf("default ownership: %v %v", own, err)
	}
	pab, err := p.getPublicAccessBlock(ctx, &s3api.GetPublicAccessBlockRequest{Bucket: ptr("bkt")})
	if err != nil || !*pab.PublicAccessBlockConfiguration.BlockPublicAcls || !*pab.PublicAccessBlockConfiguration.RestrictPublicBuckets {
		t.Fatalf("default public access block: %v %v", pab, err)
	}
	enc, err := p.getBucketEncryption(ctx, &s3api.GetBucketEncryptionRequest{Bucket: ptr("bkt")})
	if err != nil || *enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != "AES256" {
		t.Fatalf("default encryption: %v %v", enc, err)
	}
	// Deleting the bucket drops its configuration: a new bucket of the
	// same name starts afresh.
	if _, err := p.putBucketTagging(ctx, &s3api.PutBucketTaggingRequest{Bucket: ptr("bkt"), Tagging: &s3api.Tagging{TagSet: []s3api.Tag{tag("a", "b")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.putBucketLifecycleConfiguration(ctx, &s3api.PutBucketLifecycleConfigurationRequest{Bucket: ptr("bkt"),
		LifecycleConfiguration: &s3api.BucketLifecycleConfiguration{Rules: []s3api.LifecycleRule{expireRule("", 1)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.deleteBucket(ctx, &s3api.DeleteBucketRequest{Bucket: ptr("bkt")}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.createBucket(ctx, &s3api.CreateBucketRequest{Bucket: ptr("bkt")}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.getBucketTagging(ctx, &s3api.GetBucketTaggingRequest{Bucket: ptr("bkt")}); errCode(err) != "NoSuchTagSet" {
		t.Errorf("tags survived the bucket: %v", err)
	}
	if _, err := p.getBucketLifecycleConfiguration(ctx, &s3api.GetBucketLifecycleConfigurationRequest{Bucket: ptr("bkt")}); errCode(err) != "NoSuchLifecycleConfiguration" {
		t.Errorf("lifecycle survived the bucket: %v", err)
	}
}

func TestOwnershipPublicAccessEncryption(t *testing.T) {
	p, ctx := newTestProvider(t)
	b := ptr("bkt")
	rules := func(s string) *s3api.OwnershipControls {
		return &s3api.OwnershipControls{Rules: []s3api.OwnershipControlsRule{{ObjectOwnership: ptr(s)}}}
	}
	for _, tc := range []struct {
		name string
		run  func() error
		err  string
	}{
		{"bad ownership", func() error {
			_, err := p.putBucketOwnershipControls(ctx, &s3api.PutBucketOwnershipControlsRequest{Bucket: b, OwnershipControls: rules("Nobody")})
			return err
		}, "MalformedXML"},
		{"object writer", func() error {
			_, err := p.putBucketOwnershipControls(ctx, &s3api.PutBucketOwnershipControlsRequest{Bucket: b, OwnershipControls: rules(objectWriter)})
			return err
		}, ""},
		{"unblock", func() error {
			_, err := p.putPublicAccessBlock(ctx, &s3api.PutPublicAccessBlockRequest{Bucket: b,
				PublicAccessBlockConfiguration: &s3api.PublicAccessBlockConfiguration{BlockPublicPolicy: ptr(true)}})
			return err
		}, ""},
		{"public acl", func() error {
			_, err := p.putBucketAcl(ctx, &s3api.PutBucketAclRequest{Bucket: b, ACL: ptr(aclPublicRead)})
			return err
		}, ""},
		{"enforce with public acl", func() error {
			_, err := p.putBucketOwnershipControls(ctx, &s3api.PutBucketOwnershipControlsRequest{Bucket: b, OwnershipControls: rules(ownerEnforced)})
			return err
		}, "InvalidBucketAclWithObjectOwnership"},
		{"private acl", func() error {
			_, err := p.putBucketAcl(ctx, &s3api.PutBucketAclRequest{Bucket: b, ACL: ptr(aclPrivate)})
			return err
		}, ""},
		{"enforce", func() error {
			_, err := p.putBucketOwnershipControls(ctx, &s3api.PutBucketOwnershipControlsRequest{Bucket: b, OwnershipControls: rules(ownerEnforced)})
			return err
		}, ""},
		{"delete ownership", func() error {
			_, err := p.deleteBucketOwnershipControls(ctx, &s3api.DeleteBucketOwnershipControlsRequest{Bucket: b})
			return err
		}, ""},
		{"ownership gone", func() error {
			_, err := p.getBucketOwnershipControls(ctx, &s3api.GetBucketOwnershipControlsRequest{Bucket: b})
			return err
		}, "OwnershipControlsNotFoundError"},
		{"delete public access block", func() error {
			_, err := p.deletePublicAccessBlock(ctx, &s3api.DeletePublicAccessBlockRequest{Bucket: b})
			return err
		}, ""},
		{"public access block gone", func() error {
			_, err := p.getPublicAccessBlock(ctx, &s3api.GetPublicAccessBlockRequest{Bucket: b})
			return err
		}, "NoSuchPublicAccessBlockConfiguration"},
		{"kms key with AES256", func() error {
			_, err := p.putBucketEncryption(ctx, &s3api.PutBucketEncryptionRequest{Bucket: b, ServerSideEncryptionConfiguration: sse("AES256", ptr("k"))})
			return err
		}, "InvalidArgument"},
		{"bad algorithm", func() error {
			_, err := p.putBucketEncryption(ctx, &s3api.PutBucketEncryptionRequest{Bucket: b, ServerSideEncryptionConfiguration: sse("DES", nil)})
			return err
		}, "MalformedXML"},
		{"kms", func() error {
			_, err := p.putBucketEncryption(ctx, &s3api.PutBucketEncryptionRequest{Bucket: b, ServerSideEncryptionConfiguration: sse("aws:kms", ptr("alias/x"))})
			if err != nil {
				return err
			}
			out, err := p.getBucketEncryption(ctx, &s3api.GetBucketEncryptionRequest{Bucket: b})
			if err == nil && *out.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.KMSMasterKeyID != "alias/x" {
				t.Errorf("stored encryption: %+v", out)
			}
			return err
		}, ""},
	} {
		if err := tc.run(); errCode(err) != tc.err {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}

func sse(alg string, key *string) *s3api.ServerSideEncryptionConfiguration {
	return &s3api.ServerSideEncryptionConfiguration{Rules: []s3api.ServerSideEncryptionRule{{
		ApplyServerSideEncryptionByDefault: &s3api.ServerSideEncryptionByDefault{SSEAlgorithm: ptr(alg), KMSMasterKeyID: key},
	}}}
}

func dirFiles(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	return len(entries), err
}
