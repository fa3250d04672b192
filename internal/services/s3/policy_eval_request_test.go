package s3

import (
	"context"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
)

// call runs one operation as the gateway does in strict mode: Authorize,
// then the handler with the context Authorize returned.
func call(p *Provider, sc scope.Scope, op string, in any) (any, error) {
	ctx := scope.With(context.Background(), sc)
	ctx, err := p.Authorize(ctx, service.AuthRequest{
		Operation: op, Input: in, SourceIP: netip.MustParseAddr("127.0.0.1"),
		Header: http.Header{"User-Agent": {"unit-test"}},
	})
	if err != nil {
		return nil, err
	}
	return p.handlers.Lookup(op)(ctx, in)
}

func TestAuthorizeOperations(t *testing.T) {
	ownerSc := scope.Scope{Account: scope.DefaultAccount, Region: "us-east-1", AccessKey: "AKIDOWNER"}
	otherSc := scope.Scope{Account: "444455556666", Region: "us-east-1", AccessKey: "444455556666"}
	anonSc := scope.Scope{Region: "us-east-1", Anonymous: true}
	put := func(key string) *s3api.PutObjectRequest {
		return &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr(key), Body: strings.NewReader("data")}
	}
	get := func(key string) *s3api.GetObjectRequest {
		return &s3api.GetObjectRequest{Bucket: ptr("bkt"), Key: ptr(key)}
	}
	list := &s3api.ListObjectsV2Request{Bucket: ptr("bkt")}
	type step struct {
		who  scope.Scope
		op   string
		in   any
		code string
	}
	const (
		publicRead = `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`
		denyAll    = `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]}`
	)
	for _, tc := range []struct {
		name     string
		policy   string // statements; "" for none
		pab      *s3api.PublicAccessBlockConfiguration
		bucketTo string // a canned bucket ACL to set (ACLs then enabled)
		steps    []step
	}{
		{"no policy", "", nil, "", []step{
			{ownerSc, "GetObject", get("a"), ""},
			{anonSc, "GetObject", get("a"), "AccessDenied"},
			{anonSc, "PutObject", put("b"), "AccessDenied"},
			{anonSc, "ListObjectsV2", list, "AccessDenied"},
			{otherSc, "GetObject", get("a"), "AccessDenied"},
			{anonSc, "ListBuckets", &s3api.ListBucketsRequest{}, "AccessDenied"},
			{anonSc, "CreateBucket", &s3api.CreateBucketRequest{Bucket: ptr("anon-bucket")}, "AccessDenied"},
			{anonSc, "GetObject", &s3api.GetObjectRequest{Bucket: ptr("no-such-bucket"), Key: ptr("a")}, "NoSuchBucket"},
		}},
		{"public read", publicRead, &s3api.PublicAccessBlockConfiguration{}, "", []step{
			{anonSc, "GetObject", get("a"), ""},
			{anonSc, "HeadObject", &s3api.HeadObjectRequest{Bucket: ptr("bkt"), Key: ptr("a")}, ""},
			{otherSc, "GetObject", get("a"), ""},
			{anonSc, "GetObject", get("missing"), "AccessDenied"}, // may not list: no NoSuchKey
			{anonSc, "PutObject", put("b"), "AccessDenied"},
			{anonSc, "ListObjectsV2", list, "AccessDenied"},
			{anonSc, "GetObjectTagging", &s3api.GetObjectTaggingRequest{Bucket: ptr("bkt"), Key: ptr("a")}, "AccessDenied"},
			{anonSc, "GetBucketPolicy", &s3api.GetBucketPolicyRequest{Bucket: ptr("bkt")}, "AccessDenied"},
			{ownerSc, "PutObject", put("b"), ""},
		}},
		{"public read and list", publicRead + `,{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt"}`,
			&s3api.PublicAccessBlockConfiguration{}, "", []step{
				{anonSc, "GetObject", get("missing"), "NoSuchKey"},
				{anonSc, "ListObjectsV2", list, ""},
				{anonSc, "HeadBucket", &s3api.HeadBucketRequest{Bucket: ptr("bkt")}, ""},
			}},
		{"restrict public buckets", publicRead, &s3api.PublicAccessBlockConfiguration{RestrictPublicBuckets: ptr(true)}, "", []step{
			{anonSc, "GetObject", get("a"), "AccessDenied"},
			{otherSc, "GetObject", get("a"), "AccessDenied"},
			{ownerSc, "GetObject", get("a"), ""},
		}},
		{"deny all", denyAll, nil, "", []step{
			{ownerSc, "GetObject", get("a"), "AccessDenied"},
			{ownerSc, "ListObjectsV2", list, "AccessDenied"},
			{otherSc, "GetBucketPolicy", &s3api.GetBucketPolicyRequest{Bucket: ptr("bkt")}, "AccessDenied"},
			{ownerSc, "GetBucketPolicy", &s3api.GetBucketPolicyRequest{Bucket: ptr("bkt")}, ""},
			{ownerSc, "DeleteBucketPolicy", &s3api.DeleteBucketPolicyRequest{Bucket: ptr("bkt")}, ""},
			{ownerSc, "GetObject", get("a"), ""},
		}},
		{"cross account", `{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":["s3:PutObject","s3:ListBucket","s3:GetBucketPolicy"],"Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]}`, nil, "", []step{
			{otherSc, "PutObject", put("from-other"), ""},
			{otherSc, "ListObjectsV2", list, ""},
			{otherSc, "GetObject", get("from-other"), "AccessDenied"},
			{otherSc, "GetBucketPolicy", &s3api.GetBucketPolicyRequest{Bucket: ptr("bkt")}, "MethodNotAllowed"},
			{anonSc, "PutObject", put("x"), "AccessDenied"},
			{ownerSc, "GetObject", get("from-other"), ""},
		}},
		{"copy needs the source", `{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*"}`, &s3api.PublicAccessBlockConfiguration{}, "", []step{
			{anonSc, "CopyObject", &s3api.CopyObjectRequest{Bucket: ptr("bkt"), Key: ptr("copy"), CopySource: ptr("bkt/a")}, "AccessDenied"},
			{anonSc, "PutObject", put("c"), ""},
		}},
		{"copy with both", `{"Effect":"Allow","Principal":"*","Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::bkt/*"}`, &s3api.PublicAccessBlockConfiguration{}, "", []step{
			{anonSc, "CopyObject", &s3api.CopyObjectRequest{Bucket: ptr("bkt"), Key: ptr("copy"), CopySource: ptr("/bkt/a")}, ""},
			{ownerSc, "GetObject", get("copy"), ""},
		}},
		{"delete objects key by key", `{"Effect":"Allow","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::bkt/tmp/*"}`, &s3api.PublicAccessBlockConfiguration{}, "", []step{
			{anonSc, "DeleteObjects", &s3api.DeleteObjectsRequest{Bucket: ptr("bkt"), Delete: &s3api.Delete{Objects: []s3api.ObjectIdentifier{{Key: ptr("a")}, {Key: ptr("tmp/x")}}}}, ""},
			{ownerSc, "GetObject", get("a"), ""},
		}},
		{"public-read bucket ACL", "", &s3api.PublicAccessBlockConfiguration{}, aclPublicRead, []step{
			{anonSc, "ListObjectsV2", list, ""},
			{anonSc, "GetObject", get("a"), "AccessDenied"},
			{anonSc, "PutObject", put("b"), "AccessDenied"},
		}},
		{"public-read-write bucket ACL", "", &s3api.PublicAccessBlockConfiguration{}, aclPublicReadWrite, []step{
			{anonSc, "PutObject", put("b"), ""},
			{anonSc, "DeleteObject", &s3api.DeleteObjectRequest{Bucket: ptr("bkt"), Key: ptr("b")}, ""},
		}},
		{"ignore public ACLs", "", &s3api.PublicAccessBlockConfiguration{IgnorePublicAcls: ptr(true)}, aclPublicReadWrite, []step{
			{anonSc, "PutObject", put("b"), "AccessDenied"},
			{anonSc, "ListObjectsV2", list, "AccessDenied"},
		}},
		{"conditions", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.1/32"},"StringEquals":{"aws:UserAgent":"unit-test"}}},` +
			`{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt","Condition":{"StringLike":{"s3:prefix":"pub/*"}}},` +
			`{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringEquals":{"s3:RequestObjectTag/class":"secret"}}}`,
			&s3api.PublicAccessBlockConfiguration{}, "", []step{
				{anonSc, "GetObject", get("a"), ""},
				{anonSc, "ListObjectsV2", &s3api.ListObjectsV2Request{Bucket: ptr("bkt"), Prefix: ptr("pub/x")}, ""},
				{anonSc, "ListObjectsV2", &s3api.ListObjectsV2Request{Bucket: ptr("bkt"), Prefix: ptr("priv/")}, "AccessDenied"},
				{ownerSc, "PutObject", &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("t"), Tagging: ptr("class=secret"), Body: strings.NewReader("x")}, "AccessDenied"},
				{ownerSc, "PutObject", &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("t"), Tagging: ptr("class=open"), Body: strings.NewReader("x")}, ""},
			}},
		{"existing object tags", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringEquals":{"s3:ExistingObjectTag/share":"yes"}}}`,
			&s3api.PublicAccessBlockConfiguration{}, "", []step{
				{anonSc, "GetObject", get("a"), "AccessDenied"},
				{ownerSc, "PutObjectTagging", &s3api.PutObjectTaggingRequest{Bucket: ptr("bkt"), Key: ptr("a"), Tagging: &s3api.Tagging{TagSet: []s3api.Tag{{Key: ptr("share"), Value: ptr("yes")}}}}, ""},
				{anonSc, "GetObject", get("a"), ""},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ctx := newTestProvider(t)
			if _, err := p.putObject(ctx, put("a")); err != nil {
				t.Fatal(err)
			}
			if tc.pab != nil {
				if _, err := p.putPublicAccessBlock(ctx, &s3api.PutPublicAccessBlockRequest{Bucket: ptr("bkt"), PublicAccessBlockConfiguration: tc.pab}); err != nil {
					t.Fatal(err)
				}
			}
			if tc.bucketTo != "" {
				if _, err := p.putBucketOwnershipControls(ctx, &s3api.PutBucketOwnershipControlsRequest{Bucket: ptr("bkt"),
					OwnershipControls: &s3api.OwnershipControls{Rules: []s3api.OwnershipControlsRule{{ObjectOwnership: ptr(objectWriter)}}}}); err != nil {
					t.Fatal(err)
				}
				if _, err := p.putBucketAcl(ctx, &s3api.PutBucketAclRequest{Bucket: ptr("bkt"), ACL: ptr(tc.bucketTo)}); err != nil {
					t.Fatal(err)
				}
			}
			if tc.policy != "" {
				if _, err := p.putBucketPolicy(ctx, &s3api.PutBucketPolicyRequest{Bucket: ptr("bkt"),
					Policy: ptr(`{"Version":"2012-10-17","Statement":[` + tc.policy + `]}`)}); err != nil {
					t.Fatal(err)
				}
			}
			for i, s := range tc.steps {
				out, err := call(p, s.who, s.op, s.in)
				if errCode(err) != s.code {
					t.Fatalf("step %d: %s as %+v: %v, want %q", i, s.op, s.who, err, s.code)
				}
				if d, ok := out.(*s3api.DeleteObjectsOutput); ok {
					if len(d.Errors) != 1 || *d.Errors[0].Key != "a" || *d.Errors[0].Code != "AccessDenied" || len(d.Deleted) != 1 {
						t.Fatalf("step %d: DeleteObjects answered %+v", i, d)
					}
				}
			}
		})
	}
}

