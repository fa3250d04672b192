package s3

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Authorize implements service.Authorizer: the gateway calls it in strict
// auth mode, before every S3 handler. It applies AWS's rules for a request
// to a bucket:
//
//   - a statement of the bucket policy that explicitly denies the request
//     refuses it, whoever sent it, except that the bucket owner's root
//     user may always get, put and delete the bucket policy;
//   - the bucket owner's account needs no grant (its principals are root
//     users, which hold every permission their account has);
//   - another account, or an anonymous request, needs an Allow from the
//     policy, or a grant of the bucket's or object's ACL (unless ACLs are
//     disabled by BucketOwnerEnforced, and for grants to everyone or to
//     every AWS user, unless the public access block says
//     IgnorePublicAcls). RestrictPublicBuckets voids a public policy's
//     grants to anyone outside the owner's account;
//   - a GET or HEAD of a missing object by someone not allowed to list the
//     bucket is refused rather than told the key is absent.
//
// A request allowed to act on another account's bucket runs in that
// account's scope, since handlers find buckets by the scope's account.
// Requests for a bucket no one owns go on to the handler, which answers
// NoSuchBucket, as S3 answers anonymous requests too. Anonymous requests
// may not list or create buckets. A browser-form upload (PostObject) names
// its signer in the form, so its decision is taken by the handler once it
// has read the form (authorizePost).
//
// A DeleteObjects request is authorized key by key: the keys the sender
// may not delete are reported as AccessDenied errors in the response, as
// S3 does (deleteDenied).
//
// Cross-account CopyObject and UploadPartCopy are authorized as AWS does,
// but the handler reads the source in the target bucket owner's account:
// a source in a bucket of a third account is refused by the handler.
func (p *Provider) Authorize(ctx context.Context, req service.AuthRequest) (context.Context, error) {
	sc := scope.From(ctx)
	switch req.Operation {
	case "ListBuckets", "ListDirectoryBuckets", "CreateBucket", "CreateSession", "WriteGetObjectResponse":
		if sc.Anonymous {
			return nil, errAccessDenied()
		}
		return ctx, nil
	case "PostObject":
		return context.WithValue(ctx, pendingPostKey{}, req), nil
	}
	a := p.newAuthz(ctx, sc, req)
	if in, ok := req.Input.(*s3api.DeleteObjectsRequest); ok {
		return a.authorizeDeletes(ctx, in)
	}
	checks := requestChecks(req.Operation, req.Input)
	for _, c := range checks {
		if err := a.check(c); err != nil {
			return nil, err
		}
	}
	ctx, err := a.checkBypass(ctx, bypassChecks(req.Input))
	if err != nil {
		return nil, err
	}
	return a.actAsOwner(ctx, checks[0].bucket)
}

// authz is one request's authorization: who sends it, what it carries, and
// the bucket and object records read for it.
type authz struct {
	p       *Provider
	ctx     context.Context
	sc      scope.Scope
	who     principal
	req     service.AuthRequest
	now     time.Time
	buckets map[string]*bucketAccess
	objects map[string]*Object
}

func (p *Provider) newAuthz(ctx context.Context, sc scope.Scope, req service.AuthRequest) *authz {
	return &authz{
		p: p, ctx: ctx, sc: sc, req: req, now: p.clock.Now(),
		who: principal{Anonymous: sc.Anonymous, Account: sc.Account},
	}
}

// bucketAccess is what decides access to a bucket.
type bucketAccess struct {
	// owner is the owning account; "" when no one owns the name.
	owner string
	// policy is the bucket policy, nil when none.
	policy *compiledPolicy
	// The rest is read only for principals outside the owner's account.
	pab          s3api.PublicAccessBlockConfiguration
	acl          bucketACL
	aclsDisabled bool
}

// isOwner reports whether the request's principal belongs to the
// bucket's account.
func (a *authz) isOwner(ba *bucketAccess) bool {
	return !a.who.Anonymous && a.who.Account == ba.owner
}

