package s3

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// usEast1 is the region whose buckets take no location constraint.
const usEast1 = "us-east-1"

// bucketOf returns the record of the caller's bucket name: NoSuchBucket
// when no account owns it, AccessDenied when another account does.
func bucketOf(ctx context.Context, r storage.Reader, account, name string) (*Bucket, error) {
	owner, err := r.Get(ctx, NameKey(name))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errNoSuchBucket()
	}
	if err != nil {
		return nil, awserr.Internal(fmt.Errorf("s3: read bucket owner: %w", err))
	}
	if string(owner) != account {
		return nil, errAccessDenied()
	}
	var b Bucket
	if found, err := readRecord(ctx, r, OwnedKey(account, name), "bucket", &b); err != nil || !found {
		if err == nil {
			err = errNoSuchBucket()
		}
		return nil, err
	}
	return &b, nil
}

// checkLocation applies S3's rule for a CreateBucket location constraint
// sent to region's endpoint.
func checkLocation(region string, in *s3api.CreateBucketRequest) error {
	constraint := ""
	if c := in.CreateBucketConfiguration; c != nil && c.LocationConstraint != nil {
		constraint = *c.LocationConstraint
	}
	switch {
	case region == usEast1 && constraint == usEast1:
		return awserr.New("InvalidLocationConstraint", http.StatusBadRequest,
			"The specified location-constraint is not valid")
	case constraint == region, region == usEast1 && constraint == "":
		return nil
	case constraint == "":
		return awserr.New("IllegalLocationConstraintException", http.StatusBadRequest,
			"The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
	}
	return awserr.New("IllegalLocationConstraintException", http.StatusBadRequest,
		"The %s location constraint is incompatible for the region specific endpoint this request was sent to.", constraint)
}

func (p *Provider) createBucket(ctx context.Context, in *s3api.CreateBucketRequest) (*s3api.CreateBucketOutput, error) {
	sc := scope.From(ctx)
	name := deref(in.Bucket)
	if !validBucketName(name) {
		return nil, errInvalidBucketName()
	}
	region := sc.Region
	if region == "" {
		region = usEast1
	}
	if err := checkLocation(region, in); err != nil {
		return nil, err
	}
	own, acl, err := createBucketAccess(in)
	if err != nil {
		return nil, err
	}
	b := Bucket{Name: name, Region: region, Created: p.clock.Now().UTC(), ObjectLock: createBucketLock(in)}
	if b.ObjectLock != nil {
		b.Versioning = versioningEnabled
	}
	rec, err := json.Marshal(b)
	if err != nil {
		return nil, awserr.Internal(err)
	}
	err = p.store.Update(ctx, func(tx storage.Txn) error {
		owner, err := tx.Get(ctx, NameKey(name))
		switch {
		case err == nil && string(owner) == sc.Account:
			return errBucketOwnedByYou()
		case err == nil:
			return errBucketExists()
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		if err := tx.Put(NameKey(name), []byte(sc.Account)); err != nil {
			return err
		}
		if err := initBucketConfig(tx, name, own, acl); err != nil {
			return err
		}
		return tx.Put(OwnedKey(sc.Account, name), rec)
	})
	if err != nil {
		return nil, awserr.From(err)
	}
	return &s3api.CreateBucketOutput{Location: ptr("/" + name)}, nil
}

func (p *Provider) headBucket(ctx context.Context, in *s3api.HeadBucketRequest) (*s3api.HeadBucketOutput, error) {
	b, err := bucketOf(ctx, p.store, scope.From(ctx).Account, deref(in.Bucket))
	if err != nil {
		return nil, err
	}
	return &s3api.HeadBucketOutput{BucketRegion: ptr(b.Region), AccessPointAlias: ptr(false)}, nil
}

func (p *Provider) getBucketLocation(ctx context.Context, in *s3api.GetBucketLocationRequest) (*s3api.GetBucketLocationOutput, error) {
	b, err := bucketOf(ctx, p.store, scope.From(ctx).Account, deref(in.Bucket))
	if err != nil {
		return nil, err
	}
	out := &s3api.GetBucketLocationOutput{}
	if b.Region != usEast1 {
		out.LocationConstraint = ptr(b.Region)
	}
	return out, nil
}

func (p *Provider) deleteBucket(ctx context.Context, in *s3api.DeleteBucketRequest) (*protocol.Empty, error) {
	account, name := scope.From(ctx).Account, deref(in.Bucket)
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		if _, err := bucketOf(ctx, tx, account, name); err != nil {
			return err
		}
		empty, err := bucketEmpty(ctx, tx, name)
		if err != nil {
			return err
		}
		if !empty {
			return errBucketNotEmpty()
		}
		if err := tx.Delete(NameKey(name)); err != nil {
			return err
		}
		if err := dropBucketConfig(ctx, tx, name); err != nil {
			return err
		}
		return tx.Delete(OwnedKey(account, name))
	})
	if err != nil {
		return nil, awserr.From(err)
	}
	return &protocol.Empty{}, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
