package ec2query

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/prototest"
)

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"Action=OperationName&Version=2014-01-01&Foo=val1&BarLocationName=val2&yuckQueryName=val3",
		"Action=OperationName&Version=2014-01-01&Struct.Scalar=foo",
		"Action=OperationName&Version=2014-01-01&ListStrings.1=foo&ListBools.1=true&ListFloats.1=1.1&ListIntegers.1=0",
		"Action=DescribeInstances&Filter.1.Name=n&Filter.1.Value.1=a&InstanceId.1=i-1&MaxResults=5",
		"Action=RunInstances&ImageId=ami-1&MinCount=1",
	} {
		f.Add(s)
	}
	for _, b := range prototest.Bodies(f, "ec2") {
		f.Add(string(b))
	}
	c := New(testService())
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		op, err := c.Resolve(r)
		if err != nil {
			return
		}
		_ = c.Decode(r, &protocol.Call{Operation: op}, op.NewInput())
	})
}
