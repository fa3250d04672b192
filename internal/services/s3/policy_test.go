package s3

import (
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
)

func TestPutBucketPolicy(t *testing.T) {
	const pub = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}]}`
	for _, tc := range []struct {
		name, policy, err string
		unblock           bool
		public            bool
	}{
		{"private", `{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":["s3:GetObject","s3:List*"],"Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]}}`, "", false, false},
		{"public blocked", pub, "AccessDenied", false, false},
		{"public", pub, "", true, true},
		{"conditioned", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`, "", false, false},
		{"not json", `nope`, "MalformedPolicy", false, false},
		{"bad json", `{"Statement":`, "MalformedPolicy", false, false},
		{"no statement", `{"Version":"2012-10-17"}`, "MalformedPolicy", false, false},
		{"bad effect", `{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}]}`, "MalformedPolicy", false, false},
		{"no principal", `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}]}`, "MalformedPolicy", false, false},
		{"other service", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ec2:RunInstances","Resource":"arn:aws:s3:::bkt/*"}]}`, "MalformedPolicy", false, false},
		{"other bucket", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]}`, "MalformedPolicy", false, false},
		{"wildcard bucket", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bk*/*"}]}`, "", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ctx := newTestProvider(t)
			if tc.unblock {
				if _, err := p.deletePublicAccessBlock(ctx, &s3api.DeletePublicAccessBlockRequest{Bucket: ptr("bkt")}); err != nil {
					t.Fatal(err)
				}
			}
			_, err := p.putBucketPolicy(ctx, &s3api.PutBucketPolicyRequest{Bucket: ptr("bkt"), Policy: ptr(tc.policy)})
			if errCode(err) != tc.err {
				t.Fatalf("put: %v, want %q", err, tc.err)
			}
			got, err := p.getBucketPolicy(ctx, &s3api.GetBucketPolicyRequest{Bucket: ptr("bkt")})
			if tc.err != "" {
				if errCode(err) != "NoSuchBucketPolicy" {
					t.Fatalf("get after a refused put: %v", err)
				}
				return
			}
			if err != nil || *got.Policy != tc.policy {
				t.Fatalf("get: %v %v", got, err)
			}
			st, err := p.getBucketPolicyStatus(ctx, &s3api.GetBucketPolicyStatusRequest{Bucket: ptr("bkt")})
			if err != nil || *st.PolicyStatus.IsPublic != tc.public {
				t.Fatalf("status: %v %v", st, err)
			}
			if _, err := p.deleteBucketPolicy(ctx, &s3api.DeleteBucketPolicyRequest{Bucket: ptr("bkt")}); err != nil {
				t.Fatal(err)
			}
			if _, err := p.getBucketPolicyStatus(ctx, &s3api.GetBucketPolicyStatusRequest{Bucket: ptr("bkt")}); errCode(err) != "NoSuchBucketPolicy" {
				t.Fatalf("status after delete: %v", err)
			}
		})
	}
}

func FuzzParsePolicy(f *testing.F) {
	f.Add(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}]}`)
	f.Add(`{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":["x"]},"NotAction":"*","NotResource":"arn:aws:s3:::bkt"}}`)
	f.Add(`{"Statement":[]}`)
	f.Add(`[`)
	f.Fuzz(func(t *testing.T, text string) {
		doc, err := parsePolicy("bkt", text)
		if err != nil {
			if codeOf(err) != "MalformedPolicy" {
				t.Fatalf("%q: %v", text, err)
			}
			return
		}
		if len(doc.Statements) == 0 {
			t.Fatalf("%q: accepted without statements", text)
		}
		_ = doc.public()
	})
}
