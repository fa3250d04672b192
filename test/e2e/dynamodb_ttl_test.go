package e2e

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// TestDynamoDBTTL enables TTL with the SDK and watches expired items go on
// the real clock, from the table and its index, while the rest stay.
func TestDynamoDBTTL(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	client := dynamodb.NewFromConfig(srv.AWSConfig())
	createOrders(t, ctx, client)
	now := time.Now().Unix()
	items := []struct {
		order   string
		expires ddbtypes.AttributeValue // nil: no TTL attribute
		expired bool
	}{
		{"1", nAttr(strconv.FormatInt(now-60, 10)), true},
		{"2", nAttr(strconv.FormatInt(now+3600, 10)), false},
		{"3", sAttr(strconv.FormatInt(now-60, 10)), false},
		{"4", nil, false},
		{"5", nAttr(strconv.FormatInt(now-10*365*86400, 10)), false}, // more than five years ago: ignored
	}
	put := func(customer string) {
		for _, it := range items {
			item := map[string]ddbtypes.AttributeValue{"customer": sAttr(customer), "order": nAttr(it.order), "status": sAttr("open")}
			if it.expires != nil {
				item["expires"] = it.expires
			}
			if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("orders"), Item: item}); err != nil {
				t.Fatal(err)
			}
		}
	}
	put("before")

	desc, err := client.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String("orders")})
	if err != nil || desc.TimeToLiveDescription.TimeToLiveStatus != ddbtypes.TimeToLiveStatusDisabled {
		t.Fatalf("DescribeTimeToLive = %+v, %v", desc, err)
	}
	spec := &ddbtypes.TimeToLiveSpecification{AttributeName: aws.String("expires"), Enabled: aws.Bool(true)}
	upd, err := client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("orders"), TimeToLiveSpecification: spec})
	if err != nil || !aws.ToBool(upd.TimeToLiveSpecification.Enabled) || aws.ToString(upd.TimeToLiveSpecification.AttributeName) != "expires" {
		t.Fatalf("UpdateTimeToLive = %+v, %v", upd, err)
	}
	desc, err = client.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String("orders")})
	if err != nil || desc.TimeToLiveDescription.TimeToLiveStatus != ddbtypes.TimeToLiveStatusEnabled ||
		aws.ToString(desc.TimeToLiveDescription.AttributeName) != "expires" {
		t.Fatalf("DescribeTimeToLive = %+v, %v", desc, err)
	}
	put("after")

	for _, tt := range []struct {
		name    string
		in      *dynamodb.UpdateTimeToLiveInput
		code    string
		message string
	}{
		{"enable twice", &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("orders"), TimeToLiveSpecification: spec},
			"ValidationException", "TimeToLive is already enabled"},
		{"missing table", &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("nope"), TimeToLiveSpecification: spec},
			"ResourceNotFoundException", "Requested resource not found"},
	} {
		_, err := client.UpdateTimeToLive(ctx, tt.in)
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != tt.code || !strings.Contains(ae.ErrorMessage(), tt.message) {
			t.Errorf("%s: err = %v, want %s %q", tt.name, err, tt.code, tt.message)
		}
	}

	want := 0
	for _, it := range items {
		if !it.expired {
			want += 2
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, err := client.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("orders"), Select: ddbtypes.SelectCount})
		if err != nil {
			t.Fatal(err)
		}
		if out.Count == int32(want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d items after waiting for expiry, want %d", out.Count, want)
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, customer := range []string{"before", "after"} {
		for _, it := range items {
			got, err := client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("orders"),
				Key: map[string]ddbtypes.AttributeValue{"customer": sAttr(customer), "order": nAttr(it.order)}})
			if err != nil {
				t.Fatal(err)
			}
			if (got.Item == nil) != it.expired {
				t.Errorf("%s/%s: present = %v, want %v", customer, it.order, got.Item != nil, !it.expired)
			}
		}
	}
	q, err := client.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("orders"), IndexName: aws.String("by-status"),
		KeyConditionExpression: aws.String("#s = :s"), ExpressionAttributeNames: map[string]string{"#s": "status"},
		ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":s": sAttr("open")}, Select: ddbtypes.SelectCount})
	if err != nil || q.Count != int32(want) {
		t.Fatalf("index query after expiry: %v, %v", q, err)
	}
	tbl, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders")})
	if err != nil || aws.ToInt64(tbl.Table.ItemCount) != int64(want) {
		t.Fatalf("DescribeTable after expiry: %v", err)
	}

	off := &ddbtypes.TimeToLiveSpecification{AttributeName: aws.String("expires"), Enabled: aws.Bool(false)}
	if _, err := client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("orders"), TimeToLiveSpecification: off}); err != nil {
		t.Fatal(err)
	}
	_, err = client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("orders"), TimeToLiveSpecification: off})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" || ae.ErrorMessage() != "TimeToLive is already disabled" {
		t.Errorf("disable twice: %v", err)
	}
}
