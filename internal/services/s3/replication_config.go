package s3

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// A bucket's replication configuration is a configuration record of its
// own (kind cfgReplication), stored as validated, with S3's generated rule
// ids filled in, so GetBucketReplication answers what was put.
//
// The Role is checked for the form of an IAM role ARN and stored: unkai has
// no IAM, so replication never assumes it and the role's permissions are
// not checked. ReplicationTime, Metrics, AccessControlTranslation,
// EncryptionConfiguration and SourceSelectionCriteria are stored and
// answered back; replication completes in about a second, well inside the
// 15 minutes of S3 RTC, and every object here is SSE-S3, so the criteria
// for SSE-KMS objects select nothing more. Replica modification sync
// (ReplicaModifications) is stored but not performed.

// cfgReplication is the kind of the replication configuration record.
const cfgReplication = "replication"

// maxReplicationRules is the most rules one configuration may hold.
const maxReplicationRules = 1000

// replicationSchemaHelp ends S3's messages about the two schema versions.
const replicationSchemaHelp = " for this version of Cross Region Replication configuration schema. Please refer to S3 Developer Guide for more information."

// roleARN is the form of an IAM role ARN in any partition.
var roleARN = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$`)

// bucketARN is the form of a destination bucket's ARN in any partition.
var bucketARN = regexp.MustCompile(`^arn:aws(-[a-z]+)*:s3:::([^/:]+)$`)

func errNoReplication() *awserr.Error {
	return awserr.New("ReplicationConfigurationNotFoundError", http.StatusNotFound,
		"The replication configuration was not found")
}

// errReplicationVersioning is S3's refusal to change the versioning state
// of a bucket with a replication configuration.
func errReplicationVersioning() *awserr.Error {
	return awserr.New("InvalidBucketState", http.StatusConflict,
		"A replication configuration is present on this bucket, so you cannot change the versioning state. To change the versioning state, first delete the replication configuration.")
}

// destinationName is the bucket a destination ARN names, "" when the ARN is
// not a bucket's.
func destinationName(arn string) string {
	m := bucketARN.FindStringSubmatch(arn)
	if m == nil {
		return ""
	}
	return m[2]
}

func (p *Provider) putBucketReplication(ctx context.Context, in *s3api.PutBucketReplicationRequest) (*protocol.Empty, error) {
	account, bucket := scope.From(ctx).Account, deref(in.Bucket)
	cfg := in.ReplicationConfiguration
	if cfg == nil {
		return nil, errMalformedXML()
	}
	if err := p.validateReplication(cfg); err != nil {
		return nil, err
	}
	return emptyOr(p.putConfig(ctx, bucket, cfgReplication, cfg, func(tx storage.Txn) error {
		b, err := bucketOf(ctx, tx, account, bucket)
		if err != nil {
			return err
		}
		if b.Versioning != versioningEnabled {
			return errInvalidRequest("Versioning must be 'Enabled' on the bucket to apply a replication configuration")
		}
		if err := checkDestinations(ctx, tx, bucket, cfg); err != nil {
			return err
		}
		return setReplicated(tx, account, b, true)
	}))
}

// setReplicated records in the bucket's record whether it has a
// replication configuration.
func setReplicated(tx storage.Txn, account string, b *Bucket, on bool) error {
	if b.Replicated == on {
		return nil
	}
	b.Replicated = on
	return putRecord(tx, OwnedKey(account, b.Name), b)
}

// validateReplication checks a configuration as S3 does before it looks at
// any bucket, and fills in the ids of rules sent without one.
func (p *Provider) validateReplication(cfg *s3api.ReplicationConfiguration) error {
	if !roleARN.MatchString(deref(cfg.Role)) {
		return errInvalidArgument("Invalid Role ARN: the Role must be an IAM role ARN")
	}
	switch n := len(cfg.Rules); {
	case n == 0:
		return errMalformedXML()
	case n > maxReplicationRules:
		return errInvalidRequest("The number of replication rules must not exceed the allowed limit of %d rules.", maxReplicationRules)
	}
	v2 := cfg.Rules[0].Filter != nil
	ids := map[string]bool{}
	priorities := map[int64]bool{}
	for i := range cfg.Rules {
		r := &cfg.Rules[i]
		if err := validateRule(r, v2); err != nil {
			return err
		}
		if r.ID == nil || *r.ID == "" {
			r.ID = ptr(p.ids.Alnum(48, ruleIDAlphabet))
		}
		if ids[*r.ID] {
			return errInvalidArgument("Rule Id must be unique.")
		}
		ids[*r.ID] = true
		if v2 {
			if priorities[*r.Priority] {
				return errInvalidRequest("Found overlapping priority %d in replication configuration.", *r.Priority)
			}
			priorities[*r.Priority] = true
		}
	}
	return nil
}

// ruleIDAlphabet is what S3's generated rule ids are made of.
const ruleIDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// validateRule checks one rule of a configuration whose first rule decided
// the schema: V2 when it has a Filter, V1 (a rule-level Prefix, no
// priorities) otherwise. A configuration mixing the two is malformed.
func validateRule(r *s3api.ReplicationRule, v2 bool) error {
	if st := deref(r.Status); st != "Enabled" && st != "Disabled" {
		return errMalformedXML()
	}
	if len(deref(r.ID)) > 255 {
		return errInvalidArgument("The ID of a rule must be at most 255 characters long.")
	}
	if (r.Filter != nil) != v2 || r.Filter != nil && r.Prefix != nil {
		return errMalformedXML()
	}
	if err := statusIs(r.DeleteMarkerReplication == nil, deref(statusOf(r.DeleteMarkerReplication))); err != nil {
		return err
	}
	if e := r.ExistingObjectReplication; e != nil {
		switch deref(e.Status) {
		case "Disabled":
		case "Enabled":
			// S3 no longer takes new existing-object replication rules; it
			// points to Batch Replication, which unkai does not serve.
			return errInvalidRequest("ExistingObjectReplication is not supported. To replicate existing objects, use S3 Batch Replication.")
		default:
			return errMalformedXML()
		}
	}
	if v2 {
		f := r.Filter
		if count(f.Prefix != nil, f.Tag != nil, f.And != nil) > 1 {
			return errMalformedXML()
		}
		if r.Priority == nil {
			return errInvalidRequest("Priority must be specified" + replicationSchemaHelp)
		}
		if *r.Priority < 0 {
			return errInvalidArgument("Priority must not be negative.")
		}
		if r.DeleteMarkerReplication == nil {
			return errInvalidRequest("DeleteMarkerReplication must be specified" + replicationSchemaHelp)
		}
		if deref(r.DeleteMarkerReplication.Status) == "Enabled" && hasTagFilter(f) {
			return errInvalidRequest("Delete marker replication is not supported if any Tag filter is specified. Please refer to S3 Developer Guide for more information.")
		}
		if err := validateReplicationTags(f); err != nil {
			return err
		}
	} else if r.Priority != nil {
		return errInvalidRequest("Priority cannot be used" + replicationSchemaHelp)
	}
	d := r.Destination
	if d == nil || d.Bucket == nil {
		return errMalformedXML()
	}
	if destinationName(*d.Bucket) == "" {
		return errInvalidArgument("Invalid bucket ARN.")
	}
	if d.StorageClass != nil {
		if _, ok := classRank[*d.StorageClass]; !ok {
			return errMalformedXML()
		}
	}
	if rt := d.ReplicationTime; rt != nil {
		if err := statusIs(false, deref(rt.Status)); err != nil {
			return err
		}
	}
	if m := d.Metrics; m != nil {
		if err := statusIs(false, deref(m.Status)); err != nil {
			return err
		}
	}
	return nil
}

// statusIs accepts an absent element or an Enabled/Disabled status.
func statusIs(absent bool, status string) error {
	if absent || status == "Enabled" || status == "Disabled" {
		return nil
	}
	return errMalformedXML()
}

func statusOf(d *s3api.DeleteMarkerReplication) *string {
	if d == nil {
		return nil
	}
	return d.Status
}

// validateReplicationTags checks a filter's tags: keys and values present,
// no key twice.
func validateReplicationTags(f *s3api.ReplicationRuleFilter) error {
	var tags []s3api.Tag
	if f.Tag != nil {
		tags = append(tags, *f.Tag)
	}
	if f.And != nil {
		tags = append(tags, f.And.Tags...)
	}
	seen := map[string]bool{}
	for _, t := range tags {
		if t.Key == nil || t.Value == nil {
			return errMalformedXML()
		}
		if seen[*t.Key] {
			return errInvalidRequest("Duplicate Tag Keys are not allowed.")
		}
		seen[*t.Key] = true
	}
	return nil
}

func hasTagFilter(f *s3api.ReplicationRuleFilter) bool {
	return f != nil && (f.Tag != nil || f.And != nil && len(f.And.Tags) > 0)
}

func count(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// checkDestinations checks, inside the transaction storing the
// configuration, that each destination is another existing bucket whose
// versioning is enabled. A bucket of another account passes (S3 would
// check its policy, unkai has no IAM), but replication to it fails: unkai
// replicates within one account.
func checkDestinations(ctx context.Context, tx storage.Txn, source string, cfg *s3api.ReplicationConfiguration) error {
	for _, r := range cfg.Rules {
		name := destinationName(*r.Destination.Bucket)
		if name == source {
			return errInvalidRequest("Destination bucket cannot be the same as the source bucket.")
		}
		owner, found, err := bucketOwner(ctx, tx, name)
		if err != nil {
			return err
		}
		if !found {
			return errInvalidRequest("Destination bucket must exist.")
		}
		var b Bucket
		if ok, err := readRecord(ctx, tx, OwnedKey(owner, name), "bucket", &b); err != nil || !ok {
			if err == nil {
				err = errInvalidRequest("Destination bucket must exist.")
			}
			return err
		}
		if b.Versioning != versioningEnabled {
			return errInvalidRequest("Destination bucket must have versioning enabled.")
		}
	}
	return nil
}

// bucketOwner reads the account owning a bucket name; false when no
// account does.
func bucketOwner(ctx context.Context, r storage.Reader, name string) (string, bool, error) {
	owner, err := r.Get(ctx, NameKey(name))
	if errors.Is(err, storage.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, awserr.Internal(fmt.Errorf("s3: read bucket owner: %w", err))
	}
	return string(owner), true, nil
}

func (p *Provider) getBucketReplication(ctx context.Context, in *s3api.GetBucketReplicationRequest) (*s3api.GetBucketReplicationOutput, error) {
	var cfg s3api.ReplicationConfiguration
	found, err := p.getConfig(ctx, deref(in.Bucket), cfgReplication, &cfg)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errNoReplication()
	}
	return &s3api.GetBucketReplicationOutput{ReplicationConfiguration: &cfg}, nil
}

func (p *Provider) deleteBucketReplication(ctx context.Context, in *s3api.DeleteBucketReplicationRequest) (*protocol.Empty, error) {
	account, bucket := scope.From(ctx).Account, deref(in.Bucket)
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		b, err := bucketOf(ctx, tx, account, bucket)
		if err != nil {
			return err
		}
		if err := setReplicated(tx, account, b, false); err != nil {
			return err
		}
		return tx.Delete(configKey(bucket, cfgReplication))
	})
	if err != nil {
		return nil, awserr.From(err)
	}
	return &protocol.Empty{}, nil
}

// ruleMatches reports whether an enabled rule selects a version of key
// with tags (a delete marker has none): V1 rules by their Prefix, V2 rules
// by their Filter.
func ruleMatches(r *s3api.ReplicationRule, key string, tags []ObjectTag) bool {
	if deref(r.Status) != "Enabled" {
		return false
	}
	f := r.Filter
	if f == nil {
		return strings.HasPrefix(key, deref(r.Prefix))
	}
	has := func(t s3api.Tag) bool {
		for _, o := range tags {
			if o.Key == deref(t.Key) && o.Value == deref(t.Value) {
				return true
			}
		}
		return false
	}
	switch {
	case f.Tag != nil:
		return strings.HasPrefix(key, deref(f.Prefix)) && has(*f.Tag)
	case f.And != nil:
		if !strings.HasPrefix(key, deref(f.And.Prefix)) {
			return false
		}
		for _, t := range f.And.Tags {
			if !has(t) {
				return false
			}
		}
		return true
	}
	return strings.HasPrefix(key, deref(f.Prefix))
}

// replicatesMarkers reports whether a rule replicates delete markers: V1
// rules always do, V2 rules when DeleteMarkerReplication is Enabled.
func replicatesMarkers(r *s3api.ReplicationRule) bool {
	if r.Filter == nil {
		return true
	}
	return r.DeleteMarkerReplication != nil && deref(r.DeleteMarkerReplication.Status) == "Enabled"
}
