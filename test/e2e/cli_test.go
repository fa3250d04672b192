package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// awsEnv is the environment the AWS CLI and boto3 run with: the server as
// AWS_ENDPOINT_URL, static credentials, and no user configuration.
func awsEnv(srv *unkaitest.Server, accessKey string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"AWS_ENDPOINT_URL=" + srv.URL,
		"AWS_ACCESS_KEY_ID=" + accessKey,
		"AWS_SECRET_ACCESS_KEY=any-secret",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_PAGER=",
	}
	for _, k := range []string{"PYENV_ROOT", "PYENV_VERSION", "PYTHONPATH", "LANG"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// runAWS runs the AWS CLI and decodes its JSON output.
func runAWS(t *testing.T, srv *unkaitest.Server, accessKey string, args ...string) map[string]any {
	t.Helper()
	cmd := exec.Command("aws", append(args, "--output", "json")...)
	cmd.Env = awsEnv(srv, accessKey)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	var v map[string]any
	if len(strings.TrimSpace(string(out))) == 0 {
		return v
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("aws %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, out)
	}
	return v
}

// runAWSFail runs the AWS CLI expecting failure and returns its stderr.
func runAWSFail(t *testing.T, srv *unkaitest.Server, args ...string) string {
	t.Helper()
	cmd := exec.Command("aws", args...)
	cmd.Env = awsEnv(srv, "test")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("aws %s succeeded; want failure\n%s", strings.Join(args, " "), out)
	}
	return string(out)
}

func TestAWSCLI(t *testing.T) {
	srv := unkaitest.Start(t)

	id := runAWS(t, srv, "test", "sts", "get-caller-identity")
	if id["Account"] != "000000000000" {
		t.Errorf("get-caller-identity = %v", id)
	}
	id = runAWS(t, srv, "111122223333", "sts", "get-caller-identity")
	if id["Account"] != "111122223333" {
		t.Errorf("get-caller-identity with key 111122223333 = %v", id)
	}

	regions := runAWS(t, srv, "test", "ec2", "describe-regions", "--region-names", "eu-west-1", "us-west-2")
	if rs, _ := regions["Regions"].([]any); len(rs) != 2 {
		t.Errorf("describe-regions = %v", regions)
	}
	zones := runAWS(t, srv, "test", "ec2", "describe-availability-zones")
	if zs, _ := zones["AvailabilityZones"].([]any); len(zs) != 6 {
		t.Errorf("describe-availability-zones in us-east-1 = %d zones", len(zs))
	}

	tables := runAWS(t, srv, "test", "dynamodb", "list-tables")
	if ts, ok := tables["TableNames"].([]any); !ok || len(ts) != 0 {
		t.Errorf("list-tables = %v", tables)
	}
	if fs, ok := runAWS(t, srv, "test", "lambda", "list-functions")["Functions"].([]any); !ok || len(fs) != 0 {
		t.Errorf("list-functions = %v", fs)
	}
	if bs, ok := runAWS(t, srv, "test", "s3api", "list-buckets")["Buckets"].([]any); !ok || len(bs) != 0 {
		t.Errorf("list-buckets = %v", bs)
	}

	runAWS(t, srv, "test", "logs", "create-log-group", "--log-group-name", "cli-group")
	runAWS(t, srv, "test", "logs", "create-log-stream", "--log-group-name", "cli-group", "--log-stream-name", "s")
	now := time.Now().UnixMilli()
	runAWS(t, srv, "test", "logs", "put-log-events", "--log-group-name", "cli-group", "--log-stream-name", "s",
		"--log-events", fmt.Sprintf("timestamp=%d,message=hello", now), fmt.Sprintf("timestamp=%d,message=world", now+1))
	groups := runAWS(t, srv, "test", "logs", "describe-log-groups")
	if gs, _ := groups["logGroups"].([]any); len(gs) != 1 {
		t.Errorf("describe-log-groups = %v", groups)
	}
	events := runAWS(t, srv, "test", "logs", "get-log-events", "--log-group-name", "cli-group", "--log-stream-name", "s", "--start-from-head")
	evs, _ := events["events"].([]any)
	if len(evs) != 2 || evs[0].(map[string]any)["message"] != "hello" {
		t.Errorf("get-log-events = %v", events)
	}

	msg := runAWSFail(t, srv, "logs", "create-log-group", "--log-group-name", "cli-group")
	if !strings.Contains(msg, "ResourceAlreadyExistsException") {
		t.Errorf("create-log-group twice: %s", msg)
	}
	msg = runAWSFail(t, srv, "ec2", "describe-vpcs")
	if !strings.Contains(msg, "NotImplemented") || !strings.Contains(msg, "ec2:DescribeVpcs") {
		t.Errorf("describe-vpcs: %s", msg)
	}
}

// TestBoto3 runs the machine's boto3 with only AWS_ENDPOINT_URL pointing at
// unkai, as a user's script would.
func TestBoto3(t *testing.T) {
	srv := unkaitest.Start(t)
	script := `
import boto3, json
sts = boto3.client("sts")
logs = boto3.client("logs")
logs.create_log_group(logGroupName="py")
try:
    logs.create_log_group(logGroupName="py")
    dup = "no error"
except logs.exceptions.ResourceAlreadyExistsException as e:
    dup = e.response["Error"]["Code"]
print(json.dumps({
    "account": sts.get_caller_identity()["Account"],
    "regions": len(boto3.client("ec2").describe_regions()["Regions"]),
    "tables": boto3.client("dynamodb").list_tables()["TableNames"],
    "buckets": boto3.client("s3").list_buckets()["Buckets"],
    "groups": [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]],
    "dup": dup,
}))
`
	cmd := exec.Command("python3", "-c", script)
	cmd.Env = awsEnv(srv, "111122223333")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("boto3: %v\n%s", err, stderr)
	}
	var got struct {
		Account string   `json:"account"`
		Regions int      `json:"regions"`
		Tables  []string `json:"tables"`
		Buckets []any    `json:"buckets"`
		Groups  []string `json:"groups"`
		Dup     string   `json:"dup"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("boto3 output %q: %v", out, err)
	}
	if got.Account != "111122223333" || got.Regions < 30 || len(got.Tables) != 0 || len(got.Buckets) != 0 ||
		len(got.Groups) != 1 || got.Groups[0] != "py" || got.Dup != "ResourceAlreadyExistsException" {
		t.Errorf("boto3 saw %+v", got)
	}
}
