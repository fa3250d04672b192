package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// policyServer starts a strict server with a bucket holding two objects,
// and returns the owner's client and an anonymous one.
func policyServer(t *testing.T, bucket string) (*unkaitest.Server, *s3.Client, *s3.Client) {
	t.Helper()
	ctx := context.Background()
	srv := unkaitest.Start(t, unkaitest.WithStrictAuth("AKIDPOLICYEXAMPLE", "policy-secret"))
	owner := s3Client(srv, "")
	anon := s3.NewFromConfig(srv.AWSConfig(), func(o *s3.Options) {
		o.UsePathStyle = true
		o.Credentials = aws.AnonymousCredentials{}
	})
	if _, err := owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"hello.txt", "private/secret.txt"} {
		if _, err := owner.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k),
			Body: strings.NewReader("content of " + k)}); err != nil {
			t.Fatal(err)
		}
	}
	return srv, owner, anon
}

// rawCall sends an unsigned request and returns its status and body.
func rawCall(t *testing.T, method, url string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doRaw(t, req)
}

func putPolicy(t *testing.T, c *s3.Client, bucket string, statements ...string) error {
	t.Helper()
	_, err := c.PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String(bucket),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`)})
	return err
}

// TestS3PolicyPublicRead serves a bucket with a public-read policy and a
// Deny for a prefix to anonymous raw HTTP, the anonymous SDK client and
// the owner, and checks the public access block's part.
func TestS3PolicyPublicRead(t *testing.T) {
	ctx := context.Background()
	srv, owner, anon := policyServer(t, "public-bkt")
	url := srv.URL + "/public-bkt/"

	if code, body := rawCall(t, "GET", url+"hello.txt", nil); code != 403 || !strings.Contains(body, "<Code>AccessDenied</Code>") {
		t.Fatalf("anonymous GET without a policy: %d %s", code, body)
	}
	publicRead := `{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::public-bkt/*"}`
	denyPrivate := `{"Sid":"NoPrivate","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::public-bkt/private/*"}`
	// New buckets block public policies.
	apiError(t, putPolicy(t, owner, "public-bkt", publicRead), "AccessDenied", 403)
	if _, err := owner.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("public-bkt")}); err != nil {
		t.Fatal(err)
	}
	if err := putPolicy(t, owner, "public-bkt", publicRead, denyPrivate); err != nil {
		t.Fatal(err)
	}
	st, err := owner.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String("public-bkt")})
	if err != nil || !aws.ToBool(st.PolicyStatus.IsPublic) {
		t.Fatalf("policy status %+v %v", st, err)
	}

	for _, tc := range []struct {
		name, method, path string
		body               []byte
		status             int
		want               string
	}{
		{"GET", "GET", "hello.txt", nil, 200, "content of hello.txt"},
		{"HEAD", "HEAD", "hello.txt", nil, 200, ""},
		{"GET denied prefix", "GET", "private/secret.txt", nil, 403, "<Code>AccessDenied</Code>"},
		{"GET missing key", "GET", "nothing-here", nil, 403, "<Message>Access Denied</Message>"},
		{"PUT", "PUT", "new.txt", []byte("anonymous write"), 403, "<Code>AccessDenied</Code>"},
		{"DELETE", "DELETE", "hello.txt", nil, 403, "<Code>AccessDenied</Code>"},
		{"LIST", "GET", "?list-type=2", nil, 403, "<Code>AccessDenied</Code>"},
		{"GET policy", "GET", "?policy", nil, 403, "<Code>AccessDenied</Code>"},
	} {
		t.Run("anonymous "+tc.name, func(t *testing.T) {
			code, body := rawCall(t, tc.method, url+tc.path, tc.body)
			if code != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("%s %s = %d %s, want %d %q", tc.method, tc.path, code, body, tc.status, tc.want)
			}
		})
	}

	if code, body := rawCall(t, "GET", srv.URL+"/", nil); code != 403 || !strings.Contains(body, "<Code>AccessDenied</Code>") {
		t.Errorf("anonymous ListBuckets: %d %s", code, body)
	}

	// The SDK's anonymous client, as a public website's reader would use.
	got, err := anon.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("public-bkt"), Key: aws.String("hello.txt")})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(data) != "content of hello.txt" {
		t.Errorf("anonymous SDK GET: %q", data)
	}
	_, err = anon.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("public-bkt"), Key: aws.String("x"), Body: strings.NewReader("x")})
	apiError(t, err, "AccessDenied", 403)
	_, err = anon.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("public-bkt")})
	apiError(t, err, "AccessDenied", 403)
	_, err = anon.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("no-such-bucket-here"), Key: aws.String("x")})
	apiError(t, err, "NoSuchBucket", 404)

	// The Deny applies to the owner too; the rest stays the owner's.
	_, err = owner.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("public-bkt"), Key: aws.String("private/secret.txt")})
	apiError(t, err, "AccessDenied", 403)
	if _, err := owner.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("public-bkt"), Key: aws.String("owner.txt"), Body: strings.NewReader("o")}); err != nil {
		t.Fatal(err)
	}
	list, err := owner.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("public-bkt")})
	if err != nil || len(list.Contents) != 3 {
		t.Fatalf("owner's listing: %v %v", list, err)
	}

	// RestrictPublicBuckets voids the public policy for everyone outside
	// the owner's account.
	if _, err := owner.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("public-bkt"),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{RestrictPublicBuckets: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	if code, body := rawCall(t, "GET", url+"hello.txt", nil); code != 403 {
		t.Errorf("anonymous GET with RestrictPublicBuckets: %d %s", code, body)
	}
	if _, err := owner.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("public-bkt"), Key: aws.String("hello.txt")}); err != nil {
		t.Errorf("owner GET with RestrictPublicBuckets: %v", err)
	}
	if _, err := owner.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("public-bkt")}); err != nil {
		t.Fatal(err)
	}
	if code, body := rawCall(t, "GET", url+"hello.txt", nil); code != 200 {
		t.Errorf("anonymous GET once unrestricted: %d %s", code, body)
	}

	// Keys unkai does not know are refused as before, policy or not.
	stranger := srv.AWSConfig()
	stranger.Credentials = credentials.NewStaticCredentialsProvider("AKIDSTRANGER", "x", "")
	_, err = s3.NewFromConfig(stranger, func(o *s3.Options) { o.UsePathStyle = true }).
		GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("public-bkt"), Key: aws.String("hello.txt")})
	apiError(t, err, "InvalidAccessKeyId", 403)
}

// TestS3PolicySourceIP allows anonymous reads from 127.0.0.1 only.
func TestS3PolicySourceIP(t *testing.T) {
	srv, owner, _ := policyServer(t, "ip-bkt")
	url := srv.URL + "/ip-bkt/hello.txt"
	// A policy whose only grant is conditioned on the source address is
	// not public: the default public access block accepts it.
	if err := putPolicy(t, owner, "ip-bkt",
		`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::ip-bkt/*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.1/32"}}}`); err != nil {
		t.Fatal(err)
	}
	if code, body := rawCall(t, "GET", url, nil); code != 200 || body != "content of hello.txt" {
		t.Errorf("anonymous GET from 127.0.0.1: %d %s", code, body)
	}
	if err := putPolicy(t, owner, "ip-bkt",
		`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::ip-bkt/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`); err != nil {
		t.Fatal(err)
	}
	if code, body := rawCall(t, "GET", url, nil); code != 403 || !strings.Contains(body, "AccessDenied") {
		t.Errorf("anonymous GET from outside 10.0.0.0/8: %d %s", code, body)
	}
}

// TestS3PolicySecureTransport refuses requests that do not arrive over
// TLS, the owner's included, with a Bool condition on aws:SecureTransport.
func TestS3PolicySecureTransport(t *testing.T) {
	ctx := context.Background()
	srv, owner, _ := policyServer(t, "tls-bkt")
	if err := putPolicy(t, owner, "tls-bkt",
		`{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::tls-bkt/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`); err != nil {
		t.Fatal(err)
	}
	_, err := owner.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("tls-bkt"), Key: aws.String("hello.txt")})
	apiError(t, err, "AccessDenied", 403)

	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(srv.CACertPEM()) {
		t.Fatal("no CA certificate")
	}
	secure := s3.NewFromConfig(srv.AWSConfig(), func(o *s3.Options) {
		o.UsePathStyle = true
		o.BaseEndpoint = aws.String(strings.Replace(srv.URL, "http://", "https://", 1))
		o.HTTPClient = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	})
	got, err := secure.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("tls-bkt"), Key: aws.String("hello.txt")})
	if err != nil {
		t.Fatalf("GET over HTTPS: %v", err)
	}
	got.Body.Close()
}

// TestS3PolicyAnonymousForm lets unsigned browser forms upload under a
// prefix the bucket policy opens to everyone.
func TestS3PolicyAnonymousForm(t *testing.T) {
	ctx := context.Background()
	srv, owner, _ := policyServer(t, "drop-bkt")
	if _, err := owner.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("drop-bkt")}); err != nil {
		t.Fatal(err)
	}
	if err := putPolicy(t, owner, "drop-bkt",
		`{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::drop-bkt/inbox/*"}`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key    string
		status int
	}{{"inbox/${filename}", http.StatusNoContent}, {"elsewhere.txt", http.StatusForbidden}} {
		resp, body := postForm(t, srv.URL+"/drop-bkt", map[string]string{"key": tc.key}, "note.txt", []byte("dropped"))
		if resp.StatusCode != tc.status {
			t.Errorf("unsigned form to %s: %d %s, want %d", tc.key, resp.StatusCode, body, tc.status)
		}
	}
	got, err := owner.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("drop-bkt"), Key: aws.String("inbox/note.txt")})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(data) != "dropped" {
		t.Errorf("uploaded object: %q", data)
	}
}

// TestS3PolicyDenyAll locks everyone out of a bucket, owner included,
// except for the owner's right to remove the policy.
func TestS3PolicyDenyAll(t *testing.T) {
	ctx := context.Background()
	_, owner, _ := policyServer(t, "locked-bkt")
	if err := putPolicy(t, owner, "locked-bkt",
		`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::locked-bkt","arn:aws:s3:::locked-bkt/*"]}`); err != nil {
		t.Fatal(err)
	}
	_, err := owner.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("locked-bkt"), Key: aws.String("hello.txt")})
	apiError(t, err, "AccessDenied", 403)
	_, err = owner.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("locked-bkt")})
	apiError(t, err, "AccessDenied", 403)
	_, err = owner.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("locked-bkt"), Key: aws.String("hello.txt")})
	apiError(t, err, "AccessDenied", 403)
	_, err = owner.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("locked-bkt"),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}})
	apiError(t, err, "AccessDenied", 403)
	if _, err := owner.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("locked-bkt")}); err != nil {
		t.Fatalf("owner reading the policy: %v", err)
	}
	if _, err := owner.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String("locked-bkt")}); err != nil {
		t.Fatalf("owner deleting the policy: %v", err)
	}
	if _, err := owner.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("locked-bkt"), Key: aws.String("hello.txt")}); err != nil {
		t.Fatalf("GET after the policy is gone: %v", err)
	}
}
