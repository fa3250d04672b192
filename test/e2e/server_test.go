package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/unkai-cloud/unkai/unkaitest"
)

func getJSON(t *testing.T, client *http.Client, method, url string, v any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
	}
	return resp.StatusCode
}

func TestHealthAndReset(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	var health struct {
		Version  string  `json:"version"`
		Uptime   float64 `json:"uptime_seconds"`
		Storage  string  `json:"storage"`
		Services map[string]struct {
			State       string `json:"state"`
			Implemented int    `json:"implemented"`
			Operations  int    `json:"operations"`
		} `json:"services"`
		Background map[string][]struct {
			Name     string `json:"name"`
			Interval string `json:"interval"`
		} `json:"background"`
	}
	if code := getJSON(t, http.DefaultClient, "GET", srv.URL+"/_unkai/health", &health); code != 200 {
		t.Fatalf("health status %d", code)
	}
	loops := map[string]string{}
	for provider, list := range health.Background {
		for _, l := range list {
			loops[provider+": "+l.Name] = l.Interval
		}
	}
	if loops["dynamodb: ttl sweep"] != "1s" || loops["s3: lifecycle sweep"] == "" {
		t.Errorf("background loops = %v", loops)
	}
	if health.Storage != "memory" || health.Version == "" || len(health.Services) != 22 {
		t.Errorf("health = %+v", health)
	}
	if s := health.Services["logs"]; s.State != "running" || s.Implemented == 0 || s.Operations < s.Implemented {
		t.Errorf("logs health = %+v", s)
	}
	if s := health.Services["workdocs"]; s.State != "available" || s.Implemented != 0 {
		t.Errorf("workdocs health = %+v", s)
	}

	logs := cloudwatchlogs.NewFromConfig(srv.AWSConfig())
	if _, err := logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("g")}); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		out, err := logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.LogGroups)
	}
	if code := getJSON(t, http.DefaultClient, "POST", srv.URL+"/_unkai/reset?service=s3", nil); code != 200 {
		t.Fatalf("reset s3: %d", code)
	}
	if count() != 1 {
		t.Fatal("resetting s3 removed a log group")
	}
	var reset struct{ Reset []string }
	if code := getJSON(t, http.DefaultClient, "POST", srv.URL+"/_unkai/reset?service=streamsdynamodb", &reset); code != 200 || len(reset.Reset) != 1 || reset.Reset[0] != "dynamodb" {
		t.Errorf("reset by API name: %d %v, want the dynamodb provider", code, reset.Reset)
	}
	if code := getJSON(t, http.DefaultClient, "POST", srv.URL+"/_unkai/reset?service=nope", nil); code != 404 {
		t.Errorf("reset of an unknown service: %d", code)
	}
	if code := getJSON(t, http.DefaultClient, "POST", srv.URL+"/_unkai/reset", nil); code != 200 {
		t.Fatalf("reset: %d", code)
	}
	if n := count(); n != 0 {
		t.Errorf("%d log groups after reset", n)
	}
}

func TestHTTPSOnTheSamePort(t *testing.T) {
	srv := unkaitest.Start(t)
	resp, err := http.Get(srv.URL + "/_unkai/ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	pem, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("/_unkai/ca.pem is not a certificate: %q", pem)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	httpsURL := strings.Replace(srv.URL, "http://", "https://", 1)
	for _, u := range []string{httpsURL, strings.Replace(httpsURL, "127.0.0.1", "localhost", 1)} {
		if code := getJSON(t, client, "GET", u+"/_unkai/health", nil); code != 200 {
			t.Errorf("GET %s/_unkai/health over TLS: %d", u, code)
		}
	}
	cfg := srv.AWSConfig()
	cfg.BaseEndpoint = aws.String(httpsURL)
	cfg.HTTPClient = client
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Account) != "000000000000" {
		t.Errorf("over HTTPS: %+v", out)
	}
}

