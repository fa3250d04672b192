package dynamodb

import (
	"context"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/scope"
)

// Account and table throughput limits DescribeLimits reports (AWS's
// defaults).
const (
	accountMaxCapacity = 80000
	tableMaxCapacity   = 40000
	// endpointCacheMinutes is how long DescribeEndpoints' answer is valid.
	endpointCacheMinutes = 1440
)

func (p *Provider) describeLimits(context.Context, *dynamodbapi.DescribeLimitsInput) (*dynamodbapi.DescribeLimitsOutput, error) {
	return &dynamodbapi.DescribeLimitsOutput{
		AccountMaxReadCapacityUnits: ptr(int64(accountMaxCapacity)), AccountMaxWriteCapacityUnits: ptr(int64(accountMaxCapacity)),
		TableMaxReadCapacityUnits: ptr(int64(tableMaxCapacity)), TableMaxWriteCapacityUnits: ptr(int64(tableMaxCapacity)),
	}, nil
}

func (p *Provider) describeEndpoints(ctx context.Context, _ *dynamodbapi.DescribeEndpointsRequest) (*dynamodbapi.DescribeEndpointsResponse, error) {
	sc := scope.From(ctx)
	return &dynamodbapi.DescribeEndpointsResponse{Endpoints: []dynamodbapi.Endpoint{{
		Address: ptr("dynamodb." + sc.Region + ".amazonaws.com"), CachePeriodInMinutes: ptr(int64(endpointCacheMinutes)),
	}}}, nil
}
