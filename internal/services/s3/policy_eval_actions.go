package s3

import (
	"reflect"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
)

// authCheck is one permission a request needs: an action on a bucket, or
// on one of its objects (or object versions).
type authCheck struct {
	action    string
	bucket    string
	key       string // "" for the bucket itself
	versionID *string
	// object is true when the resource is an object (key may still be
	// empty for a malformed request, which the handler refuses).
	object bool
}

// resource is the ARN the check acts on.
func (c authCheck) resource() string {
	if c.object {
		return "arn:aws:s3:::" + c.bucket + "/" + c.key
	}
	return "arn:aws:s3:::" + c.bucket
}

// requestChecks lists the permissions an operation needs, from the
// Service Authorization Reference's mapping of S3 operations to actions.
// Operations on objects act on the object's ARN, the others on the
// bucket's; CopyObject and UploadPartCopy also read their source; each
// key of DeleteObjects is a check of its own (see deleteChecks).
func requestChecks(op string, in any) []authCheck {
	bucket := deref(inputString(in, "Bucket"))
	key := inputString(in, "Key")
	version := inputString(in, "VersionId")
	c := authCheck{action: s3Action(op, version != nil), bucket: bucket, versionID: version}
	if key != nil {
		c.key, c.object = *key, true
	}
	checks := []authCheck{c}
	if src := inputString(in, "CopySource"); src != nil && (op == "CopyObject" || op == "UploadPartCopy") {
		if cs, err := parseCopySource(*src); err == nil {
			checks = append(checks, authCheck{action: s3Action("GetObject", cs.versionID != nil),
				bucket: cs.bucket, key: cs.key, versionID: cs.versionID, object: true})
		}
	}
	return checks
}

// deleteChecks lists DeleteObjects' checks, one per key.
func deleteChecks(in *s3api.DeleteObjectsRequest) []authCheck {
	if in.Delete == nil {
		return nil
	}
	out := make([]authCheck, 0, len(in.Delete.Objects))
	for _, o := range in.Delete.Objects {
		out = append(out, authCheck{action: s3Action("DeleteObject", o.VersionId != nil),
			bucket: deref(in.Bucket), key: deref(o.Key), versionID: o.VersionId, object: true})
	}
	return out
}