// TestStrictSeveralAccounts checks that strict mode accepts each key pair
// it is given, each signing as its own account.
func TestStrictSeveralAccounts(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t, unkaitest.WithStrictAuth("111122223333", "secret-a"),
		unkaitest.WithStrictKey("444455556666", "secret-b"))
	for _, tc := range []struct {
		key, secret, account, code string
	}{
		{"111122223333", "secret-a", "111122223333", ""},
		{"444455556666", "secret-b", "444455556666", ""},
		{"444455556666", "secret-a", "", "SignatureDoesNotMatch"},
		{"777788889999", "secret-b", "", "InvalidClientTokenId"},
	} {
		cfg := srv.AWSConfig()
		cfg.Credentials = credentials.NewStaticCredentialsProvider(tc.key, tc.secret, "")
		out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if tc.code != "" {
			apiError(t, err, tc.code, http.StatusForbidden)
			continue
		}
		if err != nil || aws.ToString(out.Account) != tc.account {
			t.Errorf("key %s: %+v, %v", tc.key, out, err)
		}
	}
}

func TestStrictAuth(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t, unkaitest.WithStrictAuth("AKIDUNKAISTRICT", "s3cr3t"))
	good := srv.AWSConfig()
	if _, err := sts.NewFromConfig(good).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("correctly signed request refused: %v", err)
	}
	if _, err := dynamodb.NewFromConfig(good).ListTables(ctx, &dynamodb.ListTablesInput{}); err != nil {
		t.Fatalf("correctly signed request refused: %v", err)
	}

	bad := srv.AWSConfig()
	bad.Credentials = credentials.NewStaticCredentialsProvider("AKIDUNKAISTRICT", "wrong", "")
	_, err := sts.NewFromConfig(bad).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiError(t, err, "SignatureDoesNotMatch", http.StatusForbidden)
	_, err = dynamodb.NewFromConfig(bad).ListTables(ctx, &dynamodb.ListTablesInput{})
	apiError(t, err, "InvalidSignatureException", http.StatusBadRequest)

	unknown := srv.AWSConfig()
	unknown.Credentials = credentials.NewStaticCredentialsProvider("AKIDNOBODY", "x", "")
	_, err = sts.NewFromConfig(unknown).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiError(t, err, "InvalidClientTokenId", http.StatusForbidden)
	_, err = dynamodb.NewFromConfig(unknown).ListTables(ctx, &dynamodb.ListTablesInput{})
	apiError(t, err, "UnrecognizedClientException", http.StatusBadRequest)

	// Unsigned, skewed and presigned requests, signed by the SDK's own signer.
	creds := aws.Credentials{AccessKeyID: "AKIDUNKAISTRICT", SecretAccessKey: "s3cr3t"}
	const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	get := func(url string) (int, string) {
		req, _ := http.NewRequest("GET", url, nil)
		return doRaw(t, req)
	}
	if code, body := get(srv.URL + "/?Action=GetCallerIdentity&Version=2011-06-15"); code != 403 || !strings.Contains(body, "MissingAuthenticationToken") {
		t.Errorf("unsigned: %d %s", code, body)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/?Action=GetCallerIdentity&Version=2011-06-15", nil)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, emptySHA256, "sts", "us-east-1", time.Now().Add(-20*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if code, body := doRaw(t, req); code != 403 || !strings.Contains(body, "Signature expired") {
		t.Errorf("skewed by 20 minutes: %d %s", code, body)
	}
	presign := func(at time.Time, expires string) string {
		req, _ := http.NewRequest("GET", srv.URL+"/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires="+expires, nil)
		url, _, err := v4.NewSigner().PresignHTTP(ctx, creds, req, emptySHA256, "sts", "us-east-1", at)
		if err != nil {
			t.Fatal(err)
		}
		return url
	}
	if code, body := get(presign(time.Now(), "60")); code != 200 || !strings.Contains(body, "<Account>000000000000</Account>") {
		t.Errorf("presigned: %d %s", code, body)
	}
	if code, body := get(presign(time.Now().Add(-10*time.Minute), "60")); code != 403 {
		t.Errorf("expired presigned URL accepted: %d %s", code, body)
	}
}

func doRaw(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
