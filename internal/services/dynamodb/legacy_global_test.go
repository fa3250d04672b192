package dynamodb

import (
	"net/http"
	"testing"

	"github.com/unkai-cloud/unkai/internal/scope"
)

// TestLegacyGlobalTables checks that the version 2017.11.29 operations
// answer as AWS does today: nothing can be created, so nothing is found,
// even for a table that exists.
func TestLegacyGlobalTables(t *testing.T) {
	f := newFixture(t)
	f.mustCall(t, "CreateTable", `{"TableName":"gtab","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
		"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST",
		"StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"}}`)
	unsupported := "DynamoDB global tables version 2017.11.29 is not supported. We recommend using DynamoDB global tables version 2019.11.21"
	f.run(t, []wireCase{
		{op: "CreateGlobalTable", body: `{"GlobalTableName":"gtab","ReplicationGroup":[{"RegionName":"eu-west-1"},{"RegionName":"us-east-1"}]}`,
			status: http.StatusBadRequest, contains: []string{"ValidationException", unsupported}},
		{op: "CreateGlobalTable", body: `{"GlobalTableName":"other","ReplicationGroup":[]}`,
			status: http.StatusBadRequest, contains: []string{"ValidationException", unsupported}},
		{op: "CreateGlobalTable", body: `{"GlobalTableName":"gtab"}`, // shape errors come first
			status: http.StatusBadRequest, contains: []string{"Value null at 'replicationGroup'"}},
		{op: "UpdateGlobalTable", body: `{"GlobalTableName":"nope","ReplicaUpdates":[{"Create":{"RegionName":"us-east-1"}}]}`,
			status: http.StatusBadRequest, contains: []string{"ValidationException", unsupported}},
		{op: "UpdateGlobalTable", body: `{"GlobalTableName":"gtab","ReplicaUpdates":[{"Delete":{"RegionName":"us-east-1"}}]}`,
			status: http.StatusBadRequest, contains: []string{"GlobalTableNotFoundException", "Global table not found: Global table with name: 'gtab' does not exist."}},
		{op: "UpdateGlobalTable", body: `{"GlobalTableName":"gtab","ReplicaUpdates":[]}`,
			status: http.StatusBadRequest, contains: []string{"ValidationException", "One or more parameter values were invalid"}},
		{op: "DescribeGlobalTable", body: `{"GlobalTableName":"gtab"}`,
			status: http.StatusBadRequest, contains: []string{"GlobalTableNotFoundException", "'gtab' does not exist."}},
		{op: "DescribeGlobalTableSettings", body: `{"GlobalTableName":"gtab"}`,
			status: http.StatusBadRequest, contains: []string{"GlobalTableNotFoundException", `"Global table with name: 'gtab' does not exist."`}},
		{op: "UpdateGlobalTableSettings", body: `{"GlobalTableName":"gtab","GlobalTableBillingMode":"PAY_PER_REQUEST"}`,
			status: http.StatusBadRequest, contains: []string{"GlobalTableNotFoundException"}},
		{op: "ListGlobalTables", body: `{}`, status: http.StatusOK, contains: []string{`{"GlobalTables":[]}`}},
	})

	// From a region where the version was never offered, AWS names those
	// where it was.
	f.ctx = scope.With(f.ctx, scope.Scope{Account: testAccount, Region: "ap-south-1"})
	f.run(t, []wireCase{
		{op: "CreateGlobalTable", body: `{"GlobalTableName":"gtab","ReplicationGroup":[{"RegionName":"ap-south-1"}]}`,
			status: http.StatusBadRequest, contains: []string{"not supported in this region 'ap-south-1', supported regions are : [eu-west-2, eu-west-1,"}},
	})
}
