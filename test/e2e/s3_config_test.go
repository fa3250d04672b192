package e2e

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/unkai-cloud/unkai/unkaitest"
)

func TestS3ConfigTaggingCORSPolicy(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	c := s3Client(srv, "")
	b := aws.String("cfg-bucket")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}

	_, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b})
	apiError(t, err, "NoSuchTagSet", 404)
	if _, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: b, Tagging: &s3types.Tagging{
		TagSet: []s3types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}, {Key: aws.String("team"), Value: aws.String("")}}}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b})
	if err != nil || len(tags.TagSet) != 2 || *tags.TagSet[0].Key != "env" || *tags.TagSet[0].Value != "dev" {
		t.Fatalf("tags: %+v %v", tags, err)
	}
	_, err = c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: b, Tagging: &s3types.Tagging{
		TagSet: []s3types.Tag{{Key: aws.String("aws:reserved"), Value: aws.String("x")}}}})
	apiError(t, err, "InvalidTag", 400)
	if _, err := c.DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b})
	apiError(t, err, "NoSuchTagSet", 404)

	_, err = c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: b})
	apiError(t, err, "NoSuchCORSConfiguration", 404)
	_, err = c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: b, CORSConfiguration: &s3types.CORSConfiguration{
		CORSRules: []s3types.CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"PATCH"}}}}})
	ae := apiError(t, err, "InvalidRequest", 400)
	if ae.ErrorMessage() != "Found unsupported HTTP method in CORS config. Unsupported method is PATCH" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	rule := s3types.CORSRule{ID: aws.String("web"), AllowedOrigins: []string{"https://*.example.com"}, AllowedMethods: []string{"GET", "PUT"},
		AllowedHeaders: []string{"*"}, ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: aws.Int32(300)}
	if _, err := c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: b, CORSConfiguration: &s3types.CORSConfiguration{CORSRules: []s3types.CORSRule{rule}}}); err != nil {
		t.Fatal(err)
	}
	cors, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: b})
	if err != nil || len(cors.CORSRules) != 1 || *cors.CORSRules[0].ID != "web" || *cors.CORSRules[0].MaxAgeSeconds != 300 ||
		strings.Join(cors.CORSRules[0].AllowedMethods, ",") != "GET,PUT" || cors.CORSRules[0].ExposeHeaders[0] != "ETag" {
		t.Fatalf("cors: %+v %v", cors, err)
	}
	if _, err := c.DeleteBucketCors(ctx, &s3.DeleteBucketCorsInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: b})
	apiError(t, err, "NoSuchCORSConfiguration", 404)

	_, err = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
	apiError(t, err, "NoSuchBucketPolicy", 404)
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(
		`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::another/*"}]}`)})
	ae = apiError(t, err, "MalformedPolicy", 400)
	if ae.ErrorMessage() != "Policy has invalid resource" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	// New buckets block public policies.
	public := `{"Version":"2012-10-17","Statement":[{"Sid":"read","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::cfg-bucket/*"}]}`
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(public)})
	apiError(t, err, "AccessDenied", 403)
	if _, err := c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(public)}); err != nil {
		t.Fatal(err)
	}
	pol, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
	if err != nil || *pol.Policy != public {
		t.Fatalf("policy %v %v", pol, err)
	}
	st, err := c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: b})
	if err != nil || !*st.PolicyStatus.IsPublic {
		t.Fatalf("policy status %+v %v", st, err)
	}
	if _, err := c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: b})
	apiError(t, err, "NoSuchBucketPolicy", 404)
}

