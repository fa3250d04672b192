package detect

import (
	"strings"
)

// hostInfo is what a Host header says, split around a recognised domain.
type hostInfo struct {
	// rest is the part before the domain: "bucket.s3" for
	// "bucket.s3.localhost:4566"; empty when the host is the domain itself.
	rest string
	// known is true when the host ends in a local or AWS domain.
	known bool
	// local is true when that domain is a local one.
	local bool
	// s3Label is the index in rest where an "s3" (or "s3-<region>",
	// "s3-website...") label starts, the rightmost one; -1 when none.
	s3Label int
	// apiID is the first label of "<apiId>.execute-api.<...>".
	apiID string
	// website is true for an S3 website endpoint with a bucket before its
	// label; region is then the region the host names ("" for none).
	website bool
	region  string
}

// bucket returns the virtual-hosted bucket name: what precedes the S3
// label, or, for local domains without one and when bare is set, the whole
// rest ("bucket.localhost").
func (h hostInfo) bucket(bare bool) string {
	switch {
	case !h.known:
		return ""
	case h.s3Label > 0:
		return h.rest[:h.s3Label-1]
	case h.s3Label == 0:
		return ""
	case bare && h.local:
		return h.rest
	}
	return ""
}

// parseHost splits a Host header value ("name[:port]", "[::1]:port").
func (d *Detector) parseHost(hostport string) hostInfo {
	h := hostInfo{s3Label: -1}
	host := stripPort(hostport)
	host = strings.TrimSuffix(host, ".")
	if hasUpper(host) {
		host = asciiLower(host)
	}
	if host == "" {
		return h
	}
	if rest, ok := cutDomain(host, d.domains); ok {
		h.rest, h.known, h.local = rest, true, true
	} else if rest, ok := cutDomain(host, d.aws); ok {
		h.rest, h.known = rest, true
	} else {
		return h
	}
	h.s3Label = s3LabelIndex(h.rest, !h.local)
	if i, region, ok := websiteLabel(h.rest); ok {
		h.s3Label, h.website, h.region = i, true, region
	}
	if h.s3Label < 0 {
		if i := strings.IndexByte(h.rest, '.'); i > 0 {
			if next := h.rest[i+1:]; next == "execute-api" || strings.HasPrefix(next, "execute-api.") {
				h.apiID = h.rest[:i]
			}
		}
	}
	return h
}

// cutDomain returns what precedes the first of domains that host is or ends
// with.
func cutDomain(host string, domains []string) (string, bool) {
	for _, dom := range domains {
		if host == dom {
			return "", true
		}
		if len(host) > len(dom) && host[len(host)-len(dom)-1] == '.' && strings.HasSuffix(host, dom) {
			return host[:len(host)-len(dom)-1], true
		}
	}
	return "", false
}

// s3LabelIndex returns where the rightmost S3 endpoint label of rest
// starts: "s3", and with legacy set (AWS's domains) also "s3-<region>",
// "s3-website-<region>", "s3-external-1" (not "s3-control", which is S3
// Control's); -1 when there is none.
func s3LabelIndex(rest string, legacy bool) int {
	end := len(rest)
	for end > 0 {
		start := strings.LastIndexByte(rest[:end], '.') + 1
		label := rest[start:end]
		if label == "s3" || legacy && strings.HasPrefix(label, "s3-") && label != "s3-control" {
			return start
		}
		end = start - 1
	}
	return -1
}

// websiteLabel finds an S3 website endpoint label at the end of rest:
// "<bucket>.s3-website-<region>", "<bucket>.s3-website.<region>" or
// "<bucket>.s3-website". It reports where the label starts and the region;
// false when rest ends otherwise or no bucket precedes the label.
func websiteLabel(rest string) (int, string, bool) {
	const label = "s3-website"
	i := strings.LastIndexByte(rest, '.')
	last := rest[i+1:]
	switch {
	case i > 0 && last == label:
		return i + 1, "", true
	case i > 0 && strings.HasPrefix(last, label+"-") && isRegion(last[len(label)+1:]):
		return i + 1, last[len(label)+1:], true
	case i > 0 && isRegion(last):
		j := strings.LastIndexByte(rest[:i], '.')
		if j > 0 && rest[j+1:i] == label {
			return j + 1, last, true
		}
	}
	return 0, "", false
}

// isRegion reports whether s looks like a region code ("us-east-1",
// "us-gov-west-1"): lower-case words joined by dashes, ending in a number.
func isRegion(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) < 3 {
		return false
	}
	for i, p := range parts {
		if p == "" {
			return false
		}
		for j := 0; j < len(p); j++ {
			c := p[j]
			digit := '0' <= c && c <= '9'
			if i == len(parts)-1 && !digit || i < len(parts)-1 && !('a' <= c && c <= 'z') {
				return false
			}
		}
	}
	return true
}

// stripPort removes a port and IPv6 brackets.
func stripPort(hostport string) string {
	if strings.HasPrefix(hostport, "[") {
		if i := strings.IndexByte(hostport, ']'); i > 0 {
			return hostport[1:i]
		}
		return hostport
	}
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 && strings.IndexByte(hostport, ':') == i {
		return hostport[:i]
	}
	return hostport
}

// asciiLower lower-cases s's ASCII letters and leaves every other byte
// alone (strings.ToLower would turn invalid UTF-8 into U+FFFD).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}
