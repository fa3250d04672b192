package rest

import (
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// s3LikeOps mimics how S3 routes many operations on the same paths.
func s3LikeOps() []*protocol.Operation {
	return []*protocol.Operation{
		{Name: "ListBuckets", HTTPMethod: "GET", RequestURI: "/"},
		{Name: "ListObjects", HTTPMethod: "GET", RequestURI: "/{Bucket}"},
		{Name: "ListObjectsV2", HTTPMethod: "GET", RequestURI: "/{Bucket}?list-type=2"},
		{Name: "ListMultipartUploads", HTTPMethod: "GET", RequestURI: "/{Bucket}?uploads"},
		{Name: "GetBucketAcl", HTTPMethod: "GET", RequestURI: "/{Bucket}?acl"},
		{Name: "CreateBucket", HTTPMethod: "PUT", RequestURI: "/{Bucket}"},
		{Name: "GetObject", HTTPMethod: "GET", RequestURI: "/{Bucket}/{Key+}"},
		{Name: "GetObjectAcl", HTTPMethod: "GET", RequestURI: "/{Bucket}/{Key+}?acl"},
		{Name: "CreateMultipartUpload", HTTPMethod: "POST", RequestURI: "/{Bucket}/{Key+}?uploads"},
		{Name: "SelectObjectContent", HTTPMethod: "POST", RequestURI: "/{Bucket}/{Key+}?select&select-type=2"},
		{Name: "HeadObject", HTTPMethod: "HEAD", RequestURI: "/{Bucket}/{Key+}"},
		{Name: "GetPolicy", HTTPMethod: "GET", RequestURI: "/v1/mrap/instances/{Name+}/policy"},
		{Name: "GetRoutes", HTTPMethod: "GET", RequestURI: "/v1/mrap/instances/{Name+}/routes"},
		{Name: "ListFunctions", HTTPMethod: "GET", RequestURI: "/2015-03-31/functions/"},
		{Name: "GetFunction", HTTPMethod: "GET", RequestURI: "/2015-03-31/functions/{FunctionName}"},
		{Name: "Invoke", HTTPMethod: "POST", RequestURI: "/2015-03-31/functions/{FunctionName}/invocations"},
		{Name: "ListVersions", HTTPMethod: "GET", RequestURI: "/2015-03-31/functions/{FunctionName}/versions"},
		{Name: "GetAlias", HTTPMethod: "GET", RequestURI: "/2015-03-31/functions/{FunctionName}/aliases/{Name}"},
		{Name: "NoHTTP"},
	}
}

func TestRouterMatch(t *testing.T) {
	rt := NewRouter(s3LikeOps())
	tests := []struct {
		method, target string
		want           string
		labels         Labels
		err            error
	}{
		{"GET", "/", "ListBuckets", Labels{}, nil},
		{"GET", "/bkt", "ListObjects", Labels{"Bucket": "bkt"}, nil},
		{"GET", "/bkt/", "ListObjects", Labels{"Bucket": "bkt"}, nil},
		{"GET", "/bkt?list-type=2&prefix=a", "ListObjectsV2", Labels{"Bucket": "bkt"}, nil},
		{"GET", "/bkt?list-type=3", "ListObjects", Labels{"Bucket": "bkt"}, nil},
		{"GET", "/bkt?uploads", "ListMultipartUploads", Labels{"Bucket": "bkt"}, nil},
		{"GET", "/bkt?acl=", "GetBucketAcl", Labels{"Bucket": "bkt"}, nil},
		{"PUT", "/bkt", "CreateBucket", Labels{"Bucket": "bkt"}, nil},
		{"GET", "/bkt/a/b/c.txt", "GetObject", Labels{"Bucket": "bkt", "Key": "a/b/c.txt"}, nil},
		{"GET", "/bkt/dir/", "GetObject", Labels{"Bucket": "bkt", "Key": "dir/"}, nil},
		{"GET", "/bkt/a%20b%2Fc", "GetObject", Labels{"Bucket": "bkt", "Key": "a b/c"}, nil},
		{"GET", "/bkt//lead", "GetObject", Labels{"Bucket": "bkt", "Key": "/lead"}, nil},
		{"GET", "/bkt/k?acl", "GetObjectAcl", Labels{"Bucket": "bkt", "Key": "k"}, nil},
		{"POST", "/bkt/k?uploads", "CreateMultipartUpload", Labels{"Bucket": "bkt", "Key": "k"}, nil},
		{"POST", "/bkt/k?select&select-type=2", "SelectObjectContent", Labels{"Bucket": "bkt", "Key": "k"}, nil},
		{"HEAD", "/bkt/k", "HeadObject", Labels{"Bucket": "bkt", "Key": "k"}, nil},
		{"GET", "/v1/mrap/instances/a/b/policy", "GetPolicy", Labels{"Name": "a/b"}, nil},
		{"GET", "/v1/mrap/instances/a/routes", "GetRoutes", Labels{"Name": "a"}, nil},
		{"GET", "/2015-03-31/functions/", "ListFunctions", Labels{}, nil},
		{"GET", "/2015-03-31/functions", "ListFunctions", Labels{}, nil},
		{"GET", "/2015-03-31/functions/f1", "GetFunction", Labels{"FunctionName": "f1"}, nil},
		{"GET", "/2015-03-31/functions/f1/versions", "ListVersions", Labels{"FunctionName": "f1"}, nil},
		{"GET", "/2015-03-31/functions/f1/aliases/live", "GetAlias", Labels{"FunctionName": "f1", "Name": "live"}, nil},
		{"POST", "/2015-03-31/functions/arn%3Aaws%3Alambda/invocations", "Invoke", Labels{"FunctionName": "arn:aws:lambda"}, nil},
		{"DELETE", "/2015-03-31/functions/f1/versions", "", nil, ErrMethodNotAllowed},
		{"GET", "/2015-03-31/nothing/here/at/all/x", "GetObject", Labels{"Bucket": "2015-03-31", "Key": "nothing/here/at/all/x"}, nil},
		{"PATCH", "/", "", nil, ErrMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "http://h"+tt.target, nil)
			op, labels, err := rt.Match(r)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			if op.Name != tt.want {
				t.Errorf("op = %s, want %s", op.Name, tt.want)
			}
			if len(labels) != len(tt.labels) {
				t.Errorf("labels = %v, want %v", labels, tt.labels)
			}
			for k, v := range tt.labels {
				if labels[k] != v {
					t.Errorf("label %s = %q, want %q", k, labels[k], v)
				}
			}
		})
	}
}