func TestS3ConfigAccess(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	c := s3Client(srv, "")
	b := aws.String("acl-bucket")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("public-bucket"), ACL: s3types.BucketCannedACLPublicRead})
	apiError(t, err, "InvalidBucketAclWithObjectOwnership", 400)

	own, err := c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b})
	if err != nil || own.OwnershipControls.Rules[0].ObjectOwnership != s3types.ObjectOwnershipBucketOwnerEnforced {
		t.Fatalf("ownership %+v %v", own, err)
	}
	pab, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
	if err != nil || !*pab.PublicAccessBlockConfiguration.BlockPublicAcls || !*pab.PublicAccessBlockConfiguration.BlockPublicPolicy {
		t.Fatalf("public access block %+v %v", pab, err)
	}
	enc, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b})
	if err != nil || enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAes256 {
		t.Fatalf("encryption %+v %v", enc, err)
	}

	acl, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b})
	if err != nil || len(acl.Grants) != 1 || acl.Grants[0].Permission != s3types.PermissionFullControl ||
		acl.Grants[0].Grantee.Type != s3types.TypeCanonicalUser || *acl.Grants[0].Grantee.ID != *acl.Owner.ID {
		t.Fatalf("acl %+v %v", acl, err)
	}
	_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, ACL: s3types.BucketCannedACLPublicRead})
	apiError(t, err, "AccessControlListNotSupported", 400)
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("k"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: b, Key: aws.String("k"), ACL: s3types.ObjectCannedACLPublicRead})
	apiError(t, err, "AccessControlListNotSupported", 400)

	// Enable ACLs: object writer ownership, public ACLs unblocked.
	if _, err := c.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: b, OwnershipControls: &s3types.OwnershipControls{
		Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipObjectWriter}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: b, PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicPolicy: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	pab, err = c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
	if err != nil || *pab.PublicAccessBlockConfiguration.BlockPublicAcls || !*pab.PublicAccessBlockConfiguration.BlockPublicPolicy {
		t.Fatalf("public access block %+v %v", pab, err)
	}
	if _, err := c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, ACL: s3types.BucketCannedACLPublicRead}); err != nil {
		t.Fatal(err)
	}
	acl, err = c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b})
	if err != nil || len(acl.Grants) != 2 || *acl.Grants[1].Grantee.URI != "http://acs.amazonaws.com/groups/global/AllUsers" ||
		acl.Grants[1].Permission != s3types.PermissionRead {
		t.Fatalf("acl %+v %v", acl, err)
	}
	// An AccessControlPolicy body replaces it.
	if _, err := c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, AccessControlPolicy: &s3types.AccessControlPolicy{
		Owner: acl.Owner, Grants: []s3types.Grant{{Grantee: &s3types.Grantee{Type: s3types.TypeCanonicalUser, ID: acl.Owner.ID},
			Permission: s3types.PermissionFullControl}}}}); err != nil {
		t.Fatal(err)
	}
	if acl, err = c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b}); err != nil || len(acl.Grants) != 1 {
		t.Fatalf("acl %+v %v", acl, err)
	}
	if _, err := c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: b, Key: aws.String("k"), ACL: s3types.ObjectCannedACLAuthenticatedRead}); err != nil {
		t.Fatal(err)
	}
	oacl, err := c.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: b, Key: aws.String("k")})
	if err != nil || len(oacl.Grants) != 2 || *oacl.Grants[1].Grantee.URI != "http://acs.amazonaws.com/groups/global/AuthenticatedUsers" {
		t.Fatalf("object acl %+v %v", oacl, err)
	}
	_, err = c.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: b, OwnershipControls: &s3types.OwnershipControls{
		Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipBucketOwnerEnforced}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteBucketOwnershipControls(ctx, &s3.DeleteBucketOwnershipControlsInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b})
	apiError(t, err, "OwnershipControlsNotFoundError", 404)
	if _, err := c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
	apiError(t, err, "NoSuchPublicAccessBlockConfiguration", 404)

	if _, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{
			SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String("alias/app")}, BucketKeyEnabled: aws.Bool(true)}}}}); err != nil {
		t.Fatal(err)
	}
	enc, err = c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b})
	if err != nil || *enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.KMSMasterKeyID != "alias/app" ||
		!*enc.ServerSideEncryptionConfiguration.Rules[0].BucketKeyEnabled {
		t.Fatalf("encryption %+v %v", enc, err)
	}
	if _, err := c.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	enc, err = c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b})
	if err != nil || enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAes256 {
		t.Fatalf("encryption after delete %+v %v", enc, err)
	}
}

func TestS3ConfigLifecycle(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	c := s3Client(srv, "")
	b := aws.String("lc-bucket")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
	apiError(t, err, "NoSuchLifecycleConfiguration", 404)
	_, err = c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: b, LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{
		Rules: []s3types.LifecycleRule{{Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("x/")},
			Expiration: &s3types.LifecycleExpiration{Date: aws.Time(time.Date(2020, 1, 1, 12, 0, 0, 0, time.UTC))}}}}})
	ae := apiError(t, err, "InvalidArgument", 400)
	if ae.ErrorMessage() != "'Date' must be at midnight GMT" {
		t.Errorf("message %q", ae.ErrorMessage())
	}

	for _, k := range []string{"tmp/a", "tmp/b", "keep/c"} {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(k), Body: strings.NewReader("x")}); err != nil {
			t.Fatal(err)
		}
	}
	// A rule whose date has passed expires every object it selects at the
	// next sweep; a configuration change wakes the sweeper.
	rules := []s3types.LifecycleRule{
		{ID: aws.String("tmp"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("tmp/")},
			Expiration: &s3types.LifecycleExpiration{Date: aws.Time(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))}},
		{ID: aws.String("old"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{And: &s3types.LifecycleRuleAndOperator{
			Prefix: aws.String("keep/"), ObjectSizeGreaterThan: aws.Int64(0)}},
			Expiration:                     &s3types.LifecycleExpiration{Days: aws.Int32(30)},
			NoncurrentVersionExpiration:    &s3types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(7), NewerNoncurrentVersions: aws.Int32(2)},
			AbortIncompleteMultipartUpload: &s3types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(1)}},
	}
	if _, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: b,
		LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{Rules: rules}}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
	if err != nil || len(got.Rules) != 2 || *got.Rules[1].ID != "old" || *got.Rules[1].Expiration.Days != 30 ||
		*got.Rules[1].NoncurrentVersionExpiration.NewerNoncurrentVersions != 2 || *got.Rules[1].Filter.And.Prefix != "keep/" {
		t.Fatalf("lifecycle %+v %v", got, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, errA := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("tmp/a")})
		_, errB := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("tmp/b")})
		var nf *s3types.NotFound
		if errors.As(errA, &nf) && errors.As(errB, &nf) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("tmp/ objects not expired: %v %v", errA, errB)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("keep/c")}); err != nil {
		t.Fatalf("keep/c: %v", err)
	}
	if _, err := c.DeleteBucketLifecycle(ctx, &s3.DeleteBucketLifecycleInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
	apiError(t, err, "NoSuchLifecycleConfiguration", 404)
}