// bucket reads (once per request) what decides access to a bucket: its
// owner and policy, and for outside principals its public access block,
// ACL and ownership controls.
func (a *authz) bucket(name string) (*bucketAccess, error) {
	if ba, ok := a.buckets[name]; ok {
		return ba, nil
	}
	ba := &bucketAccess{}
	var text string
	err := a.p.store.View(a.ctx, func(tx storage.Txn) error {
		owner, err := tx.Get(a.ctx, NameKey(name))
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("s3: read bucket owner: %w", err)
		}
		ba.owner = string(owner)
		if _, err := readConfig(a.ctx, tx, name, cfgPolicy, &text); err != nil {
			return err
		}
		if a.isOwner(ba) {
			return nil
		}
		if _, err := readConfig(a.ctx, tx, name, cfgPublic, &ba.pab); err != nil {
			return err
		}
		if _, err := readConfig(a.ctx, tx, name, cfgACL, &ba.acl); err != nil {
			return err
		}
		var own ownership
		if _, err := readConfig(a.ctx, tx, name, cfgOwnership, &own); err != nil {
			return err
		}
		ba.aclsDisabled = own.ObjectOwnership == ownerEnforced
		return nil
	})
	if err != nil {
		return nil, awserr.Internal(err)
	}
	if text != "" {
		if ba.policy, err = a.p.policies.get(name, text); err != nil {
			return nil, awserr.Internal(err)
		}
	}
	if a.buckets == nil {
		a.buckets = map[string]*bucketAccess{}
	}
	a.buckets[name] = ba
	return ba, nil
}

// object reads (once per request) the object or version a check names;
// nil when it does not exist.
func (a *authz) object(c authCheck) (*Object, error) {
	id := c.bucket + "\x00" + c.key + "\x00" + deref(c.versionID)
	if o, ok := a.objects[id]; ok {
		return o, nil
	}
	var obj *Object
	err := a.p.store.View(a.ctx, func(tx storage.Txn) error {
		o, err := resolve(a.ctx, tx, c.bucket, c.key, c.versionID)
		var ae *awserr.Error
		if errors.As(err, &ae) && ae.Status < 500 {
			return nil // absent, a delete marker, a bad version id
		}
		obj = o
		return err
	})
	if err != nil {
		return nil, awserr.Internal(err)
	}
	if a.objects == nil {
		a.objects = map[string]*Object{}
	}
	a.objects[id] = obj
	return obj, nil
}

// check refuses c when the principal may not do it.
func (a *authz) check(c authCheck) error {
	ba, err := a.bucket(c.bucket)
	if err != nil || ba.owner == "" {
		return err
	}
	d, err := a.decide(ba, c)
	if err != nil {
		return err
	}
	if d != allowed {
		return errAccessDenied()
	}
	if !a.isOwner(ba) && policyAction(c.action) {
		// Only the owner's account may manage a bucket's policy.
		return awserr.New("MethodNotAllowed", http.StatusMethodNotAllowed,
			"The specified method is not allowed against this resource.")
	}
	if !a.isOwner(ba) && c.object && (c.action == "s3:GetObject" || c.action == "s3:GetObjectVersion") {
		// Someone who may not list the bucket does not learn whether
		// a key exists.
		obj, err := a.object(c)
		if err != nil {
			return err
		}
		if obj == nil {
			lc := authCheck{action: "s3:ListBucket", bucket: c.bucket}
			d, err := a.decide(ba, lc)
			if err != nil {
				return err
			}
			if d != allowed {
				return errAccessDenied()
			}
		}
	}
	return nil
}

// decide applies the rules of Authorize to one check.
func (a *authz) decide(ba *bucketAccess, c authCheck) (decision, error) {
	owner := a.isOwner(ba)
	if owner && policyAction(c.action) {
		return allowed, nil
	}
	d := implicitDeny
	if ba.policy != nil {
		d = ba.policy.evaluate(&evalRequest{Principal: a.who, Action: c.action, Resource: c.resource(), Key: a.keys(ba, c)})
	}
	switch {
	case d == explicitDeny:
		return explicitDeny, nil
	case owner:
		return allowed, nil
	case d == allowed && !(val(ba.pab.RestrictPublicBuckets) && ba.policy.public):
		return allowed, nil
	}
	ok, err := a.aclAllows(ba, c)
	if err != nil || !ok {
		return implicitDeny, err
	}
	return allowed, nil
}

