package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"mime/multipart"
	"net/http"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// presignedPost has boto3 sign a browser-form upload policy, as a web
// backend would, and returns the form's fields.
func presignedPost(t *testing.T, srv *unkaitest.Server, accessKey, secret, bucket, sigVersion string) map[string]string {
	t.Helper()
	return presignedPostAs(t, srv, aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secret}, bucket, sigVersion)
}

// presignedPostAs is presignedPost with any credentials, temporary ones
// (with a session token) included.
func presignedPostAs(t *testing.T, srv *unkaitest.Server, creds aws.Credentials, bucket, sigVersion string) map[string]string {
	t.Helper()
	script := `
import boto3, json, sys
cfg = {"s3": {"addressing_style": "path"}}
if sys.argv[2]:
    cfg["signature_version"] = sys.argv[2]
s3 = boto3.client("s3", config=boto3.session.Config(**cfg))
post = s3.generate_presigned_post(sys.argv[1], "uploads/${filename}",
    Fields={"success_action_status": "201", "Content-Type": "text/plain", "x-amz-meta-origin": "form"},
    Conditions=[{"success_action_status": "201"}, ["starts-with", "$Content-Type", "text/"],
                {"x-amz-meta-origin": "form"}, ["content-length-range", 1, 1000]],
    ExpiresIn=600)
print(json.dumps(post["fields"]))
`
	cmd := exec.Command("python3", "-c", script, bucket, sigVersion)
	env := awsEnv(srv, creds.AccessKeyID)
	for i, kv := range env {
		if strings.HasPrefix(kv, "AWS_SECRET_ACCESS_KEY=") {
			env[i] = "AWS_SECRET_ACCESS_KEY=" + creds.SecretAccessKey
		}
	}
	if creds.SessionToken != "" {
		env = append(env, "AWS_SESSION_TOKEN="+creds.SessionToken)
	}
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("boto3: %v\n%s", err, stderr)
	}
	var fields map[string]string
	if err := json.Unmarshal(out, &fields); err != nil {
		t.Fatalf("boto3 output %q: %v", out, err)
	}
	return fields
}

