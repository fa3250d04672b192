package jsonshape

import (
	"io"
	"time"
)

// item is a hand-written generated-style shape covering every member kind.
type item struct {
	_        struct{}            `type:"structure"`
	Name     *string             `type:"string"`
	Count    *int64              `type:"integer"`
	Big      *int64              `type:"long"`
	Ratio    *float64            `type:"double"`
	On       *bool               `type:"boolean"`
	When     *time.Time          `type:"timestamp"`
	WhenISO  *time.Time          `type:"timestamp" timestampFormat:"iso8601"`
	WhenHTTP *time.Time          `type:"timestamp" timestampFormat:"rfc822"`
	Data     []byte              `type:"blob"`
	Doc      *string             `type:"string" jsonvalue:"true"`
	Renamed  *string             `locationName:"renamed_key" type:"string"`
	Tags     []string            `type:"list"`
	Blobs    [][]byte            `type:"list"`
	Matrix   [][]int64           `type:"list"`
	Attrs    map[string]string   `type:"map"`
	Lists    map[string][]string `type:"map"`
	Child    *item               `type:"structure"`
	Children []item              `type:"list"`
	ByName   map[string]item     `type:"map"`
	Header   *string             `location:"header" locationName:"X-H" type:"string"`
	Stream   io.Reader           `type:"blob" streaming:"true"`
}

func ptr[T any](v T) *T { return &v }
