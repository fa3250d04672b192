package s3

import (
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
)

func TestGetObjectAttributes(t *testing.T) {
	p, ctx := newTestProvider(t)
	src, err := p.putObject(ctx, &s3api.PutObjectRequest{Bucket: ptr("bkt"), Key: ptr("k"), Body: strings.NewReader("hello"),
		ChecksumAlgorithm: ptr("CRC32")})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		attrs []string
		key   string
		err   string
		check func(*s3api.GetObjectAttributesOutput) bool
	}{
		{"all", []string{"ETag,Checksum,ObjectParts,StorageClass,ObjectSize"}, "k", "", func(o *s3api.GetObjectAttributesOutput) bool {
			return deref(o.ETag) == strings.Trim(*src.ETag, `"`) && o.Checksum != nil && deref(o.Checksum.ChecksumCRC32) == *src.ChecksumCRC32 &&
				o.ObjectParts == nil && deref(o.StorageClass) == "STANDARD" && deref3(o.ObjectSize) == 5
		}},
		{"some", []string{"ObjectSize", " ETag"}, "k", "", func(o *s3api.GetObjectAttributesOutput) bool {
			return o.ETag != nil && o.ObjectSize != nil && o.Checksum == nil && o.StorageClass == nil
		}},
		{"unknown", []string{"Size"}, "k", "InvalidArgument", nil},
		{"empty", nil, "k", "InvalidArgument", nil},
		{"missing", []string{"ETag"}, "none", "NoSuchKey", nil},
	} {
		out, err := p.getObjectAttributes(ctx, &s3api.GetObjectAttributesRequest{Bucket: ptr("bkt"), Key: ptr(tc.key), ObjectAttributes: tc.attrs})
		if errCode(err) != tc.err {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
			continue
		}
		if err == nil && !tc.check(out) {
			t.Errorf("%s: %+v", tc.name, out)
		}
	}
}

func FuzzParseObjectAttributes(f *testing.F) {
	for _, s := range []string{"ETag", "ETag, ObjectSize", ",", "Bogus", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		want, err := parseObjectAttributes([]string{h})
		if err == nil && len(want) == 0 {
			t.Fatalf("%q accepted with no attributes", h)
		}
	})
}