// postForm sends a multipart form with the fields (in a stable order) and
// then, unless file is nil, the file part.
func postForm(t *testing.T, url string, fields map[string]string, filename string, file []byte) (*http.Response, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := w.WriteField(n, fields[n]); err != nil {
			t.Fatal(err)
		}
	}
	if file != nil {
		fw, err := w.CreateFormFile("file", filename)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	w.Close()
	resp, err := http.Post(url, w.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

// TestS3PostObject uploads through a browser form signed by boto3's
// generate_presigned_post (its default legacy signature for us-east-1, and
// SigV4), to an open and a strict server, and checks the policy's
// conditions and the signature are enforced.
func TestS3PostObject(t *testing.T) {
	for _, mode := range []struct {
		name   string
		strict bool
		sigv   string
	}{{"open", false, ""}, {"strict legacy", true, ""}, {"strict sigv4", true, "s3v4"}} {
		t.Run(mode.name, func(t *testing.T) {
			key, secret := "AKIDPOSTEXAMPLE", "post-secret"
			var opts []unkaitest.Option
			if mode.strict {
				opts = append(opts, unkaitest.WithStrictAuth(key, secret))
			} else {
				opts = append(opts, unkaitest.WithAccessKey(key))
			}
			srv := unkaitest.Start(t, opts...)
			ctx := context.Background()
			c := s3Client(srv, "")
			if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("forms")}); err != nil {
				t.Fatal(err)
			}
			fields := presignedPost(t, srv, key, secret, "forms", mode.sigv)
			url := srv.URL + "/forms"

			resp, body := postForm(t, url, fields, "hello.txt", []byte("hello from a form"))
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("POST = %d %s", resp.StatusCode, body)
			}
			var pr struct {
				Bucket, Key, ETag, Location string
			}
			if err := xml.Unmarshal(body, &pr); err != nil || pr.Key != "uploads/hello.txt" || pr.Bucket != "forms" || pr.ETag == "" {
				t.Fatalf("PostResponse %s (%v)", body, err)
			}
			got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("forms"), Key: aws.String("uploads/hello.txt")})
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(got.Body)
			got.Body.Close()
			if string(data) != "hello from a form" || aws.ToString(got.ContentType) != "text/plain" ||
				got.Metadata["origin"] != "form" || aws.ToString(got.ETag) != pr.ETag {
				t.Errorf("stored object: %q type %q meta %v etag %s", data, aws.ToString(got.ContentType), got.Metadata, aws.ToString(got.ETag))
			}

			with := func(k, v string) map[string]string {
				f := map[string]string{}
				for n, x := range fields {
					f[n] = x
				}
				if v == "" {
					delete(f, k)
				} else {
					f[k] = v
				}
				return f
			}
			cases := []struct {
				name   string
				fields map[string]string
				file   []byte
				status int
				code   string
			}{
				{"too large", fields, bytes.Repeat([]byte("x"), 1001), 400, "EntityTooLarge"},
				{"empty file", fields, []byte{}, 400, "EntityTooSmall"},
				{"condition fails", with("Content-Type", "image/png"), []byte("x"), 403, "AccessDenied"},
				{"field outside the policy", with("x-amz-meta-extra", "1"), []byte("x"), 403, "AccessDenied"},
				{"no key", with("key", ""), []byte("x"), 400, "InvalidArgument"},
				{"no file", fields, nil, 400, "InvalidArgument"},
			}
			sigField := "signature"
			if mode.sigv != "" {
				sigField = "x-amz-signature"
			}
			if mode.strict {
				cases = append(cases,
					struct {
						name   string
						fields map[string]string
						file   []byte
						status int
						code   string
					}{"tampered signature", with(sigField, "0000"+fields[sigField][4:]), []byte("x"), 403, "SignatureDoesNotMatch"},
					struct {
						name   string
						fields map[string]string
						file   []byte
						status int
						code   string
					}{"unsigned", map[string]string{"key": "anon.txt"}, []byte("x"), 403, "AccessDenied"})
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					resp, body := postForm(t, url, tc.fields, "f.txt", tc.file)
					if resp.StatusCode != tc.status || !strings.Contains(string(body), "<Code>"+tc.code+"</Code>") {
						t.Errorf("POST = %d %s, want %d %s", resp.StatusCode, body, tc.status, tc.code)
					}
				})
			}
		})
	}
}

// TestS3PostObjectTemporaryCredentials uploads through a form signed with
// GetSessionToken's credentials in strict mode: the form's
// x-amz-security-token is checked, and the object lands in the account that
// obtained the credentials.
func TestS3PostObjectTemporaryCredentials(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t, unkaitest.WithStrictAuth("111122223333", "root-secret"))
	tok, err := sts.NewFromConfig(srv.AWSConfig()).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	creds := aws.Credentials{AccessKeyID: aws.ToString(tok.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(tok.Credentials.SecretAccessKey), SessionToken: aws.ToString(tok.Credentials.SessionToken)}
	c := s3Client(srv, "")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("tmpforms")}); err != nil {
		t.Fatal(err)
	}
	for _, sigv := range []string{"", "s3v4"} {
		fields := presignedPostAs(t, srv, creds, "tmpforms", sigv)
		if fields["x-amz-security-token"] == "" {
			t.Fatalf("boto3 left out the session token: %v", fields)
		}
		if resp, body := postForm(t, srv.URL+"/tmpforms", fields, "t.txt", []byte("temporary")); resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST signed %q with temporary credentials = %d %s", sigv, resp.StatusCode, body)
		}
		fields["x-amz-security-token"] = "not-the-token"
		if resp, body := postForm(t, srv.URL+"/tmpforms", fields, "t.txt", []byte("temporary")); resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST %q with a wrong session token = %d %s", sigv, resp.StatusCode, body)
		}
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("tmpforms"), Key: aws.String("uploads/t.txt")}); err != nil {
		t.Errorf("the root account does not see the upload: %v", err)
	}
}
