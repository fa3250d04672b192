package xmlshape

import "time"

// Hand-written shapes following the tag contract of internal/protocol/shape.go.

type grantee struct {
	_            struct{} `type:"structure" xmlNamespace:"http://www.w3.org/2001/XMLSchema-instance" xmlPrefix:"xsi"`
	DisplayName  *string  `type:"string"`
	EmailAddress *string  `type:"string"`
	Type         *string  `type:"string" locationName:"xsi:type" xmlAttribute:"true" required:"true"`
}

type grant struct {
	_          struct{} `type:"structure"`
	Grantee    *grantee `type:"structure"`
	Permission *string  `type:"string"`
}

type inner struct {
	_   struct{} `type:"structure"`
	Foo *string  `type:"string"`
	Bar *int64   `type:"integer"`
}

type everything struct {
	_         struct{}          `type:"structure"`
	Str       *string           `type:"string"`
	Num       *int64            `type:"integer" locationName:"FooNum"`
	True      *bool             `type:"boolean"`
	False     *bool             `type:"boolean"`
	Float     *float64          `type:"double"`
	Time      *time.Time        `type:"timestamp"`
	TimeUnix  *time.Time        `type:"timestamp" timestampFormat:"unixTimestamp"`
	TimeRFC   *time.Time        `type:"timestamp" timestampFormat:"rfc822"`
	Blob      []byte            `type:"blob"`
	List      []string          `type:"list"`
	Items     []string          `type:"list" locationNameList:"item"`
	Flat      []string          `type:"list" flattened:"true"`
	FlatNamed []string          `type:"list" flattened:"true" locationNameList:"Named"`
	Structs   []inner           `type:"list" locationName:"StructList"`
	FlatObjs  []inner           `type:"list" locationName:"Obj" flattened:"true"`
	Map       map[string]string `type:"map"`
	FlatMap   map[string]*inner `type:"map" flattened:"true" locationNameKey:"Name" locationNameValue:"Value"`
	Sub       *inner            `type:"structure"`
	Grants    []grant           `type:"list" locationName:"AccessControlList" locationNameList:"Grant"`
	Header    *string           `type:"string" location:"header" locationName:"x-amz-foo"`
	Nested    [][]string        `type:"list"`
}

func ptr[T any](v T) *T { return &v }
