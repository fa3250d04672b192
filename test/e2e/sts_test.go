package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/unkai-cloud/unkai/unkaitest"
)

var temporaryKeyRE = regexp.MustCompile(`^ASIA[A-Z2-7]{16}$`)

// TestSTSTemporaryCredentials gets session and federation credentials and
// uses them against DynamoDB, S3 and STS itself, in open and strict mode:
// they act in the account that obtained them.
func TestSTSTemporaryCredentials(t *testing.T) {
	const account = "111122223333"
	for _, mode := range []string{"open", "strict"} {
		t.Run(mode, func(t *testing.T) {
			ctx := context.Background()
			opt := unkaitest.WithAccessKey(account)
			if mode == "strict" {
				opt = unkaitest.WithStrictAuth(account, "root-secret")
			}
			srv := unkaitest.Start(t, opt)
			rootCfg := srv.AWSConfig()

			before := time.Now().Truncate(time.Second)
			out, err := sts.NewFromConfig(rootCfg).GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900)})
			if err != nil {
				t.Fatal(err)
			}
			c := out.Credentials
			if !temporaryKeyRE.MatchString(aws.ToString(c.AccessKeyId)) || len(aws.ToString(c.SecretAccessKey)) != 40 || aws.ToString(c.SessionToken) == "" {
				t.Errorf("credentials = %+v", c)
			}
			if exp := aws.ToTime(c.Expiration); exp.Before(before.Add(900*time.Second)) || exp.After(time.Now().Add(901*time.Second)) {
				t.Errorf("expiration %v, want 900 s from now", exp)
			}
			tmpCfg := srv.AWSConfig()
			tmpCfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))

			id, err := sts.NewFromConfig(tmpCfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(id.Account) != account || aws.ToString(id.Arn) != "arn:aws:iam::111122223333:root" || aws.ToString(id.UserId) != account {
				t.Errorf("caller identity = %s %s %s", aws.ToString(id.Account), aws.ToString(id.Arn), aws.ToString(id.UserId))
			}

			// DynamoDB: a table created with the temporary credentials
			// belongs to the account.
			ddb := dynamodb.NewFromConfig(tmpCfg)
			if _, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
				TableName:            aws.String("orders"),
				AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
				KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
				BillingMode:          ddbtypes.BillingModePayPerRequest,
			}); err != nil {
				t.Fatal(err)
			}
			desc, err := dynamodb.NewFromConfig(rootCfg).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders")})
			if err != nil {
				t.Fatalf("the account's root does not see the table: %v", err)
			}
			if arn := aws.ToString(desc.Table.TableArn); !strings.Contains(arn, ":111122223333:table/orders") {
				t.Errorf("table ARN %s", arn)
			}

			// S3: the same for a bucket and an object.
			s3tmp := s3.NewFromConfig(tmpCfg, func(o *s3.Options) { o.UsePathStyle = true })
			if _, err := s3tmp.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("temp-bucket")}); err != nil {
				t.Fatal(err)
			}
			if _, err := s3tmp.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("temp-bucket"), Key: aws.String("k"), Body: strings.NewReader("hello")}); err != nil {
				t.Fatal(err)
			}
			s3root := s3.NewFromConfig(rootCfg, func(o *s3.Options) { o.UsePathStyle = true })
			buckets, err := s3root.ListBuckets(ctx, &s3.ListBucketsInput{})
			if err != nil || len(buckets.Buckets) != 1 || aws.ToString(buckets.Buckets[0].Name) != "temp-bucket" {
				t.Fatalf("root's buckets = %+v, %v", buckets, err)
			}
			obj, err := s3tmp.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("temp-bucket"), Key: aws.String("k")})
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(obj.Body)
			obj.Body.Close()
			if string(body) != "hello" {
				t.Errorf("object = %q", body)
			}

			// Session credentials get no more credentials.
			_, err = sts.NewFromConfig(tmpCfg).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
			apiError(t, err, "AccessDenied", http.StatusForbidden)
			_, err = sts.NewFromConfig(tmpCfg).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("Bob")})
			apiError(t, err, "AccessDenied", http.StatusForbidden)

			// Federation credentials act as the federated user.
			fed, err := sts.NewFromConfig(rootCfg).GetFederationToken(ctx, &sts.GetFederationTokenInput{
				Name:   aws.String("Bob"),
				Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`),
			})
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(fed.FederatedUser.Arn) != "arn:aws:sts::111122223333:federated-user/Bob" {
				t.Errorf("federated user %+v", fed.FederatedUser)
			}
			fedCfg := srv.AWSConfig()
			fedCfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(fed.Credentials.AccessKeyId),
				aws.ToString(fed.Credentials.SecretAccessKey), aws.ToString(fed.Credentials.SessionToken))
			id, err = sts.NewFromConfig(fedCfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(id.Arn) != "arn:aws:sts::111122223333:federated-user/Bob" || aws.ToString(id.UserId) != "111122223333:Bob" {
				t.Errorf("federated identity = %s %s", aws.ToString(id.Arn), aws.ToString(id.UserId))
			}

			info, err := sts.NewFromConfig(rootCfg).GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: c.AccessKeyId})
			if err != nil || aws.ToString(info.Account) != account {
				t.Errorf("GetAccessKeyInfo = %+v, %v", info, err)
			}
			info, err = sts.NewFromConfig(rootCfg).GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String("AKIAIOSFODNN7EXAMPLE")})
			if err != nil || aws.ToString(info.Account) != "000000000000" {
				t.Errorf("GetAccessKeyInfo of a foreign key = %+v, %v", info, err)
			}
			// A 12-digit key id is shorter than the API's 16 characters.
			_, err = sts.NewFromConfig(rootCfg).GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String(account)})
			apiError(t, err, "ValidationError", http.StatusBadRequest)
			_, err = sts.NewFromConfig(rootCfg).GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(100)})
			ae := apiError(t, err, "ValidationError", http.StatusBadRequest)
			if want := "1 validation error detected: Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"; ae.ErrorMessage() != want {
				t.Errorf("message %q", ae.ErrorMessage())
			}

			if mode != "strict" {
				return
			}
			for _, token := range []string{"", "not-the-token"} {
				bad := srv.AWSConfig()
				bad.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), token)
				_, err := sts.NewFromConfig(bad).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
				apiError(t, err, "InvalidClientTokenId", http.StatusForbidden)
				_, err = dynamodb.NewFromConfig(bad).ListTables(ctx, &dynamodb.ListTablesInput{})
				apiError(t, err, "UnrecognizedClientException", http.StatusBadRequest)
				_, err = s3.NewFromConfig(bad, func(o *s3.Options) { o.UsePathStyle = true }).ListBuckets(ctx, &s3.ListBucketsInput{})
				apiError(t, err, "InvalidToken", http.StatusBadRequest)
			}
			wrongSecret := srv.AWSConfig()
			wrongSecret.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), "not-the-secret", aws.ToString(c.SessionToken))
			_, err = sts.NewFromConfig(wrongSecret).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			apiError(t, err, "SignatureDoesNotMatch", http.StatusForbidden)
		})
	}
}

// TestSTSCLI gets session credentials with the AWS CLI and uses them, as a
// user would, through AWS_SESSION_TOKEN.
func TestSTSCLI(t *testing.T) {
	srv := unkaitest.Start(t, unkaitest.WithStrictAuth("444455556666", "any-secret"))
	out := runAWS(t, srv, "444455556666", "sts", "get-session-token", "--duration-seconds", "1800")
	c, _ := out["Credentials"].(map[string]any)
	akid, _ := c["AccessKeyId"].(string)
	secret, _ := c["SecretAccessKey"].(string)
	token, _ := c["SessionToken"].(string)
	if !temporaryKeyRE.MatchString(akid) || secret == "" || token == "" {
		t.Fatalf("get-session-token = %v", out)
	}
	cmd := exec.Command("aws", "sts", "get-caller-identity", "--output", "json")
	cmd.Env = sessionEnv(srv, akid, secret, token)
	raw, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("get-caller-identity with session credentials: %v\n%s", err, stderr)
	}
	var id map[string]any
	if err := json.Unmarshal(raw, &id); err != nil {
		t.Fatal(err)
	}
	if id["Account"] != "444455556666" || id["Arn"] != "arn:aws:iam::444455556666:root" {
		t.Errorf("get-caller-identity = %v", id)
	}

	// Without the token the key is refused.
	cmd = exec.Command("aws", "sts", "get-caller-identity", "--output", "json")
	cmd.Env = sessionEnv(srv, akid, secret, "")
	msg, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(msg), "InvalidClientTokenId") {
		t.Errorf("without the session token: %v\n%s", err, msg)
	}
}

// sessionEnv is awsEnv with the given secret and, when not empty, session
// token.
func sessionEnv(srv *unkaitest.Server, akid, secret, token string) []string {
	var env []string
	for _, kv := range awsEnv(srv, akid) {
		if !strings.HasPrefix(kv, "AWS_SECRET_ACCESS_KEY=") {
			env = append(env, kv)
		}
	}
	env = append(env, "AWS_SECRET_ACCESS_KEY="+secret)
	if token != "" {
		env = append(env, "AWS_SESSION_TOKEN="+token)
	}
	return env
}
