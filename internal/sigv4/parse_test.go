package sigv4

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestParseHeader(t *testing.T) {
	const cred = "AKID/20260101/us-east-1/dynamodb/aws4_request"
	tests := []struct {
		name       string
		auth       string
		amzDate    string
		date       string
		want       Kind
		wantDetail string // substring of Detail
		wantS3     string // substring of S3Detail
	}{
		{name: "valid", auth: "AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=host;x-amz-date, Signature=abc", amzDate: "20260101T000000Z"},
		{name: "valid without spaces", auth: "AWS4-HMAC-SHA256 Credential=" + cred + ",SignedHeaders=host,Signature=abc", amzDate: "20260101T000000Z"},
		{name: "date header", auth: "AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=date;host, Signature=abc", date: "Thu, 01 Jan 2026 00:00:00 GMT"},
		{name: "sigv4a", auth: "AWS4-ECDSA-P256-SHA256 Credential=" + cred, amzDate: "20260101T000000Z", want: KindUnsupported},
		{name: "no credential", auth: "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abc", amzDate: "20260101T000000Z",
			want: KindMalformed, wantDetail: "Authorization header requires 'Credential' parameter.", wantS3: "three components"},
		{name: "nothing and no date", auth: "AWS4-HMAC-SHA256", want: KindMalformed,
			wantDetail: "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256"},
		{name: "short credential", auth: "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1, SignedHeaders=host, Signature=abc", amzDate: "20260101T000000Z",
			want: KindMalformed, wantDetail: "exactly 5 slash-delimited", wantS3: "the Credential is mal-formed"},
		{name: "bad terminator", auth: "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/aws5_request, SignedHeaders=host, Signature=abc", amzDate: "20260101T000000Z",
			want: KindMalformed, wantDetail: "valid terminator: 'aws4_request', not 'aws5_request'"},
		{name: "bad scope date", auth: "AWS4-HMAC-SHA256 Credential=AKID/2026-01-01/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abc", amzDate: "20260101T000000Z",
			want: KindMalformed, wantDetail: "ISO-8601"},
		{name: "host not signed", auth: "AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=x-amz-date, Signature=abc", amzDate: "20260101T000000Z",
			want: KindMalformed, wantDetail: "'Host' or ':authority' must be a 'SignedHeader'"},
		{name: "empty signed header", auth: "AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=host;;a, Signature=abc", amzDate: "20260101T000000Z",
			want: KindMalformed},
		{name: "no date", auth: "AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=host, Signature=abc", want: KindMissingDate},
		{name: "bad x-amz-date", auth: "AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=host, Signature=abc", amzDate: "2026-01-01T00:00:00Z",
			want: KindMalformed, wantDetail: "ISO-8601 'basic format'"},
		{name: "bad date header", auth: "AWS4-HMAC-SHA256 Credential=" + cred + ", SignedHeaders=host, Signature=abc", date: "yesterday",
			want: KindMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "http://localhost/", nil)
			r.Header.Set("Authorization", tc.auth)
			if tc.amzDate != "" {
				r.Header.Set("X-Amz-Date", tc.amzDate)
			}
			if tc.date != "" {
				r.Header.Set("Date", tc.date)
			}
			a, err := Parse(r)
			if k := kindOf(err); k != tc.want {
				t.Fatalf("err = %v (kind %v), want kind %v", err, k, tc.want)
			}
			if err != nil {
				e := err.(*Error)
				if !strings.Contains(e.Detail, tc.wantDetail) || !strings.Contains(e.S3Detail, tc.wantS3) {
					t.Errorf("detail = %q / %q, want %q / %q", e.Detail, e.S3Detail, tc.wantDetail, tc.wantS3)
				}
				return
			}
			if a.AccessKeyID != "AKID" || a.Scope() != "20260101/us-east-1/dynamodb/aws4_request" || a.Signature != "abc" ||
				a.AmzDate != "20260101T000000Z" || !a.Time.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) || a.Presigned {
				t.Errorf("auth = %+v", a)
			}
		})
	}
}

