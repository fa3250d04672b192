package s3

import (
	"context"
	"net/http"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Canned ACLs.
const (
	aclPrivate           = "private"
	aclPublicRead        = "public-read"
	aclPublicReadWrite   = "public-read-write"
	aclAuthenticatedRead = "authenticated-read"
	aclAWSExecRead       = "aws-exec-read"
	aclBucketOwnerRead   = "bucket-owner-read"
	aclBucketOwnerFull   = "bucket-owner-full-control"
)

// The predefined groups ACLs grant to.
const (
	allUsersURI      = "http://acs.amazonaws.com/groups/global/AllUsers"
	authUsersURI     = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	logDeliveryURI   = "http://acs.amazonaws.com/groups/s3/LogDelivery"
	granteeCanonical = "CanonicalUser"
	granteeGroup     = "Group"
	granteeEmail     = "AmazonCustomerByEmail"
	permFullControl  = "FULL_CONTROL"
)

// bucketACL is a bucket's stored ACL: a canned ACL, or explicit grants. No
// record means private (the owner has full control).
type bucketACL struct {
	Canned string     `json:"canned,omitempty"`
	Grants []aclGrant `json:"grants,omitempty"`
}

// aclGrant is one explicit grant.
type aclGrant struct {
	Type       string `json:"type"`
	ID         string `json:"id,omitempty"`
	URI        string `json:"uri,omitempty"`
	Permission string `json:"permission"`
}

// grants resolves the ACL into its grants for a resource owned by owner (a
// canonical user id). Object ACLs granting the bucket owner or Amazon EC2
// resolve to the owner's grant alone: in unkai an object's owner is always
// the bucket's.
func (a bucketACL) grants(owner string) []aclGrant {
	if a.Canned == "" && len(a.Grants) > 0 {
		return a.Grants
	}
	gs := []aclGrant{{Type: granteeCanonical, ID: owner, Permission: permFullControl}}
	switch a.Canned {
	case aclPublicRead:
		gs = append(gs, aclGrant{Type: granteeGroup, URI: allUsersURI, Permission: "READ"})
	case aclPublicReadWrite:
		gs = append(gs, aclGrant{Type: granteeGroup, URI: allUsersURI, Permission: "READ"},
			aclGrant{Type: granteeGroup, URI: allUsersURI, Permission: "WRITE"})
	case aclAuthenticatedRead:
		gs = append(gs, aclGrant{Type: granteeGroup, URI: authUsersURI, Permission: "READ"})
	}
	return gs
}

// ownerOnly reports whether the ACL grants nothing beyond the owner's full
// control: what a bucket with ACLs disabled (BucketOwnerEnforced) accepts.
func (a bucketACL) ownerOnly(owner string) bool {
	for _, g := range a.grants(owner) {
		if g.Type != granteeCanonical || g.ID != owner || g.Permission != permFullControl {
			return false
		}
	}
	return true
}

// public reports whether the ACL grants anything to everyone or to every
// AWS user, which BlockPublicAcls refuses.
func (a bucketACL) public(owner string) bool {
	for _, g := range a.grants(owner) {
		if g.URI == allUsersURI || g.URI == authUsersURI {
			return true
		}
	}
	return false
}

// wire renders grants as S3 sends them.
func wireGrants(gs []aclGrant) []s3api.Grant {
	out := make([]s3api.Grant, 0, len(gs))
	for _, g := range gs {
		ge := &s3api.Grantee{Type: ptr(g.Type)}
		if g.Type == granteeCanonical {
			ge.ID, ge.DisplayName = ptr(g.ID), ptr("unkai")
		} else {
			ge.URI = ptr(g.URI)
		}
		out = append(out, s3api.Grant{Grantee: ge, Permission: ptr(g.Permission)})
	}
	return out
}

func ownerOf(account string) *s3api.Owner {
	return &s3api.Owner{ID: ptr(CanonicalUserID(account)), DisplayName: ptr("unkai")}
}

// aclGrantHeaders are the x-amz-grant-* headers of a request, by permission.
type aclGrantHeaders struct{ fullControl, read, readACP, write, writeACP *string }

func (h aclGrantHeaders) set() bool {
	return h.fullControl != nil || h.read != nil || h.readACP != nil || h.write != nil || h.writeACP != nil
}

// requestedACL builds the ACL a PutBucketAcl-style request asks for, from
// exactly one of a canned ACL, grant headers or an AccessControlPolicy body.
func requestedACL(account, canned string, headers aclGrantHeaders, body *s3api.AccessControlPolicy) (bucketACL, error) {
	switch {
	case canned != "" && (headers.set() || body != nil):
		return bucketACL{}, errInvalidRequest("Specifying both Canned ACLs and Header Grants is not allowed")
	case canned != "":
		return bucketACL{Canned: canned}, nil
	case headers.set() && body != nil:
		return bucketACL{}, awserr.New("UnexpectedContent", http.StatusBadRequest, "This request does not support content")
	case headers.set():
		var gs []aclGrant
		for _, h := range []struct {
			v    *string
			perm string
		}{{headers.fullControl, permFullControl}, {headers.read, "READ"}, {headers.readACP, "READ_ACP"},
			{headers.write, "WRITE"}, {headers.writeACP, "WRITE_ACP"}} {
			if h.v == nil {
				continue
			}
			parsed, err := parseGrantHeader(*h.v, h.perm)
			if err != nil {
				return bucketACL{}, err
			}
			gs = append(gs, parsed...)
		}
		return bucketACL{Grants: gs}, nil
	case body != nil:
		return aclFromPolicy(account, body)
	}
	return bucketACL{}, awserr.New("MissingSecurityHeader", http.StatusBadRequest, "Your request was missing a required header")
}

// parseGrantHeader parses an x-amz-grant-* header: comma-separated
// grantees written id="…", uri="…" or emailAddress="…".
func parseGrantHeader(v, perm string) ([]aclGrant, error) {
	var out []aclGrant
	for _, item := range strings.Split(v, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(item), "=")
		val = strings.Trim(strings.TrimSpace(val), `"`)
		if !ok || val == "" {
			return nil, errInvalidArgument("Argument format not recognized")
		}
		g, err := grantee(strings.ToLower(strings.TrimSpace(k)), val)
		if err != nil {
			return nil, err
		}
		g.Permission = perm
		out = append(out, g)
	}
	return out, nil
}