// aclAllows reports whether the bucket's or object's ACL grants c to the
// principal. A bucket's READ lets its grantees list it, WRITE lets them
// create and delete objects; an object's READ lets them read it; READ_ACP
// and WRITE_ACP cover the ACL itself; FULL_CONTROL covers everything.
func (a *authz) aclAllows(ba *bucketAccess, c authCheck) (bool, error) {
	if ba.aclsDisabled {
		return false, nil
	}
	perm, onObject := aclPermission(c.action)
	if perm == "" {
		return false, nil
	}
	ownerID := CanonicalUserID(ba.owner)
	grants := ba.acl.grants(ownerID)
	if onObject {
		obj, err := a.object(c)
		if err != nil || obj == nil {
			return false, err
		}
		grants = bucketACL{Canned: obj.ACL}.grants(ownerID)
	}
	ignorePublic := val(ba.pab.IgnorePublicAcls)
	for _, g := range grants {
		if g.Permission != perm && g.Permission != permFullControl {
			continue
		}
		switch {
		case g.Type == granteeGroup && g.URI == allUsersURI:
			if !ignorePublic {
				return true, nil
			}
		case g.Type == granteeGroup && g.URI == authUsersURI:
			if !ignorePublic && !a.who.Anonymous {
				return true, nil
			}
		case g.Type == granteeCanonical:
			if !a.who.Anonymous && g.ID == CanonicalUserID(a.who.Account) {
				return true, nil
			}
		}
	}
	return false, nil
}

// aclPermission is the ACL permission an action needs, and whether the
// object's ACL (rather than the bucket's) grants it; "" when ACLs cannot
// grant the action.
func aclPermission(action string) (string, bool) {
	switch action {
	case "s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads":
		return "READ", false
	case "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion":
		return "WRITE", false
	case "s3:GetBucketAcl":
		return "READ_ACP", false
	case "s3:PutBucketAcl":
		return "WRITE_ACP", false
	case "s3:GetObject", "s3:GetObjectVersion":
		return "READ", true
	case "s3:GetObjectAcl", "s3:GetObjectVersionAcl":
		return "READ_ACP", true
	case "s3:PutObjectAcl", "s3:PutObjectVersionAcl":
		return "WRITE_ACP", true
	}
	return "", false
}

// actAsOwner returns the context the handler runs with: the principal's
// own scope for its account's buckets (and buckets no one owns), the
// owner's account for another's.
func (a *authz) actAsOwner(ctx context.Context, bucket string) (context.Context, error) {
	ba, err := a.bucket(bucket)
	if err != nil {
		return nil, err
	}
	if ba.owner == "" || a.isOwner(ba) {
		return ctx, nil
	}
	sc := a.sc
	sc.Account = ba.owner
	return scope.With(ctx, sc), nil
}

// authorizeDeletes authorizes DeleteObjects key by key and records the
// keys refused for the handler.
func (a *authz) authorizeDeletes(ctx context.Context, in *s3api.DeleteObjectsRequest) (context.Context, error) {
	ctx, err := a.checkBypass(ctx, bypassChecks(in))
	if err != nil {
		return nil, err
	}
	ctx, err = a.recordRefusals(ctx, deniedDeletesKey{}, deleteChecks(in), func(c authCheck) string { return deleteID(c.key, c.versionID) })
	if err != nil {
		return nil, err
	}
	return a.actAsOwner(ctx, deref(in.Bucket))
}

type deniedDeletesKey struct{}

func deleteID(key string, version *string) string {
	if version == nil {
		return key
	}
	return key + "\x00" + *version
}

// deleteDenied reports whether Authorize refused the deletion of key (or
// its version) in a DeleteObjects request.
func deleteDenied(ctx context.Context, key string, version *string) bool {
	denied, _ := ctx.Value(deniedDeletesKey{}).(map[string]bool)
	return denied[deleteID(key, version)]
}

// pendingPostKey holds a browser-form upload's request, whose decision
// waits for the form's signer (authorizePost).
type pendingPostKey struct{}

