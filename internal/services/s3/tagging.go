package s3

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
)

// ObjectTag is one of an object version's tags.
type ObjectTag struct {
	Key   string `json:"k"`
	Value string `json:"v"`
}

// S3's limits on object tags.
const (
	maxObjectTags  = 10
	maxTagKeyLen   = 128
	maxTagValueLen = 256
)

func errTaggingHeader() *awserr.Error {
	return errInvalidArgument("The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
}

// parseTaggingHeader reads the x-amz-tagging header of a PUT or copy: tags
// as URL query parameters ("k1=v1&k2=v2"). A parameter without "=" is a
// tag with an empty value.
func parseTaggingHeader(h string) ([]ObjectTag, error) {
	var tags []ObjectTag
	seen := map[string]bool{}
	for _, pair := range strings.Split(h, "&") {
		if pair == "" {
			continue
		}
		rk, rv, _ := strings.Cut(pair, "=")
		k, err := url.QueryUnescape(rk)
		if err != nil {
			return nil, errTaggingHeader()
		}
		v, err := url.QueryUnescape(rv)
		if err != nil || !utf8.ValidString(k) || !utf8.ValidString(v) || seen[k] {
			return nil, errTaggingHeader()
		}
		seen[k] = true
		tags = append(tags, ObjectTag{Key: k, Value: v})
	}
	return tags, validateTags(tags)
}

// validateTags applies S3's rules for an object's tag set: at most 10
// tags, keys of 1 to 128 characters not starting with "aws:", values of at
// most 256, unique keys, and only letters, digits, spaces and + - = . _ : / @.
func validateTags(tags []ObjectTag) error {
	if len(tags) > maxObjectTags {
		return awserr.New("BadRequest", http.StatusBadRequest, "Object tags cannot be greater than 10")
	}
	seen := map[string]bool{}
	for _, t := range tags {
		switch {
		case utf8.RuneCountInString(t.Key) > maxTagKeyLen:
			return errInvalidTag("The TagKey you have provided is too long, max 128")
		case t.Key == "" || !validTagText(t.Key):
			return errInvalidTag("The TagKey you have provided is invalid")
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			return errInvalidTag("Your TagKey cannot be prefixed with aws:")
		case utf8.RuneCountInString(t.Value) > maxTagValueLen:
			return errInvalidTag("The TagValue you have provided is too long, max 256")
		case !validTagText(t.Value):
			return errInvalidTag("The TagValue you have provided is invalid")
		case seen[t.Key]:
			return errInvalidTag("Cannot provide multiple Tags with the same key")
		}
		seen[t.Key] = true
	}
	return nil
}

// tagCount is the x-amz-tagging-count of an object: absent without tags.
func tagCount(o *Object) *int64 {
	if len(o.Tags) == 0 {
		return nil
	}
	return ptr(int64(len(o.Tags)))
}

func (p *Provider) putObjectTagging(ctx context.Context, in *s3api.PutObjectTaggingRequest) (*s3api.PutObjectTaggingOutput, error) {
	if in.Tagging == nil {
		return nil, errMalformedXML()
	}
	tags := make([]ObjectTag, 0, len(in.Tagging.TagSet))
	for _, t := range in.Tagging.TagSet {
		tags = append(tags, ObjectTag{Key: deref(t.Key), Value: deref(t.Value)})
	}
	if err := validateTags(tags); err != nil {
		return nil, err
	}
	b, obj, err := p.updateVersion(ctx, deref(in.Bucket), deref(in.Key), in.VersionId, func(o *Object) error {
		o.Tags = tags
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &s3api.PutObjectTaggingOutput{VersionId: versionHeader(b, obj)}, nil
}

func (p *Provider) getObjectTagging(ctx context.Context, in *s3api.GetObjectTaggingRequest) (*s3api.GetObjectTaggingOutput, error) {
	b, obj, err := p.lookup(ctx, deref(in.Bucket), deref(in.Key), in.VersionId)
	if err != nil {
		return nil, err
	}
	out := &s3api.GetObjectTaggingOutput{VersionId: versionHeader(b, obj), TagSet: []s3api.Tag{}}
	for _, t := range obj.Tags {
		out.TagSet = append(out.TagSet, s3api.Tag{Key: ptr(t.Key), Value: ptr(t.Value)})
	}
	return out, nil
}

func (p *Provider) deleteObjectTagging(ctx context.Context, in *s3api.DeleteObjectTaggingRequest) (*s3api.DeleteObjectTaggingOutput, error) {
	b, obj, err := p.updateVersion(ctx, deref(in.Bucket), deref(in.Key), in.VersionId, func(o *Object) error {
		o.Tags = nil
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &s3api.DeleteObjectTaggingOutput{VersionId: versionHeader(b, obj)}, nil
}
