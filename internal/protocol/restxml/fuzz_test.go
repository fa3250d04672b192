package restxml

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/prototest"
)

func FuzzDecode(f *testing.F) {
	for _, b := range prototest.Bodies(f, "rest-xml") {
		f.Add(uint8(0), b)
	}
	f.Add(uint8(1), []byte(`<Delete><Object><Key>a</Key></Object><Quiet>true</Quiet></Delete>`))
	f.Add(uint8(2), []byte(`<AccessControlPolicy><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>u</URI></Grantee></Grant></AccessControlList></AccessControlPolicy>`))
	f.Add(uint8(0), []byte(`<CreateHostedZoneRequest><Name>x.</Name><CallerReference>r</CallerReference><HostedZoneConfig><PrivateZone>true</PrivateZone></HostedZoneConfig></CreateHostedZoneRequest>`))
	s3, r53 := s3Service(), route53Service()
	cases := []struct {
		svc            *protocol.Service
		op, method, to string
	}{
		{r53, "CreateHostedZone", "POST", "/2013-04-01/hostedzone"},
		{s3, "DeleteObjects", "POST", "/b?delete"},
		{s3, "PutBucketAcl", "PUT", "/b?acl"},
	}
	codecs := []protocol.Codec{New(r53), New(s3), New(s3)}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		i := int(which) % len(cases)
		tc := cases[i]
		op := tc.svc.Operation(tc.op)
		r := httptest.NewRequest(tc.method, tc.to, bytes.NewReader(body))
		_ = codecs[i].Decode(r, &protocol.Call{Service: tc.svc, Operation: op}, op.NewInput())
	})
}