func TestRouterExtract(t *testing.T) {
	ops := s3LikeOps()
	rt := NewRouter(ops)
	var getObject, noHTTP *protocol.Operation
	for _, op := range ops {
		switch op.Name {
		case "GetObject":
			getObject = op
		case "NoHTTP":
			noHTTP = op
		}
	}
	tests := []struct {
		name   string
		op     *protocol.Operation
		target string
		want   Labels
		ok     bool
	}{
		{"labels", getObject, "/b/k/x", Labels{"Bucket": "b", "Key": "k/x"}, true},
		{"mismatch", getObject, "/b", nil, false},
		{"unrouted op", noHTTP, "/whatever", Labels{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rt.Extract(tt.op, httptest.NewRequest("GET", "http://h"+tt.target, nil))
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, ok want %v", err, tt.ok)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("label %s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

type putObjectIn struct {
	_ struct{} `type:"structure"`
}

type uploadPartIn struct {
	_          struct{} `type:"structure"`
	PartNumber *int64   `location:"querystring" locationName:"partNumber" type:"integer" required:"true"`
	UploadID   *string  `location:"querystring" locationName:"uploadId" type:"string" required:"true"`
}

type copyObjectIn struct {
	_          struct{} `type:"structure"`
	CopySource *string  `location:"header" locationName:"x-amz-copy-source" type:"string" required:"true"`
}

type uploadPartCopyIn struct {
	_          struct{}          `type:"structure"`
	CopySource *string           `location:"header" locationName:"x-amz-copy-source" type:"string" required:"true"`
	PartNumber *int64            `location:"querystring" locationName:"partNumber" type:"integer" required:"true"`
	UploadID   *string           `location:"querystring" locationName:"uploadId" type:"string" required:"true"`
	Filter     map[string]string `location:"querystring" type:"map" required:"true"`
}

type listIn struct {
	_    struct{} `type:"structure"`
	Page *string  `location:"querystring" locationName:"page" type:"string" required:"true"`
}

func TestRouterRequiredMembers(t *testing.T) {
	in := func(v any) func() any { return func() any { return v } }
	ops := []*protocol.Operation{
		{Name: "CopyObject", HTTPMethod: "PUT", RequestURI: "/{Bucket}/{Key+}", NewInput: in(&copyObjectIn{})},
		{Name: "PutObject", HTTPMethod: "PUT", RequestURI: "/{Bucket}/{Key+}", NewInput: in(&putObjectIn{})},
		{Name: "UploadPart", HTTPMethod: "PUT", RequestURI: "/{Bucket}/{Key+}", NewInput: in(&uploadPartIn{})},
		{Name: "UploadPartCopy", HTTPMethod: "PUT", RequestURI: "/{Bucket}/{Key+}", NewInput: in(&uploadPartCopyIn{})},
		{Name: "GetBucketLifecycle", HTTPMethod: "GET", RequestURI: "/{Bucket}?lifecycle"},
		{Name: "GetBucketLifecycleConfiguration", HTTPMethod: "GET", RequestURI: "/{Bucket}?lifecycle"},
		{Name: "ListThings", HTTPMethod: "GET", RequestURI: "/things/list", NewInput: in(&listIn{})},
		{Name: "GetThing", HTTPMethod: "GET", RequestURI: "/things/{Id}"},
		{Name: "NilInput", HTTPMethod: "GET", RequestURI: "/nil", NewInput: func() any { return nil }},
	}
	rt := NewRouter(ops, Prefer("GetBucketLifecycleConfiguration"))
	tests := []struct {
		method, target, copySource, want string
	}{
		{"PUT", "/b/k", "", "PutObject"},
		{"PUT", "/b/k", "src/k", "CopyObject"},
		{"PUT", "/b/k?partNumber=1&uploadId=u", "", "UploadPart"},
		{"PUT", "/b/k?partNumber=1&uploadId=u", "src/k", "UploadPartCopy"},
		{"PUT", "/b/k?partNumber=1", "", "PutObject"},
		{"GET", "/b?lifecycle", "", "GetBucketLifecycleConfiguration"},
		{"GET", "/things/list?page=2", "", "ListThings"},
		{"GET", "/things/list", "", "ListThings"},
		{"GET", "/things/x", "", "GetThing"},
		{"GET", "/nil", "", "NilInput"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, "http://h"+tt.target, nil)
		if tt.copySource != "" {
			r.Header.Set("X-Amz-Copy-Source", tt.copySource)
		}
		op, _, err := rt.Match(r)
		if err != nil || op.Name != tt.want {
			t.Errorf("%s %s (copy %q) = %v, %v; want %s", tt.method, tt.target, tt.copySource, op, err, tt.want)
		}
	}
}
