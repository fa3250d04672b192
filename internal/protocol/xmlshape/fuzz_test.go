package xmlshape

import (
	"bytes"
	"reflect"
	"testing"
)

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`<OperationRequest xmlns="https://foo/"><Name>foo</Name><Description>bar</Description></OperationRequest>`,
		`<R><List><member>a</member></List><Flat>d</Flat><Named>f</Named><StructList><member><Foo>x</Foo></member></StructList></R>`,
		`<R><Map><entry><key>a</key><value>1</value></entry></Map><FlatMap><Name>k</Name><Value><Foo>v</Foo></Value></FlatMap></R>`,
		`<Grant><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><EmailAddress>foo@example.com</EmailAddress></Grantee></Grant></AccessControlList></Grant>`,
		`<R><Time>2015-01-25T08:00:00Z</Time><TimeUnix>1422172800</TimeUnix><Blob>Zm9v</Blob><FooNum>3</FooNum><Float>1.2</Float></R>`,
		`<R><Nested><member><member>a</member></member></Nested></R>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v := &everything{}
		if err := Decode(bytes.NewReader(data), v); err != nil {
			return
		}
		// Whatever decodes must encode and decode again.
		w := NewWriter(nil)
		w.Struct("R", Namespace{}, reflect.ValueOf(v))
		if err := Decode(bytes.NewReader(w.Bytes()), &everything{}); err != nil {
			t.Fatalf("re-decode of %s: %v", w.Bytes(), err)
		}
	})
}
