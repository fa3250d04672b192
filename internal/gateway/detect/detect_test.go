package detect

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const (
	akid    = "AKIAIOSFODNN7EXAMPLE"
	ctForm  = "application/x-www-form-urlencoded; charset=utf-8"
	ctJSON0 = "application/x-amz-json-1.0"
	ctJSON1 = "application/x-amz-json-1.1"
)

// sigv4 returns an Authorization header as the SDKs write it.
func sigv4(service string) string {
	return "AWS4-HMAC-SHA256 Credential=" + akid + "/20240101/us-east-1/" + service +
		"/aws4_request, SignedHeaders=content-type;host;x-amz-date, " +
		"Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
}

// presign returns the query of a presigned URL for service.
func presign(service string) string {
	return "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + akid + "%2F20240101%2Fus-east-1%2F" + service +
		"%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=abcd"
}

type request struct {
	method, target, host string
	header               map[string]string // Authorization, X-Amz-Target, Content-Type ...
	body                 string
}

func (q request) build() *http.Request {
	r := httptest.NewRequest(q.method, "http://placeholder"+q.target, strings.NewReader(q.body))
	r.Host = q.host
	if q.body == "" {
		r.Body = http.NoBody
	}
	for k, v := range q.header {
		r.Header.Set(k, v)
	}
	return r
}