// authorizePost decides a browser-form upload once the form is read: sc
// is the form's signer (anonymous for an unsigned form), fields its
// fields. It returns the scope the upload runs in. Without a pending
// request (open mode) the form is not authorized further.
func (p *Provider) authorizePost(ctx context.Context, sc scope.Scope, bucket, key string, fields map[string]string) (scope.Scope, error) {
	req, ok := ctx.Value(pendingPostKey{}).(service.AuthRequest)
	if !ok {
		return sc, nil
	}
	// The form's fields stand for the headers a PUT would carry.
	h := http.Header{}
	for _, name := range []string{"User-Agent", "Referer"} {
		if v := req.Header.Get(name); v != "" {
			h.Set(name, v)
		}
	}
	for name, v := range fields {
		if strings.HasPrefix(name, "x-amz-") && !strings.HasPrefix(name, "x-amz-meta-") {
			h.Set(name, v)
		}
	}
	if v, ok := fields["acl"]; ok {
		h.Set("X-Amz-Acl", v)
	}
	req.Header = h
	a := p.newAuthz(ctx, sc, req)
	if err := a.check(authCheck{action: "s3:PutObject", bucket: bucket, key: key, object: true}); err != nil {
		return sc, err
	}
	ba, err := a.bucket(bucket)
	if err != nil {
		return sc, err
	}
	if ba.owner != "" && !a.isOwner(ba) {
		sc.Account = ba.owner
	}
	return sc, nil
}

// keys returns the condition keys of check c.
func (a *authz) keys(ba *bucketAccess, c authCheck) func(string) ([]string, bool) {
	return func(name string) ([]string, bool) {
		one := func(v string) ([]string, bool) { return []string{v}, true }
		in := a.req.Input
		switch name {
		case "aws:sourceip":
			if a.req.SourceIP.IsValid() {
				return one(a.req.SourceIP.String())
			}
		case "aws:securetransport":
			return one(strconv.FormatBool(a.req.Secure))
		case "aws:currenttime":
			return one(a.now.UTC().Format(time.RFC3339))
		case "aws:epochtime":
			return one(strconv.FormatInt(a.now.Unix(), 10))
		case "aws:useragent":
			return a.header("User-Agent")
		case "aws:referer":
			return a.header("Referer")
		case "aws:requestedregion":
			return one(a.sc.Region)
		case "aws:principaltype":
			if a.who.Anonymous {
				return one("Anonymous")
			}
			return one("Account")
		case "aws:userid":
			if a.who.Anonymous {
				return one("anonymous")
			}
			return one(a.who.Account)
		case "aws:principalaccount":
			if !a.who.Anonymous {
				return one(a.who.Account)
			}
		case "aws:principalarn":
			if !a.who.Anonymous {
				return one(a.who.arn())
			}
		case "s3:resourceaccount":
			return one(ba.owner)
		case "s3:versionid":
			if c.versionID != nil {
				return one(*c.versionID)
			}
		case "s3:prefix", "s3:delimiter":
			if !c.object {
				if v := inputString(in, strings.ToUpper(name[3:4])+name[4:]); v != nil {
					return one(*v)
				}
			}
		case "s3:max-keys":
			if n := inputInt(in, "MaxKeys"); n != nil && !c.object {
				return one(strconv.FormatInt(*n, 10))
			}
		case "s3:authtype":
			return a.authType()
		case "s3:signatureversion":
			if _, signed := a.authType(); !signed {
				return nil, false
			}
			if strings.HasPrefix(a.req.Header.Get("Authorization"), "AWS ") {
				return one("AWS")
			}
			return one("AWS4-HMAC-SHA256")
		case "s3:requestobjecttagkeys":
			tags, ok := a.requestTags()
			if !ok {
				return nil, false
			}
			keys := make([]string, 0, len(tags))
			for _, t := range tags {
				keys = append(keys, t.Key)
			}
			return keys, true
		case "s3:object-lock-mode", "s3:object-lock-retain-until-date", "s3:object-lock-legal-hold":
			return a.header("X-Amz-" + name[3:])
		}
		switch {
		case strings.HasPrefix(name, "s3:x-amz-"):
			return a.header(name[3:])
		case strings.HasPrefix(name, "s3:requestobjecttag/"):
			tags, _ := a.requestTags()
			return tagValue(tags, name[len("s3:requestobjecttag/"):])
		case strings.HasPrefix(name, "s3:existingobjecttag/") && c.object:
			obj, err := a.object(c)
			if err != nil || obj == nil {
				return nil, false
			}
			return tagValue(obj.Tags, name[len("s3:existingobjecttag/"):])
		}
		return nil, false
	}
}

