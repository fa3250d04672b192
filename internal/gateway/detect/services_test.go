package detect

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// testdata/services.json holds, under unkai's service names, the metadata and operations (name, method,
// request URI) of real AWS models, standing in for generated descriptors.
type testService struct {
	Name           string      `json:"name"`
	ServiceID      string      `json:"serviceId"`
	EndpointPrefix string      `json:"endpointPrefix"`
	SigningName    string      `json:"signingName"`
	Protocol       string      `json:"protocol"`
	APIVersion     string      `json:"apiVersion"`
	JSONVersion    string      `json:"jsonVersion"`
	TargetPrefix   string      `json:"targetPrefix"`
	Ops            [][3]string `json:"ops"`
}

var loadServices = sync.OnceValues(func() ([]*protocol.Service, error) {
	data, err := os.ReadFile("testdata/services.json")
	if err != nil {
		return nil, err
	}
	var raw []testService
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	var out []*protocol.Service
	for _, r := range raw {
		s := &protocol.Service{
			Name: r.Name, ServiceID: r.ServiceID, EndpointPrefix: r.EndpointPrefix,
			SigningName: r.SigningName, Protocol: r.Protocol, APIVersion: r.APIVersion,
			JSONVersion: r.JSONVersion, TargetPrefix: r.TargetPrefix,
		}
		for _, op := range r.Ops {
			s.Operations = append(s.Operations, &protocol.Operation{Name: op[0], HTTPMethod: op[1], RequestURI: op[2]})
		}
		slices.SortFunc(s.Operations, func(a, b *protocol.Operation) int { return strings.Compare(a.Name, b.Name) })
		out = append(out, s)
	}
	return out, nil
})

func testServices(t testing.TB) []*protocol.Service {
	t.Helper()
	s, err := loadServices()
	if err != nil {
		t.Fatal(err)
	}
	return s
}
