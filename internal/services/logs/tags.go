package logs

import (
	"context"
	"maps"
	"net/http"

	"github.com/unkai-cloud/unkai/internal/api/logsapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/scope"
)

// maxTags is how many tags a log group may carry.
const maxTags = 50

// tagGroup merges tags into a group's, failing with tooMany when the
// result would exceed maxTags.
func (p *Provider) tagGroup(ctx context.Context, group string, tags map[string]string, tooMany func() *awserr.Error) error {
	return p.updateGroup(ctx, group, func(g *groupRecord) error {
		merged := maps.Clone(g.Tags)
		if merged == nil {
			merged = make(map[string]string, len(tags))
		}
		maps.Copy(merged, tags)
		if len(merged) > maxTags {
			return tooMany()
		}
		g.Tags = merged
		return nil
	})
}

func (p *Provider) untagGroup(ctx context.Context, group string, keys []string) error {
	return p.updateGroup(ctx, group, func(g *groupRecord) error {
		for _, k := range keys {
			delete(g.Tags, k)
		}
		return nil
	})
}

func (p *Provider) groupTags(ctx context.Context, group string) (map[string]string, error) {
	sc := scope.From(ctx)
	g, err := getGroup(ctx, p.store, newKeyspace(sc.Account, sc.Region), group)
	if err != nil {
		return nil, err
	}
	tags := maps.Clone(g.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	return tags, nil
}

func errTooManyGroupTags() *awserr.Error {
	return errInvalid("A log group can have no more than %d tags.", maxTags)
}

func errTooManyResourceTags() *awserr.Error {
	return awserr.New(codeTooManyTags, http.StatusBadRequest, "A resource can have no more than %d tags.", maxTags)
}

// TagLogGroup adds or replaces tags of a log group named by name.
func (p *Provider) TagLogGroup(ctx context.Context, in *logsapi.TagLogGroupRequest) (*protocol.Empty, error) {
	return nil, p.tagGroup(ctx, deref(in.LogGroupName), in.Tags, errTooManyGroupTags)
}

// UntagLogGroup removes tags of a log group named by name.
func (p *Provider) UntagLogGroup(ctx context.Context, in *logsapi.UntagLogGroupRequest) (*protocol.Empty, error) {
	return nil, p.untagGroup(ctx, deref(in.LogGroupName), in.Tags)
}

// ListTagsLogGroup lists the tags of a log group named by name.
func (p *Provider) ListTagsLogGroup(ctx context.Context, in *logsapi.ListTagsLogGroupRequest) (*logsapi.ListTagsLogGroupResponse, error) {
	tags, err := p.groupTags(ctx, deref(in.LogGroupName))
	if err != nil {
		return nil, err
	}
	return &logsapi.ListTagsLogGroupResponse{Tags: tags}, nil
}

// resourceGroup returns the log group a resource ARN names; other
// resources are not found.
func resourceGroup(ctx context.Context, resourceARN *string) (string, error) {
	g, ok := groupFromARN(scope.From(ctx), deref(resourceARN))
	if !ok {
		return "", errResourceNotFound()
	}
	return g, nil
}

// TagResource adds or replaces tags of a resource named by ARN.
func (p *Provider) TagResource(ctx context.Context, in *logsapi.TagResourceRequest) (*protocol.Empty, error) {
	g, err := resourceGroup(ctx, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return nil, p.tagGroup(ctx, g, in.Tags, errTooManyResourceTags)
}

// UntagResource removes tags of a resource named by ARN.
func (p *Provider) UntagResource(ctx context.Context, in *logsapi.UntagResourceRequest) (*protocol.Empty, error) {
	g, err := resourceGroup(ctx, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return nil, p.untagGroup(ctx, g, in.TagKeys)
}

// ListTagsForResource lists the tags of a resource named by ARN.
func (p *Provider) ListTagsForResource(ctx context.Context, in *logsapi.ListTagsForResourceRequest) (*logsapi.ListTagsForResourceResponse, error) {
	g, err := resourceGroup(ctx, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	tags, err := p.groupTags(ctx, g)
	if err != nil {
		return nil, err
	}
	return &logsapi.ListTagsForResourceResponse{Tags: tags}, nil
}
