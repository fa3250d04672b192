package prototest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// targetPrefix is the suite's targetPrefix, or "ProtoTest" when it has none.
func targetPrefix(s *Suite) string { return or(s.Metadata.TargetPrefix, "ProtoTest") }

// jsonVersion is the suite's jsonVersion, or "1.0" when it has none.
func jsonVersion(s *Suite) string { return or(s.Metadata.JSONVersion, "1.0") }

// defaultHost is the host of requests whose case names none.
const defaultHost = "service.region.amazonaws.com"

// Request builds the server-side request of an input case as net/http's
// server would hand it over: URL holding only path and query (raw escaping
// kept), RequestURI and Host set. Method defaults to the operation's, then
// POST. Headers a client always sends but some cases omit are added: the
// form Content-Type for query and ec2; X-Amz-Target and Content-Type for
// json (suites without targetPrefix or jsonVersion use "ProtoTest" and "1.0",
// as the built Service does).
func Request(c *Case) (*http.Request, error) {
	s := c.Serialized
	if s == nil {
		return nil, fmt.Errorf("prototest: case %s has no serialized request", c.ID)
	}
	method := s.Method
	if method == "" && c.Given.HTTP != nil {
		method = c.Given.HTTP.Method
	}
	if method == "" {
		method = http.MethodPost
	}
	uri := s.URI
	if uri == "" {
		uri = "/"
	}
	host := s.Host
	if host == "" {
		host = defaultHost
	}
	u, err := url.ParseRequestURI(uri)
	if err != nil {
		return nil, fmt.Errorf("prototest: case %s: uri %q: %w", c.ID, uri, err)
	}
	r, err := http.NewRequest(method, "http://"+host+uri, strings.NewReader(s.Body))
	if err != nil {
		return nil, fmt.Errorf("prototest: case %s: %w", c.ID, err)
	}
	r.URL = u
	r.RequestURI = uri
	r.Host = host
	r.Proto, r.ProtoMajor, r.ProtoMinor = "HTTP/1.1", 1, 1
	r.RemoteAddr = "192.0.2.1:1234"
	for k, v := range s.Headers {
		r.Header.Set(k, v)
	}
	if c.Suite.Metadata.Protocol == protocol.JSON {
		if r.Header.Get("X-Amz-Target") == "" {
			r.Header.Set("X-Amz-Target", targetPrefix(c.Suite)+"."+c.Given.Name)
		}
		if r.Header.Get("Content-Type") == "" {
			r.Header.Set("Content-Type", "application/x-amz-json-"+jsonVersion(c.Suite))
		}
	}
	if p := c.Suite.Metadata.Protocol; (p == protocol.Query || p == protocol.EC2) && r.Header.Get("Content-Type") == "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	return r, nil
}
