package s3

import (
	"context"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
)

// maxBucketTags is the most tags a bucket carries.
const maxBucketTags = 50

func (p *Provider) putBucketTagging(ctx context.Context, in *s3api.PutBucketTaggingRequest) (*protocol.Empty, error) {
	var tags []s3api.Tag
	if in.Tagging != nil {
		tags = in.Tagging.TagSet
	}
	if err := validateBucketTags(tags); err != nil {
		return nil, err
	}
	if len(tags) == 0 {
		// An empty tag set leaves the bucket without tags, as S3 answers
		// NoSuchTagSet afterwards.
		return emptyOr(p.deleteConfig(ctx, deref(in.Bucket), cfgTagging))
	}
	return emptyOr(p.putConfig(ctx, deref(in.Bucket), cfgTagging, tags, nil))
}

func (p *Provider) getBucketTagging(ctx context.Context, in *s3api.GetBucketTaggingRequest) (*s3api.GetBucketTaggingOutput, error) {
	var tags []s3api.Tag
	found, err := p.getConfig(ctx, deref(in.Bucket), cfgTagging, &tags)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, awserr.New("NoSuchTagSet", http.StatusNotFound, "The TagSet does not exist")
	}
	return &s3api.GetBucketTaggingOutput{TagSet: tags}, nil
}

func (p *Provider) deleteBucketTagging(ctx context.Context, in *s3api.DeleteBucketTaggingRequest) (*protocol.Empty, error) {
	return emptyOr(p.deleteConfig(ctx, deref(in.Bucket), cfgTagging))
}

// validateBucketTags applies S3's rules for a bucket's tag set: at most 50
// tags, unique keys of 1 to 128 characters, values of at most 256, both of
// letters, digits, spaces and + - = . _ : / @, and no key in the reserved
// aws: namespace.
func validateBucketTags(tags []s3api.Tag) error {
	if len(tags) > maxBucketTags {
		return awserr.New("BadRequest", http.StatusBadRequest, "Bucket tag count cannot be greater than 50")
	}
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		k, v := deref(t.Key), deref(t.Value)
		if n := utf8.RuneCountInString(k); n == 0 || n > 128 || !validTagText(k) {
			return errInvalidTag("The TagKey you have provided is invalid")
		}
		if utf8.RuneCountInString(v) > 256 || !validTagText(v) {
			return errInvalidTag("The TagValue you have provided is invalid")
		}
		if len(k) >= 4 && strings.EqualFold(k[:4], "aws:") {
			return errInvalidTag("Your TagKey cannot be prefixed with aws:")
		}
		if seen[k] {
			return errInvalidTag("Cannot provide multiple Tags with the same key")
		}
		seen[k] = true
	}
	return nil
}

// validTagText reports whether s holds only the characters tags allow.
func validTagText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), unicode.IsSpace(r), unicode.IsMark(r):
		case strings.ContainsRune("+-=._:/@", r):
		default:
			return false
		}
	}
	return true
}

func errInvalidTag(msg string) *awserr.Error {
	return awserr.New("InvalidTag", http.StatusBadRequest, "%s", msg)
}
