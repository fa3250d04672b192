package ec2query

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
)

// Hand-written shapes following the tag contract of internal/protocol/shape.go.

type filter struct {
	_      struct{} `type:"structure"`
	Name   *string  `type:"string" required:"true"`
	Values []string `type:"list" locationName:"Value" locationNameList:"item"`
}

type describeInput struct {
	_           struct{} `type:"structure"`
	DryRun      *bool    `type:"boolean" locationName:"dryRun"`
	Filters     []filter `type:"list" locationName:"Filter" locationNameList:"Filter"`
	InstanceIds []string `type:"list" locationName:"InstanceId" locationNameList:"InstanceId"`
	MaxResults  *int64   `type:"integer"`
	Yuck        *string  `type:"string" locationName:"yuckLocationName" queryName:"yuckQueryName"`
}

type runInput struct {
	_        struct{} `type:"structure"`
	ImageId  *string  `type:"string" required:"true"`
	MinCount *int64   `type:"integer" required:"true"`
}

type tag struct {
	_     struct{} `type:"structure"`
	Key   *string  `type:"string" locationName:"key"`
	Value *string  `type:"string" locationName:"value"`
}

type instance struct {
	_          struct{}   `type:"structure"`
	InstanceId *string    `type:"string" locationName:"instanceId"`
	LaunchTime *time.Time `type:"timestamp" locationName:"launchTime"`
	Tags       []tag      `type:"list" locationName:"tagSet" locationNameList:"item"`
}

type reservation struct {
	_             struct{}   `type:"structure"`
	ReservationId *string    `type:"string" locationName:"reservationId"`
	Instances     []instance `type:"list" locationName:"instancesSet" locationNameList:"item"`
}

type describeOutput struct {
	_            struct{}      `type:"structure"`
	NextToken    *string       `type:"string" locationName:"nextToken"`
	Reservations []reservation `type:"list" locationName:"reservationSet" locationNameList:"item"`
}

func ptr[T any](v T) *T { return &v }

func testService() *protocol.Service {
	return &protocol.Service{
		Name: "ec2", Protocol: protocol.EC2, APIVersion: "2016-11-15",
		Operations: []*protocol.Operation{
			{Name: "DescribeInstances", HTTPMethod: "POST", RequestURI: "/",
				NewInput: func() any { return &describeInput{} }, NewOutput: func() any { return &describeOutput{} }},
			{Name: "RunInstances", HTTPMethod: "POST", RequestURI: "/",
				NewInput: func() any { return &runInput{} }, NewOutput: func() any { return &describeOutput{} }},
		},
	}
}

func post(body string) *http.Request {
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	return r
}

func TestResolve(t *testing.T) {
	c := New(testService())
	tests := []struct {
		body, op, msg string
	}{
		{"Action=DescribeInstances&Version=2016-11-15", "DescribeInstances", ""},
		{"Action=Nope&Version=2016-11-15", "", "The action Nope is not valid for this web service."},
		{"Version=2016-11-15", "", "The action  is not valid for this web service."},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			op, err := c.Resolve(post(tt.body))
			if tt.op == "" {
				e := awserr.From(err)
				if err == nil || e.Code != "InvalidAction" || e.Message != tt.msg || e.Status != 400 {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil || op.Name != tt.op {
				t.Fatalf("Resolve = %v, %v", op, err)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	c := New(testService())
	in := &describeInput{}
	body := "Action=DescribeInstances&Version=2016-11-15&DryRun=true&Filter.1.Name=tag%3AName&Filter.1.Value.1=a&Filter.1.Value.2=b" +
		"&InstanceId.1=i-1&InstanceId.2=i-2&MaxResults=5&yuckQueryName=y"
	if err := c.Decode(post(body), &protocol.Call{}, in); err != nil {
		t.Fatal(err)
	}
	if !*in.DryRun || len(in.Filters) != 1 || *in.Filters[0].Name != "tag:Name" || len(in.Filters[0].Values) != 2 ||
		len(in.InstanceIds) != 2 || *in.MaxResults != 5 || *in.Yuck != "y" {
		t.Errorf("decoded %+v", in)
	}

	errs := []struct {
		name, body, code, msg string
		in                    any
	}{
		{"missing", "Action=RunInstances&MinCount=1", "MissingParameter", "The request must contain the parameter ImageId", &runInput{}},
		{"missing nested", "Action=DescribeInstances&Filter.1.Value.1=a", "MissingParameter", "The request must contain the parameter Filter.1.Name", &describeInput{}},
		{"bad int", "Action=DescribeInstances&MaxResults=many", "InvalidParameterValue", "Value (many) for parameter MaxResults is invalid.", &describeInput{}},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			err := c.Decode(post(tt.body), &protocol.Call{}, tt.in)
			e := awserr.From(err)
			if err == nil || e.Code != tt.code || e.Message != tt.msg {
				t.Fatalf("err = %v, want %s: %s", err, tt.code, tt.msg)
			}
		})
	}
}

func output(n int) *describeOutput {
	launch := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	out := &describeOutput{NextToken: ptr("tok")}
	for i := 0; i < n; i++ {
		out.Reservations = append(out.Reservations, reservation{
			ReservationId: ptr("r-1"),
			Instances:     []instance{{InstanceId: ptr("i-1"), LaunchTime: &launch, Tags: []tag{{Key: ptr("Name"), Value: ptr("web")}}}},
		})
	}
	return out
}

func TestEncode(t *testing.T) {
	svc := testService()
	c := New(svc)
	rec := httptest.NewRecorder()
	call := &protocol.Call{Service: svc, Operation: svc.Operation("DescribeInstances"), RequestID: "req-1"}
	if err := c.Encode(rec, call, output(1)); err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-1</requestId><nextToken>tok</nextToken>` +
		`<reservationSet><item><reservationId>r-1</reservationId><instancesSet><item><instanceId>i-1</instanceId><launchTime>2026-01-02T03:04:05Z</launchTime>` +
		`<tagSet><item><key>Name</key><value>web</value></item></tagSet></item></instancesSet></item></reservationSet></DescribeInstancesResponse>`
	if got := rec.Body.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/xml") {
		t.Errorf("status %d, content type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
}

func TestEncodeError(t *testing.T) {
	svc := testService()
	c := New(svc)
	tests := []struct {
		name   string
		err    *awserr.Error
		status int
		want   string
	}{
		{"client", awserr.New("InvalidInstanceID.NotFound", 400, "The instance ID 'i-1' does not exist"), 400,
			`<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID 'i-1' does not exist</Message></Error></Errors><RequestID>req-2</RequestID></Response>`},
		{"internal", awserr.Internal(nil), 500,
			`<Response><Errors><Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error></Errors><RequestID>req-2</RequestID></Response>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			c.EncodeError(rec, &protocol.Call{Service: svc, RequestID: "req-2"}, tt.err)
			got := strings.TrimPrefix(rec.Body.String(), `<?xml version="1.0" encoding="UTF-8"?>`+"\n")
			if rec.Code != tt.status || got != tt.want {
				t.Errorf("status %d body\n got  %s\nwant %s", rec.Code, got, tt.want)
			}
		})
	}
}

func BenchmarkEncodeDescribeInstances(b *testing.B) {
	svc := testService()
	c := New(svc)
	call := &protocol.Call{Service: svc, Operation: svc.Operation("DescribeInstances"), RequestID: "req"}
	out := output(100)
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Encode(httptest.NewRecorder(), call, out); err != nil {
			b.Fatal(err)
		}
	}
}
