package s3

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
)

// naiveList is the listing's specification: every key under prefix, with
// those containing delimiter after the prefix rolled up.
func naiveList(keys []string, prefix, delimiter string) []string {
	var out []string
	for _, k := range keys {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		if delimiter != "" {
			if i := strings.Index(k[len(prefix):], delimiter); i >= 0 {
				cp := "P:" + k[:len(prefix)+i+len(delimiter)]
				if !slices.Contains(out, cp) {
					out = append(out, cp)
				}
				continue
			}
		}
		out = append(out, k)
	}
	return out
}

// pageEntries lists a page's keys and common prefixes ("P:" before each)
// in key order.
func pageEntries(contents []s3api.Object, prefixes []s3api.CommonPrefix) []string {
	var page []string
	for _, o := range contents {
		page = append(page, *o.Key)
	}
	for _, cp := range prefixes {
		page = append(page, "P:"+*cp.Prefix)
	}
	slices.SortFunc(page, func(a, b string) int {
		return strings.Compare(strings.TrimPrefix(a, "P:"), strings.TrimPrefix(b, "P:"))
	})
	return page
}

// listAll pages through a listing and returns its entries in order.
func listAll(t *testing.T, p *Provider, ctx context.Context, in s3api.ListObjectsV2Request) []string {
	t.Helper()
	var out []string
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("listing does not end")
		}
		res, err := p.listObjectsV2(ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		page := pageEntries(res.Contents, res.CommonPrefixes)
		if int(*res.KeyCount) != len(page) {
			t.Fatalf("KeyCount %d for %d entries", *res.KeyCount, len(page))
		}
		out = append(out, page...)
		if !*res.IsTruncated {
			return out
		}
		in.ContinuationToken = res.NextContinuationToken
	}
}

func TestListObjectsV2(t *testing.T) {
	p, ctx := newTestProvider(t)
	keys := []string{"a", "a/b", "a/b/c", "a/c", "ab", "b/1", "b/2", "c", "photos/2024/x.jpg", "photos/2025/y.jpg", "photos/z.jpg", "é"}
	for _, k := range keys {
		if _, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ prefix, delimiter string }{
		{"", ""}, {"", "/"}, {"a", "/"}, {"a/", "/"}, {"photos/", "/"}, {"photos/", ""}, {"zzz", "/"}, {"", "b"}, {"a", "/c"},
	} {
		want := naiveList(keys, tc.prefix, tc.delimiter)
		for _, max := range []int64{1, 2, 3, 1000} {
			got := listAll(t, p, ctx, s3api.ListObjectsV2Request{Bucket: ptr("bkt"), Prefix: ptr(tc.prefix),
				Delimiter: ptr(tc.delimiter), MaxKeys: ptr(max)})
			if !slices.Equal(got, want) {
				t.Errorf("prefix %q delimiter %q max %d: got %v, want %v", tc.prefix, tc.delimiter, max, got, want)
			}
		}
	}
	got := listAll(t, p, ctx, s3api.ListObjectsV2Request{Bucket: ptr("bkt"), StartAfter: ptr("b/1"), MaxKeys: ptr(int64(2))})
	if want := []string{"b/2", "c", "photos/2024/x.jpg", "photos/2025/y.jpg", "photos/z.jpg", "é"}; !slices.Equal(got, want) {
		t.Errorf("start-after b/1: %v", got)
	}
	for _, tc := range []struct {
		name string
		in   s3api.ListObjectsV2Request
		err  string
	}{
		{"bad token", s3api.ListObjectsV2Request{Bucket: ptr("bkt"), ContinuationToken: ptr("!!")}, "InvalidArgument"},
		{"negative max", s3api.ListObjectsV2Request{Bucket: ptr("bkt"), MaxKeys: ptr(int64(-1))}, "InvalidArgument"},
		{"bad encoding", s3api.ListObjectsV2Request{Bucket: ptr("bkt"), EncodingType: ptr("base64")}, "InvalidArgument"},
		{"no bucket", s3api.ListObjectsV2Request{Bucket: ptr("nobkt")}, "NoSuchBucket"},
	} {
		if _, err := p.listObjectsV2(ctx, &tc.in); errCode(err) != tc.err {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.err)
		}
	}
	res, err := p.listObjectsV2(ctx, &s3api.ListObjectsV2Request{Bucket: ptr("bkt"), MaxKeys: ptr(int64(0))})
	if err != nil || *res.IsTruncated || len(res.Contents) != 0 {
		t.Errorf("max-keys 0: %+v %v", res, err)
	}
	res, err = p.listObjectsV2(ctx, &s3api.ListObjectsV2Request{Bucket: ptr("bkt"), Prefix: ptr("é"), EncodingType: ptr("url")})
	if err != nil || len(res.Contents) != 1 || *res.Contents[0].Key != "%C3%A9" || *res.Prefix != "%C3%A9" {
		t.Errorf("url encoding: %+v %v", res, err)
	}
}

