package s3

import (
	"context"
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/scope"
)

func TestBucketAcl(t *testing.T) {
	p, ctx := newTestProvider(t)
	owner := CanonicalUserID(scope.From(ctx).Account)
	// Make ACLs possible: object writer ownership, public ACLs allowed.
	if _, err := p.putBucketOwnershipControls(ctx, &s3api.PutBucketOwnershipControlsRequest{Bucket: ptr("bkt"),
		OwnershipControls: &s3api.OwnershipControls{Rules: []s3api.OwnershipControlsRule{{ObjectOwnership: ptr(objectWriter)}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.deletePublicAccessBlock(ctx, &s3api.DeletePublicAccessBlockRequest{Bucket: ptr("bkt")}); err != nil {
		t.Fatal(err)
	}
	grant := func(typ, id, uri, perm string) s3api.Grant {
		g := s3api.Grant{Grantee: &s3api.Grantee{Type: ptr(typ)}, Permission: ptr(perm)}
		if id != "" {
			g.Grantee.ID = ptr(id)
		}
		if uri != "" {
			g.Grantee.URI = ptr(uri)
		}
		return g
	}
	for _, tc := range []struct {
		name   string
		in     s3api.PutBucketAclRequest
		err    string
		grants int
	}{
		{"public-read", s3api.PutBucketAclRequest{ACL: ptr(aclPublicRead)}, "", 2},
		{"public-read-write", s3api.PutBucketAclRequest{ACL: ptr(aclPublicReadWrite)}, "", 3},
		{"authenticated-read", s3api.PutBucketAclRequest{ACL: ptr(aclAuthenticatedRead)}, "", 2},
		{"nothing", s3api.PutBucketAclRequest{}, "MissingSecurityHeader", 2},
		{"canned and headers", s3api.PutBucketAclRequest{ACL: ptr(aclPrivate), GrantRead: ptr(`uri="` + allUsersURI + `"`)}, "InvalidRequest", 2},
		{"grant headers", s3api.PutBucketAclRequest{GrantFullControl: ptr(`id="` + owner + `"`), GrantRead: ptr(`uri="` + allUsersURI + `", uri="` + authUsersURI + `"`)}, "", 3},
		{"bad grant header", s3api.PutBucketAclRequest{GrantRead: ptr(`nonsense`)}, "InvalidArgument", 3},
		{"email grant", s3api.PutBucketAclRequest{GrantRead: ptr(`emailAddress="a@b.c"`)}, "UnresolvableGrantByEmailAddress", 3},
		{"body", s3api.PutBucketAclRequest{AccessControlPolicy: &s3api.AccessControlPolicy{Owner: &s3api.Owner{ID: ptr(owner)},
			Grants: []s3api.Grant{grant(granteeCanonical, owner, "", permFullControl), grant(granteeGroup, "", logDeliveryURI, "WRITE")}}}, "", 2},
		{"body of another owner", s3api.PutBucketAclRequest{AccessControlPolicy: &s3api.AccessControlPolicy{Owner: &s3api.Owner{ID: ptr(strings.Repeat("0", 64))}}}, "AccessDenied", 2},
		{"body without owner", s3api.PutBucketAclRequest{AccessControlPolicy: &s3api.AccessControlPolicy{}}, "MalformedACLError", 2},
		{"bad permission", s3api.PutBucketAclRequest{AccessControlPolicy: &s3api.AccessControlPolicy{Owner: &s3api.Owner{ID: ptr(owner)},
			Grants: []s3api.Grant{grant(granteeCanonical, owner, "", "ALL")}}}, "MalformedACLError", 2},
		{"private", s3api.PutBucketAclRequest{ACL: ptr(aclPrivate)}, "", 1},
	} {
		in := tc.in
		in.Bucket = ptr("bkt")
		if _, err := p.putBucketAcl(ctx, &in); errCode(err) != tc.err {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
		out, err := p.getBucketAcl(ctx, &s3api.GetBucketAclRequest{Bucket: ptr("bkt")})
		if err != nil || len(out.Grants) != tc.grants || *out.Owner.ID != owner {
			t.Errorf("%s: get %d grants (%v), want %d", tc.name, len(out.Grants), err, tc.grants)
		}
	}
}

func TestAclRefusals(t *testing.T) {
	p, ctx := newTestProvider(t)
	if _, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("k"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		run  func(context.Context) error
		err  string
	}{
		{"bucket acl with enforced ownership", func(ctx context.Context) error {
			_, err := p.putBucketAcl(ctx, &s3api.PutBucketAclRequest{Bucket: ptr("bkt"), ACL: ptr(aclPublicRead)})
			return err
		}, "AccessControlListNotSupported"},
		{"private bucket acl with enforced ownership", func(ctx context.Context) error {
			_, err := p.putBucketAcl(ctx, &s3api.PutBucketAclRequest{Bucket: ptr("bkt"), ACL: ptr(aclPrivate)})
			return err
		}, ""},
		{"object acl with enforced ownership", func(ctx context.Context) error {
			_, err := p.putObjectAcl(ctx, &s3api.PutObjectAclRequest{Bucket: ptr("bkt"), Key: ptr("k"), ACL: ptr(aclPublicRead)})
			return err
		}, "AccessControlListNotSupported"},
		{"owner full control object acl", func(ctx context.Context) error {
			_, err := p.putObjectAcl(ctx, &s3api.PutObjectAclRequest{Bucket: ptr("bkt"), Key: ptr("k"), ACL: ptr(aclBucketOwnerFull)})
			return err
		}, ""},
		{"object acl of a missing key", func(ctx context.Context) error {
			_, err := p.putObjectAcl(ctx, &s3api.PutObjectAclRequest{Bucket: ptr("bkt"), Key: ptr("nope"), ACL: ptr(aclPrivate)})
			return err
		}, "NoSuchKey"},
		{"create with public acl", func(ctx context.Context) error {
			_, err := p.createBucket(ctx, &s3api.CreateBucketRequest{Bucket: ptr("pub"), ACL: ptr(aclPublicRead)})
			return err
		}, "InvalidBucketAclWithObjectOwnership"},
		{"create with public acl and object writer", func(ctx context.Context) error {
			_, err := p.createBucket(ctx, &s3api.CreateBucketRequest{Bucket: ptr("pub"), ACL: ptr(aclPublicRead), ObjectOwnership: ptr(objectWriter)})
			if err != nil {
				return err
			}
			out, err := p.getBucketAcl(ctx, &s3api.GetBucketAclRequest{Bucket: ptr("pub")})
			if err == nil && len(out.Grants) != 2 {
				t.Errorf("grants of a public-read bucket: %d", len(out.Grants))
			}
			return err
		}, ""},
		{"public object acl blocked", func(ctx context.Context) error {
			_, err := p.putBucketOwnershipControls(ctx, &s3api.PutBucketOwnershipControlsRequest{Bucket: ptr("bkt"),
				OwnershipControls: &s3api.OwnershipControls{Rules: []s3api.OwnershipControlsRule{{ObjectOwnership: ptr(ownerPreferred)}}}})
			if err != nil {
				return err
			}
			_, err = p.putObjectAcl(ctx, &s3api.PutObjectAclRequest{Bucket: ptr("bkt"), Key: ptr("k"), ACL: ptr(aclPublicRead)})
			return err
		}, "AccessDenied"},
		{"public object acl", func(ctx context.Context) error {
			if _, err := p.deletePublicAccessBlock(ctx, &s3api.DeletePublicAccessBlockRequest{Bucket: ptr("bkt")}); err != nil {
				return err
			}
			if _, err := p.putObjectAcl(ctx, &s3api.PutObjectAclRequest{Bucket: ptr("bkt"), Key: ptr("k"), ACL: ptr(aclPublicRead)}); err != nil {
				return err
			}
			out, err := p.getObjectAcl(ctx, &s3api.GetObjectAclRequest{Bucket: ptr("bkt"), Key: ptr("k")})
			if err == nil && (len(out.Grants) != 2 || *out.Grants[1].Grantee.URI != allUsersURI) {
				t.Errorf("object grants: %+v", out.Grants)
			}
			return err
		}, ""},
	} {
		if err := tc.run(ctx); errCode(err) != tc.err {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}

func FuzzParseGrantHeader(f *testing.F) {
	for _, s := range []string{`id="abc"`, `uri="` + allUsersURI + `", id="` + strings.Repeat("a", 64) + `"`, `emailAddress=x`, `=`, `,`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		gs, err := parseGrantHeader(s, "READ")
		if err == nil && len(gs) == 0 {
			t.Fatalf("%q: no grants and no error", s)
		}
		for _, g := range gs {
			if g.Type != granteeCanonical && g.Type != granteeGroup {
				t.Fatalf("%q: grantee type %q", s, g.Type)
			}
		}
	})
}
