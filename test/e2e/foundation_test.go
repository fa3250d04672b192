// Package e2e drives unkai with real AWS clients (aws-sdk-go-v2, and the AWS
// CLI where users would) against in-process servers on 127.0.0.1:0.
package e2e

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// apiError asserts err is an AWS API error with the given code and HTTP
// status, and returns it.
func apiError(t *testing.T, err error, code string, status int) smithy.APIError {
	t.Helper()
	if err == nil {
		t.Fatalf("want error %s, got success", code)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want API error %s, got %v", code, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error code = %q (%s), want %q", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() != status {
		t.Fatalf("HTTP status = %d, want %d", re.HTTPStatusCode(), status)
	}
	return ae
}

func TestSTSGetCallerIdentity(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, key, account string
	}{
		{"default account", "AKIAIOSFODNN7EXAMPLE", "000000000000"},
		{"numeric key selects account", "111122223333", "111122223333"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := unkaitest.Start(t, unkaitest.WithAccessKey(tc.key))
			out, err := sts.NewFromConfig(srv.AWSConfig()).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(out.Account) != tc.account {
				t.Errorf("Account = %q, want %q", aws.ToString(out.Account), tc.account)
			}
			if want := "arn:aws:iam::" + tc.account + ":root"; aws.ToString(out.Arn) != want {
				t.Errorf("Arn = %q, want %q", aws.ToString(out.Arn), want)
			}
			if aws.ToString(out.UserId) != tc.account {
				t.Errorf("UserId = %q", aws.ToString(out.UserId))
			}
		})
	}
}

func TestEC2DescribeRegions(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	client := ec2.NewFromConfig(srv.AWSConfig())

	out, err := client.DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Regions) < 30 {
		t.Fatalf("got %d regions, want the full list", len(out.Regions))
	}
	found := false
	for _, r := range out.Regions {
		if aws.ToString(r.RegionName) == "eu-west-1" {
			found = true
			if aws.ToString(r.Endpoint) != "ec2.eu-west-1.amazonaws.com" || aws.ToString(r.OptInStatus) != "opt-in-not-required" {
				t.Errorf("eu-west-1 = %+v", r)
			}
		}
	}
	if !found {
		t.Error("eu-west-1 missing")
	}

	out, err = client.DescribeRegions(ctx, &ec2.DescribeRegionsInput{
		Filters: []ec2types.Filter{{Name: aws.String("region-name"), Values: []string{"us-*"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Regions) != 4 {
		t.Errorf("us-* regions = %d, want 4", len(out.Regions))
	}

	out, err = client.DescribeRegions(ctx, &ec2.DescribeRegionsInput{RegionNames: []string{"ap-northeast-1", "sa-east-1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Regions) != 2 {
		t.Errorf("named regions = %d, want 2", len(out.Regions))
	}

	_, err = client.DescribeRegions(ctx, &ec2.DescribeRegionsInput{RegionNames: []string{"us--east-1"}})
	ae := apiError(t, err, "InvalidParameterValue", http.StatusBadRequest)
	if ae.ErrorMessage() != "Invalid region: [us--east-1]" {
		t.Errorf("message = %q", ae.ErrorMessage())
	}

	_, err = client.DescribeRegions(ctx, &ec2.DescribeRegionsInput{
		Filters: []ec2types.Filter{{Name: aws.String("colour"), Values: []string{"blue"}}},
	})
	apiError(t, err, "InvalidParameterValue", http.StatusBadRequest)

	_, err = client.DescribeRegions(ctx, &ec2.DescribeRegionsInput{DryRun: aws.Bool(true)})
	apiError(t, err, "DryRunOperation", http.StatusPreconditionFailed)
}

func TestEC2DescribeAvailabilityZones(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t, unkaitest.WithRegion("eu-west-1"))
	client := ec2.NewFromConfig(srv.AWSConfig())
	out, err := client.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, z := range out.AvailabilityZones {
		names = append(names, aws.ToString(z.ZoneName))
		if aws.ToString(z.RegionName) != "eu-west-1" || z.State != ec2types.AvailabilityZoneStateAvailable {
			t.Errorf("zone %+v", z)
		}
	}
	if len(names) != 3 || names[0] != "eu-west-1a" || names[2] != "eu-west-1c" {
		t.Errorf("zones = %v", names)
	}
	out, err = client.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{ZoneIds: []string{"euw1-az2"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.AvailabilityZones) != 1 || aws.ToString(out.AvailabilityZones[0].ZoneName) != "eu-west-1b" {
		t.Errorf("by id = %+v", out.AvailabilityZones)
	}
	_, err = client.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{ZoneNames: []string{"eu-west-1z"}})
	apiError(t, err, "InvalidParameterValue", http.StatusBadRequest)
}

func TestDynamoDBListTables(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	client := dynamodb.NewFromConfig(srv.AWSConfig())
	out, err := client.ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.TableNames) != 0 || out.LastEvaluatedTableName != nil {
		t.Errorf("ListTables on a new server = %+v", out)
	}
	// DynamoDB checksums its bodies; the SDK verified this one before returning.
	if raw, ok := awsmiddleware.GetRawResponse(out.ResultMetadata).(*smithyhttp.Response); !ok || raw.Header.Get("X-Amz-Crc32") == "" {
		t.Errorf("response without X-Amz-Crc32")
	}
	_, err = client.ListTables(ctx, &dynamodb.ListTablesInput{Limit: aws.Int32(0)})
	ae := apiError(t, err, "ValidationException", http.StatusBadRequest)
	const want = "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"
	if ae.ErrorMessage() != want {
		t.Errorf("message = %q\nwant      %q", ae.ErrorMessage(), want)
	}
}

func TestLambdaListFunctions(t *testing.T) {
	srv := unkaitest.Start(t)
	out, err := lambda.NewFromConfig(srv.AWSConfig()).ListFunctions(context.Background(), &lambda.ListFunctionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Functions) != 0 || out.NextMarker != nil {
		t.Errorf("ListFunctions on a new server = %+v", out)
	}
}

func TestS3ListBuckets(t *testing.T) {
	srv := unkaitest.Start(t)
	client := s3.NewFromConfig(srv.AWSConfig(), func(o *s3.Options) { o.UsePathStyle = true })
	out, err := client.ListBuckets(context.Background(), &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Buckets) != 0 || out.Owner == nil || len(aws.ToString(out.Owner.ID)) != 64 {
		t.Errorf("ListBuckets on a new server = %+v", out)
	}
}

func TestUnimplementedOperationAnswers501(t *testing.T) {
	srv := unkaitest.Start(t)
	_, err := ec2.NewFromConfig(srv.AWSConfig()).DescribeVpcs(context.Background(), &ec2.DescribeVpcsInput{})
	ae := apiError(t, err, "NotImplemented", http.StatusNotImplemented)
	if want := "The operation ec2:DescribeVpcs is not implemented by unkai yet."; ae.ErrorMessage() != want {
		t.Errorf("message = %q", ae.ErrorMessage())
	}
}
