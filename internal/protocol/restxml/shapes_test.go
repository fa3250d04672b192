package restxml

import (
	"io"
	"time"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// Hand-written S3- and Route 53-like shapes following the tag contract of
// internal/protocol/shape.go.

type owner struct {
	_           struct{} `type:"structure"`
	DisplayName *string  `type:"string"`
	ID          *string  `type:"string"`
}

type bucket struct {
	_            struct{}   `type:"structure"`
	CreationDate *time.Time `type:"timestamp"`
	Name         *string    `type:"string"`
}

type listBucketsOutput struct {
	_       struct{} `type:"structure"`
	Buckets []bucket `type:"list" locationNameList:"Bucket"`
	Owner   *owner   `type:"structure"`
}

type object struct {
	_            struct{}   `type:"structure"`
	ETag         *string    `type:"string"`
	Key          *string    `type:"string" min:"1"`
	LastModified *time.Time `type:"timestamp"`
	Size         *int64     `type:"long"`
	StorageClass *string    `type:"string"`
}

type commonPrefix struct {
	_      struct{} `type:"structure"`
	Prefix *string  `type:"string"`
}

type listObjectsV2Input struct {
	_                 struct{} `type:"structure"`
	Bucket            *string  `type:"string" location:"uri" locationName:"Bucket" required:"true"`
	ContinuationToken *string  `type:"string" location:"querystring" locationName:"continuation-token"`
	Delimiter         *string  `type:"string" location:"querystring" locationName:"delimiter"`
	MaxKeys           *int64   `type:"integer" location:"querystring" locationName:"max-keys"`
	Prefix            *string  `type:"string" location:"querystring" locationName:"prefix"`
}

type listObjectsV2Output struct {
	_                     struct{}       `type:"structure"`
	CommonPrefixes        []commonPrefix `type:"list" flattened:"true"`
	Contents              []object       `type:"list" flattened:"true"`
	IsTruncated           *bool          `type:"boolean"`
	KeyCount              *int64         `type:"integer"`
	MaxKeys               *int64         `type:"integer"`
	Name                  *string        `type:"string"`
	NextContinuationToken *string        `type:"string"`
	Prefix                *string        `type:"string"`
}

type putObjectInput struct {
	_             struct{}          `type:"structure" payload:"Body"`
	Body          io.Reader         `type:"blob" streaming:"true"`
	Bucket        *string           `type:"string" location:"uri" locationName:"Bucket" required:"true"`
	ContentLength *int64            `type:"long" location:"header" locationName:"Content-Length"`
	Key           *string           `type:"string" location:"uri" locationName:"Key" required:"true" min:"1"`
	Metadata      map[string]string `type:"map" location:"headers" locationName:"x-amz-meta-"`
}

type putObjectOutput struct {
	_         struct{} `type:"structure"`
	ETag      *string  `type:"string" location:"header" locationName:"ETag"`
	VersionId *string  `type:"string" location:"header" locationName:"x-amz-version-id"`
}

type getObjectInput struct {
	_      struct{} `type:"structure"`
	Bucket *string  `type:"string" location:"uri" locationName:"Bucket" required:"true"`
	Key    *string  `type:"string" location:"uri" locationName:"Key" required:"true" min:"1"`
}

type getObjectOutput struct {
	_             struct{}  `type:"structure" payload:"Body"`
	Body          io.Reader `type:"blob" streaming:"true"`
	ContentLength *int64    `type:"long" location:"header" locationName:"Content-Length"`
	ContentType   *string   `type:"string" location:"header" locationName:"Content-Type"`
}

type headObjectOutput struct {
	_             struct{}   `type:"structure"`
	ContentLength *int64     `type:"long" location:"header" locationName:"Content-Length"`
	LastModified  *time.Time `type:"timestamp" location:"header" locationName:"Last-Modified"`
}

type grantee struct {
	_            struct{} `type:"structure" xmlNamespace:"http://www.w3.org/2001/XMLSchema-instance" xmlPrefix:"xsi"`
	DisplayName  *string  `type:"string"`
	EmailAddress *string  `type:"string"`
	ID           *string  `type:"string"`
	Type         *string  `type:"string" locationName:"xsi:type" xmlAttribute:"true" required:"true"`
}

type grant struct {
	_          struct{} `type:"structure"`
	Grantee    *grantee `type:"structure"`
	Permission *string  `type:"string"`
}

type accessControlPolicy struct {
	_      struct{} `type:"structure"`
	Grants []grant  `type:"list" locationName:"AccessControlList" locationNameList:"Grant"`
	Owner  *owner   `type:"structure"`
}

type putBucketAclInput struct {
	_                   struct{}             `type:"structure" payload:"AccessControlPolicy"`
	AccessControlPolicy *accessControlPolicy `type:"structure" locationName:"AccessControlPolicy" xmlNamespace:"http://s3.amazonaws.com/doc/2006-03-01/"`
	Bucket              *string              `type:"string" location:"uri" locationName:"Bucket" required:"true"`
}

type getBucketLocationOutput struct {
	_                  struct{} `type:"structure"`
	LocationConstraint *string  `type:"string"`
}

type objectIdentifier struct {
	_         struct{} `type:"structure"`
	Key       *string  `type:"string" required:"true" min:"1"`
	VersionId *string  `type:"string"`
}

type deleteRequest struct {
	_       struct{}           `type:"structure"`
	Objects []objectIdentifier `type:"list" locationName:"Object" flattened:"true" required:"true"`
	Quiet   *bool              `type:"boolean"`
}

type deleteObjectsInput struct {
	_      struct{}       `type:"structure" payload:"Delete"`
	Bucket *string        `type:"string" location:"uri" locationName:"Bucket" required:"true"`
	Delete *deleteRequest `type:"structure" locationName:"Delete" xmlNamespace:"http://s3.amazonaws.com/doc/2006-03-01/" required:"true"`
}

type copyObjectInput struct {
	_          struct{} `type:"structure"`
	Bucket     *string  `type:"string" location:"uri" locationName:"Bucket" required:"true"`
	CopySource *string  `type:"string" location:"header" locationName:"x-amz-copy-source" required:"true"`
	Key        *string  `type:"string" location:"uri" locationName:"Key" required:"true" min:"1"`
}

type abortInput struct {
	_        struct{} `type:"structure"`
	Bucket   *string  `type:"string" location:"uri" locationName:"Bucket" required:"true"`
	Key      *string  `type:"string" location:"uri" locationName:"Key" required:"true" min:"1"`
	UploadId *string  `type:"string" location:"querystring" locationName:"uploadId" required:"true"`
}

type uploadPartInput struct {
	_          struct{}  `type:"structure" payload:"Body"`
	Body       io.Reader `type:"blob" streaming:"true"`
	Bucket     *string   `type:"string" location:"uri" locationName:"Bucket" required:"true"`
	Key        *string   `type:"string" location:"uri" locationName:"Key" required:"true" min:"1"`
	PartNumber *int64    `type:"integer" location:"querystring" locationName:"partNumber" required:"true"`
	UploadId   *string   `type:"string" location:"querystring" locationName:"uploadId" required:"true"`
}

type uploadPartCopyInput struct {
	_          struct{} `type:"structure"`
	Bucket     *string  `type:"string" location:"uri" locationName:"Bucket" required:"true"`
	CopySource *string  `type:"string" location:"header" locationName:"x-amz-copy-source" required:"true"`
	Key        *string  `type:"string" location:"uri" locationName:"Key" required:"true" min:"1"`
	PartNumber *int64   `type:"integer" location:"querystring" locationName:"partNumber" required:"true"`
	UploadId   *string  `type:"string" location:"querystring" locationName:"uploadId" required:"true"`
}

type copyObjectResult struct {
	_            struct{}   `type:"structure"`
	ETag         *string    `type:"string"`
	LastModified *time.Time `type:"timestamp"`
}

type copyObjectOutput struct {
	_                struct{}          `type:"structure" payload:"CopyObjectResult"`
	CopyObjectResult *copyObjectResult `type:"structure"`
	VersionId        *string           `type:"string" location:"header" locationName:"x-amz-version-id"`
}

type putBucketPolicyInput struct {
	_      struct{} `type:"structure" payload:"Policy"`
	Bucket *string  `type:"string" location:"uri" locationName:"Bucket" required:"true"`
	Policy *string  `type:"string" required:"true"`
}

type noSuchKey struct {
	_       struct{} `type:"structure"`
	Message *string  `type:"string"`
	Key     *string  `type:"string"`
}

func ptr[T any](v T) *T { return &v }

func s3Service() *protocol.Service {
	return &protocol.Service{
		Name: "s3", EndpointPrefix: "s3", Protocol: protocol.RESTXML, APIVersion: "2006-03-01",
		Operations: []*protocol.Operation{
			{Name: "AbortMultipartUpload", HTTPMethod: "DELETE", RequestURI: "/{Bucket}/{Key+}",
				NewInput: func() any { return &abortInput{} }, NewOutput: func() any { return &protocol.Empty{} }},
			{Name: "CopyObject", HTTPMethod: "PUT", RequestURI: "/{Bucket}/{Key+}",
				NewInput: func() any { return &copyObjectInput{} }, NewOutput: func() any { return &copyObjectOutput{} }},
			{Name: "DeleteObject", HTTPMethod: "DELETE", RequestURI: "/{Bucket}/{Key+}",
				NewInput: func() any { return &getObjectInput{} }, NewOutput: func() any { return &protocol.Empty{} }},
			{Name: "DeleteObjects", HTTPMethod: "POST", RequestURI: "/{Bucket}?delete",
				NewInput: func() any { return &deleteObjectsInput{} }, NewOutput: func() any { return &protocol.Empty{} }},
			{Name: "GetBucketLocation", HTTPMethod: "GET", RequestURI: "/{Bucket}?location",
				NewInput: func() any { return &protocol.Empty{} }, NewOutput: func() any { return &getBucketLocationOutput{} }},
			{Name: "GetBucketLifecycle", HTTPMethod: "GET", RequestURI: "/{Bucket}?lifecycle",
				NewInput: func() any { return &protocol.Empty{} }, NewOutput: func() any { return &protocol.Empty{} }},
			{Name: "GetBucketLifecycleConfiguration", HTTPMethod: "GET", RequestURI: "/{Bucket}?lifecycle",
				NewInput: func() any { return &protocol.Empty{} }, NewOutput: func() any { return &protocol.Empty{} }},
			{Name: "GetObject", HTTPMethod: "GET", RequestURI: "/{Bucket}/{Key+}",
				NewInput: func() any { return &getObjectInput{} }, NewOutput: func() any { return &getObjectOutput{} }},
			{Name: "HeadObject", HTTPMethod: "HEAD", RequestURI: "/{Bucket}/{Key+}",
				NewInput: func() any { return &getObjectInput{} }, NewOutput: func() any { return &headObjectOutput{} }},
			{Name: "ListBuckets", HTTPMethod: "GET", RequestURI: "/",
				NewInput: func() any { return &protocol.Empty{} }, NewOutput: func() any { return &listBucketsOutput{} }},
			{Name: "ListObjectsV2", HTTPMethod: "GET", RequestURI: "/{Bucket}?list-type=2",
				NewInput: func() any { return &listObjectsV2Input{} }, NewOutput: func() any { return &listObjectsV2Output{} }},
			{Name: "PutBucketAcl", HTTPMethod: "PUT", RequestURI: "/{Bucket}?acl",
				NewInput: func() any { return &putBucketAclInput{} }, NewOutput: func() any { return &protocol.Empty{} }},
			{Name: "PutBucketPolicy", HTTPMethod: "PUT", RequestURI: "/{Bucket}?policy",
				NewInput: func() any { return &putBucketPolicyInput{} }, NewOutput: func() any { return &protocol.Empty{} }},
			{Name: "PutObject", HTTPMethod: "PUT", RequestURI: "/{Bucket}/{Key+}",
				NewInput: func() any { return &putObjectInput{} }, NewOutput: func() any { return &putObjectOutput{} }},
			{Name: "UploadPart", HTTPMethod: "PUT", RequestURI: "/{Bucket}/{Key+}",
				NewInput: func() any { return &uploadPartInput{} }, NewOutput: func() any { return &putObjectOutput{} }},
			{Name: "UploadPartCopy", HTTPMethod: "PUT", RequestURI: "/{Bucket}/{Key+}",
				NewInput: func() any { return &uploadPartCopyInput{} }, NewOutput: func() any { return &putObjectOutput{} }},
		},
	}
}

type hostedZoneConfig struct {
	_           struct{} `type:"structure"`
	Comment     *string  `type:"string" max:"256"`
	PrivateZone *bool    `type:"boolean"`
}

type createHostedZoneInput struct {
	_                struct{}          `type:"structure" locationName:"CreateHostedZoneRequest" xmlNamespace:"https://route53.amazonaws.com/doc/2013-04-01/"`
	CallerReference  *string           `type:"string" required:"true" min:"1" max:"128"`
	HostedZoneConfig *hostedZoneConfig `type:"structure"`
	Name             *string           `type:"string" required:"true" max:"1024"`
}

type hostedZone struct {
	_                      struct{}          `type:"structure"`
	CallerReference        *string           `type:"string" required:"true"`
	Config                 *hostedZoneConfig `type:"structure"`
	Id                     *string           `type:"string" required:"true"`
	Name                   *string           `type:"string" required:"true"`
	ResourceRecordSetCount *int64            `type:"long"`
}

type changeInfo struct {
	_           struct{}   `type:"structure"`
	Id          *string    `type:"string" required:"true"`
	Status      *string    `type:"string" required:"true"`
	SubmittedAt *time.Time `type:"timestamp" required:"true"`
}

type delegationSet struct {
	_           struct{} `type:"structure"`
	NameServers []string `type:"list" required:"true" locationNameList:"NameServer"`
}

type createHostedZoneOutput struct {
	_             struct{}       `type:"structure"`
	ChangeInfo    *changeInfo    `type:"structure" required:"true"`
	DelegationSet *delegationSet `type:"structure" required:"true"`
	HostedZone    *hostedZone    `type:"structure" required:"true"`
	Location      *string        `type:"string" location:"header" locationName:"Location" required:"true"`
}

type getHostedZoneInput struct {
	_  struct{} `type:"structure"`
	Id *string  `type:"string" location:"uri" locationName:"Id" required:"true"`
}

type getHostedZoneOutput struct {
	_          struct{}    `type:"structure"`
	HostedZone *hostedZone `type:"structure" required:"true"`
}

func route53Service() *protocol.Service {
	ns := "https://route53.amazonaws.com/doc/2013-04-01/"
	return &protocol.Service{
		Name: "route53", EndpointPrefix: "route53", Protocol: protocol.RESTXML, APIVersion: "2013-04-01",
		Operations: []*protocol.Operation{
			{Name: "CreateHostedZone", HTTPMethod: "POST", RequestURI: "/2013-04-01/hostedzone", ResponseCode: 201,
				InputLocationName: "CreateHostedZoneRequest", InputXMLNamespace: ns,
				NewInput: func() any { return &createHostedZoneInput{} }, NewOutput: func() any { return &createHostedZoneOutput{} }},
			{Name: "GetHostedZone", HTTPMethod: "GET", RequestURI: "/2013-04-01/hostedzone/{Id}",
				NewInput: func() any { return &getHostedZoneInput{} }, NewOutput: func() any { return &getHostedZoneOutput{} }},
		},
	}
}