func FuzzContinuationToken(f *testing.F) {
	for _, s := range []string{encodeToken('k', "a/b"), encodeToken('p', "photos/"), "", "!!", "eA=="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		kind, s, ok := decodeToken(tok)
		if !ok {
			return
		}
		if kind != 'k' && kind != 'p' {
			t.Fatalf("kind %q", kind)
		}
		if k2, s2, ok2 := decodeToken(encodeToken(kind, s)); !ok2 || k2 != kind || s2 != s {
			t.Fatalf("round trip of %q %q failed", kind, s)
		}
	})
}

// listAllV1 pages through ListObjects as clients do: from NextMarker, or
// from the last key without a delimiter.
func listAllV1(t *testing.T, p *Provider, ctx context.Context, in s3api.ListObjectsRequest) []string {
	t.Helper()
	var out []string
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("listing does not end")
		}
		res, err := p.listObjects(ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		page := pageEntries(res.Contents, res.CommonPrefixes)
		out = append(out, page...)
		if !*res.IsTruncated {
			return out
		}
		if (res.NextMarker != nil) != (deref(in.Delimiter) != "") {
			t.Fatalf("NextMarker %v with delimiter %q", res.NextMarker, deref(in.Delimiter))
		}
		next := deref(res.NextMarker)
		if next == "" {
			next = strings.TrimPrefix(page[len(page)-1], "P:")
		}
		in.Marker = &next
	}
}

func TestListObjectsV1(t *testing.T) {
	p, ctx := newTestProvider(t)
	keys := []string{"a", "a/b", "a/b/c", "a/c", "ab", "b/1", "b/2", "c", "photos/2024/x.jpg", "photos/z.jpg", "é"}
	for _, k := range keys {
		put(t, p, ctx, k, k)
	}
	for _, tc := range []struct{ prefix, delimiter string }{
		{"", ""}, {"", "/"}, {"a", "/"}, {"a/", "/"}, {"photos/", "/"}, {"", "b"}, {"zzz", "/"},
	} {
		want := naiveList(keys, tc.prefix, tc.delimiter)
		for _, max := range []int64{1, 2, 3, 1000} {
			got := listAllV1(t, p, ctx, s3api.ListObjectsRequest{Bucket: ptr("bkt"), Prefix: ptr(tc.prefix),
				Delimiter: ptr(tc.delimiter), MaxKeys: ptr(max)})
			if !slices.Equal(got, want) {
				t.Errorf("prefix %q delimiter %q max %d: got %v, want %v", tc.prefix, tc.delimiter, max, got, want)
			}
		}
	}
	for _, tc := range []struct {
		name string
		in   s3api.ListObjectsRequest
		want []string
		err  string
	}{
		{"marker", s3api.ListObjectsRequest{Marker: ptr("b/1")}, []string{"b/2", "c", "photos/2024/x.jpg", "photos/z.jpg", "é"}, ""},
		{"prefix marker", s3api.ListObjectsRequest{Marker: ptr("a/"), Delimiter: ptr("/")}, []string{"ab", "P:b/", "c", "P:photos/", "é"}, ""},
		{"url", s3api.ListObjectsRequest{Prefix: ptr("é"), EncodingType: ptr("url")}, []string{"%C3%A9"}, ""},
		{"negative max", s3api.ListObjectsRequest{MaxKeys: ptr(int64(-1))}, nil, "InvalidArgument"},
		{"bad encoding", s3api.ListObjectsRequest{EncodingType: ptr("x")}, nil, "InvalidArgument"},
		{"no bucket", s3api.ListObjectsRequest{Bucket: ptr("nobkt")}, nil, "NoSuchBucket"},
	} {
		in := tc.in
		if in.Bucket == nil {
			in.Bucket = ptr("bkt")
		}
		res, err := p.listObjects(ctx, &in)
		if errCode(err) != tc.err {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
			continue
		}
		if err != nil {
			continue
		}
		var got []string
		for _, o := range res.Contents {
			got = append(got, *o.Key)
			if o.Owner == nil {
				t.Errorf("%s: no owner", tc.name)
			}
		}
		for _, cp := range res.CommonPrefixes {
			got = append(got, "P:"+*cp.Prefix)
		}
		slices.SortFunc(got, func(a, b string) int {
			return strings.Compare(strings.TrimPrefix(a, "P:"), strings.TrimPrefix(b, "P:"))
		})
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
