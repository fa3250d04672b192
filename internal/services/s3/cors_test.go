package s3

import (
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/service"
)

func corsRule(origins, methods, headers []string) s3api.CORSRule {
	return s3api.CORSRule{AllowedOrigins: origins, AllowedMethods: methods, AllowedHeaders: headers}
}

func TestPutBucketCorsValidation(t *testing.T) {
	many := make([]s3api.CORSRule, 101)
	for i := range many {
		many[i] = corsRule([]string{"*"}, []string{"GET"}, nil)
	}
	for _, tc := range []struct {
		name  string
		rules []s3api.CORSRule
		err   string
	}{
		{"ok", []s3api.CORSRule{corsRule([]string{"https://*.example.com"}, []string{"GET", "PUT"}, []string{"x-amz-*"})}, ""},
		{"none", nil, "MalformedXML"},
		{"too many", many, "MalformedXML"},
		{"no origin", []s3api.CORSRule{corsRule(nil, []string{"GET"}, nil)}, "MalformedXML"},
		{"no method", []s3api.CORSRule{corsRule([]string{"*"}, nil, nil)}, "MalformedXML"},
		{"patch", []s3api.CORSRule{corsRule([]string{"*"}, []string{"PATCH"}, nil)}, "InvalidRequest"},
		{"lowercase method", []s3api.CORSRule{corsRule([]string{"*"}, []string{"get"}, nil)}, "InvalidRequest"},
		{"two origin wildcards", []s3api.CORSRule{corsRule([]string{"http://*.*.com"}, []string{"GET"}, nil)}, "InvalidRequest"},
		{"two header wildcards", []s3api.CORSRule{corsRule([]string{"*"}, []string{"GET"}, []string{"*-*"})}, "InvalidRequest"},
		{"expose wildcard", []s3api.CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}, ExposeHeaders: []string{"*"}}}, "InvalidRequest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ctx := newTestProvider(t)
			_, err := p.putBucketCors(ctx, &s3api.PutBucketCorsRequest{Bucket: ptr("bkt"), CORSConfiguration: &s3api.CORSConfiguration{CORSRules: tc.rules}})
			if errCode(err) != tc.err {
				t.Fatalf("put: %v, want %q", err, tc.err)
			}
			out, err := p.getBucketCors(ctx, &s3api.GetBucketCorsRequest{Bucket: ptr("bkt")})
			if tc.err != "" {
				if errCode(err) != "NoSuchCORSConfiguration" {
					t.Fatalf("get after refused put: %v", err)
				}
				return
			}
			if err != nil || len(out.CORSRules) != len(tc.rules) {
				t.Fatalf("get: %v %v", out, err)
			}
			if _, err := p.deleteBucketCors(ctx, &s3api.DeleteBucketCorsRequest{Bucket: ptr("bkt")}); err != nil {
				t.Fatal(err)
			}
			if _, err := p.getBucketCors(ctx, &s3api.GetBucketCorsRequest{Bucket: ptr("bkt")}); errCode(err) != "NoSuchCORSConfiguration" {
				t.Fatalf("get after delete: %v", err)
			}
		})
	}
}

func TestResolveCORS(t *testing.T) {
	p, ctx := newTestProvider(t)
	rules := []s3api.CORSRule{
		{AllowedOrigins: []string{"https://*.example.com"}, AllowedMethods: []string{"GET", "PUT"},
			AllowedHeaders: []string{"Content-Type", "x-amz-*"}, ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: ptr(int64(600))},
		{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}},
	}
	if _, err := p.putBucketCors(ctx, &s3api.PutBucketCorsRequest{Bucket: ptr("bkt"), CORSConfiguration: &s3api.CORSConfiguration{CORSRules: rules}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		req        service.CORSRequest
		configured bool
		allowed    bool
		origin     string
		creds      bool
	}{
		{"first rule", service.CORSRequest{Resource: "bkt", Object: "k", Origin: "https://app.example.com", Method: "PUT",
			Headers: []string{"content-type", "X-Amz-Date"}, Preflight: true}, true, true, "https://app.example.com", true},
		{"header not allowed falls to second rule's method", service.CORSRequest{Resource: "bkt", Origin: "https://app.example.com",
			Method: "PUT", Headers: []string{"authorization"}, Preflight: true}, true, false, "", false},
		{"wildcard rule", service.CORSRequest{Resource: "bkt", Origin: "http://other.test", Method: "GET", Preflight: true}, true, true, "*", false},
		{"method refused", service.CORSRequest{Resource: "bkt", Origin: "http://other.test", Method: "DELETE", Preflight: true}, true, false, "", false},
		{"origin wildcard needs a character", service.CORSRequest{Resource: "bkt", Origin: "https://example.com", Method: "PUT", Preflight: true}, true, false, "", false},
		{"no configuration", service.CORSRequest{Resource: "nocors", Origin: "http://x", Method: "GET"}, false, false, "", false},
	} {
		d, ok := p.ResolveCORS(ctx, tc.req)
		if ok != tc.configured || d.Allowed != tc.allowed || d.AllowOrigin != tc.origin || d.AllowCredentials != tc.creds {
			t.Errorf("%s: %+v %v", tc.name, d, ok)
		}
		if ok && !d.Allowed && codeOf(d.Denial) != "AccessForbidden" {
			t.Errorf("%s: denial %v", tc.name, d.Denial)
		}
	}
	d, _ := p.ResolveCORS(ctx, service.CORSRequest{Resource: "bkt", Origin: "https://a.example.com", Method: "GET", Headers: []string{"X-Amz-Date"}, Preflight: true})
	if d.MaxAge != 600 || strings.Join(d.ExposeHeaders, ",") != "ETag" || strings.Join(d.AllowHeaders, ",") != "x-amz-date" ||
		strings.Join(d.AllowMethods, ",") != "GET,PUT" {
		t.Errorf("decision %+v", d)
	}
}

func TestWildcardMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		fold, want bool
	}{
		{"*", "anything", false, true},
		{"http://*.example.com", "http://a.example.com", false, true},
		{"http://*.example.com", "http://example.com", false, false},
		{"http://a.com", "http://A.com", false, false},
		{"X-Amz-*", "x-amz-date", true, true},
		{"a*a", "a", false, false},
		{"a*a", "aa", false, true},
	} {
		if got := wildcardMatch(tc.pattern, tc.s, tc.fold); got != tc.want {
			t.Errorf("%q ~ %q: %v", tc.pattern, tc.s, got)
		}
	}
}

func FuzzWildcardMatch(f *testing.F) {
	f.Add("http://*.example.com", "http://a.example.com")
	f.Add("a*a", "a")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		got := wildcardMatch(pattern, s, false)
		if !strings.Contains(pattern, "*") && got != (pattern == s) {
			t.Fatalf("%q ~ %q: %v", pattern, s, got)
		}
		if got && len(s) < len(pattern)-1 {
			t.Fatalf("%q matched the shorter %q", pattern, s)
		}
	})
}