func (a *authz) header(name string) ([]string, bool) {
	if v := a.req.Header.Get(name); v != "" {
		return []string{v}, true
	}
	return nil, false
}

// authType is s3:authType: how the request was signed; absent when it was
// not.
func (a *authz) authType() ([]string, bool) {
	switch {
	case a.who.Anonymous:
		return nil, false
	case a.req.Operation == "PostObject":
		return []string{"POST"}, true
	case a.req.Header.Get("Authorization") != "":
		return []string{"REST-HEADER"}, true
	}
	return []string{"REST-QUERY-STRING"}, true
}

// requestTags are the tags the request sets: x-amz-tagging on a write,
// or PutObjectTagging's tag set.
func (a *authz) requestTags() ([]ObjectTag, bool) {
	if in, ok := a.req.Input.(*s3api.PutObjectTaggingRequest); ok {
		if in.Tagging == nil {
			return nil, false
		}
		tags := make([]ObjectTag, 0, len(in.Tagging.TagSet))
		for _, t := range in.Tagging.TagSet {
			tags = append(tags, ObjectTag{Key: deref(t.Key), Value: deref(t.Value)})
		}
		return tags, true
	}
	h := inputString(a.req.Input, "Tagging")
	if h == nil {
		if v := a.req.Header.Get("X-Amz-Tagging"); v != "" {
			h = &v
		} else {
			return nil, false
		}
	}
	tags, err := parseTaggingHeader(*h)
	return tags, err == nil
}

func tagValue(tags []ObjectTag, key string) ([]string, bool) {
	for _, t := range tags {
		if t.Key == key {
			return []string{t.Value}, true
		}
	}
	return nil, false
}

// maxCachedPolicies bounds the parsed-policy cache; when full it starts
// over.
const maxCachedPolicies = 1024

// policyCache keeps compiled bucket policies by bucket and text, so a
// request parses its bucket's policy only when it changed.
type policyCache struct {
	mu sync.Mutex
	m  map[string]*compiledPolicy
}

// get returns the compiled policy text of bucket.
func (c *policyCache) get(bucket, text string) (*compiledPolicy, error) {
	id := bucket + "\x00" + text
	c.mu.Lock()
	cp, ok := c.m[id]
	c.mu.Unlock()
	if ok {
		return cp, nil
	}
	doc, err := parsePolicy(bucket, text)
	if err != nil {
		return nil, fmt.Errorf("s3: stored policy of %s: %w", bucket, err)
	}
	cp = compilePolicy(doc)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedPolicies {
		c.m = map[string]*compiledPolicy{}
	}
	c.m[id] = cp
	c.mu.Unlock()
	return cp, nil
}

var _ service.Authorizer = (*Provider)(nil)

// checkBypass decides the s3:BypassGovernanceRetention checks of a
// request. A refused one does not refuse the request: the keys it names
// are recorded so that the handler does not bypass GOVERNANCE retention
// for them (bypassGovernance), and a delete or retention change that
// needed the bypass is then refused as Object Lock refuses it.
func (a *authz) checkBypass(ctx context.Context, checks []authCheck) (context.Context, error) {
	return a.recordRefusals(ctx, bypassDeniedKey{}, checks, func(c authCheck) string { return c.key })
}

// recordRefusals decides checks one by one without refusing the request:
// the ids (id(check)) of those refused are stored in ctx under ctxKey as a
// map[string]bool for the handler. Only a failure of the evaluator itself
// is returned.
func (a *authz) recordRefusals(ctx context.Context, ctxKey any, checks []authCheck, id func(authCheck) string) (context.Context, error) {
	var denied map[string]bool
	for _, c := range checks {
		err := a.check(c)
		if err == nil {
			continue
		}
		if ae := awserr.From(err); ae.Status >= 500 {
			return nil, ae
		}
		if denied == nil {
			denied = map[string]bool{}
		}
		denied[id(c)] = true
	}
	if denied != nil {
		ctx = context.WithValue(ctx, ctxKey, denied)
	}
	return ctx, nil
}
