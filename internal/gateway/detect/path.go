package detect

import (
	"net/http"
	"strings"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// pathKey returns the literal start of a REST request URI, at most two
// segments long: "/2015-03-31/functions" for
// "/2015-03-31/functions/{FunctionName}/invocations", "/restapis" for
// "/restapis/{restapi_id}". URIs starting with a label ("/{Bucket}") give "".
func pathKey(uri string) string {
	if i := strings.IndexByte(uri, '?'); i >= 0 {
		uri = uri[:i]
	}
	end := 0
	for range 2 {
		if end >= len(uri) || uri[end] != '/' {
			break
		}
		next := strings.IndexByte(uri[end+1:], '/')
		segEnd := len(uri)
		if next >= 0 {
			segEnd = end + 1 + next
		}
		seg := uri[end+1 : segEnd]
		if seg == "" || strings.ContainsAny(seg, "{}") {
			break
		}
		end = segEnd
	}
	return uri[:end]
}

// requestKeys returns the one- and two-segment prefixes of a request path.
func requestKeys(p string) (one, two string) {
	if len(p) < 2 || p[0] != '/' {
		return "", ""
	}
	i := strings.IndexByte(p[1:], '/')
	if i < 0 {
		return p, ""
	}
	one = p[:1+i]
	rest := p[1+i+1:]
	j := strings.IndexByte(rest, '/')
	if j < 0 {
		j = len(rest)
	}
	if j == 0 {
		return one, ""
	}
	return one, p[:1+i+1+j]
}

// rpcV2Prefix starts the path of Smithy RPC v2 requests:
// /service/<ServiceShape>/operation/<Operation>.
const rpcV2Prefix = "/service/"

// pathServices returns the services whose REST operations live under r's
// path, or the owner of an RPC v2 path's service shape.
func (d *Detector) pathServices(r *http.Request) []*protocol.Service {
	p := urlPath(r)
	one, two := requestKeys(p)
	if two != "" {
		if s := d.byPath[two]; len(s) > 0 {
			return s
		}
	}
	if one != "" {
		if s := d.byPath[one]; len(s) > 0 {
			return s
		}
	}
	if _, ok := connectionsBase(p); ok {
		if s := d.byPath[connectionsPath]; len(s) > 0 {
			return s
		}
	}
	if strings.HasPrefix(p, rpcV2Prefix) && two != "" {
		return d.byTarget[two[len(rpcV2Prefix):]]
	}
	return nil
}

// targetServices returns the services of an X-Amz-Target value
// ("DynamoDB_20120810.ListTables").
func (d *Detector) targetServices(target string) []*protocol.Service {
	i := strings.LastIndexByte(target, '.')
	if i <= 0 {
		return nil
	}
	return d.byTarget[target[:i]]
}
