package s3

import (
	"bytes"
	"html"
	"net/http"
	"strconv"

	"github.com/unkai-cloud/unkai/internal/awserr"
)

// sitePage is one of the HTML error pages website endpoints answer: the
// status, S3's error code and message, the lines that name what failed
// (Key, BucketName...), and, when the error document could not be served
// instead, why.
type sitePage struct {
	status        int
	code, message string
	extra         []pageLine
	// docErr is the error met reading the error document; its status is
	// not used.
	docErr *sitePage
}

// pageLine is one "Name: value" line of a page.
type pageLine struct{ name, value string }

// errorPage is the page of ae, met serving objKey: the error's code and
// message with the line naming its subject. Internal errors show S3's
// InternalError, never their cause.
func (s *siteRequest) errorPage(ae *awserr.Error, objKey string) sitePage {
	ae = s.visible(ae)
	pg := sitePage{status: ae.Status, code: ae.Code, message: ae.Message}
	switch ae.Code {
	case "NoSuchKey":
		pg.extra = []pageLine{{"Key", objKey}}
	case "NoSuchBucket", "NoSuchWebsiteConfiguration":
		pg.extra = []pageLine{{"BucketName", s.host.Name}}
	case "IncorrectEndpoint":
		pg.extra = []pageLine{{"Endpoint", s.endpointIn(s.bucket.Region)}}
	}
	return pg
}

// visible is the error a page shows for ae: ae itself, or S3's
// InternalError for a server-side failure.
func (s *siteRequest) visible(ae *awserr.Error) *awserr.Error {
	if ae.Status < 500 {
		return ae
	}
	return awserr.New("InternalError", http.StatusInternalServerError, "We encountered an internal error. Please try again.")
}

// page answers pg: its HTML for GET, its status and headers alone for
// HEAD.
func (s *siteRequest) page(pg sitePage) {
	title := html.EscapeString(strconv.Itoa(pg.status) + " " + http.StatusText(pg.status))
	var b bytes.Buffer
	b.WriteString("<html>\n<head><title>" + title + "</title></head>\n<body>\n<h1>" + title + "</h1>\n")
	lines := append(pg.lines(), pageLine{"RequestId", s.requestID}, pageLine{"HostId", s.hostID})
	writeList(&b, lines)
	if d := pg.docErr; d != nil {
		b.WriteString("<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>\n")
		writeList(&b, d.lines())
	}
	b.WriteString("<hr/>\n</body>\n</html>\n")
	h := s.w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	s.w.WriteHeader(pg.status)
	if !s.head {
		// A client gone mid-page ends the response; nothing is left to tell it.
		_, _ = s.w.Write(b.Bytes())
	}
}

// lines are the page's Code, Message and subject lines.
func (pg *sitePage) lines() []pageLine {
	return append([]pageLine{{"Code", pg.code}, {"Message", pg.message}}, pg.extra...)
}

func writeList(b *bytes.Buffer, lines []pageLine) {
	b.WriteString("<ul>\n")
	for _, l := range lines {
		b.WriteString("<li>" + l.name + ": " + html.EscapeString(l.value) + "</li>\n")
	}
	b.WriteString("</ul>\n")
}

// objectHeaders sets the headers GetObject answers for v: the object's
// stored headers and metadata, its ETag, Last-Modified, length and range.
func objectHeaders(h http.Header, v *objectView) {
	o := v.obj
	set := func(name, value string) {
		if value != "" {
			h.Set(name, value)
		}
	}
	set("Content-Type", o.ContentType)
	set("Cache-Control", o.CacheControl)
	set("Content-Disposition", o.ContentDisposition)
	set("Content-Encoding", o.ContentEncoding)
	set("Content-Language", o.ContentLanguage)
	if o.Expires != nil {
		h.Set("Expires", o.Expires.UTC().Format(http.TimeFormat))
	}
	h.Set("Content-Length", strconv.FormatInt(v.length, 10))
	h.Set("ETag", o.ETag)
	h.Set("Last-Modified", o.LastModified.UTC().Format(http.TimeFormat))
	h.Set("Accept-Ranges", "bytes")
	h.Set("X-Amz-Server-Side-Encryption", "AES256")
	if v.bucket != nil {
		if id := versionHeader(v.bucket, o); id != nil {
			h.Set("X-Amz-Version-Id", *id)
		}
	}
	for k, val := range o.Metadata {
		h.Set("X-Amz-Meta-"+k, val)
	}
	if v.partial {
		h.Set("Content-Range", v.rangeHdr)
	}
}
