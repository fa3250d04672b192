package s3

import (
	"context"
	"net/http"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Object ownership settings.
const (
	ownerEnforced  = "BucketOwnerEnforced"
	ownerPreferred = "BucketOwnerPreferred"
	objectWriter   = "ObjectWriter"
)

// ownership is a bucket's stored ownership controls.
type ownership struct {
	ObjectOwnership string `json:"objectOwnership"`
}

// defaultPublicAccessBlock is what new buckets start with since April 2023:
// every block on.
func defaultPublicAccessBlock() s3api.PublicAccessBlockConfiguration {
	return s3api.PublicAccessBlockConfiguration{
		BlockPublicAcls: ptr(true), IgnorePublicAcls: ptr(true),
		BlockPublicPolicy: ptr(true), RestrictPublicBuckets: ptr(true),
	}
}

func validOwnership(s string) bool {
	return s == ownerEnforced || s == ownerPreferred || s == objectWriter
}

func (p *Provider) putBucketOwnershipControls(ctx context.Context, in *s3api.PutBucketOwnershipControlsRequest) (*protocol.Empty, error) {
	c := in.OwnershipControls
	if c == nil || len(c.Rules) != 1 || !validOwnership(deref(c.Rules[0].ObjectOwnership)) {
		return nil, errMalformedXML()
	}
	own := ownership{ObjectOwnership: *c.Rules[0].ObjectOwnership}
	bucket := deref(in.Bucket)
	return emptyOr(p.putConfig(ctx, bucket, cfgOwnership, own, func(tx storage.Txn) error {
		if own.ObjectOwnership != ownerEnforced {
			return nil
		}
		var acl bucketACL
		if _, err := readConfig(ctx, tx, bucket, cfgACL, &acl); err != nil {
			return err
		}
		if !acl.ownerOnly(CanonicalUserID(scope.From(ctx).Account)) {
			return errACLWithEnforcedOwnership()
		}
		return nil
	}))
}

func (p *Provider) getBucketOwnershipControls(ctx context.Context, in *s3api.GetBucketOwnershipControlsRequest) (*s3api.GetBucketOwnershipControlsOutput, error) {
	var own ownership
	found, err := p.getConfig(ctx, deref(in.Bucket), cfgOwnership, &own)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, awserr.New("OwnershipControlsNotFoundError", http.StatusNotFound, "The bucket ownership controls were not found")
	}
	return &s3api.GetBucketOwnershipControlsOutput{OwnershipControls: &s3api.OwnershipControls{
		Rules: []s3api.OwnershipControlsRule{{ObjectOwnership: ptr(own.ObjectOwnership)}},
	}}, nil
}

func (p *Provider) deleteBucketOwnershipControls(ctx context.Context, in *s3api.DeleteBucketOwnershipControlsRequest) (*protocol.Empty, error) {
	return emptyOr(p.deleteConfig(ctx, deref(in.Bucket), cfgOwnership))
}

func (p *Provider) putPublicAccessBlock(ctx context.Context, in *s3api.PutPublicAccessBlockRequest) (*protocol.Empty, error) {
	c := in.PublicAccessBlockConfiguration
	if c == nil {
		return nil, errMalformedXML()
	}
	// Members left out are false, as S3 stores them.
	rec := s3api.PublicAccessBlockConfiguration{
		BlockPublicAcls: ptr(val(c.BlockPublicAcls)), IgnorePublicAcls: ptr(val(c.IgnorePublicAcls)),
		BlockPublicPolicy: ptr(val(c.BlockPublicPolicy)), RestrictPublicBuckets: ptr(val(c.RestrictPublicBuckets)),
	}
	return emptyOr(p.putConfig(ctx, deref(in.Bucket), cfgPublic, rec, nil))
}

func (p *Provider) getPublicAccessBlock(ctx context.Context, in *s3api.GetPublicAccessBlockRequest) (*s3api.GetPublicAccessBlockOutput, error) {
	var c s3api.PublicAccessBlockConfiguration
	found, err := p.getConfig(ctx, deref(in.Bucket), cfgPublic, &c)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, awserr.New("NoSuchPublicAccessBlockConfiguration", http.StatusNotFound,
			"The public access block configuration was not found")
	}
	return &s3api.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &c}, nil
}

func (p *Provider) deletePublicAccessBlock(ctx context.Context, in *s3api.DeletePublicAccessBlockRequest) (*protocol.Empty, error) {
	return emptyOr(p.deleteConfig(ctx, deref(in.Bucket), cfgPublic))
}

// Bucket default encryption: every bucket has one (SSE-S3 when none was
// put), as on S3 since January 2023. unkai stores the setting and reports
// it; object bodies are stored as they are and always reported as AES256.

func defaultEncryption() *s3api.ServerSideEncryptionConfiguration {
	return &s3api.ServerSideEncryptionConfiguration{Rules: []s3api.ServerSideEncryptionRule{{
		ApplyServerSideEncryptionByDefault: &s3api.ServerSideEncryptionByDefault{SSEAlgorithm: ptr("AES256")},
		BucketKeyEnabled:                   ptr(false),
	}}}
}

func (p *Provider) putBucketEncryption(ctx context.Context, in *s3api.PutBucketEncryptionRequest) (*protocol.Empty, error) {
	c := in.ServerSideEncryptionConfiguration
	if c == nil || len(c.Rules) != 1 || c.Rules[0].ApplyServerSideEncryptionByDefault == nil {
		return nil, errMalformedXML()
	}
	d := c.Rules[0].ApplyServerSideEncryptionByDefault
	switch alg := deref(d.SSEAlgorithm); alg {
	case "AES256":
		if d.KMSMasterKeyID != nil {
			return nil, errInvalidArgument("a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse")
		}
	case "aws:kms", "aws:kms:dsse":
	default:
		return nil, errMalformedXML()
	}
	rule := c.Rules[0]
	if rule.BucketKeyEnabled == nil {
		rule.BucketKeyEnabled = ptr(false)
	}
	return emptyOr(p.putConfig(ctx, deref(in.Bucket), cfgEncryption,
		s3api.ServerSideEncryptionConfiguration{Rules: []s3api.ServerSideEncryptionRule{rule}}, nil))
}

func (p *Provider) getBucketEncryption(ctx context.Context, in *s3api.GetBucketEncryptionRequest) (*s3api.GetBucketEncryptionOutput, error) {
	var c s3api.ServerSideEncryptionConfiguration
	found, err := p.getConfig(ctx, deref(in.Bucket), cfgEncryption, &c)
	if err != nil {
		return nil, err
	}
	if !found {
		return &s3api.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: defaultEncryption()}, nil
	}
	return &s3api.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &c}, nil
}

func (p *Provider) deleteBucketEncryption(ctx context.Context, in *s3api.DeleteBucketEncryptionRequest) (*protocol.Empty, error) {
	return emptyOr(p.deleteConfig(ctx, deref(in.Bucket), cfgEncryption))
}

func errACLWithEnforcedOwnership() *awserr.Error {
	return awserr.New("InvalidBucketAclWithObjectOwnership", http.StatusBadRequest,
		"Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
}
