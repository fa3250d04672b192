package s3

import (
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
)

func TestParseTaggingHeader(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "k=v,..." or the error code
	}{
		{"", ""},
		{"a=1&b=2", "a=1,b=2"},
		{"a+b=c%20d&e", "a b=c d,e="},
		{"a=1&a=2", "InvalidArgument"},
		{"a=%zz", "InvalidArgument"},
		{"aws:x=1", "InvalidTag"},
		{strings.Repeat("k", 129) + "=1", "InvalidTag"},
		{"k=" + strings.Repeat("v", 257), "InvalidTag"},
		{"k=" + strings.Repeat("é", 256), "k=" + strings.Repeat("é", 256)},
		{"a=1&b=1&c=1&d=1&e=1&f=1&g=1&h=1&i=1&j=1&k=1", "BadRequest"},
		{"k=%3C", "InvalidTag"},
		{"=v", "InvalidTag"},
	} {
		tags, err := parseTaggingHeader(tc.in)
		got := errCode(err)
		if err == nil {
			var parts []string
			for _, t := range tags {
				parts = append(parts, t.Key+"="+t.Value)
			}
			got = strings.Join(parts, ",")
		}
		if got != tc.want {
			t.Errorf("%q: %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzParseTaggingHeader(f *testing.F) {
	for _, s := range []string{"a=1&b=2", "a+b=%20", "&&=", "%", "aws:k=v"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		tags, err := parseTaggingHeader(h)
		if err == nil && validateTags(tags) != nil {
			t.Fatalf("%q parsed to invalid tags %v", h, tags)
		}
	})
}

func TestObjectTagging(t *testing.T) {
	p, ctx := newTestProvider(t)
	tagging := func(kv ...string) *s3api.Tagging {
		tg := &s3api.Tagging{TagSet: []s3api.Tag{}}
		for i := 0; i+1 < len(kv); i += 2 {
			tg.TagSet = append(tg.TagSet, s3api.Tag{Key: ptr(kv[i]), Value: ptr(kv[i+1])})
		}
		return tg
	}
	if _, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("k"), Body: strings.NewReader("x"), Tagging: ptr("a=1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("bad"), Body: strings.NewReader("x"), Tagging: ptr("a=1&a=1")}); errCode(err) != "InvalidArgument" {
		t.Errorf("PUT with duplicate tags: %v", err)
	}
	for _, tc := range []struct {
		name string
		put  *s3api.Tagging
		key  string
		err  string
		want string
	}{
		{"initial", nil, "k", "", "a=1"},
		{"replace", tagging("x", "y", "z", ""), "k", "", "x=y,z="},
		{"duplicate", tagging("x", "1", "x", "2"), "k", "InvalidTag", "x=y,z="},
		{"long key", tagging(strings.Repeat("k", 129), "1"), "k", "InvalidTag", "x=y,z="},
		{"missing key", tagging("x", "1"), "none", "NoSuchKey", ""},
		{"no tagging", nil, "", "MalformedXML", ""},
	} {
		key := tc.key
		if tc.put != nil || key == "" {
			_, err := p.putObjectTagging(ctx, &s3api.PutObjectTaggingRequest{Bucket: ptr("bkt"), Key: ptr(key), Tagging: tc.put})
			if errCode(err) != tc.err {
				t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
			}
			if key == "" || key == "none" {
				continue
			}
		}
		out, err := p.getObjectTagging(ctx, &s3api.GetObjectTaggingRequest{Bucket: ptr("bkt"), Key: ptr(key)})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, tg := range out.TagSet {
			got = append(got, *tg.Key+"="+*tg.Value)
		}
		if strings.Join(got, ",") != tc.want {
			t.Errorf("%s: tags %v, want %s", tc.name, got, tc.want)
		}
	}
	if _, err := p.deleteObjectTagging(ctx, &s3api.DeleteObjectTaggingRequest{Bucket: ptr("bkt"), Key: ptr("k")}); err != nil {
		t.Fatal(err)
	}
	if _, get, _ := read(p, ctx, "k", nil); get.TagCount != nil {
		t.Errorf("tag count %d after delete", *get.TagCount)
	}

	// Tags belong to a version: tagging the old one leaves the current alone.
	setVersioning(t, p, ctx, "Enabled")
	v1 := put(t, p, ctx, "v", "1")
	put(t, p, ctx, "v", "2")
	out, err := p.putObjectTagging(ctx, &s3api.PutObjectTaggingRequest{Bucket: ptr("bkt"), Key: ptr("v"), VersionId: v1.VersionId, Tagging: tagging("old", "yes")})
	if err != nil || deref(out.VersionId) != *v1.VersionId {
		t.Fatalf("tag old version: %+v %v", out, err)
	}
	if _, get, _ := read(p, ctx, "v", nil); get.TagCount != nil {
		t.Errorf("current version got the old version's tags")
	}
	if _, get, _ := read(p, ctx, "v", v1.VersionId); deref3(get.TagCount) != 1 {
		t.Errorf("old version tag count %v", get.TagCount)
	}
}
