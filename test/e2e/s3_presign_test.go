package e2e

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// do sends a presigned request and returns its status and body.
func do(t *testing.T, method, u string, hdr http.Header, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range hdr {
		if strings.EqualFold(k, "Host") {
			continue
		}
		req.Header[k] = vs
	}
	req.ContentLength = int64(len(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestS3Presigned uses URLs presigned by aws-sdk-go-v2 and the AWS CLI
// against a strict server: PUT, GET, HEAD and DELETE work with no other
// credentials, a tampered or expired URL is refused.
func TestS3Presigned(t *testing.T) {
	const key, secret = "AKIDPRESIGNEXAMPLE", "presign-secret"
	srv := unkaitest.Start(t, unkaitest.WithStrictAuth(key, secret))
	ctx := context.Background()
	c := s3Client(srv, "")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("signed")}); err != nil {
		t.Fatal(err)
	}
	ps := s3.NewPresignClient(c, s3.WithPresignExpires(5*time.Minute))
	obj := &s3.GetObjectInput{Bucket: aws.String("signed"), Key: aws.String("a/b c.txt")}

	put, err := ps.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: obj.Bucket, Key: obj.Key, ContentType: aws.String("text/plain")})
	if err != nil {
		t.Fatal(err)
	}
	if st, body := do(t, put.Method, put.URL, put.SignedHeader, []byte("presigned body")); st != 200 {
		t.Fatalf("presigned PUT = %d %s", st, body)
	}
	get, err := ps.PresignGetObject(ctx, obj)
	if err != nil {
		t.Fatal(err)
	}
	if st, body := do(t, get.Method, get.URL, get.SignedHeader, nil); st != 200 || body != "presigned body" {
		t.Fatalf("presigned GET = %d %q", st, body)
	}
	head, err := ps.PresignHeadObject(ctx, &s3.HeadObjectInput{Bucket: obj.Bucket, Key: obj.Key})
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := do(t, head.Method, head.URL, head.SignedHeader, nil); st != 200 {
		t.Fatalf("presigned HEAD = %d", st)
	}

	// Tampering with any signed part fails the signature.
	tampered := strings.Replace(get.URL, "b%20c.txt", "b%20d.txt", 1)
	if st, body := do(t, "GET", tampered, get.SignedHeader, nil); st != 403 || !strings.Contains(body, "SignatureDoesNotMatch") {
		t.Errorf("tampered URL = %d %s", st, body)
	}
	// A URL signed two hours ago for one hour has expired.
	req, _ := http.NewRequest("GET", srv.URL+"/signed/a/b%20c.txt", nil)
	q := req.URL.Query()
	q.Set("X-Amz-Expires", "3600")
	req.URL.RawQuery = q.Encode()
	old, _, err := v4.NewSigner().PresignHTTP(ctx, aws.Credentials{AccessKeyID: key, SecretAccessKey: secret}, req,
		"UNSIGNED-PAYLOAD", "s3", "us-east-1", time.Now().Add(-2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if st, body := do(t, "GET", old, nil, nil); st != 403 || !strings.Contains(body, "Request has expired") {
		t.Errorf("expired URL = %d %s", st, body)
	}

	if _, err := exec.LookPath("aws"); err == nil {
		cmd := exec.Command("aws", "s3", "presign", "s3://signed/a/b c.txt", "--expires-in", "300")
		env := awsEnv(srv, key)
		for i, kv := range env {
			if strings.HasPrefix(kv, "AWS_SECRET_ACCESS_KEY=") {
				env[i] = "AWS_SECRET_ACCESS_KEY=" + secret
			}
		}
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("aws s3 presign: %v", err)
		}
		if st, body := do(t, "GET", strings.TrimSpace(string(out)), nil, nil); st != 200 || body != "presigned body" {
			t.Errorf("CLI-presigned GET = %d %q", st, body)
		}
	}

	del, err := ps.PresignDeleteObject(ctx, &s3.DeleteObjectInput{Bucket: obj.Bucket, Key: obj.Key})
	if err != nil {
		t.Fatal(err)
	}
	if st, body := do(t, del.Method, del.URL, del.SignedHeader, nil); st != 204 {
		t.Fatalf("presigned DELETE = %d %s", st, body)
	}
	if st, _ := do(t, get.Method, get.URL, get.SignedHeader, nil); st != 404 {
		t.Errorf("GET after presigned DELETE = %d", st)
	}
}

// TestS3VirtualHosted addresses buckets by host name, as the SDKs do by
// default: <bucket>.s3.localhost and <bucket>.localhost, dotted names too.
// Every host is dialled at the server's loopback address.
func TestS3VirtualHosted(t *testing.T) {
	srv := unkaitest.Start(t)
	u, _ := url.Parse(srv.URL)
	dialer := &net.Dialer{}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, u.Host)
	}}}
	ctx := context.Background()
	for _, base := range []string{"http://s3.localhost:" + u.Port(), "http://localhost:" + u.Port()} {
		for _, bucket := range []string{"vhost-bucket", "dotted.bucket.name"} {
			t.Run(base+"/"+bucket, func(t *testing.T) {
				c := s3.NewFromConfig(srv.AWSConfig(), func(o *s3.Options) {
					o.BaseEndpoint = aws.String(base)
					o.HTTPClient = hc
				})
				var host string
				if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
					t.Fatal(err)
				}
				defer c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)})
				put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("dir/k.txt"),
					Body: strings.NewReader("virtual")}, func(o *s3.Options) {
					o.APIOptions = append(o.APIOptions, captureHost(&host))
				})
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(host, bucket+".") {
					t.Errorf("request went to host %q, not a virtual host", host)
				}
				got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("dir/k.txt")})
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(got.Body)
				got.Body.Close()
				if string(b) != "virtual" || aws.ToString(got.ETag) != aws.ToString(put.ETag) {
					t.Errorf("GET = %q etag %s", b, aws.ToString(got.ETag))
				}
				list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
				if err != nil || len(list.Contents) != 1 || aws.ToString(list.Contents[0].Key) != "dir/k.txt" {
					t.Errorf("list = %v, %v", list, err)
				}
				if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String("dir/k.txt")}); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// captureHost records the host each request of an operation is sent to.
func captureHost(host *string) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("captureHost",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				if req, ok := in.Request.(*smithyhttp.Request); ok {
					*host = req.URL.Host
				}
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
	}
}

// TestLegacySignatureOnlyForS3: the legacy signature is S3's alone; other
// services answer it as an unsupported authorization.
func TestLegacySignatureOnlyForS3(t *testing.T) {
	srv := unkaitest.Start(t)
	req, _ := http.NewRequest("GET", srv.URL+"/?Action=GetCallerIdentity&Version=2011-06-15", nil)
	req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	req.Header.Set("Authorization", "AWS AKIDEXAMPLE:c2lnbmF0dXJl")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(body), "<Code>IncompleteSignature</Code>") {
		t.Errorf("STS with a legacy signature = %d %s", resp.StatusCode, body)
	}
}
