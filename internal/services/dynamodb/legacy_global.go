package dynamodb

import (
	"context"
	"net/http"
	"strings"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
)

// Global tables version 2017.11.29 (Legacy), answered as AWS answers them
// today. AWS's guide still describes the version, but since 2026 every
// endpoint refuses to create one: CreateGlobalTable, and UpdateGlobalTable
// adding a replica, fail with a ValidationException saying the version is
// not supported, before looking for the tables (observed from us-east-1,
// us-east-2, us-west-2, eu-west-1 and, with a region-specific message,
// ap-south-1, recorded by the AWS Controllers for Kubernetes' API probes
// of 2026-10-09). No legacy global table can therefore exist in an
// account that unkai serves: the other operations answer
// GlobalTableNotFoundException, also for the names of regional tables and
// of version 2019.11.21 groups, and ListGlobalTables lists none. Use
// UpdateTable's ReplicaUpdates (replica.go) for global tables.

// Messages of the legacy operations (AWS's, except the region-specific
// prefix, which the record quotes only in part).
const (
	msgLegacyUnsupported       = msgInvalid + "DynamoDB global tables version 2017.11.29 is not supported. We recommend using DynamoDB global tables version 2019.11.21, instead of version 2017.11.29 (Legacy)."
	msgLegacyUnsupportedRegion = msgInvalid + "DynamoDB global tables version 2017.11.29 is not supported in this region '%s', supported regions are : [%s]"
	msgLegacyNoUpdates         = "One or more parameter values were invalid"
	msgGlobalNotFound          = "Global table not found: Global table with name: '%s' does not exist."
	msgGlobalSettingsNotFound  = "Global table with name: '%s' does not exist."
	codeGlobalNotFound         = "GlobalTableNotFoundException"
)

// legacyRegions lists the regions where version 2017.11.29 was offered, as
// AWS lists them; from the other regions AWS names them in its refusal.
const legacyRegions = "eu-west-2, eu-west-1, ap-southeast-1, ap-southeast-2, ap-northeast-2, eu-central-1, ap-northeast-1, us-east-1, us-east-2, us-west-1, us-west-2"

// legacyUnsupported is the refusal of a request that would create a
// version 2017.11.29 global table, in the caller's region.
func legacyUnsupported(region string) *awserr.Error {
	if strings.Contains(", "+legacyRegions+", ", ", "+region+", ") {
		return validation(msgLegacyUnsupported)
	}
	return validation(msgLegacyUnsupportedRegion, region, legacyRegions)
}

// globalNotFound is the GlobalTableNotFoundException of name; settings
// selects the wording of the settings operations.
func globalNotFound(name string, settings bool) *awserr.Error {
	msg := msgGlobalNotFound
	if settings {
		msg = msgGlobalSettingsNotFound
	}
	return awserr.New(codeGlobalNotFound, http.StatusBadRequest, msg, name)
}

func (p *Provider) createGlobalTable(ctx context.Context, in *dynamodbapi.CreateGlobalTableInput) (*dynamodbapi.CreateGlobalTableOutput, error) {
	return nil, legacyUnsupported(scope.From(ctx).Region)
}

func (p *Provider) updateGlobalTable(ctx context.Context, in *dynamodbapi.UpdateGlobalTableInput) (*dynamodbapi.UpdateGlobalTableOutput, error) {
	if len(in.ReplicaUpdates) == 0 {
		return nil, validation(msgLegacyNoUpdates)
	}
	for _, u := range in.ReplicaUpdates {
		if u.Create != nil {
			return nil, legacyUnsupported(scope.From(ctx).Region)
		}
	}
	return nil, globalNotFound(deref(in.GlobalTableName), false)
}

func (p *Provider) describeGlobalTable(ctx context.Context, in *dynamodbapi.DescribeGlobalTableInput) (*dynamodbapi.DescribeGlobalTableOutput, error) {
	return nil, globalNotFound(deref(in.GlobalTableName), false)
}

func (p *Provider) describeGlobalTableSettings(ctx context.Context, in *dynamodbapi.DescribeGlobalTableSettingsInput) (*dynamodbapi.DescribeGlobalTableSettingsOutput, error) {
	return nil, globalNotFound(deref(in.GlobalTableName), true)
}

func (p *Provider) updateGlobalTableSettings(ctx context.Context, in *dynamodbapi.UpdateGlobalTableSettingsInput) (*dynamodbapi.UpdateGlobalTableSettingsOutput, error) {
	return nil, globalNotFound(deref(in.GlobalTableName), true)
}

// listGlobalTables lists no global tables: none of version 2017.11.29 can
// exist, and version 2019.11.21 groups are not listed here (AWS lists
// them only through DescribeTable). AWS answers an unknown RegionName with
// an internal error; unkai lists nothing for it either.
func (p *Provider) listGlobalTables(ctx context.Context, in *dynamodbapi.ListGlobalTablesInput) (*dynamodbapi.ListGlobalTablesOutput, error) {
	return &dynamodbapi.ListGlobalTablesOutput{GlobalTables: []dynamodbapi.GlobalTable{}}, nil
}
