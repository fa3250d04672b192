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

// Server access logging, Transfer Acceleration and Requester Pays: stored
// and validated as S3 does, and reported back. unkai delivers no access
// log records, serves no accelerate endpoint and charges no one: these
// settings change nothing about how requests are served.

// putBucketLogging stores a bucket's logging status: LoggingEnabled names
// a target bucket of the same account and region (not one with Object
// Lock); a status without it turns logging off.
func (p *Provider) putBucketLogging(ctx context.Context, in *s3api.PutBucketLoggingRequest) (*protocol.Empty, error) {
	bucket := deref(in.Bucket)
	if in.BucketLoggingStatus == nil {
		return nil, errMalformedXML()
	}
	le := in.BucketLoggingStatus.LoggingEnabled
	if le == nil {
		return emptyOr(p.deleteConfig(ctx, bucket, cfgLogging))
	}
	if le.TargetBucket == nil || le.TargetPrefix == nil {
		return nil, errMalformedXML()
	}
	if f := le.TargetObjectKeyFormat; f != nil && f.SimplePrefix != nil && f.PartitionedPrefix != nil {
		return nil, errMalformedXML()
	}
	account := scope.From(ctx).Account
	return emptyOr(p.putConfig(ctx, bucket, cfgLogging, le, func(tx storage.Txn) error {
		src, err := bucketOf(ctx, tx, account, bucket)
		if err != nil {
			return err
		}
		target, err := bucketOf(ctx, tx, account, *le.TargetBucket)
		switch code := codeOf(err); code {
		case "":
		case "NoSuchBucket":
			return awserr.New("InvalidTargetBucketForLogging", http.StatusBadRequest, "The target bucket for logging does not exist")
		case "AccessDenied":
			return awserr.New("InvalidTargetBucketForLogging", http.StatusBadRequest,
				"The owner for the bucket to be logged and the target bucket must be the same.")
		default:
			return err
		}
		if target.Region != src.Region {
			return awserr.New("CrossLocationLoggingProhibitted", http.StatusForbidden, "Cross S3 location logging not allowed. ")
		}
		if target.ObjectLock != nil {
			return awserr.New("InvalidTargetBucketForLogging", http.StatusBadRequest,
				"The target bucket for logging must not have Object Lock enabled")
		}
		return nil
	}))
}

func (p *Provider) getBucketLogging(ctx context.Context, in *s3api.GetBucketLoggingRequest) (*s3api.GetBucketLoggingOutput, error) {
	var le s3api.LoggingEnabled
	found, err := p.getConfig(ctx, deref(in.Bucket), cfgLogging, &le)
	if err != nil {
		return nil, err
	}
	out := &s3api.GetBucketLoggingOutput{}
	if found {
		out.LoggingEnabled = &le
	}
	return out, nil
}

// accelerate is a bucket's stored Transfer Acceleration status.
type accelerate struct {
	Status string `json:"status"`
}

func (p *Provider) putBucketAccelerateConfiguration(ctx context.Context, in *s3api.PutBucketAccelerateConfigurationRequest) (*protocol.Empty, error) {
	c := in.AccelerateConfiguration
	if c == nil || (deref(c.Status) != "Enabled" && deref(c.Status) != "Suspended") {
		return nil, errMalformedXML()
	}
	bucket := deref(in.Bucket)
	if strings.Contains(bucket, ".") {
		return nil, errInvalidRequest("S3 Transfer Acceleration is not supported for buckets with periods (.) in their names")
	}
	return emptyOr(p.putConfig(ctx, bucket, cfgAccelerate, accelerate{Status: *c.Status}, nil))
}

// getBucketAccelerateConfiguration answers no status for a bucket whose
// acceleration was never set, as S3 does.
func (p *Provider) getBucketAccelerateConfiguration(ctx context.Context, in *s3api.GetBucketAccelerateConfigurationRequest) (*s3api.GetBucketAccelerateConfigurationOutput, error) {
	var a accelerate
	if _, err := p.getConfig(ctx, deref(in.Bucket), cfgAccelerate, &a); err != nil {
		return nil, err
	}
	return &s3api.GetBucketAccelerateConfigurationOutput{Status: nonEmpty(a.Status)}, nil
}

// requestPayment is a bucket's stored Requester Pays setting.
type requestPayment struct {
	Payer string `json:"payer"`
}

func (p *Provider) putBucketRequestPayment(ctx context.Context, in *s3api.PutBucketRequestPaymentRequest) (*protocol.Empty, error) {
	c := in.RequestPaymentConfiguration
	if c == nil || (deref(c.Payer) != "Requester" && deref(c.Payer) != "BucketOwner") {
		return nil, errMalformedXML()
	}
	return emptyOr(p.putConfig(ctx, deref(in.Bucket), cfgRequestPayment, requestPayment{Payer: *c.Payer}, nil))
}

// getBucketRequestPayment answers BucketOwner for a bucket never set
// otherwise.
func (p *Provider) getBucketRequestPayment(ctx context.Context, in *s3api.GetBucketRequestPaymentRequest) (*s3api.GetBucketRequestPaymentOutput, error) {
	rp := requestPayment{Payer: "BucketOwner"}
	if _, err := p.getConfig(ctx, deref(in.Bucket), cfgRequestPayment, &rp); err != nil {
		return nil, err
	}
	return &s3api.GetBucketRequestPaymentOutput{Payer: ptr(rp.Payer)}, nil
}