func hdr(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

type want struct {
	service, bucket, apiID, basePath string
	invoke                           bool
	website                          bool
	region                           string
}

func TestDetect(t *testing.T) {
	d := New(testServices(t), Options{})
	const local = "localhost:4566"
	tests := []struct {
		name string
		req  request
		want want // service "" means not detected
	}{
		// Query and ec2 protocols.
		{"sts GetCallerIdentity", request{"POST", "/", local, hdr("Authorization", sigv4("sts"), "Content-Type", ctForm), "Action=GetCallerIdentity&Version=2011-06-15"}, want{service: "sts"}},
		{"sts unsigned form", request{"POST", "/", local, hdr("Content-Type", ctForm), "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=x"}, want{service: "sts"}},
		{"sts unknown action, known version", request{"POST", "/", local, hdr("Content-Type", ctForm), "Action=Nope&Version=2011-06-15"}, want{service: "sts"}},
		{"ec2 DescribeRegions", request{"POST", "/", "ec2.us-east-1.amazonaws.com", hdr("Authorization", sigv4("ec2"), "Content-Type", ctForm), "Action=DescribeRegions&Version=2016-11-15"}, want{service: "ec2"}},
		{"ec2 unsigned query string", request{"GET", "/?Action=DescribeRegions&Version=2016-11-15", local, nil, ""}, want{service: "ec2"}},
		{"ec2 old version", request{"GET", "/?Action=DescribeInstances&Version=2014-10-01", local, nil, ""}, want{service: "ec2"}},
		{"action without version", request{"POST", "/", local, hdr("Content-Type", "application/x-www-form-urlencoded"), "Action=GetCallerIdentity"}, want{service: "sts"}},
		{"monitoring PutMetricData query", request{"POST", "/", local, hdr("Authorization", sigv4("monitoring"), "Content-Type", ctForm), "Action=PutMetricData&Version=2010-08-01&Namespace=x"}, want{service: "monitoring"}},
		{"monitoring PutMetricData json", request{"POST", "/", local, hdr("Authorization", sigv4("monitoring"), "Content-Type", ctJSON0, "X-Amz-Target", "GraniteServiceVersion20100801.PutMetricData"), `{"Namespace":"x"}`}, want{service: "monitoring"}},
		{"monitoring json unsigned", request{"POST", "/", local, hdr("Content-Type", ctJSON0, "X-Amz-Target", "GraniteServiceVersion20100801.PutMetricData"), `{}`}, want{service: "monitoring"}},
		{"monitoring rpc-v2-cbor unsigned", request{"POST", "/service/GraniteServiceVersion20100801/operation/PutMetricData", local, hdr("Content-Type", "application/cbor", "Smithy-Protocol", "rpc-v2-cbor"), "\xbf\xff"}, want{service: "monitoring"}},
		{"rds family tie", request{"POST", "/", local, hdr("Authorization", sigv4("rds"), "Content-Type", ctForm), "Action=DescribeDBClusters&Version=2014-10-31"}, want{service: "rds"}},
		{"sqs legacy query unsigned", request{"POST", "/000000000000/q", local, hdr("Content-Type", ctForm), "Action=SendMessage&Version=2012-11-05&MessageBody=x"}, want{service: "sqs"}},

		// JSON protocol.
		{"dynamodb ListTables", request{"POST", "/", local, hdr("Authorization", sigv4("dynamodb"), "Content-Type", ctJSON0, "X-Amz-Target", "DynamoDB_20120810.ListTables"), "{}"}, want{service: "dynamodb"}},
		{"dynamodbstreams ListStreams", request{"POST", "/", local, hdr("Authorization", sigv4("dynamodb"), "Content-Type", ctJSON0, "X-Amz-Target", "DynamoDBStreams_20120810.ListStreams"), "{}"}, want{service: "streamsdynamodb"}},
		{"streams by host", request{"POST", "/", "streams.dynamodb.us-east-1.amazonaws.com", hdr("Content-Type", ctJSON0), "{}"}, want{service: "streamsdynamodb"}},
		{"logs CreateLogGroup", request{"POST", "/", local, hdr("Authorization", sigv4("logs"), "Content-Type", ctJSON1, "X-Amz-Target", "Logs_20140328.CreateLogGroup"), `{"logGroupName":"g"}`}, want{service: "logs"}},
		{"cognito-idp ListUserPools", request{"POST", "/", local, hdr("Authorization", sigv4("cognito-idp"), "Content-Type", ctJSON1, "X-Amz-Target", "AWSCognitoIdentityProviderService.ListUserPools"), `{"MaxResults":10}`}, want{service: "cognitoidp"}},
		{"cognito-idp InitiateAuth unsigned", request{"POST", "/", local, hdr("Content-Type", ctJSON1, "X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth"), `{}`}, want{service: "cognitoidp"}},
		{"acm ListCertificates", request{"POST", "/", local, hdr("Authorization", sigv4("acm"), "Content-Type", ctJSON1, "X-Amz-Target", "CertificateManager.ListCertificates"), `{}`}, want{service: "acm"}},
		{"sqs json", request{"POST", "/", local, hdr("Authorization", sigv4("sqs"), "Content-Type", ctJSON0, "X-Amz-Target", "AmazonSQS.ListQueues"), `{}`}, want{service: "sqs"}},
		{"events over eventbridge", request{"POST", "/", local, hdr("Authorization", sigv4("events"), "Content-Type", ctJSON1, "X-Amz-Target", "AWSEvents.PutEvents"), `{}`}, want{service: "events"}},
		{"sqs by host", request{"POST", "/", "sqs.us-east-1.localhost.localstack.cloud:4566", hdr("Content-Type", ctJSON0), "{}"}, want{service: "sqs"}},

		// REST protocols.
		{"lambda ListFunctions", request{"GET", "/2015-03-31/functions/", local, hdr("Authorization", sigv4("lambda")), ""}, want{service: "lambda"}},
		{"lambda unsigned", request{"GET", "/2015-03-31/functions/f/configuration", local, nil, ""}, want{service: "lambda"}},
		{"lambda layers unsigned", request{"GET", "/2018-10-31/layers", local, nil, ""}, want{service: "lambda"}},
		{"apigatewayv2 GetApis", request{"GET", "/v2/apis", local, hdr("Authorization", sigv4("apigateway")), ""}, want{service: "apigatewayv2"}},
		{"apigateway GetRestApis", request{"GET", "/restapis", local, hdr("Authorization", sigv4("apigateway")), ""}, want{service: "apigateway"}},
		{"apigateway GetApiKeys", request{"GET", "/apikeys?includeValues=true", local, hdr("Authorization", sigv4("apigateway")), ""}, want{service: "apigateway"}},
		{"apigateway unsigned", request{"GET", "/restapis/abc/resources", local, nil, ""}, want{service: "apigateway"}},
		{"apigateway by host picks by path", request{"GET", "/v2/domainnames", "apigateway.us-east-1.amazonaws.com", nil, ""}, want{service: "apigatewayv2"}},
		{"route53 ListHostedZones", request{"GET", "/2013-04-01/hostedzone", local, hdr("Authorization", sigv4("route53")), ""}, want{service: "route53"}},
		{"route53 unsigned", request{"GET", "/2013-04-01/hostedzone/Z1", local, nil, ""}, want{service: "route53"}},
		{"batch DescribeComputeEnvironments", request{"POST", "/v1/describecomputeenvironments", local, hdr("Authorization", sigv4("batch"), "Content-Type", "application/json"), "{}"}, want{service: "batch"}},
		{"batch unsigned", request{"POST", "/v1/submitjob", local, hdr("Content-Type", "application/json"), "{}"}, want{service: "batch"}},
		{"pinpoint as mobiletargeting", request{"GET", "/v1/apps", local, hdr("Authorization", sigv4("mobiletargeting")), ""}, want{service: "pinpoint"}},
		{"batch tags", request{"GET", "/v1/tags/arn", local, hdr("Authorization", sigv4("batch")), ""}, want{service: "batch"}},

		// API Gateway management API and invocations.
		{"PostToConnection with stage", request{"POST", "/prod/@connections/abc%3D", "abc123.execute-api.localhost:4566", hdr("Authorization", sigv4("execute-api")), "hi"}, want{service: "apigatewaymanagementapi", apiID: "abc123", basePath: "/prod"}},
		{"PostToConnection plain endpoint", request{"POST", "/@connections/xyz", local, hdr("Authorization", sigv4("execute-api")), "hi"}, want{service: "apigatewaymanagementapi"}},
		{"GetConnection unsigned on api host", request{"GET", "/dev/@connections/xyz", "abc123.execute-api.us-east-1.amazonaws.com", nil, ""}, want{service: "apigatewaymanagementapi", apiID: "abc123", basePath: "/dev"}},
		{"invoke unsigned", request{"GET", "/prod/pets?id=1", "abc123.execute-api.localhost:4566", nil, ""}, want{service: "apigateway", apiID: "abc123", invoke: true}},
		{"invoke IAM-signed", request{"POST", "/prod/pets", "abc123.execute-api.localhost.localstack.cloud", hdr("Authorization", sigv4("execute-api")), "{}"}, want{service: "apigateway", apiID: "abc123", invoke: true}},
		{"connectparticipant", request{"POST", "/participant/connection", local, hdr("Authorization", sigv4("execute-api")), "{}"}, want{service: "connectparticipant"}},

		// S3.
		{"s3 ListBuckets", request{"GET", "/", local, hdr("Authorization", sigv4("s3")), ""}, want{service: "s3"}},
		{"s3 ListBuckets s3 host", request{"GET", "/?x-id=ListBuckets", "s3.localhost:4566", hdr("Authorization", sigv4("s3")), ""}, want{service: "s3"}},
		{"s3 GetObject path style", request{"GET", "/my-bucket/a/b.txt?x-id=GetObject", "s3.localhost.localstack.cloud:4566", hdr("Authorization", sigv4("s3")), ""}, want{service: "s3"}},
		{"s3 GetObject ip host", request{"GET", "/my-bucket/k", "127.0.0.1:4566", hdr("Authorization", sigv4("s3")), ""}, want{service: "s3"}},
		{"s3 GetObject ipv6 host", request{"GET", "/my-bucket/k", "[::1]:4566", hdr("Authorization", sigv4("s3")), ""}, want{service: "s3"}},
		{"s3 virtual hosted", request{"GET", "/a/b.txt?x-id=GetObject", "my-bucket.s3.localhost:4566", hdr("Authorization", sigv4("s3")), ""}, want{service: "s3", bucket: "my-bucket"}},
		{"s3 virtual hosted dotted", request{"GET", "/k", "my.bucket.s3.us-east-1.localhost", hdr("Authorization", sigv4("s3")), ""}, want{service: "s3", bucket: "my.bucket"}},
		{"s3 virtual hosted bare", request{"PUT", "/k", "my-bucket.localhost:4566", hdr("Authorization", sigv4("s3")), "data"}, want{service: "s3", bucket: "my-bucket"}},
		{"s3 bare bucket named s3-x", request{"PUT", "/k", "s3-backups.localhost", hdr("Authorization", sigv4("s3")), "data"}, want{service: "s3", bucket: "s3-backups"}},
		{"s3 bucket named like a service", request{"GET", "/k", "sqs.localhost", hdr("Authorization", sigv4("s3")), ""}, want{service: "s3", bucket: "sqs"}},
		{"s3 aws legacy host", request{"GET", "/k", "my-bucket.s3-us-west-2.amazonaws.com", hdr("Authorization", sigv4("s3")), ""}, want{service: "s3", bucket: "my-bucket"}},
		{"s3 upper-case host", request{"GET", "/k", "My-Bucket.S3.LOCALHOST:4566", hdr("Authorization", sigv4("s3")), ""}, want{service: "s3", bucket: "my-bucket"}},
		{"s3 presigned path style", request{"GET", "/my-bucket/k?" + presign("s3"), local, nil, ""}, want{service: "s3"}},
		{"s3 presigned virtual hosted", request{"PUT", "/k?" + presign("s3"), "my-bucket.s3.us-west-2.amazonaws.com", nil, "x"}, want{service: "s3", bucket: "my-bucket"}},
		{"s3 unsigned virtual hosted", request{"GET", "/k", "my-bucket.s3.localhost:4566", nil, ""}, want{service: "s3", bucket: "my-bucket"}},
		{"s3 unsigned bare bucket host", request{"GET", "/k", "my-bucket.localhost:4566", nil, ""}, want{service: "s3", bucket: "my-bucket"}},
		{"s3 sigv4a", request{"GET", "/k", "my-bucket.s3.localhost", hdr("Authorization", "AWS4-ECDSA-P256-SHA256 Credential="+akid+"/20240101/s3/aws4_request, SignedHeaders=host, Signature=3045"), ""}, want{service: "s3", bucket: "my-bucket"}},
		{"s3 sigv2 header", request{"GET", "/my-bucket/k", local, hdr("Authorization", "AWS "+akid+":c2lnbmF0dXJl"), ""}, want{service: "s3"}},
		{"s3 sigv2 presigned", request{"GET", "/my-bucket/k?AWSAccessKeyId=" + akid + "&Expires=1700000000&Signature=abc", local, nil, ""}, want{service: "s3"}},
		{"s3control", request{"GET", "/v20180820/jobs", "123456789012.s3-control.localhost", hdr("Authorization", sigv4("s3")), ""}, want{service: "s3control"}},
		{"s3 bucket named like a lambda path", request{"GET", "/2015-03-31/functions", local, hdr("Authorization", sigv4("s3")), ""}, want{service: "s3"}},

		// S3 website endpoints, signed or not.
		{"s3 website dash form", request{"GET", "/", "site.example.s3-website-us-east-1.localhost:4566", nil, ""}, want{service: "s3", bucket: "site.example", website: true, region: "us-east-1"}},
		{"s3 website dot form", request{"GET", "/a/", "site.s3-website.eu-central-1.localhost", nil, ""}, want{service: "s3", bucket: "site", website: true, region: "eu-central-1"}},
		{"s3 website no region", request{"HEAD", "/", "site.s3-website.localhost", nil, ""}, want{service: "s3", bucket: "site", website: true}},
		{"s3 website aws host", request{"GET", "/x", "site.s3-website-us-gov-west-1.amazonaws.com", nil, ""}, want{service: "s3", bucket: "site", website: true, region: "us-gov-west-1"}},
		{"s3 website signed", request{"GET", "/", "site.s3-website-us-west-2.localhost", hdr("Authorization", sigv4("s3")), ""}, want{service: "s3", bucket: "site", website: true, region: "us-west-2"}},
		{"s3 bucket named s3-website-x", request{"GET", "/k", "my.s3-website-backup.s3.localhost", hdr("Authorization", sigv4("s3")), ""}, want{service: "s3", bucket: "my.s3-website-backup"}},
		{"s3 bare bucket named s3-website", request{"GET", "/k", "s3-website.localhost", hdr("Authorization", sigv4("s3")), ""}, want{service: "s3", bucket: "s3-website"}},

		// Not detected.
		{"unsigned root", request{"GET", "/", local, nil, ""}, want{}},
		{"unknown signing name", request{"GET", "/", local, hdr("Authorization", sigv4("kafka")), ""}, want{}},
		{"garbage authorization", request{"GET", "/", local, hdr("Authorization", "Bearer xyz"), ""}, want{}},
		{"form without action", request{"POST", "/", local, hdr("Content-Type", ctForm), "Foo=bar"}, want{}},
		{"json body not an action", request{"POST", "/", local, hdr("Content-Type", ctJSON0), `{"Action":"x"}`}, want{}},
		{"unknown target", request{"POST", "/", local, hdr("X-Amz-Target", "Nope_2020.Do"), `{}`}, want{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.req.build()
			res, ok := d.Detect(r)
			if ok != (tt.want.service != "") {
				t.Fatalf("ok = %v (%+v), want service %q", ok, res, tt.want.service)
			}
			var got want
			if ok {
				got = want{res.Service.Name, res.Bucket, res.APIID, res.BasePath, res.Invoke, res.Website, res.Region}
			}
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			body, err := io.ReadAll(r.Body)
			if err != nil || string(body) != tt.req.body {
				t.Fatalf("body after Detect = %q, %v; want %q", body, err, tt.req.body)
			}
		})
	}
}

func TestDetectFallback(t *testing.T) {
	tests := []struct {
		fallback string
		want     string
	}{
		{"s3", "s3"},
		{"nope", ""},
		{"", ""},
	}
	for _, tt := range tests {
		d := New(testServices(t), Options{Fallback: tt.fallback})
		res, ok := d.Detect(request{"GET", "/my-bucket/k", "127.0.0.1:4566", nil, ""}.build())
		got := ""
		if ok {
			got = res.Service.Name
		}
		if got != tt.want {
			t.Errorf("fallback %q: got %q, want %q", tt.fallback, got, tt.want)
		}
	}
}

func TestDetectCustomDomain(t *testing.T) {
	d := New(testServices(t), Options{Domains: []string{"Unkai.Test."}})
	tests := []struct {
		host, service, bucket string
	}{
		{"b.s3.unkai.test:4566", "s3", "b"},
		{"b.unkai.test", "s3", "b"},
		{"sqs.unkai.test", "sqs", ""},
		{"b.localhost", "", ""}, // localhost is not a domain any more
	}
	for _, tt := range tests {
		res, ok := d.Detect(request{"GET", "/k", tt.host, nil, ""}.build())
		if ok != (tt.service != "") || ok && (res.Service.Name != tt.service || res.Bucket != tt.bucket) {
			t.Errorf("%s: got %+v, %v; want %s %s", tt.host, res, ok, tt.service, tt.bucket)
		}
	}
}

// countingBody records whether it was read.
type countingBody struct {
	io.Reader
	reads int
}

func (b *countingBody) Read(p []byte) (int, error) { b.reads++; return b.Reader.Read(p) }
func (b *countingBody) Close() error               { return nil }

func TestDetectReadsBodyOnlyWhenNeeded(t *testing.T) {
	d := New(testServices(t), Options{})
	big := "Action=SendMessage&Version=2012-11-05&MessageBody=" + strings.Repeat("x", 3*maxFormPeek)
	tests := []struct {
		name     string
		req      request
		wantRead bool
		want     string
	}{
		{"signed query", request{"POST", "/", "localhost", hdr("Authorization", sigv4("sts"), "Content-Type", ctForm), "Action=GetCallerIdentity&Version=2011-06-15"}, false, "sts"},
		{"signed json", request{"POST", "/", "localhost", hdr("Authorization", sigv4("dynamodb"), "Content-Type", ctJSON0, "X-Amz-Target", "DynamoDB_20120810.ListTables"), "{}"}, false, "dynamodb"},
		{"unsigned json", request{"POST", "/", "localhost", hdr("Content-Type", ctJSON0), "Action=x"}, false, ""},
		{"unsigned action in query", request{"POST", "/?Action=GetCallerIdentity&Version=2011-06-15", "localhost", hdr("Content-Type", ctForm), "x=y"}, false, "sts"},
		{"unsigned form", request{"POST", "/", "localhost", hdr("Content-Type", ctForm), "Action=GetCallerIdentity&Version=2011-06-15"}, true, "sts"},
		{"unsigned big form", request{"POST", "/q", "localhost", hdr("Content-Type", ctForm), big}, true, "sqs"},
		{"unsigned form cut in action", request{"POST", "/", "localhost", hdr("Content-Type", ctForm), strings.Repeat("a", maxFormPeek-10) + "&Action=GetCallerIdentity"}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.req.build()
			cb := &countingBody{Reader: strings.NewReader(tt.req.body)}
			r.Body = cb
			r.ContentLength = -1 // as with chunked uploads
			res, ok := d.Detect(r)
			got := ""
			if ok {
				got = res.Service.Name
			}
			if got != tt.want {
				t.Errorf("service %q, want %q", got, tt.want)
			}
			if (cb.reads > 0) != tt.wantRead {
				t.Errorf("body read %d times, want read=%v", cb.reads, tt.wantRead)
			}
			body, err := io.ReadAll(r.Body)
			if err != nil || !bytes.Equal(body, []byte(tt.req.body)) {
				t.Errorf("body not restored (%d bytes, %v)", len(body), err)
			}
		})
	}
}
