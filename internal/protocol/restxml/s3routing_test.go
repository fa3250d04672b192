package restxml_test

import (
	"net/http/httptest"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/protocol/restxml"
)

// TestS3Routing resolves requests as the SDKs send them against the real S3
// model, where several operations share one method and URI.
func TestS3Routing(t *testing.T) {
	c := restxml.New(s3api.Descriptor)
	for _, tc := range []struct {
		method, target string
		headers        map[string]string
		want           string
	}{
		{"GET", "/", nil, "ListBuckets"},
		{"PUT", "/b", nil, "CreateBucket"},
		{"GET", "/b", nil, "ListObjects"},
		{"GET", "/b?list-type=2", nil, "ListObjectsV2"},
		{"GET", "/b?versions", nil, "ListObjectVersions"},
		{"GET", "/b?lifecycle", nil, "GetBucketLifecycleConfiguration"},
		{"PUT", "/b?lifecycle", nil, "PutBucketLifecycleConfiguration"},
		{"GET", "/b?notification", nil, "GetBucketNotificationConfiguration"},
		{"GET", "/b?location", nil, "GetBucketLocation"},
		{"POST", "/b?delete", nil, "DeleteObjects"},
		{"PUT", "/b/k", nil, "PutObject"},
		{"PUT", "/b/dir/k.txt", map[string]string{"X-Amz-Copy-Source": "/a/k"}, "CopyObject"},
		{"PUT", "/b/k?partNumber=1&uploadId=u", nil, "UploadPart"},
		{"PUT", "/b/k?partNumber=1&uploadId=u", map[string]string{"X-Amz-Copy-Source": "/a/k"}, "UploadPartCopy"},
		{"GET", "/b/k", nil, "GetObject"},
		{"GET", "/b/k?uploadId=u", nil, "ListParts"},
		{"GET", "/b/k?tagging", nil, "GetObjectTagging"},
		{"HEAD", "/b/k", nil, "HeadObject"},
		{"HEAD", "/b", nil, "HeadBucket"},
		{"DELETE", "/b/k", nil, "DeleteObject"},
		{"DELETE", "/b/k?uploadId=u", nil, "AbortMultipartUpload"},
		{"POST", "/b/k?uploads", nil, "CreateMultipartUpload"},
		{"POST", "/b/k?uploadId=u", nil, "CompleteMultipartUpload"},
	} {
		r := httptest.NewRequest(tc.method, tc.target, nil)
		for k, v := range tc.headers {
			r.Header.Set(k, v)
		}
		op, err := c.Resolve(r)
		if err != nil {
			t.Errorf("%s %s: %v", tc.method, tc.target, err)
			continue
		}
		if op.Name != tc.want {
			t.Errorf("%s %s %v = %s, want %s", tc.method, tc.target, tc.headers, op.Name, tc.want)
		}
	}
}
