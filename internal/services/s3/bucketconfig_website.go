package s3

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
)

// maxRoutingRules is the most routing rules a website configuration holds.
const maxRoutingRules = 50

// validateWebsite applies S3's rules to a website configuration: either
// RedirectAllRequestsTo alone (with a host name), or an IndexDocument
// whose suffix is not empty and holds no slash, with an optional
// ErrorDocument and at most 50 routing rules. A rule's condition, when
// present, names a key prefix or a 4XX/5XX error code; its redirect uses a
// 3XX code other than 300 and replaces the key or its prefix, not both.
func validateWebsite(c *s3api.WebsiteConfiguration) error {
	if c == nil {
		return errMalformedXML()
	}
	if r := c.RedirectAllRequestsTo; r != nil {
		if c.IndexDocument != nil || c.ErrorDocument != nil || len(c.RoutingRules) > 0 {
			return errInvalidRequest("RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.")
		}
		if deref(r.HostName) == "" {
			return errInvalidRequest(`A host name must be provided to redirect all requests (e.g. "example.com").`)
		}
		return validProtocol(r.Protocol)
	}
	if c.IndexDocument == nil {
		return errInvalidArgument("A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty")
	}
	if s := deref(c.IndexDocument.Suffix); s == "" || strings.Contains(s, "/") {
		return errInvalidArgument("The IndexDocument Suffix is not well formed")
	}
	if c.ErrorDocument != nil && deref(c.ErrorDocument.Key) == "" {
		return errMalformedXML()
	}
	if n := len(c.RoutingRules); n > maxRoutingRules {
		return errInvalidRequest("%d routing rules provided, the number of routing rules in a website configuration is limited to %d.", n, maxRoutingRules)
	}
	for _, r := range c.RoutingRules {
		if err := validateRoutingRule(r); err != nil {
			return err
		}
	}
	return nil
}

func validateRoutingRule(r s3api.RoutingRule) error {
	if c := r.Condition; c != nil {
		if c.HttpErrorCodeReturnedEquals == nil && c.KeyPrefixEquals == nil {
			return errInvalidRequest("Condition cannot be empty. To redirect all requests without a condition, the condition element should not be present.")
		}
		if s := c.HttpErrorCodeReturnedEquals; s != nil {
			code, err := strconv.Atoi(*s)
			if err != nil {
				return errMalformedXML()
			}
			if code < 400 || code > 599 {
				return errInvalidRequest("The provided HTTP error code (%d) is not valid. Valid codes are 4XX or 5XX.", code)
			}
		}
	}
	d := r.Redirect
	if d == nil {
		return errMalformedXML()
	}
	if d.ReplaceKeyWith != nil && d.ReplaceKeyPrefixWith != nil {
		return errInvalidRequest("You can only define ReplaceKeyPrefix or ReplaceKey but not both.")
	}
	if s := d.HttpRedirectCode; s != nil {
		code, err := strconv.Atoi(*s)
		if err != nil {
			return errMalformedXML()
		}
		if code < 301 || code > 399 {
			return errInvalidRequest("The provided HTTP redirect code (%d) is not valid. Valid codes are 3XX except 300.", code)
		}
	}
	return validProtocol(d.Protocol)
}

func validProtocol(p *string) error {
	if p == nil || *p == "http" || *p == "https" {
		return nil
	}
	return errInvalidRequest("Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically.")
}

func (p *Provider) putBucketWebsite(ctx context.Context, in *s3api.PutBucketWebsiteRequest) (*protocol.Empty, error) {
	if err := validateWebsite(in.WebsiteConfiguration); err != nil {
		return nil, err
	}
	return emptyOr(p.putConfig(ctx, deref(in.Bucket), cfgWebsite, in.WebsiteConfiguration, nil))
}

func (p *Provider) getBucketWebsite(ctx context.Context, in *s3api.GetBucketWebsiteRequest) (*s3api.GetBucketWebsiteOutput, error) {
	var c s3api.WebsiteConfiguration
	found, err := p.getConfig(ctx, deref(in.Bucket), cfgWebsite, &c)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, awserr.New("NoSuchWebsiteConfiguration", http.StatusNotFound,
			"The specified bucket does not have a website configuration")
	}
	return &s3api.GetBucketWebsiteOutput{IndexDocument: c.IndexDocument, ErrorDocument: c.ErrorDocument,
		RedirectAllRequestsTo: c.RedirectAllRequestsTo, RoutingRules: c.RoutingRules}, nil
}

func (p *Provider) deleteBucketWebsite(ctx context.Context, in *s3api.DeleteBucketWebsiteRequest) (*protocol.Empty, error) {
	return emptyOr(p.deleteConfig(ctx, deref(in.Bucket), cfgWebsite))
}
