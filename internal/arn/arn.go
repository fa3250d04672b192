// Package arn builds and parses Amazon Resource Names. Every ARN unkai hands
// out is made here, so partition rules live in one place.
package arn

import (
	"errors"
	"strings"
)

// ARN is a parsed Amazon Resource Name:
// arn:partition:service:region:account:resource.
type ARN struct {
	Partition string
	Service   string
	Region    string
	Account   string
	Resource  string
}

// PartitionOf returns the partition a region belongs to.
func PartitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	default:
		return "aws"
	}
}

// New returns the ARN of a resource of service in region and account; the
// partition follows from the region. Global services pass an empty region.
func New(service, region, account, resource string) ARN {
	p := "aws"
	if region != "" {
		p = PartitionOf(region)
	}
	return ARN{Partition: p, Service: service, Region: region, Account: account, Resource: resource}
}

// String formats a as arn:partition:service:region:account:resource.
func (a ARN) String() string {
	var b strings.Builder
	b.Grow(len("arn:::::") + len(a.Partition) + len(a.Service) + len(a.Region) + len(a.Account) + len(a.Resource))
	b.WriteString("arn:")
	b.WriteString(a.Partition)
	b.WriteByte(':')
	b.WriteString(a.Service)
	b.WriteByte(':')
	b.WriteString(a.Region)
	b.WriteByte(':')
	b.WriteString(a.Account)
	b.WriteByte(':')
	b.WriteString(a.Resource)
	return b.String()
}

// ErrMalformed is returned by Parse for text that is not an ARN.
var ErrMalformed = errors.New("arn: malformed")

// Parse parses an ARN. The resource part may itself contain colons.
func Parse(s string) (ARN, error) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" {
		return ARN{}, ErrMalformed
	}
	return ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}, nil
}

// Global returns the ARN of a resource of a global service (IAM, Route 53,
// S3 buckets): the region field stays empty but the partition follows the
// region the request was made in.
func Global(service, region, account, resource string) ARN {
	return ARN{Partition: PartitionOf(region), Service: service, Account: account, Resource: resource}
}
