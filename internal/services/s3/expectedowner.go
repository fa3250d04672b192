package s3

import (
	"context"
	"errors"
	"reflect"
	"sync"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Every S3 operation on a bucket takes x-amz-expected-bucket-owner (and a
// copy, x-amz-source-expected-bucket-owner for its source): when the named
// bucket belongs to another account, S3 refuses the request with 403
// AccessDenied rather than act on a bucket the caller did not mean. The
// check runs before the handler, only when the header is present (one
// read of the bucket's owner); a bucket that does not exist is left to the
// handler's own error.

// ownerChecked is the handler registry the gateway sees: S3's handlers,
// each behind the expected-owner check. In-process callers (service.Peers)
// get the typed handlers through Unwrap, without the check: they act for
// the bucket's own account.
type ownerChecked struct {
	p *Provider
	h *s3api.Handlers
}

// Unwrap implements service.Unwrapper.
func (o ownerChecked) Unwrap() protocol.Handlers { return o.h }

// Lookup implements protocol.Handlers.
func (o ownerChecked) Lookup(op string) protocol.HandlerFunc {
	h := o.h.Lookup(op)
	if h == nil {
		return nil
	}
	return func(ctx context.Context, in any) (any, error) {
		if err := o.p.checkExpectedOwners(ctx, in); err != nil {
			return nil, err
		}
		return h(ctx, in)
	}
}

// ownerFields are where an input type keeps its bucket and the owners it
// expects; -1 marks a field the type does not have.
type ownerFields struct {
	bucket, expected, copySource, expectedSource int
}

// fieldsOf returns where inputs of type t keep their bucket and expected
// owners, from cache (a map of reflect.Type to ownerFields).
func fieldsOf(cache *sync.Map, t reflect.Type) ownerFields {
	if f, ok := cache.Load(t); ok {
		return f.(ownerFields)
	}
	index := func(name string) int {
		if sf, ok := t.FieldByName(name); ok && len(sf.Index) == 1 && sf.Type == reflect.TypeFor[*string]() {
			return sf.Index[0]
		}
		return -1
	}
	f := ownerFields{index("Bucket"), index("ExpectedBucketOwner"), index("CopySource"), index("ExpectedSourceBucketOwner")}
	cache.Store(t, f)
	return f
}

// checkExpectedOwners refuses in when a bucket it names is owned by
// another account than the one it expects.
func (p *Provider) checkExpectedOwners(ctx context.Context, in any) error {
	v := reflect.ValueOf(in)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	v = v.Elem()
	f := fieldsOf(&p.ownerFields, v.Type())
	str := func(i int) *string {
		if i < 0 {
			return nil
		}
		return v.Field(i).Interface().(*string)
	}
	if want, bucket := str(f.expected), str(f.bucket); want != nil && bucket != nil {
		if err := p.checkOwner(ctx, *bucket, *want); err != nil {
			return err
		}
	}
	if want, src := str(f.expectedSource), str(f.copySource); want != nil && src != nil {
		cs, err := parseCopySource(*src)
		if err != nil {
			return nil // the handler answers a malformed source
		}
		return p.checkOwner(ctx, cs.bucket, *want)
	}
	return nil
}

// checkOwner refuses bucket when it exists and want is not its owner.
func (p *Provider) checkOwner(ctx context.Context, bucket, want string) error {
	owner, err := p.store.Get(ctx, NameKey(bucket))
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil
	case err != nil:
		return awserr.Internal(err)
	case string(owner) != want:
		return errAccessDenied()
	}
	return nil
}
