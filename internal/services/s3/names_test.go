package s3

import "testing"

func TestValidBucketName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"abc", true},
		{"my-bucket.data-1", true},
		{"ab", false},
		{string(make([]byte, 64)), false},
		{"Upper", false},
		{"-start", false},
		{"end-", false},
		{".dot", false},
		{"a..b", false},
		{"192.168.1.1", false},
		{"under_score", false},
		{"xn--punycode", false},
		{"sthree-x", false},
		{"foo-s3alias", false},
		{"foo--ol-s3", false},
		{"1.2.3", true},
	} {
		if got := validBucketName(tc.name); got != tc.ok {
			t.Errorf("validBucketName(%q) = %v, want %v", tc.name, got, tc.ok)
		}
	}
}
