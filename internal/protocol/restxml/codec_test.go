package restxml

import (
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
)

const decl = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

func TestResolve(t *testing.T) {
	s3 := New(s3Service())
	r53 := New(route53Service())
	tests := []struct {
		name   string
		c      protocol.Codec
		method string
		target string
		header string
		op     string
		status int
	}{
		{"list buckets", s3, "GET", "/", "", "ListBuckets", 0},
		{"list objects v2", s3, "GET", "/b?list-type=2&prefix=a", "", "ListObjectsV2", 0},
		{"get object", s3, "GET", "/b/a/b/c.txt", "", "GetObject", 0},
		{"head object", s3, "HEAD", "/b/k", "", "HeadObject", 0},
		{"put acl", s3, "PUT", "/b?acl", "", "PutBucketAcl", 0},
		{"location", s3, "GET", "/b?location", "", "GetBucketLocation", 0},
		{"put object", s3, "PUT", "/b/k", "", "PutObject", 0},
		{"copy object", s3, "PUT", "/b/k", "/src/key", "CopyObject", 0},
		{"upload part", s3, "PUT", "/b/k?partNumber=1&uploadId=u", "", "UploadPart", 0},
		{"upload part copy", s3, "PUT", "/b/k?partNumber=1&uploadId=u", "/src/key", "UploadPartCopy", 0},
		{"delete object", s3, "DELETE", "/b/k", "", "DeleteObject", 0},
		{"abort upload", s3, "DELETE", "/b/k?uploadId=u", "", "AbortMultipartUpload", 0},
		{"current lifecycle api", s3, "GET", "/b?lifecycle", "", "GetBucketLifecycleConfiguration", 0},
		{"method not allowed", s3, "PATCH", "/b/k", "", "", 405},
		{"route53 create", r53, "POST", "/2013-04-01/hostedzone", "", "CreateHostedZone", 0},
		{"route53 unknown", r53, "GET", "/2013-04-01/nothing", "", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, nil)
			if tt.header != "" {
				r.Header.Set("X-Amz-Copy-Source", tt.header)
			}
			op, err := tt.c.Resolve(r)
			if tt.status != 0 {
				if e := awserr.From(err); err == nil || e.Status != tt.status {
					t.Fatalf("err = %v, want status %d", err, tt.status)
				}
				return
			}
			if err != nil || op.Name != tt.op {
				t.Fatalf("Resolve = %v, %v; want %s", op, err, tt.op)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	s3svc, r53svc := s3Service(), route53Service()
	tests := []struct {
		name    string
		svc     *protocol.Service
		op      string
		method  string
		target  string
		body    string
		want    any
		errCode string
	}{
		{"bindings", s3svc, "ListObjectsV2", "GET", "/my-bucket?list-type=2&prefix=a%2Fb&max-keys=10", "",
			&listObjectsV2Input{Bucket: ptr("my-bucket"), Prefix: ptr("a/b"), MaxKeys: ptr[int64](10)}, ""},
		{"bad binding", s3svc, "ListObjectsV2", "GET", "/b?list-type=2&max-keys=ten", "", nil, "InvalidArgument"},
		{"structure payload", s3svc, "PutBucketAcl", "PUT", "/b?acl",
			`<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>o</ID></Owner><AccessControlList><Grant>` +
				`<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>g</ID></Grantee><Permission>READ</Permission>` +
				`</Grant></AccessControlList></AccessControlPolicy>`,
			&putBucketAclInput{Bucket: ptr("b"), AccessControlPolicy: &accessControlPolicy{
				Owner:  &owner{ID: ptr("o")},
				Grants: []grant{{Grantee: &grantee{ID: ptr("g"), Type: ptr("CanonicalUser")}, Permission: ptr("READ")}},
			}}, ""},
		{"empty structure payload", s3svc, "PutBucketAcl", "PUT", "/b?acl", "", &putBucketAclInput{Bucket: ptr("b")}, ""},
		{"flattened payload list", s3svc, "DeleteObjects", "POST", "/b?delete",
			`<Delete><Object><Key>a</Key></Object><Object><Key>b</Key><VersionId>v</VersionId></Object><Quiet>true</Quiet></Delete>`,
			&deleteObjectsInput{Bucket: ptr("b"), Delete: &deleteRequest{
				Objects: []objectIdentifier{{Key: ptr("a")}, {Key: ptr("b"), VersionId: ptr("v")}}, Quiet: ptr(true)}}, ""},
		{"malformed s3", s3svc, "DeleteObjects", "POST", "/b?delete", `<Delete><Object>`, nil, "MalformedXML"},
		{"dtd s3", s3svc, "DeleteObjects", "POST", "/b?delete", `<!DOCTYPE x [<!ENTITY a "b">]><Delete/>`, nil, "MalformedXML"},
		{"missing payload", s3svc, "DeleteObjects", "POST", "/b?delete", ``, nil, "InvalidArgument"},
		{"string payload", s3svc, "PutBucketPolicy", "PUT", "/b?policy", `{"Version":"2012-10-17"}`,
			&putBucketPolicyInput{Bucket: ptr("b"), Policy: ptr(`{"Version":"2012-10-17"}`)}, ""},
		{"route53 body", r53svc, "CreateHostedZone", "POST", "/2013-04-01/hostedzone",
			`<?xml version="1.0" encoding="UTF-8"?><CreateHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/">` +
				`<Name>example.com.</Name><CallerReference>ref-1</CallerReference><HostedZoneConfig><Comment>c</Comment><PrivateZone>false</PrivateZone></HostedZoneConfig></CreateHostedZoneRequest>`,
			&createHostedZoneInput{Name: ptr("example.com."), CallerReference: ptr("ref-1"),
				HostedZoneConfig: &hostedZoneConfig{Comment: ptr("c"), PrivateZone: ptr(false)}}, ""},
		{"route53 malformed", r53svc, "CreateHostedZone", "POST", "/2013-04-01/hostedzone", `<a><b></a>`, nil, "InvalidInput"},
		{"route53 bad value", r53svc, "CreateHostedZone", "POST", "/2013-04-01/hostedzone",
			`<CreateHostedZoneRequest><HostedZoneConfig><PrivateZone>maybe</PrivateZone></HostedZoneConfig></CreateHostedZoneRequest>`, nil, "InvalidInput"},
		{"route53 missing", r53svc, "CreateHostedZone", "POST", "/2013-04-01/hostedzone",
			`<CreateHostedZoneRequest><Name>x.</Name></CreateHostedZoneRequest>`, nil, "InvalidInput"},
		{"route53 uri", r53svc, "GetHostedZone", "GET", "/2013-04-01/hostedzone/Z123", "", &getHostedZoneInput{Id: ptr("Z123")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(tt.svc)
			op := tt.svc.Operation(tt.op)
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			in := op.NewInput()
			err := c.Decode(r, &protocol.Call{Service: tt.svc, Operation: op}, in)
			if tt.errCode != "" {
				if e := awserr.From(err); err == nil || e.Code != tt.errCode || e.Status != 400 {
					t.Fatalf("err = %v, want %s", err, tt.errCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(in, tt.want) {
				t.Errorf("got  %+v\nwant %+v", in, tt.want)
			}
		})
	}
}

func TestDecodeStreaming(t *testing.T) {
	svc := s3Service()
	c := New(svc)
	op := svc.Operation("PutObject")
	r := httptest.NewRequest("PUT", "/b/dir/key.txt", strings.NewReader("hello"))
	r.Header.Set("X-Amz-Meta-Color", "blue")
	in := &putObjectInput{}
	if err := c.Decode(r, &protocol.Call{Operation: op}, in); err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(in.Body)
	if err != nil || string(body) != "hello" || *in.Key != "dir/key.txt" || in.Metadata["color"] != "blue" {
		t.Errorf("decoded %+v body %q %v", in, body, err)
	}
}

func TestDecodeTooLarge(t *testing.T) {
	svc := s3Service()
	c := New(svc)
	op := svc.Operation("PutBucketPolicy")
	r := httptest.NewRequest("PUT", "/b?policy", io.LimitReader(zeros{}, MaxBodyBytes+10))
	err := c.Decode(r, &protocol.Call{Operation: op}, &putBucketPolicyInput{})
	if e := awserr.From(err); err == nil || e.Code != "MaxMessageLengthExceeded" {
		t.Fatalf("err = %v", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestEncode(t *testing.T) {
	s3svc, r53svc := s3Service(), route53Service()
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name    string
		svc     *protocol.Service
		op      string
		out     any
		status  int
		headers map[string]string
		body    string
	}{
		{"list buckets", s3svc, "ListBuckets", &listBucketsOutput{
			Buckets: []bucket{{Name: ptr("b1"), CreationDate: &created}}, Owner: &owner{ID: ptr("o")}}, 200,
			map[string]string{"Content-Type": "application/xml"},
			decl + `<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Buckets><Bucket><CreationDate>2026-01-02T03:04:05Z</CreationDate><Name>b1</Name></Bucket></Buckets><Owner><ID>o</ID></Owner></ListAllMyBucketsResult>`},
		{"list objects", s3svc, "ListObjectsV2", objects(2), 200, nil,
			decl + `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CommonPrefixes><Prefix>p/</Prefix></CommonPrefixes>` +
				`<Contents><ETag>&quot;etag&quot;</ETag><Key>key-0</Key><LastModified>2026-01-02T03:04:05Z</LastModified><Size>0</Size><StorageClass>STANDARD</StorageClass></Contents>` +
				`<Contents><ETag>&quot;etag&quot;</ETag><Key>key-1</Key><LastModified>2026-01-02T03:04:05Z</LastModified><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>` +
				`<IsTruncated>false</IsTruncated><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><Name>bucket</Name><Prefix></Prefix></ListBucketResult>`},
		{"headers only", s3svc, "PutObject", &putObjectOutput{ETag: ptr(`"abc"`)}, 200,
			map[string]string{"ETag": `"abc"`, "Content-Length": "0"}, ""},
		{"streaming payload", s3svc, "GetObject", &getObjectOutput{Body: strings.NewReader("data"), ContentType: ptr("text/plain")}, 200,
			map[string]string{"Content-Type": "text/plain"}, "data"},
		{"head", s3svc, "HeadObject", &headObjectOutput{ContentLength: ptr[int64](42), LastModified: &created}, 200,
			map[string]string{"Content-Length": "42", "Last-Modified": "Fri, 02 Jan 2026 03:04:05 GMT"}, ""},
		{"structure payload", s3svc, "CopyObject", &copyObjectOutput{CopyObjectResult: &copyObjectResult{ETag: ptr("e")}, VersionId: ptr("v")}, 200,
			map[string]string{"x-amz-version-id": "v"},
			decl + `<CopyObjectResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><ETag>e</ETag></CopyObjectResult>`},
		{"location", s3svc, "GetBucketLocation", &getBucketLocationOutput{LocationConstraint: ptr("eu-west-1")}, 200, nil,
			decl + `<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-west-1</LocationConstraint>`},
		{"location us-east-1", s3svc, "GetBucketLocation", &getBucketLocationOutput{}, 200, nil,
			decl + `<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></LocationConstraint>`},
		{"empty output", s3svc, "DeleteObjects", &protocol.Empty{}, 200, map[string]string{"Content-Length": "0"}, ""},
		{"route53 created", r53svc, "CreateHostedZone", &createHostedZoneOutput{
			Location:      ptr("https://route53.amazonaws.com/2013-04-01/hostedzone/Z1"),
			HostedZone:    &hostedZone{Id: ptr("/hostedzone/Z1"), Name: ptr("example.com."), CallerReference: ptr("r")},
			ChangeInfo:    &changeInfo{Id: ptr("/change/C1"), Status: ptr("PENDING"), SubmittedAt: &created},
			DelegationSet: &delegationSet{NameServers: []string{"ns1.example.", "ns2.example."}},
		}, 201, map[string]string{"Location": "https://route53.amazonaws.com/2013-04-01/hostedzone/Z1", "Content-Type": "text/xml"},
			decl + `<CreateHostedZoneResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeInfo><Id>/change/C1</Id><Status>PENDING</Status><SubmittedAt>2026-01-02T03:04:05Z</SubmittedAt></ChangeInfo>` +
				`<DelegationSet><NameServers><NameServer>ns1.example.</NameServer><NameServer>ns2.example.</NameServer></NameServers></DelegationSet>` +
				`<HostedZone><CallerReference>r</CallerReference><Id>/hostedzone/Z1</Id><Name>example.com.</Name></HostedZone></CreateHostedZoneResponse>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(tt.svc)
			rec := httptest.NewRecorder()
			call := &protocol.Call{Service: tt.svc, Operation: tt.svc.Operation(tt.op), RequestID: "req"}
			if err := c.Encode(rec, call, tt.out); err != nil {
				t.Fatal(err)
			}
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d", rec.Code, tt.status)
			}
			for k, v := range tt.headers {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if got := rec.Body.String(); got != tt.body {
				t.Errorf("body\n got  %s\nwant %s", got, tt.body)
			}
		})
	}
}

func objects(n int) *listObjectsV2Output {
	mod := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	out := &listObjectsV2Output{
		Name: ptr("bucket"), Prefix: ptr(""), MaxKeys: ptr[int64](1000), KeyCount: ptr(int64(n)), IsTruncated: ptr(false),
		CommonPrefixes: []commonPrefix{{Prefix: ptr("p/")}},
	}
	for i := 0; i < n; i++ {
		out.Contents = append(out.Contents, object{
			Key: ptr("key-" + itoa(i)), ETag: ptr(`"etag"`), LastModified: &mod, Size: ptr(int64(i)), StorageClass: ptr("STANDARD"),
		})
	}
	return out
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestEncodeError(t *testing.T) {
	s3svc, r53svc := s3Service(), route53Service()
	tests := []struct {
		name   string
		svc    *protocol.Service
		op     string
		err    *awserr.Error
		status int
		body   string
	}{
		{"s3", s3svc, "GetObject", awserr.New("NoSuchKey", 404, "The specified key does not exist.").WithFields(&noSuchKey{Message: ptr("x"), Key: ptr("k")}), 404,
			decl + `<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>k</Key><RequestId>req</RequestId><HostId>cmVx</HostId></Error>`},
		{"s3 internal", s3svc, "GetObject", awserr.Internal(nil), 500,
			decl + `<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>req</RequestId><HostId>cmVx</HostId></Error>`},
		{"s3 head", s3svc, "HeadObject", awserr.New("NoSuchKey", 404, "The specified key does not exist."), 404, ""},
		{"route53", r53svc, "GetHostedZone", awserr.New("NoSuchHostedZone", 404, "No hosted zone found with ID: Z1"), 404,
			decl + `<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>NoSuchHostedZone</Code><Message>No hosted zone found with ID: Z1</Message></Error><RequestId>req</RequestId></ErrorResponse>`},
		{"route53 no operation", r53svc, "", awserr.Internal(nil), 500,
			decl + `<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>We encountered an internal error. Please try again.</Message></Error><RequestId>req</RequestId></ErrorResponse>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(tt.svc)
			rec := httptest.NewRecorder()
			c.EncodeError(rec, &protocol.Call{Service: tt.svc, Operation: tt.svc.Operation(tt.op), RequestID: "req"}, tt.err)
			if rec.Code != tt.status || rec.Body.String() != tt.body {
				t.Errorf("status %d body\n got  %s\nwant %s", rec.Code, rec.Body.String(), tt.body)
			}
		})
	}
}

func BenchmarkEncodeListObjectsV2(b *testing.B) {
	svc := s3Service()
	c := New(svc)
	call := &protocol.Call{Service: svc, Operation: svc.Operation("ListObjectsV2"), RequestID: "req"}
	out := objects(1000)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		if err := c.Encode(rec, call, out); err != nil {
			b.Fatal(err)
		}
	}
}

var _ http.ResponseWriter = (*httptest.ResponseRecorder)(nil)