// s3Action names the action an operation needs; version is true when the
// request names an object version, which some operations authorize under
// an action of their own.
func s3Action(op string, version bool) string {
	v := func(plain, versioned string) string {
		if version {
			return "s3:" + versioned
		}
		return "s3:" + plain
	}
	switch op {
	case "GetObject", "HeadObject", "SelectObjectContent":
		return v("GetObject", "GetObjectVersion")
	case "GetObjectAcl":
		return v("GetObjectAcl", "GetObjectVersionAcl")
	case "PutObjectAcl":
		return v("PutObjectAcl", "PutObjectVersionAcl")
	case "GetObjectAttributes":
		return v("GetObjectAttributes", "GetObjectVersionAttributes")
	case "GetObjectTagging":
		return v("GetObjectTagging", "GetObjectVersionTagging")
	case "PutObjectTagging":
		return v("PutObjectTagging", "PutObjectVersionTagging")
	case "DeleteObjectTagging":
		return v("DeleteObjectTagging", "DeleteObjectVersionTagging")
	case "GetObjectTorrent":
		return v("GetObjectTorrent", "GetObjectVersionTorrent")
	case "DeleteObject":
		return v("DeleteObject", "DeleteObjectVersion")
	case "PutObject", "PostObject", "CopyObject", "CreateMultipartUpload", "UploadPart", "UploadPartCopy", "CompleteMultipartUpload":
		return "s3:PutObject"
	case "ListObjects", "ListObjectsV2", "HeadBucket":
		return "s3:ListBucket"
	case "ListObjectVersions":
		return "s3:ListBucketVersions"
	case "ListMultipartUploads":
		return "s3:ListBucketMultipartUploads"
	case "ListParts":
		return "s3:ListMultipartUploadParts"
	case "ListBuckets":
		return "s3:ListAllMyBuckets"
	case "GetBucketCors":
		return "s3:GetBucketCORS"
	case "PutBucketCors", "DeleteBucketCors":
		return "s3:PutBucketCORS"
	case "DeleteBucketTagging":
		return "s3:PutBucketTagging"
	case "DeleteBucketOwnershipControls":
		return "s3:PutBucketOwnershipControls"
	case "GetPublicAccessBlock":
		return "s3:GetBucketPublicAccessBlock"
	case "PutPublicAccessBlock", "DeletePublicAccessBlock":
		return "s3:PutBucketPublicAccessBlock"
	case "GetBucketEncryption":
		return "s3:GetEncryptionConfiguration"
	case "PutBucketEncryption", "DeleteBucketEncryption":
		return "s3:PutEncryptionConfiguration"
	case "GetBucketLifecycle", "GetBucketLifecycleConfiguration":
		return "s3:GetLifecycleConfiguration"
	case "PutBucketLifecycle", "PutBucketLifecycleConfiguration", "DeleteBucketLifecycle":
		return "s3:PutLifecycleConfiguration"
	case "GetBucketNotification", "GetBucketNotificationConfiguration":
		return "s3:GetBucketNotification"
	case "PutBucketNotification", "PutBucketNotificationConfiguration":
		return "s3:PutBucketNotification"
	case "GetBucketReplication":
		return "s3:GetReplicationConfiguration"
	case "PutBucketReplication", "DeleteBucketReplication":
		return "s3:PutReplicationConfiguration"
	case "GetBucketAccelerateConfiguration":
		return "s3:GetAccelerateConfiguration"
	case "PutBucketAccelerateConfiguration":
		return "s3:PutAccelerateConfiguration"
	case "GetObjectLockConfiguration":
		return "s3:GetBucketObjectLockConfiguration"
	case "PutObjectLockConfiguration":
		return "s3:PutBucketObjectLockConfiguration"
	case "CreateSession":
		return "s3express:CreateSession"
	case "ListDirectoryBuckets":
		return "s3express:ListAllMyDirectoryBuckets"
	case "WriteGetObjectResponse":
		return "s3-object-lambda:WriteGetObjectResponse"
	}
	// The analytics, inventory, metrics and intelligent-tiering
	// configurations: Get and List need Get<Kind>Configuration, Put and
	// Delete need Put<Kind>Configuration.
	for _, kind := range []string{"Analytics", "Inventory", "Metrics", "IntelligentTiering"} {
		if strings.Contains(op, kind) {
			if strings.HasPrefix(op, "Get") || strings.HasPrefix(op, "List") {
				return "s3:Get" + kind + "Configuration"
			}
			return "s3:Put" + kind + "Configuration"
		}
	}
	// Every other operation's action has its name: CreateBucket,
	// DeleteBucket, GetBucketPolicy, PutBucketVersioning, RestoreObject,
	// PutObjectRetention...
	return "s3:" + op
}

// policyActions are the actions the bucket owner's root user may always
// take, whatever the policy says, so a policy cannot lock it out.
func policyAction(action string) bool {
	switch action {
	case "s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy":
		return true
	}
	return false
}

// inputString reads the *string member named field of a generated input
// struct (through its pointer); nil when it has none or it is unset.
func inputString(in any, field string) *string {
	v := reflect.ValueOf(in)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	f := v.FieldByName(field)
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.IsNil() {
		return nil
	}
	s, _ := f.Interface().(*string)
	return s
}

// inputInt reads the *int64 member named field, like inputString.
func inputInt(in any, field string) *int64 {
	v := reflect.ValueOf(in)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	f := v.Elem().FieldByName(field)
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.IsNil() {
		return nil
	}
	n, _ := f.Interface().(*int64)
	return n
}

// bypassChecks lists the s3:BypassGovernanceRetention checks a request
// needs: one per object key when it sends x-amz-bypass-governance-retention:
// true (DeleteObject, DeleteObjects, PutObjectRetention).
func bypassChecks(in any) []authCheck {
	var bucket string
	var keys []string
	switch in := in.(type) {
	case *s3api.DeleteObjectRequest:
		if val(in.BypassGovernanceRetention) {
			bucket, keys = deref(in.Bucket), []string{deref(in.Key)}
		}
	case *s3api.PutObjectRetentionRequest:
		if val(in.BypassGovernanceRetention) {
			bucket, keys = deref(in.Bucket), []string{deref(in.Key)}
		}
	case *s3api.DeleteObjectsRequest:
		if val(in.BypassGovernanceRetention) && in.Delete != nil {
			bucket = deref(in.Bucket)
			for _, o := range in.Delete.Objects {
				keys = append(keys, deref(o.Key))
			}
		}
	}
	checks := make([]authCheck, 0, len(keys))
	for _, k := range keys {
		checks = append(checks, authCheck{action: "s3:BypassGovernanceRetention", bucket: bucket, key: k, object: true})
	}
	return checks
}
