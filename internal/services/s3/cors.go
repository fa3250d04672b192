package s3

import (
	"context"
	"net/http"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
)

// maxCORSRules is the most rules a bucket's CORS configuration holds.
const maxCORSRules = 100

func (p *Provider) putBucketCors(ctx context.Context, in *s3api.PutBucketCorsRequest) (*protocol.Empty, error) {
	if in.CORSConfiguration == nil {
		return nil, errMalformedXML()
	}
	rules := in.CORSConfiguration.CORSRules
	if err := validateCORSRules(rules); err != nil {
		return nil, err
	}
	return emptyOr(p.putConfig(ctx, deref(in.Bucket), cfgCORS, rules, nil))
}

func (p *Provider) getBucketCors(ctx context.Context, in *s3api.GetBucketCorsRequest) (*s3api.GetBucketCorsOutput, error) {
	var rules []s3api.CORSRule
	found, err := p.getConfig(ctx, deref(in.Bucket), cfgCORS, &rules)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errNoSuchCORS()
	}
	return &s3api.GetBucketCorsOutput{CORSRules: rules}, nil
}

func (p *Provider) deleteBucketCors(ctx context.Context, in *s3api.DeleteBucketCorsRequest) (*protocol.Empty, error) {
	return emptyOr(p.deleteConfig(ctx, deref(in.Bucket), cfgCORS))
}

// validateCORSRules applies S3's rules for a CORS configuration: 1 to 100
// rules, each with at least one origin and one method; methods among GET,
// PUT, HEAD, POST and DELETE; at most one "*" in an origin or an allowed
// header; none in an exposed header.
func validateCORSRules(rules []s3api.CORSRule) error {
	if len(rules) == 0 || len(rules) > maxCORSRules {
		return errMalformedXML()
	}
	for _, r := range rules {
		if len(r.AllowedOrigins) == 0 || len(r.AllowedMethods) == 0 {
			return errMalformedXML()
		}
		if len(deref(r.ID)) > 255 {
			return awserr.New("InvalidArgument", http.StatusBadRequest, "The ID of a CORS rule must be no more than 255 characters.")
		}
		for _, m := range r.AllowedMethods {
			switch m {
			case http.MethodGet, http.MethodPut, http.MethodHead, http.MethodPost, http.MethodDelete:
			default:
				return errInvalidRequest("Found unsupported HTTP method in CORS config. Unsupported method is %s", m)
			}
		}
		for _, o := range r.AllowedOrigins {
			if strings.Count(o, "*") > 1 {
				return errInvalidRequest("AllowedOrigin %q can not have more than one wildcard.", o)
			}
		}
		for _, h := range r.AllowedHeaders {
			if strings.Count(h, "*") > 1 {
				return errInvalidRequest("AllowedHeader %q can not have more than one wildcard.", h)
			}
		}
		for _, h := range r.ExposeHeaders {
			if strings.Contains(h, "*") {
				return errInvalidRequest("ExposeHeader %q contains wildcard. We currently do not support wildcard for ExposeHeader.", h)
			}
		}
		if r.MaxAgeSeconds != nil && *r.MaxAgeSeconds < 0 {
			return errMalformedXML()
		}
	}
	return nil
}

func errNoSuchCORS() *awserr.Error {
	return awserr.New("NoSuchCORSConfiguration", http.StatusNotFound, "The CORS configuration does not exist")
}
