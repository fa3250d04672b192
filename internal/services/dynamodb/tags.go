package dynamodb

import (
	"context"
	"strings"
	"unicode"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/arn"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// maxTags is the most tags a table may carry.
const maxTags = 50

// msgResourceArnNotFound is what DynamoDB answers for a well-formed ARN of
// a table that does not exist. Older AWS answers spelled it "ResourcArn";
// AWS observed in 2026-10 spells "ResourceArn" (DDB-TABLE-014, 070).
const msgResourceArnNotFound = "Requested resource not found: ResourceArn: %s not found"

// resolveTagResource resolves the ResourceArn of a tag operation as
// DynamoDB does (DDB-TABLE-071 and the message catalogue of DDB-TABLE-442):
// a bare name is "ARNs must start with 'arn:'", an index ARN is refused
// as the policy operations refuse it, and a stream ARN, which carries no
// tags, is a resource not found; other forms are resolveResource's.
func resolveTagResource(sc scope.Scope, op, resource string) (tableRef, error) {
	if !isARN(resource) {
		return tableRef{}, validation(msgPolicyARNNotARN, resource)
	}
	t, _, err := resolveResource(sc, op, resource, false)
	if err == nil || !hasCode(err, codeValidation) {
		return t, err
	}
	if a, perr := arn.Parse(resource); perr == nil && a.Service == Name {
		if _, sub, ok := strings.Cut(strings.TrimPrefix(a.Resource, "table/"), "/"); ok {
			kind, id, _ := strings.Cut(sub, "/")
			switch {
			case kind == "index" && id != "":
				return tableRef{}, validation(msgPolicyARNIndex, resource)
			case kind == "stream" && id != "" && a.Account == sc.Account && a.Region == sc.Region:
				return tableRef{}, awsNotFound(msgResourceArnNotFound, resource)
			}
		}
	}
	return tableRef{}, err
}

// withTable runs fn on the table an ARN names, for operation op, saving
// it afterwards.
func (p *Provider) withTable(ctx context.Context, op, resource string, fn func(*tableRecord) error) error {
	t, err := resolveTagResource(scope.From(ctx), op, resource)
	if err != nil {
		return err
	}
	return p.store.Update(ctx, func(tx storage.Txn) error {
		rec, err := loadTable(ctx, tx, t.sc, t.name)
		if err != nil {
			return awsNotFound(msgResourceArnNotFound, resource)
		}
		if err := fn(rec); err != nil {
			return err
		}
		return saveTable(tx, t.sc, rec)
	})
}

// Tag texts AWS sends (ack-api-quirks DDB-TABLE-105, -107, -108, -372).
const (
	msgNoTags        = "Atleast one Tag needs to be provided as Input."
	msgNoTagKeys     = "Atleast one Tag Key needs to be provided as Input."
	msgBadTagKey     = "The Tag Key provided is invalid, Key: %s"
	msgBadTagValue   = "The Tag Value provided is invalid, Value: %s"
	msgAWSTagPrefix  = "Tag Key cannot be prefixed with aws:, Key: %s"
	msgDuplicateTags = "Duplicate Tag Keys provided as input: Duplicate Tag Key found %s"
)

// tagCharsOK reports whether s holds only what AWS's tag pattern allows:
// letters, digits, spaces and + - = . _ : / @.
func tagCharsOK(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.IsSpace(r) && !strings.ContainsRune("+-=._:/@", r) {
			return false
		}
	}
	return true
}

// checkTags validates tags as TagResource and CreateTable receive them;
// all or nothing, before anything is written.
func checkTags(tags []dynamodbapi.Tag) error {
	seen := map[string]bool{}
	for _, t := range tags {
		k := deref(t.Key)
		switch {
		case k == "" || !tagCharsOK(k):
			return validation(msgBadTagKey, k)
		case t.Value == nil || !tagCharsOK(*t.Value):
			v := "null"
			if t.Value != nil {
				v = *t.Value
			}
			return validation(msgBadTagValue, v)
		case strings.HasPrefix(k, "aws:"):
			return validation(msgAWSTagPrefix, k)
		case seen[k]:
			return validation(msgDuplicateTags, k)
		}
		seen[k] = true
	}
	return nil
}

func (p *Provider) tagResource(ctx context.Context, in *dynamodbapi.TagResourceInput) (*protocol.Empty, error) {
	if len(in.Tags) == 0 {
		return nil, validation(msgNoTags)
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	err := p.withTable(ctx, "TagResource", deref(in.ResourceArn), func(rec *tableRecord) error {
		tags := mergeTags(rec.Tags, in.Tags)
		if len(tags) > maxTags {
			return validation(msgTooManyTags)
		}
		rec.Tags = tags
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &protocol.Empty{}, nil
}

func (p *Provider) untagResource(ctx context.Context, in *dynamodbapi.UntagResourceInput) (*protocol.Empty, error) {
	if in.TagKeys != nil && len(in.TagKeys) == 0 {
		return nil, validation(msgNoTagKeys)
	}
	drop := map[string]bool{}
	for _, k := range in.TagKeys {
		drop[k] = true
	}
	err := p.withTable(ctx, "UntagResource", deref(in.ResourceArn), func(rec *tableRecord) error {
		kept := rec.Tags[:0:0]
		for _, t := range rec.Tags {
			if !drop[deref(t.Key)] {
				kept = append(kept, t)
			}
		}
		rec.Tags = kept
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &protocol.Empty{}, nil
}

func (p *Provider) listTagsOfResource(ctx context.Context, in *dynamodbapi.ListTagsOfResourceInput) (*dynamodbapi.ListTagsOfResourceOutput, error) {
	t, err := resolveTagResource(scope.From(ctx), "ListTagsOfResource", deref(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	rec, err := loadTable(ctx, p.store, t.sc, t.name)
	if err != nil {
		return nil, awsNotFound(msgResourceArnNotFound, deref(in.ResourceArn))
	}
	out := &dynamodbapi.ListTagsOfResourceOutput{Tags: []dynamodbapi.Tag{}}
	out.Tags = append(out.Tags, rec.Tags...)
	return out, nil
}

// mergeTags sets each of add in tags, replacing values of existing keys.
func mergeTags(tags, add []dynamodbapi.Tag) []dynamodbapi.Tag {
	out := append([]dynamodbapi.Tag(nil), tags...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if deref(out[i].Key) == deref(t.Key) {
				out[i].Value = t.Value
				replaced = true
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	return out
}
