package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// TestBadInput sends malformed requests the way a broken or hostile client
// would and checks each gets its protocol's AWS error, never a 500 or a hang.
func TestBadInput(t *testing.T) {
	srv := unkaitest.Start(t)
	const ddb = "DynamoDB_20120810."
	const logsT = "Logs_20140328."
	big := strings.Repeat("x", 17<<20)
	for _, tc := range []struct {
		name         string
		method, path string
		headers      map[string]string
		body         string
		status       int
		code         string // substring the body must contain
	}{
		{"json truncated", "POST", "/", map[string]string{"X-Amz-Target": ddb + "ListTables", "Content-Type": "application/x-amz-json-1.0"}, `{"Limit":`, 400, "SerializationException"},
		{"json wrong type", "POST", "/", map[string]string{"X-Amz-Target": ddb + "ListTables", "Content-Type": "application/x-amz-json-1.0"}, `{"Limit":"ten"}`, 400, "SerializationException"},
		{"json not an object", "POST", "/", map[string]string{"X-Amz-Target": ddb + "ListTables", "Content-Type": "application/x-amz-json-1.0"}, `[1,2]`, 400, "SerializationException"},
		{"json unknown target", "POST", "/", map[string]string{"X-Amz-Target": ddb + "DropEverything", "Content-Type": "application/x-amz-json-1.0"}, `{}`, 400, "UnknownOperationException"},
		{"json oversize body", "POST", "/", map[string]string{"X-Amz-Target": ddb + "ListTables", "Content-Type": "application/x-amz-json-1.0"}, `{"x":"` + big + `"}`, 413, "RequestEntityTooLarge"},
		{"json missing required member", "POST", "/", map[string]string{"X-Amz-Target": logsT + "CreateLogGroup", "Content-Type": "application/x-amz-json-1.1"}, `{}`, 400, "Value null at 'logGroupName' failed to satisfy constraint: Member must not be null"},
		{"json invalid utf-8", "POST", "/", map[string]string{"X-Amz-Target": logsT + "CreateLogGroup", "Content-Type": "application/x-amz-json-1.1"}, "{\"logGroupName\":\"\xff\xfe\"}", 400, "logGroupName"},
		{"query unknown action", "POST", "/", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "Action=TakeOver&Version=2011-06-15", 400, "InvalidAction"},
		{"ec2 unknown action", "POST", "/", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": sigHeader("ec2")}, "Action=TakeOver&Version=2016-11-15", 400, "InvalidAction"},
		{"ec2 bad boolean", "POST", "/", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": sigHeader("ec2")}, "Action=DescribeRegions&Version=2016-11-15&AllRegions=maybe", 400, "AllRegions"},
		{"malformed signature", "POST", "/", map[string]string{"X-Amz-Target": ddb + "ListTables", "Content-Type": "application/x-amz-json-1.0", "Authorization": "AWS4-HMAC-SHA256 Credential=x"}, `{}`, 400, "IncompleteSignature"},
		{"rest unknown route", "GET", "/2015-03-31/nothing-here", map[string]string{"Authorization": sigHeader("lambda")}, "", 404, "UnknownOperationException"},
		{"unidentified request goes to S3", "POST", "/nowhere", nil, "hello", 404, "NoSuchBucket"},
		{"unidentified request to S3 with an unknown method", "PATCH", "/nowhere", nil, "hello", 405, "MethodNotAllowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			if _, ok := tc.headers["Authorization"]; ok {
				req.Header.Set("X-Amz-Date", "20260101T000000Z")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			// rest-json and json name the code in X-Amzn-ErrorType as well.
			code, body := resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType")+" "+string(b)
			if code != tc.status || !strings.Contains(body, tc.code) {
				t.Errorf("status %d, body %.300q; want %d with %q", code, body, tc.status, tc.code)
			}
		})
	}

	t.Run("absurd header", func(t *testing.T) {
		req, _ := http.NewRequest("POST", srv.URL+"/", strings.NewReader("{}"))
		req.Header.Set("X-Amz-Target", ddb+"ListTables")
		req.Header.Set("X-Junk", strings.Repeat("a", 2<<20))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return // the server may close the connection instead of answering
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("status %d, want 431", resp.StatusCode)
		}
	})
}

// sigHeader is a well-formed (open-mode) SigV4 header naming service, so the
// request is detected by its credential scope.
func sigHeader(service string) string {
	return "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/" + service + "/aws4_request, SignedHeaders=host, Signature=" + strings.Repeat("0", 64)
}