func TestAuthorizeObjectACL(t *testing.T) {
	p, ctx := newTestProvider(t)
	anon := scope.Scope{Region: "us-east-1", Anonymous: true}
	for _, step := range []func() error{
		func() error {
			_, err := p.putBucketOwnershipControls(ctx, &s3api.PutBucketOwnershipControlsRequest{Bucket: ptr("bkt"),
				OwnershipControls: &s3api.OwnershipControls{Rules: []s3api.OwnershipControlsRule{{ObjectOwnership: ptr(ownerPreferred)}}}})
			return err
		},
		func() error {
			_, err := p.putPublicAccessBlock(ctx, &s3api.PutPublicAccessBlockRequest{Bucket: ptr("bkt"), PublicAccessBlockConfiguration: &s3api.PublicAccessBlockConfiguration{}})
			return err
		},
		func() error {
			_, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("pub"), ACL: ptr(aclPublicRead), Body: strings.NewReader("x")})
			return err
		},
		func() error {
			_, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("priv"), Body: strings.NewReader("x")})
			return err
		},
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		key, code string
	}{{"pub", ""}, {"priv", "AccessDenied"}, {"missing", "AccessDenied"}} {
		_, err := call(p, anon, "GetObject", &s3api.GetObjectRequest{Bucket: ptr("bkt"), Key: ptr(tc.key)})
		if errCode(err) != tc.code {
			t.Errorf("GET %s: %v, want %q", tc.key, err, tc.code)
		}
	}
	// BucketOwnerEnforced disables ACLs: the object's public-read no
	// longer counts.
	if _, err := p.putBucketOwnershipControls(ctx, &s3api.PutBucketOwnershipControlsRequest{Bucket: ptr("bkt"),
		OwnershipControls: &s3api.OwnershipControls{Rules: []s3api.OwnershipControlsRule{{ObjectOwnership: ptr(ownerEnforced)}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := call(p, anon, "GetObject", &s3api.GetObjectRequest{Bucket: ptr("bkt"), Key: ptr("pub")}); errCode(err) != "AccessDenied" {
		t.Errorf("GET with ACLs disabled: %v", err)
	}
}

func TestS3Action(t *testing.T) {
	for _, tc := range []struct {
		op      string
		version bool
		want    string
	}{
		{"GetObject", false, "s3:GetObject"},
		{"HeadObject", true, "s3:GetObjectVersion"},
		{"ListObjectsV2", false, "s3:ListBucket"},
		{"ListObjectVersions", false, "s3:ListBucketVersions"},
		{"UploadPart", false, "s3:PutObject"},
		{"DeleteObject", true, "s3:DeleteObjectVersion"},
		{"PutBucketCors", false, "s3:PutBucketCORS"},
		{"DeleteBucketLifecycle", false, "s3:PutLifecycleConfiguration"},
		{"DeletePublicAccessBlock", false, "s3:PutBucketPublicAccessBlock"},
		{"ListBucketMetricsConfigurations", false, "s3:GetMetricsConfiguration"},
		{"DeleteBucketIntelligentTieringConfiguration", false, "s3:PutIntelligentTieringConfiguration"},
		{"PutBucketVersioning", false, "s3:PutBucketVersioning"},
		{"GetBucketPolicyStatus", false, "s3:GetBucketPolicyStatus"},
	} {
		if got := s3Action(tc.op, tc.version); got != tc.want {
			t.Errorf("s3Action(%s, %v) = %s, want %s", tc.op, tc.version, got, tc.want)
		}
	}
}
