package rest

import (
	"net/http/httptest"
	"net/url"
	"testing"
)

func FuzzDecodeBindings(f *testing.F) {
	seeds := []struct{ query, header, path string }{
		{"max-keys=10&ratio=1.5&flag=true&since=2015-01-25T08%3A00%3A00Z", "Sun, 25 Jan 2015 08:00:00 GMT", "/b/k"},
		{"item=a&item=b&num=1&x=1", `a, "b,c", d`, "/b/a%20b/c/"},
		{"TimeQuery=2015-01-25T08%3A00%3A00Z&TimeCustomQuery=1422172800", "1422172800", "/2014-01-01/jobsByPipeline/foo"},
		{"Bar=%7B%22Foo%22%3A%22Bar%22%7D", "eyJGb28iOiJCYXIifQ==", "//"},
	}
	for _, s := range seeds {
		f.Add(s.query, s.header, s.path)
	}
	rt := NewRouter(s3LikeOps())
	f.Fuzz(func(t *testing.T, query, header, path string) {
		r := httptest.NewRequest("GET", "http://h/", nil)
		r.URL.RawQuery = query
		r.URL.Path = "/" + path
		r.URL.RawPath = ""
		if u, err := url.Parse("http://h/" + path); err == nil {
			r.URL.Path, r.URL.RawPath = u.Path, u.RawPath
		}
		for _, h := range []string{"If-Modified-Since", "X-Epoch", "X-Tags", "X-Dates", "X-Doc", "X-Md5", "X-Amz-Meta-A"} {
			r.Header.Set(h, header)
		}
		_, labels, _ := rt.Match(r)
		var in bindInput
		_ = DecodeBindings(r, labels, &in)
		_, _ = ParseTimestamp(header)
		_ = SplitHeaderList(header, true)
	})
}
