// Package all is the list of what unkai ships: every API descriptor it
// routes, every service provider, and the codec of each protocol family.
// It is an explicit list, not a registry filled by init functions, so no
// package-level state decides what a server serves.
package all

import (
	"github.com/unkai-cloud/unkai/internal/api/acmapi"
	"github.com/unkai-cloud/unkai/internal/api/apigatewayapi"
	"github.com/unkai-cloud/unkai/internal/api/apigatewaymanagementapiapi"
	"github.com/unkai-cloud/unkai/internal/api/apigatewayv2api"
	"github.com/unkai-cloud/unkai/internal/api/batchapi"
	"github.com/unkai-cloud/unkai/internal/api/cognitoidentityapi"
	"github.com/unkai-cloud/unkai/internal/api/cognitoidpapi"
	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/api/ec2api"
	"github.com/unkai-cloud/unkai/internal/api/elasticfilesystemapi"
	"github.com/unkai-cloud/unkai/internal/api/iamapi"
	"github.com/unkai-cloud/unkai/internal/api/lambdaapi"
	"github.com/unkai-cloud/unkai/internal/api/logsapi"
	"github.com/unkai-cloud/unkai/internal/api/monitoringapi"
	"github.com/unkai-cloud/unkai/internal/api/pinpointapi"
	"github.com/unkai-cloud/unkai/internal/api/route53api"
	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/api/storagegatewayapi"
	"github.com/unkai-cloud/unkai/internal/api/streamsdynamodbapi"
	"github.com/unkai-cloud/unkai/internal/api/stsapi"
	"github.com/unkai-cloud/unkai/internal/api/syntheticsapi"
	"github.com/unkai-cloud/unkai/internal/api/workdocsapi"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/awsjson"
	"github.com/unkai-cloud/unkai/internal/protocol/ec2query"
	"github.com/unkai-cloud/unkai/internal/protocol/query"
	"github.com/unkai-cloud/unkai/internal/protocol/restjson"
	"github.com/unkai-cloud/unkai/internal/protocol/restxml"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb"
	"github.com/unkai-cloud/unkai/internal/services/ec2"
	"github.com/unkai-cloud/unkai/internal/services/lambda"
	"github.com/unkai-cloud/unkai/internal/services/logs"
	"github.com/unkai-cloud/unkai/internal/services/s3"
	"github.com/unkai-cloud/unkai/internal/services/sts"
)

// Descriptors returns every API unkai routes, sorted by name. APIs that no
// provider serves answer 501 for each operation.
func Descriptors() []*protocol.Service {
	return []*protocol.Service{
		acmapi.Descriptor,
		apigatewayapi.Descriptor,
		apigatewaymanagementapiapi.Descriptor,
		apigatewayv2api.Descriptor,
		batchapi.Descriptor,
		cognitoidentityapi.Descriptor,
		cognitoidpapi.Descriptor,
		dynamodbapi.Descriptor,
		ec2api.Descriptor,
		elasticfilesystemapi.Descriptor,
		iamapi.Descriptor,
		lambdaapi.Descriptor,
		logsapi.Descriptor,
		monitoringapi.Descriptor,
		pinpointapi.Descriptor,
		route53api.Descriptor,
		s3api.Descriptor,
		storagegatewayapi.Descriptor,
		streamsdynamodbapi.Descriptor,
		stsapi.Descriptor,
		syntheticsapi.Descriptor,
		workdocsapi.Descriptor,
	}
}

// Factories returns the service providers, in start order.
func Factories() []service.Factory {
	return []service.Factory{
		sts.Factory(),
		ec2.Factory(),
		dynamodb.Factory(),
		logs.Factory(),
		lambda.Factory(),
		s3.Factory(),
	}
}

// Codecs returns the codec constructor of each protocol family.
func Codecs() map[string]protocol.NewCodec {
	return map[string]protocol.NewCodec{
		protocol.JSON:     newJSONCodec,
		protocol.RESTJSON: restjson.New,
		protocol.RESTXML:  restxml.New,
		protocol.Query:    query.New,
		protocol.EC2:      ec2query.New,
	}
}

// newJSONCodec builds a json protocol codec; DynamoDB's endpoints (tables and
// streams, both signed as "dynamodb") also checksum every response body.
func newJSONCodec(svc *protocol.Service) protocol.Codec {
	return awsjson.NewWithOptions(svc, awsjson.Options{ResponseCRC32: svc.SigningName == "dynamodb"})
}