func TestS3ConfigCORSPreflight(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	c := s3Client(srv, "")
	for _, name := range []string{"cors-bucket", "open-bucket"} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String("cors-bucket"), CORSConfiguration: &s3types.CORSConfiguration{
		CORSRules: []s3types.CORSRule{
			{AllowedOrigins: []string{"https://*.example.com"}, AllowedMethods: []string{"GET", "PUT"},
				AllowedHeaders: []string{"content-type", "x-amz-*"}, ExposeHeaders: []string{"ETag", "x-amz-request-id"}, MaxAgeSeconds: aws.Int32(600)},
			{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}},
		}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("cors-bucket"), Key: aws.String("k"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	do := func(method, path, host string, h map[string]string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if host != "" {
			req.Host = host
		}
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	preflight := func(origin, method, headers string) map[string]string {
		h := map[string]string{"Origin": origin, "Access-Control-Request-Method": method}
		if headers != "" {
			h["Access-Control-Request-Headers"] = headers
		}
		return h
	}

	resp, _ := do(http.MethodOptions, "/cors-bucket/k", "", preflight("https://app.example.com", "PUT", "Content-Type, X-Amz-Date"))
	want := map[string]string{
		"Access-Control-Allow-Origin":      "https://app.example.com",
		"Access-Control-Allow-Methods":     "GET, PUT",
		"Access-Control-Allow-Headers":     "content-type, x-amz-date",
		"Access-Control-Expose-Headers":    "ETag, x-amz-request-id",
		"Access-Control-Max-Age":           "600",
		"Access-Control-Allow-Credentials": "true",
	}
	if resp.StatusCode != 200 {
		t.Fatalf("allowed preflight: %d", resp.StatusCode)
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("allowed preflight %s = %q, want %q", k, got, v)
		}
	}

	resp, body := do(http.MethodOptions, "/cors-bucket/k", "", preflight("https://evil.test", "PUT", ""))
	if resp.StatusCode != 403 || resp.Header.Get("Access-Control-Allow-Origin") != "" ||
		!strings.Contains(body, "<Code>AccessForbidden</Code>") ||
		!strings.Contains(body, "<Message>CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.</Message>") ||
		!strings.Contains(body, "<Method>PUT</Method>") || !strings.Contains(body, "<ResourceType>OBJECT</ResourceType>") {
		t.Fatalf("refused preflight: %d %v\n%s", resp.StatusCode, resp.Header, body)
	}

	// The wildcard rule answers GET from anywhere, without credentials;
	// virtual-hosted addressing finds the bucket too.
	resp, _ = do(http.MethodOptions, "/k", "cors-bucket.s3.localhost", preflight("https://other.test", "GET", ""))
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Fatalf("wildcard preflight: %d %v", resp.StatusCode, resp.Header)
	}

	// An actual request gets the matching rule's headers.
	resp, body = do(http.MethodGet, "/cors-bucket/k", "", map[string]string{"Origin": "https://app.example.com"})
	if resp.StatusCode != 200 || body != "x" || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		resp.Header.Get("Access-Control-Expose-Headers") != "ETag, x-amz-request-id" || !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Origin") {
		t.Fatalf("actual request: %d %v %q", resp.StatusCode, resp.Header, body)
	}

	// A bucket without a configuration keeps unkai's permissive default.
	resp, _ = do(http.MethodOptions, "/open-bucket/k", "", preflight("https://any.test", "DELETE", "x-custom"))
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "https://any.test" {
		t.Fatalf("default preflight: %d %v", resp.StatusCode, resp.Header)
	}
}