func TestParsePresigned(t *testing.T) {
	const valid = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fs3%2Faws4_request" +
		"&X-Amz-Date=20260101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=abc"
	tests := []struct {
		name   string
		query  string
		want   Kind
		wantS3 string
	}{
		{name: "valid", query: valid + "&X-Amz-Expires=60&X-Amz-Security-Token=tok"},
		{name: "missing expires for s3", query: valid, want: KindMalformedQuery, wantS3: "requires the X-Amz-Algorithm"},
		{name: "missing signature", query: strings.Replace(valid, "&X-Amz-Signature=abc", "", 1) + "&X-Amz-Expires=60",
			want: KindMalformedQuery, wantS3: "requires the X-Amz-Algorithm"},
		{name: "only credential", query: "X-Amz-Credential=AKID", want: KindMalformedQuery},
		{name: "bad algorithm", query: strings.Replace(valid, "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512", 1) + "&X-Amz-Expires=60",
			want: KindMalformedQuery, wantS3: `X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"`},
		{name: "expires not a number", query: valid + "&X-Amz-Expires=soon", want: KindMalformedQuery, wantS3: "should be a number"},
		{name: "expires negative", query: valid + "&X-Amz-Expires=-1", want: KindMalformedQuery, wantS3: "non-negative"},
		{name: "expires over a week", query: valid + "&X-Amz-Expires=604801", want: KindMalformedQuery, wantS3: "604800"},
		{name: "bad credential", query: strings.Replace(valid, "AKID%2F", "", 1) + "&X-Amz-Expires=60",
			want: KindMalformedQuery, wantS3: "Error parsing the X-Amz-Credential parameter"},
		{name: "bad date", query: strings.Replace(valid, "20260101T000000Z", "20260101", 1) + "&X-Amz-Expires=60",
			want: KindMalformedQuery, wantS3: "ISO8601 Long Format"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "http://localhost/b/k?"+tc.query, nil)
			a, err := Parse(r)
			if k := kindOf(err); k != tc.want {
				t.Fatalf("err = %v (kind %v), want kind %v", err, k, tc.want)
			}
			if err != nil {
				if e := err.(*Error); !strings.Contains(e.S3Detail, tc.wantS3) {
					t.Errorf("S3 detail = %q, want %q", e.S3Detail, tc.wantS3)
				}
				return
			}
			if !a.Presigned || a.Expires != time.Minute || a.SecurityToken != "tok" || a.Service != "s3" {
				t.Errorf("auth = %+v", a)
			}
		})
	}
}

func TestCanonicalHelpers(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"escape keeps unreserved", escape("AZaz09-_.~", false), "AZaz09-_.~"},
		{"escape reserved", escape("a b/c+d=é", false), "a%20b%2Fc%2Bd%3D%C3%A9"},
		{"escape path keeps slash", escape("/a b/%2F", true), "/a%20b/%252F"},
		{"normalize dots", normalizePath("/a/./b/../c/", false), "/a/c/"},
		{"normalize to root", normalizePath("/..", false), "/"},
		{"normalize keeps double slash", normalizePath("/a//b/.", false), "/a//b/"},
		{"normalize collapses", normalizePath("/a//b", true), "/a/b"},
		{"reencode segments", reencodeSegments("/b/a+b%2Fc!"), "/b/a%2Bb%2Fc%21"},
		{"reencode bad escape", reencodeSegments("/b/%zz"), "/b/%25zz"},
		{"query sorted", canonicalQuery(parseQuery("b=2&a=1&a=0&c&X-Amz-Signature=x"), true, false), "a=0&a=1&b=2&c="},
		{"query plus is space", canonicalQuery(parseQuery("q=a+b"), false, false), "q=a%20b"},
		{"query bad escape kept", canonicalQuery(parseQuery("q=%zz"), false, false), "q=%25zz"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}
