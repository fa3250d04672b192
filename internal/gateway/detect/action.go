package detect

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// maxFormPeek bounds how much of a form-encoded body is read to find its
// Action and Version; SDKs write them first.
const maxFormPeek = 64 << 10

// fromAction returns the service owning the query protocol Action (and
// Version) of r, looked for in the query string, then in a form-encoded
// body. With among set, only those services are considered.
func (d *Detector) fromAction(r *http.Request, among []*protocol.Service) *protocol.Service {
	var action, version string
	if r.URL != nil && r.URL.RawQuery != "" {
		action = queryValue(r.URL.RawQuery, "Action")
		version = queryValue(r.URL.RawQuery, "Version")
	}
	if action == "" {
		form := peekForm(r)
		if form == "" {
			return nil
		}
		action = queryValue(form, "Action")
		version = queryValue(form, "Version")
	}
	if action == "" {
		return nil
	}
	action, version = unescape(action), unescape(version)
	if version != "" {
		if s := ownerOf(d.byVersion[version], among, action, true); s != nil {
			return s
		}
	}
	// No version, or one no service has (an old client's): any query
	// service with that action.
	return ownerOf(d.query, among, action, false)
}

// ownerOf returns the first service of list (and of among, when set) that
// has action; with orAny set, failing that the first service of list at all:
// a known version with an unknown action is still that service's request,
// and its codec answers InvalidAction.
func ownerOf(list, among []*protocol.Service, action string, orAny bool) *protocol.Service {
	var some *protocol.Service
	for _, s := range list {
		if among != nil && !slices.Contains(among, s) {
			continue
		}
		if s.Operation(action) != nil {
			return s
		}
		if some == nil && orAny {
			some = s
		}
	}
	return some
}

// peekForm reads the start of a form-encoded request body and puts back a
// body that yields the same bytes. It returns the complete pairs read.
func peekForm(r *http.Request) string {
	if r.Body == nil || r.Body == http.NoBody || r.Method != http.MethodPost {
		return ""
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return ""
	}
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/x-www-form-urlencoded" {
		return ""
	}
	n := int64(maxFormPeek)
	if r.ContentLength >= 0 && r.ContentLength < n {
		n = r.ContentLength
	}
	buf := make([]byte, n)
	got, err := io.ReadFull(r.Body, buf)
	buf = buf[:got]
	r.Body = &replayBody{Reader: io.MultiReader(bytes.NewReader(buf), r.Body), Closer: r.Body}
	if err == nil && int64(got) == maxFormPeek {
		// The body may go on: drop the pair that may be cut short.
		if i := bytes.LastIndexByte(buf, '&'); i >= 0 {
			buf = buf[:i]
		}
	}
	return string(buf)
}

// replayBody is a request body whose start was read already.
type replayBody struct {
	io.Reader
	io.Closer
}

// queryValue returns the raw (still escaped) value of the first key=value
// pair of an application/x-www-form-urlencoded string with the given key.
func queryValue(q, key string) string {
	for q != "" {
		var pair string
		if i := strings.IndexByte(q, '&'); i >= 0 {
			pair, q = q[:i], q[i+1:]
		} else {
			pair, q = q, ""
		}
		if len(pair) > len(key) && pair[len(key)] == '=' && pair[:len(key)] == key {
			return pair[len(key)+1:]
		}
	}
	return ""
}

// unescape decodes a query value; undecodable values are kept as they are.
func unescape(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}
