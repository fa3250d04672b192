package query

import (
	"net/url"
	"testing"

	"github.com/unkai-cloud/unkai/internal/protocol/prototest"
)

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"Action=OperationName&Version=2014-01-01&Foo=val1&Bar=val2",
		"Action=OperationName&Version=2014-01-01&ListArg.member.1=foo&ListArg.member.2=bar",
		"Action=OperationName&Version=2014-01-01&ScalarArg=foo&ListArg.1=a&ListArg.2=b&Foo.1=a",
		"Action=OperationName&Version=2014-01-01&MapArg.entry.1.key=key1&MapArg.entry.1.value=val1",
		"Action=OperationName&Version=2014-01-01&TimeArg=2015-01-25T08%3A00%3A00Z&TimeCustom=1422172800",
		"Name=n&count=3&Ratio=1.5&On=true&Data=Zm9v&Tags.member.1.Key=k&Attribute.1.Name=a&Attribute.1.Value=1",
		"StructMap.entry.1.key=x&StructMap.entry.1.value.Key=y&Nested.member.1.member.1=a&Sub.Key=k",
	} {
		f.Add(s)
	}
	for _, b := range prototest.Bodies(f, "query") {
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, form string) {
		vals, err := url.ParseQuery(form)
		if err != nil {
			return
		}
		_ = Decode(vals, &input{}, QueryNaming)
		_ = Decode(vals, &input{}, EC2Naming)
	})
}
