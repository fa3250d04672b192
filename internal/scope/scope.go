// Package scope carries the account and region a request acts in, as AWS
// derives them (account from the access key, region from the signature's
// credential scope), and keys state by them so accounts and regions never see
// each other's resources.
package scope

import (
	"context"
)

// DefaultAccount is the account of any access key that is not itself a
// 12-digit account id.
const DefaultAccount = "000000000000"

// DefaultRegion is used when a request names no region (unsigned requests).
const DefaultRegion = "us-east-1"

// Scope is where a request acts.
type Scope struct {
	// Account is the 12-digit account id. An anonymous request has none
	// until an authorizer lets it act on a resource; it then acts in the
	// resource owner's account.
	Account string
	// Region is the region name, e.g. "us-east-1".
	Region string
	// AccessKey is the access key id the request was signed with (empty when
	// unsigned). It is not a secret.
	AccessKey string
	// Anonymous is true for an unsigned request in strict auth mode: no
	// principal sent it, and only the resource's own rules (an S3 bucket
	// policy or ACL) can allow it.
	Anonymous bool
}

// AccountForAccessKey maps an access key id to its account: a key that is a
// 12-digit number is that account; every other key belongs to DefaultAccount.
func AccountForAccessKey(akid string) string {
	if len(akid) != 12 {
		return DefaultAccount
	}
	for i := 0; i < len(akid); i++ {
		if akid[i] < '0' || akid[i] > '9' {
			return DefaultAccount
		}
	}
	return akid
}

type ctxKey struct{}

// With returns a context carrying s.
func With(ctx context.Context, s Scope) context.Context {
	return context.WithValue(ctx, ctxKey{}, s)
}

// From returns the scope ctx carries, or the default account and region.
func From(ctx context.Context) Scope {
	if s, ok := ctx.Value(ctxKey{}).(Scope); ok {
		return s
	}
	return Scope{Account: DefaultAccount, Region: DefaultRegion}
}
