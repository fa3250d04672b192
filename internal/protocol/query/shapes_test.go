package query

import (
	"time"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// Hand-written shapes following the tag contract of internal/protocol/shape.go.

type tag struct {
	_     struct{} `type:"structure"`
	Key   *string  `type:"string" required:"true" min:"1"`
	Value *string  `type:"string"`
}

type input struct {
	_         struct{}          `type:"structure"`
	Name      *string           `type:"string" required:"true" min:"1" max:"64"`
	Alias     *string           `type:"string" locationName:"AliasName" queryName:"QAlias"`
	Count     *int64            `type:"integer" locationName:"count"`
	Ratio     *float64          `type:"double"`
	On        *bool             `type:"boolean"`
	When      *time.Time        `type:"timestamp"`
	WhenUnix  *time.Time        `type:"timestamp" timestampFormat:"unixTimestamp"`
	Data      []byte            `type:"blob"`
	List      []string          `type:"list"`
	Items     []string          `type:"list" locationNameList:"item"`
	Flat      []string          `type:"list" flattened:"true"`
	FlatNamed []string          `type:"list" flattened:"true" locationNameList:"Foo"`
	Tags      []tag             `type:"list"`
	Attrs     map[string]string `type:"map"`
	Named     map[string]string `type:"map" locationNameKey:"TheKey" locationNameValue:"TheValue"`
	FlatMap   map[string]string `type:"map" flattened:"true" locationName:"Attribute" locationNameKey:"Name" locationNameValue:"Value"`
	StructMap map[string]*tag   `type:"map"`
	Sub       *tag              `type:"structure"`
	Nested    [][]string        `type:"list"`
}

type assumeRoleInput struct {
	_               struct{} `type:"structure"`
	RoleArn         *string  `type:"string" required:"true" min:"20"`
	RoleSessionName *string  `type:"string" required:"true" min:"2"`
	DurationSeconds *int64   `type:"integer" min:"900"`
}

type credentials struct {
	_               struct{}   `type:"structure"`
	AccessKeyId     *string    `type:"string" required:"true"`
	SecretAccessKey *string    `type:"string" required:"true"`
	SessionToken    *string    `type:"string" required:"true"`
	Expiration      *time.Time `type:"timestamp" required:"true"`
}

type assumedRoleUser struct {
	_             struct{} `type:"structure"`
	AssumedRoleId *string  `type:"string" required:"true"`
	Arn           *string  `type:"string" required:"true"`
}

type assumeRoleOutput struct {
	_                struct{}         `type:"structure"`
	Credentials      *credentials     `type:"structure"`
	AssumedRoleUser  *assumedRoleUser `type:"structure"`
	PackedPolicySize *int64           `type:"integer"`
	SourceIdentity   *string          `type:"string"`
}

type throttled struct {
	_       struct{} `type:"structure"`
	Message *string  `type:"string" locationName:"message"`
	Reason  *string  `type:"string"`
}

func ptr[T any](v T) *T { return &v }

func testService() *protocol.Service {
	return &protocol.Service{
		Name: "sts", Protocol: protocol.Query, APIVersion: "2011-06-15",
		XMLNamespace: "https://sts.amazonaws.com/doc/2011-06-15/",
		Operations: []*protocol.Operation{
			{Name: "AssumeRole", HTTPMethod: "POST", RequestURI: "/", OutputResultWrapper: "AssumeRoleResult",
				NewInput: func() any { return &assumeRoleInput{} }, NewOutput: func() any { return &assumeRoleOutput{} }},
			{Name: "Everything", HTTPMethod: "POST", RequestURI: "/",
				NewInput: func() any { return &input{} }, NewOutput: func() any { return &input{} }},
			{Name: "Nothing", HTTPMethod: "POST", RequestURI: "/",
				NewInput: func() any { return &protocol.Empty{} }, NewOutput: func() any { return &protocol.Empty{} }},
		},
	}
}