// grantee checks one grantee given by kind ("id", "uri", "emailaddress").
func grantee(kind, v string) (aclGrant, error) {
	switch kind {
	case "id":
		if !canonicalID(v) {
			return aclGrant{}, errInvalidArgument("Invalid id")
		}
		return aclGrant{Type: granteeCanonical, ID: v}, nil
	case "uri":
		switch v {
		case allUsersURI, authUsersURI, logDeliveryURI:
			return aclGrant{Type: granteeGroup, URI: v}, nil
		}
		return aclGrant{}, errInvalidArgument("Invalid group uri")
	case "emailaddress":
		return aclGrant{}, awserr.New("UnresolvableGrantByEmailAddress", http.StatusBadRequest,
			"The e-mail address you provided does not match any account on record.")
	}
	return aclGrant{}, errInvalidArgument("Argument format not recognized")
}

// canonicalID reports whether s has the shape of a canonical user id.
func canonicalID(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// aclFromPolicy checks an AccessControlPolicy body: the owner must be the
// caller, and every grant a known grantee with a known permission.
func aclFromPolicy(account string, body *s3api.AccessControlPolicy) (bucketACL, error) {
	if body.Owner == nil || body.Owner.ID == nil {
		return bucketACL{}, errMalformedACL()
	}
	if *body.Owner.ID != CanonicalUserID(account) {
		return bucketACL{}, errAccessDenied()
	}
	var gs []aclGrant
	for _, g := range body.Grants {
		if g.Grantee == nil {
			return bucketACL{}, errMalformedACL()
		}
		var parsed aclGrant
		var err error
		switch deref(g.Grantee.Type) {
		case granteeCanonical:
			parsed, err = grantee("id", deref(g.Grantee.ID))
		case granteeGroup:
			parsed, err = grantee("uri", deref(g.Grantee.URI))
		case granteeEmail:
			parsed, err = grantee("emailaddress", deref(g.Grantee.EmailAddress))
		default:
			return bucketACL{}, errMalformedACL()
		}
		if err != nil {
			return bucketACL{}, err
		}
		switch perm := deref(g.Permission); perm {
		case permFullControl, "READ", "READ_ACP", "WRITE", "WRITE_ACP":
			parsed.Permission = perm
		default:
			return bucketACL{}, errMalformedACL()
		}
		gs = append(gs, parsed)
	}
	return bucketACL{Grants: gs}, nil
}

func (p *Provider) getBucketAcl(ctx context.Context, in *s3api.GetBucketAclRequest) (*s3api.GetBucketAclOutput, error) {
	var acl bucketACL
	if _, err := p.getConfig(ctx, deref(in.Bucket), cfgACL, &acl); err != nil {
		return nil, err
	}
	account := scope.From(ctx).Account
	return &s3api.GetBucketAclOutput{Owner: ownerOf(account), Grants: wireGrants(acl.grants(CanonicalUserID(account)))}, nil
}

func (p *Provider) putBucketAcl(ctx context.Context, in *s3api.PutBucketAclRequest) (*protocol.Empty, error) {
	account, bucket, canned := scope.From(ctx).Account, deref(in.Bucket), deref(in.ACL)
	switch canned {
	case "", aclPrivate, aclPublicRead, aclPublicReadWrite, aclAuthenticatedRead:
	default:
		return nil, errInvalidArgument("Invalid canned ACL: " + canned)
	}
	acl, err := requestedACL(account, canned,
		aclGrantHeaders{in.GrantFullControl, in.GrantRead, in.GrantReadACP, in.GrantWrite, in.GrantWriteACP},
		in.AccessControlPolicy)
	if err != nil {
		return nil, err
	}
	owner := CanonicalUserID(account)
	err = p.store.Update(ctx, func(tx storage.Txn) error {
		if _, err := bucketOf(ctx, tx, account, bucket); err != nil {
			return err
		}
		if err := checkACLAllowed(ctx, tx, bucket, acl, owner); err != nil {
			return err
		}
		if acl.ownerOnly(owner) {
			return tx.Delete(configKey(bucket, cfgACL))
		}
		return putRecord(tx, configKey(bucket, cfgACL), acl)
	})
	if err != nil {
		return nil, awserr.From(err)
	}
	return &protocol.Empty{}, nil
}

// checkACLAllowed refuses an ACL the bucket's settings forbid: anything but
// the owner's full control when ACLs are disabled (BucketOwnerEnforced), a
// public ACL when BlockPublicAcls is on.
func checkACLAllowed(ctx context.Context, r storage.Reader, bucket string, acl bucketACL, owner string) error {
	var own ownership
	if _, err := readConfig(ctx, r, bucket, cfgOwnership, &own); err != nil {
		return err
	}
	if own.ObjectOwnership == ownerEnforced && !acl.ownerOnly(owner) {
		return awserr.New("AccessControlListNotSupported", http.StatusBadRequest, "The bucket does not allow ACLs")
	}
	var pab s3api.PublicAccessBlockConfiguration
	if _, err := readConfig(ctx, r, bucket, cfgPublic, &pab); err != nil {
		return err
	}
	if val(pab.BlockPublicAcls) && acl.public(owner) {
		return errAccessDenied()
	}
	return nil
}

func (p *Provider) getObjectAcl(ctx context.Context, in *s3api.GetObjectAclRequest) (*s3api.GetObjectAclOutput, error) {
	_, obj, err := p.lookup(ctx, deref(in.Bucket), deref(in.Key), in.VersionId)
	if err != nil {
		return nil, err
	}
	account := scope.From(ctx).Account
	acl := bucketACL{Canned: obj.ACL}
	return &s3api.GetObjectAclOutput{Owner: ownerOf(account), Grants: wireGrants(acl.grants(CanonicalUserID(account)))}, nil
}

// putObjectAcl sets an object's canned ACL. Explicit grants (headers or an
// AccessControlPolicy body) on objects are not served yet.
func (p *Provider) putObjectAcl(ctx context.Context, in *s3api.PutObjectAclRequest) (*s3api.PutObjectAclOutput, error) {
	account, bucket, key, canned := scope.From(ctx).Account, deref(in.Bucket), deref(in.Key), deref(in.ACL)
	headers := aclGrantHeaders{in.GrantFullControl, in.GrantRead, in.GrantReadACP, in.GrantWrite, in.GrantWriteACP}
	switch canned {
	case aclPrivate, aclPublicRead, aclPublicReadWrite, aclAuthenticatedRead, aclAWSExecRead, aclBucketOwnerRead, aclBucketOwnerFull:
	case "":
		if _, err := requestedACL(account, canned, headers, in.AccessControlPolicy); err != nil {
			return nil, err
		}
		return nil, awserr.New("NotImplemented", http.StatusNotImplemented,
			"Object ACLs with explicit grants are not implemented by unkai yet; use a canned ACL (x-amz-acl).")
	default:
		return nil, errInvalidArgument("Invalid canned ACL: " + canned)
	}
	if _, err := requestedACL(account, canned, headers, in.AccessControlPolicy); err != nil {
		return nil, err
	}
	acl := bucketACL{Canned: canned}
	owner := CanonicalUserID(account)
	if _, err := bucketOf(ctx, p.store, account, bucket); err != nil {
		return nil, err
	}
	if err := checkACLAllowed(ctx, p.store, bucket, acl, owner); err != nil {
		return nil, err
	}
	_, _, err := p.updateVersion(ctx, bucket, key, in.VersionId, func(obj *Object) error {
		obj.ACL = canned
		if acl.ownerOnly(owner) {
			obj.ACL = ""
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &s3api.PutObjectAclOutput{}, nil
}

func errMalformedACL() *awserr.Error {
	return awserr.New("MalformedACLError", http.StatusBadRequest,
		"The XML you provided was not well-formed or did not validate against our published schema")
}

// createBucketAccess reads CreateBucket's x-amz-object-ownership (default
// BucketOwnerEnforced) and x-amz-acl: a bucket with ACLs disabled takes
// only the private ACL, as S3 answers.
func createBucketAccess(in *s3api.CreateBucketRequest) (ownership, string, error) {
	own := ownership{ObjectOwnership: ownerEnforced}
	if in.ObjectOwnership != nil {
		if !validOwnership(*in.ObjectOwnership) {
			return own, "", errInvalidArgument("Invalid x-amz-object-ownership header: " + *in.ObjectOwnership)
		}
		own.ObjectOwnership = *in.ObjectOwnership
	}
	acl := deref(in.ACL)
	switch acl {
	case "", aclPrivate, aclPublicRead, aclPublicReadWrite, aclAuthenticatedRead:
	default:
		return own, "", errInvalidArgument("Invalid canned ACL: " + acl)
	}
	grants := in.GrantFullControl != nil || in.GrantRead != nil || in.GrantReadACP != nil || in.GrantWrite != nil || in.GrantWriteACP != nil
	if own.ObjectOwnership == ownerEnforced && ((acl != "" && acl != aclPrivate) || grants) {
		return own, "", errACLWithEnforcedOwnership()
	}
	return own, acl, nil
}

// cannedObjectACL checks the canned ACL a write (x-amz-acl) gives an
// object and returns what the object record keeps: "" for owner-only.
func cannedObjectACL(ctx context.Context, r storage.Reader, account, bucket string, canned *string) (string, error) {
	if canned == nil {
		return "", nil
	}
	switch *canned {
	case aclPrivate, aclPublicRead, aclPublicReadWrite, aclAuthenticatedRead, aclAWSExecRead, aclBucketOwnerRead, aclBucketOwnerFull:
	default:
		return "", errInvalidArgument("Invalid canned ACL: " + *canned)
	}
	acl, owner := bucketACL{Canned: *canned}, CanonicalUserID(account)
	if err := checkACLAllowed(ctx, r, bucket, acl, owner); err != nil {
		return "", err
	}
	if acl.ownerOnly(owner) {
		return "", nil
	}
	return *canned, nil
}
