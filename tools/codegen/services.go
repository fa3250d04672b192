package main

// services are the model directories (under models/apis) unkai serves.
var services = []string{
	"acm",
	"apigateway",
	"apigatewaymanagementapi",
	"apigatewayv2",
	"batch",
	"cognito-identity",
	"cognito-idp",
	"dynamodb",
	"ec2",
	"elasticfilesystem",
	"iam",
	"lambda",
	"logs",
	"monitoring",
	"pinpoint",
	"route53",
	"s3",
	"storagegateway",
	"streams.dynamodb",
	"sts",
	"synthetics",
	"workdocs",
}

// sdkModule and sdkVersion locate AWS's models in the Go module cache.
const (
	sdkModule  = "github.com/aws/aws-sdk-go"
	sdkVersion = "v1.55.8"
)
