package restxml

import (
	"net/http"
	"reflect"
	"strings"

	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/rest"
)

// preferred breaks ties between operations sharing a method and URI whose
// requests cannot be told apart: S3 answers the current API, not the
// deprecated one (and ListBuckets, not the directory-bucket listing, which
// S3 Express serves on other hosts).
var preferred = map[string]bool{
	"GetBucketLifecycleConfiguration":    true,
	"PutBucketLifecycleConfiguration":    true,
	"GetBucketNotificationConfiguration": true,
	"PutBucketNotificationConfiguration": true,
	"ListBuckets":                        true,
}

// binding is a required input member bound to the query string or a header.
type binding struct {
	header bool
	name   string
}

// sibling is one of several operations with the same method and URI.
type sibling struct {
	op       *protocol.Operation
	required []binding
}

// siblingsOf groups the operations that share a method and request URI
// (S3's PUT /{Bucket}/{Key+} is PutObject, CopyObject, UploadPart and
// UploadPartCopy), keyed by each member of a group.
func siblingsOf(ops []*protocol.Operation) map[*protocol.Operation][]sibling {
	groups := map[string][]*protocol.Operation{}
	for _, op := range ops {
		if op.HTTPMethod == "" || op.RequestURI == "" {
			continue
		}
		k := strings.ToUpper(op.HTTPMethod) + " " + op.RequestURI
		groups[k] = append(groups[k], op)
	}
	out := map[*protocol.Operation][]sibling{}
	for _, g := range groups {
		if len(g) < 2 {
			continue
		}
		sibs := make([]sibling, 0, len(g))
		for _, op := range g {
			sibs = append(sibs, sibling{op: op, required: requiredBindings(op)})
		}
		for _, op := range g {
			out[op] = sibs
		}
	}
	return out
}

// requiredBindings lists the required query and header members of op's input.
func requiredBindings(op *protocol.Operation) []binding {
	if op.NewInput == nil {
		return nil
	}
	t := reflect.TypeOf(op.NewInput())
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var bs []binding
	st := protocol.StructOf(t)
	for i := range st.Members {
		m := &st.Members[i]
		if !m.Required {
			continue
		}
		switch m.Location {
		case rest.LocQueryString:
			if m.Type.Kind() != reflect.Map {
				bs = append(bs, binding{name: m.WireName()})
			}
		case rest.LocHeader:
			bs = append(bs, binding{header: true, name: m.WireName()})
		}
	}
	return bs
}

// disambiguate picks, among the operations sharing op's method and URI, the
// one whose required query and header members r sends, preferring the one
// that needs the most of them: a PUT with uploadId, partNumber and
// x-amz-copy-source is UploadPartCopy, one with none of them PutObject.
func disambiguate(op *protocol.Operation, sibs []sibling, r *http.Request) *protocol.Operation {
	q := r.URL.Query()
	best, bestScore := (*protocol.Operation)(nil), -1
	for _, s := range sibs {
		ok := true
		for _, b := range s.required {
			if b.header {
				ok = r.Header.Get(b.name) != ""
			} else {
				_, ok = q[b.name]
			}
			if !ok {
				break
			}
		}
		if !ok {
			continue
		}
		score := len(s.required)
		switch {
		case score > bestScore,
			score == bestScore && preferred[s.op.Name] && !preferred[best.Name],
			score == bestScore && s.op == op && !preferred[best.Name]:
			best, bestScore = s.op, score
		}
	}
	if best == nil {
		return op
	}
	return best
}
