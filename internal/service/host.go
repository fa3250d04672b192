package service

import "net/http"

// Host kinds: the hosts whose requests are not AWS API calls but a
// provider's own plain-HTTP endpoint.
const (
	// HostS3Website is an S3 website endpoint,
	// "<bucket>.s3-website-<region>.<domain>" or
	// "<bucket>.s3-website.<region>.<domain>".
	HostS3Website = "s3-website"
	// HostExecuteAPI is a deployed API Gateway API, "<apiId>.execute-api.<domain>".
	HostExecuteAPI = "execute-api"
)

// HostServer is implemented by providers that answer plain HTTP on hosts
// of their own (HostS3Website, HostExecuteAPI): browsers and HTTP clients
// call them without signatures and get the provider's own responses (HTML
// pages, a backend's answer), never an AWS API error. The gateway hands
// such a request over, with its request id set, and only logs it. In
// strict auth mode the request's context carries an anonymous scope, and
// the provider's own access rules (a bucket's policy) decide; in open mode
// it carries no scope, and nothing is checked.
type HostServer interface {
	// HostKinds lists the host kinds the provider serves.
	HostKinds() []string
	// ServeHost answers r, addressed to the host h describes.
	ServeHost(w http.ResponseWriter, r *http.Request, h HostRequest)
}

// HostRequest is what a request's Host header names.
type HostRequest struct {
	// Kind is one of the Host* kinds.
	Kind string
	// Name is the bucket (HostS3Website) or the API id (HostExecuteAPI).
	Name string
	// Region is the region the host names, "" when it names none.
	Region string
}
