package restjson

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
)

type invokeInput struct {
	_              struct{} `type:"structure" payload:"Payload"`
	FunctionName   *string  `location:"uri" locationName:"FunctionName" type:"string" required:"true" min:"1"`
	InvocationType *string  `location:"header" locationName:"X-Amz-Invocation-Type" type:"string"`
	Qualifier      *string  `location:"querystring" locationName:"Qualifier" type:"string"`
	Payload        []byte   `type:"blob"`
}

type invokeOutput struct {
	_          struct{} `type:"structure" payload:"Payload"`
	StatusCode *int64   `location:"statusCode" type:"integer"`
	Version    *string  `location:"header" locationName:"X-Amz-Executed-Version" type:"string"`
	Payload    []byte   `type:"blob"`
}

type createInput struct {
	_            struct{}          `type:"structure"`
	FunctionName *string           `type:"string" required:"true"`
	Timeout      *int64            `type:"integer"`
	Tags         map[string]string `type:"map"`
	Env          *environment      `type:"structure"`
	DryRun       *bool             `location:"querystring" locationName:"dryRun" type:"boolean"`
	Token        *string           `location:"header" locationName:"X-Token" type:"string"`
}

type environment struct {
	_         struct{}          `type:"structure"`
	Variables map[string]string `type:"map"`
}

type createOutput struct {
	_            struct{}   `type:"structure"`
	FunctionName *string    `type:"string"`
	LastModified *time.Time `type:"timestamp" timestampFormat:"iso8601"`
	Created      *time.Time `type:"timestamp"`
	RequestID    *string    `location:"header" locationName:"X-Request" type:"string"`
}

type putPolicyInput struct {
	_      struct{}     `type:"structure" payload:"Policy"`
	Name   *string      `location:"uri" locationName:"Name" type:"string"`
	Policy *policyShape `type:"structure"`
}

type policyShape struct {
	_       struct{} `type:"structure"`
	Version *string  `type:"string"`
}

type putPolicyOutput struct {
	_      struct{}     `type:"structure" payload:"Policy"`
	Policy *policyShape `type:"structure"`
}

type uploadInput struct {
	_    struct{}  `type:"structure" payload:"Body"`
	Name *string   `location:"uri" locationName:"Name" type:"string"`
	Body io.Reader `type:"blob" streaming:"true"`
}

type textInput struct {
	_    struct{} `type:"structure" payload:"Text"`
	Text *string  `type:"string"`
}

type deleteOutput struct {
	_ struct{} `type:"structure"`
}

type notFound struct {
	_       struct{} `type:"structure"`
	Type    *string  `type:"string"`
	Message *string  `type:"string"`
}

type throttled struct {
	_          struct{} `type:"structure"`
	RetryAfter *string  `location:"header" locationName:"Retry-After" type:"string"`
	Type       *string  `type:"string"`
	Message    *string  `locationName:"message" type:"string"`
	Reason     *string  `type:"string"`
}

func ptr[T any](v T) *T { return &v }

func op(name, method, uri string, code int, in, out func() any) *protocol.Operation {
	return &protocol.Operation{Name: name, HTTPMethod: method, RequestURI: uri, ResponseCode: code, NewInput: in, NewOutput: out}
}

func testService() *protocol.Service {
	return &protocol.Service{
		Name: "lambda", Protocol: protocol.RESTJSON,
		Operations: []*protocol.Operation{
			op("CreateFunction", "POST", "/2015-03-31/functions", 201, func() any { return &createInput{} }, func() any { return &createOutput{} }),
			op("DeleteFunction", "DELETE", "/2015-03-31/functions/{FunctionName}", 204, func() any { return &protocol.Empty{} }, func() any { return &deleteOutput{} }),
			op("Invoke", "POST", "/2015-03-31/functions/{FunctionName}/invocations", 200, func() any { return &invokeInput{} }, func() any { return &invokeOutput{} }),
			op("PutPolicy", "PUT", "/policies/{Name}", 200, func() any { return &putPolicyInput{} }, func() any { return &putPolicyOutput{} }),
			op("PutText", "PUT", "/text", 200, func() any { return &textInput{} }, func() any { return &protocol.Empty{} }),
			op("Upload", "PUT", "/uploads/{Name}", 200, func() any { return &uploadInput{} }, func() any { return &protocol.Empty{} }),
		},
		Errors: map[string]protocol.ErrorShape{
			"ResourceNotFoundException": {Code: "ResourceNotFoundException", Status: 404, Sender: true, New: func() any { return &notFound{} }},
			"TooManyRequestsException":  {Code: "TooManyRequestsException", Status: 429, Sender: true, New: func() any { return &throttled{} }},
		},
	}
}

func TestResolve(t *testing.T) {
	c := New(testService())
	tests := []struct {
		method, target string
		want           string
		status         int
	}{
		{"POST", "/2015-03-31/functions", "CreateFunction", 0},
		{"POST", "/2015-03-31/functions/f/invocations", "Invoke", 0},
		{"DELETE", "/2015-03-31/functions/f", "DeleteFunction", 0},
		{"GET", "/2015-03-31/functions/f", "", 405},
		{"GET", "/nothing", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.method+tt.target, func(t *testing.T) {
			got, err := c.Resolve(httptest.NewRequest(tt.method, tt.target, nil))
			if tt.status != 0 {
				var ae *awserr.Error
				if !errors.As(err, &ae) || ae.Status != tt.status {
					t.Fatalf("err = %v, want status %d", err, tt.status)
				}
				return
			}
			if err != nil || got.Name != tt.want {
				t.Fatalf("Resolve = %v, %v", got, err)
			}
		})
	}
}

// decodeCase runs Resolve then Decode on a request.
func decode(t *testing.T, c protocol.Codec, r *http.Request) (any, error) {
	t.Helper()
	op, err := c.Resolve(r)
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	in := op.NewInput()
	return in, c.Decode(r, &protocol.Call{Operation: op}, in)
}

func TestDecode(t *testing.T) {
	c := NewWithOptions(testService(), Options{MaxBodyBytes: 128})
	tests := []struct {
		name, method, target, body string
		headers                    map[string]string
		code                       string
		check                      func(t *testing.T, in any)
	}{
		{
			name: "body and bindings", method: "POST", target: "/2015-03-31/functions?dryRun=true",
			body:    `{"FunctionName":"f","Timeout":3,"Tags":{"a":"b"},"Env":{"Variables":{"K":"V"}},"dryRun":false}`,
			headers: map[string]string{"X-Token": "tok"},
			check: func(t *testing.T, in any) {
				v := in.(*createInput)
				if *v.FunctionName != "f" || *v.Timeout != 3 || v.Tags["a"] != "b" || v.Env.Variables["K"] != "V" || !*v.DryRun || *v.Token != "tok" {
					t.Errorf("decoded %+v", v)
				}
			},
		},
		{
			name: "blob payload", method: "POST", target: "/2015-03-31/functions/my%3Afn/invocations?Qualifier=1",
			body: `{"any":"json"}`, headers: map[string]string{"X-Amz-Invocation-Type": "Event"},
			check: func(t *testing.T, in any) {
				v := in.(*invokeInput)
				if *v.FunctionName != "my:fn" || string(v.Payload) != `{"any":"json"}` || *v.InvocationType != "Event" || *v.Qualifier != "1" {
					t.Errorf("decoded %+v", v)
				}
			},
		},
		{
			name: "empty blob payload", method: "POST", target: "/2015-03-31/functions/f/invocations",
			check: func(t *testing.T, in any) {
				if v := in.(*invokeInput); v.Payload != nil {
					t.Errorf("Payload = %q", v.Payload)
				}
			},
		},
		{
			name: "structure payload", method: "PUT", target: "/policies/p", body: `{"Version":"2012"}`,
			check: func(t *testing.T, in any) {
				if v := in.(*putPolicyInput); *v.Name != "p" || *v.Policy.Version != "2012" {
					t.Errorf("decoded %+v", v)
				}
			},
		},
		{
			name: "empty structure payload", method: "PUT", target: "/policies/p",
			check: func(t *testing.T, in any) {
				if v := in.(*putPolicyInput); v.Policy != nil {
					t.Errorf("Policy = %+v", v.Policy)
				}
			},
		},
		{
			name: "string payload", method: "PUT", target: "/text", body: "hello",
			check: func(t *testing.T, in any) {
				if v := in.(*textInput); *v.Text != "hello" {
					t.Errorf("Text = %q", *v.Text)
				}
			},
		},
		{
			name: "streaming payload", method: "PUT", target: "/uploads/u", body: strings.Repeat("z", 300),
			check: func(t *testing.T, in any) {
				b, _ := io.ReadAll(in.(*uploadInput).Body)
				if len(b) != 300 {
					t.Errorf("stream gave %d bytes", len(b))
				}
			},
		},
		{name: "missing required", method: "POST", target: "/2015-03-31/functions", body: `{}`, code: "ValidationException"},
		{name: "bad json", method: "POST", target: "/2015-03-31/functions", body: `{"FunctionName":`, code: "SerializationException"},
		{name: "bad binding", method: "POST", target: "/2015-03-31/functions?dryRun=maybe", body: `{"FunctionName":"f"}`, code: "SerializationException"},
		{name: "json too large", method: "POST", target: "/2015-03-31/functions", body: `{"FunctionName":"` + strings.Repeat("f", 200) + `"}`, code: "RequestEntityTooLargeException"},
		{name: "blob too large", method: "POST", target: "/2015-03-31/functions/f/invocations", body: strings.Repeat("b", 129), code: "RequestEntityTooLargeException"},
		{name: "structure payload too large", method: "PUT", target: "/policies/p", body: strings.Repeat(" ", 129) + "{}", code: "RequestEntityTooLargeException"},
		{name: "structure payload malformed", method: "PUT", target: "/policies/p", body: `{"Version":1}`, code: "SerializationException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			in, err := decode(t, c, r)
			if tt.code != "" {
				var ae *awserr.Error
				if !errors.As(err, &ae) || ae.Code != tt.code {
					t.Fatalf("err = %v, want %s", err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			tt.check(t, in)
		})
	}
}

func TestDecodeWithoutResolvedOperation(t *testing.T) {
	c := New(testService())
	r := httptest.NewRequest("POST", "/2015-03-31/functions/abc/invocations", nil)
	in := &invokeInput{}
	if err := c.Decode(r, nil, in); err != nil || *in.FunctionName != "abc" {
		t.Fatalf("Decode = %v, %+v", err, in)
	}
	r = httptest.NewRequest("GET", "/none", nil)
	if err := c.Decode(r, nil, &invokeInput{}); err == nil {
		t.Fatal("want a routing error")
	}
}

func TestEncode(t *testing.T) {
	svc := testService()
	c := New(svc)
	when := time.Date(2014, 4, 29, 18, 30, 38, 0, time.UTC)
	tests := []struct {
		name    string
		op      string
		out     any
		status  int
		body    string
		ctype   string
		headers map[string]string
	}{
		{
			name: "json body", op: "CreateFunction",
			out:    &createOutput{FunctionName: ptr("f"), LastModified: &when, Created: &when, RequestID: ptr("r1")},
			status: 201, body: `{"FunctionName":"f","LastModified":"2014-04-29T18:30:38Z","Created":1398796238}`,
			ctype: "application/json", headers: map[string]string{"X-Request": "r1"},
		},
		{name: "empty json body", op: "CreateFunction", out: &createOutput{}, status: 201, body: `{}`, ctype: "application/json"},
		{name: "no body members", op: "DeleteFunction", out: &deleteOutput{}, status: 204, body: ``},
		{name: "no body members, status with a body", op: "PutText", out: &deleteOutput{}, status: 200, body: `{}`, ctype: "application/json"},
		{
			name: "blob payload and status member", op: "Invoke",
			out:    &invokeOutput{StatusCode: ptr(int64(202)), Version: ptr("$LATEST"), Payload: []byte(`{"ok":true}`)},
			status: 202, body: `{"ok":true}`, ctype: "application/octet-stream",
			headers: map[string]string{"X-Amz-Executed-Version": "$LATEST"},
		},
		{name: "structure payload", op: "PutPolicy", out: &putPolicyOutput{Policy: &policyShape{Version: ptr("v")}}, status: 200, body: `{"Version":"v"}`, ctype: "application/json"},
		{name: "nil structure payload", op: "PutPolicy", out: &putPolicyOutput{}, status: 200, body: ``},
		{name: "nil output", op: "PutPolicy", out: (*putPolicyOutput)(nil), status: 200, body: ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			if err := c.Encode(w, &protocol.Call{Operation: svc.Operation(tt.op), RequestID: "req"}, tt.out); err != nil {
				t.Fatal(err)
			}
			if w.Code != tt.status || w.Body.String() != tt.body {
				t.Errorf("got %d %q, want %d %q", w.Code, w.Body.String(), tt.status, tt.body)
			}
			if got := w.Header().Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type = %q, want %q", got, tt.ctype)
			}
			for k, v := range tt.headers {
				if got := w.Header().Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if w.Header().Get("X-Amzn-RequestId") != "req" {
				t.Errorf("request id missing")
			}
		})
	}
	if err := c.Encode(httptest.NewRecorder(), nil, 5); err == nil {
		t.Error("Encode of a non-struct: want an error")
	}
}

func TestEncodeError(t *testing.T) {
	c := New(testService())
	tests := []struct {
		name    string
		err     *awserr.Error
		status  int
		body    string
		headers map[string]string
	}{
		{
			name: "lambda type and Message", err: awserr.New("ResourceNotFoundException", 404, "Function not found: arn:aws:lambda:us-east-1:000000000000:function:f"),
			status: 404, body: `{"Message":"Function not found: arn:aws:lambda:us-east-1:000000000000:function:f","Type":"User"}`,
		},
		{
			name: "fields with header member", err: awserr.New("TooManyRequestsException", 429, "Rate exceeded").WithFields(&throttled{RetryAfter: ptr("2"), Type: ptr("User"), Reason: ptr("CallerRateLimitExceeded")}),
			status: 429, body: `{"message":"Rate exceeded","Type":"User","Reason":"CallerRateLimitExceeded"}`,
			headers: map[string]string{"Retry-After": "2"},
		},
		{name: "unmodeled", err: awserr.New("ValidationException", 400, "bad"), status: 400, body: `{"message":"bad"}`},
		{name: "server fault type", err: &awserr.Error{Code: "ResourceNotFoundException", Status: 500, Message: "x"}, status: 500, body: `{"Message":"x","Type":"Service"}`},
		{name: "no message", err: &awserr.Error{Code: "UnknownOperationException", Status: 404}, status: 404, body: `{}`},
		{name: "no message with type", err: &awserr.Error{Code: "ResourceNotFoundException", Status: 404}, status: 404, body: `{"Type":"User"}`},
		{name: "nil", err: nil, status: 500, body: `{"message":"We encountered an internal error. Please try again."}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			c.EncodeError(w, &protocol.Call{}, tt.err)
			if w.Code != tt.status || w.Body.String() != tt.body {
				t.Errorf("got %d %s\nwant %d %s", w.Code, w.Body.String(), tt.status, tt.body)
			}
			if !json.Valid(w.Body.Bytes()) {
				t.Error("invalid JSON")
			}
			code := "InternalFailure"
			if tt.err != nil {
				code = tt.err.Code
			}
			if got := w.Header().Get("X-Amzn-ErrorType"); got != code {
				t.Errorf("X-Amzn-ErrorType = %q", got)
			}
			for k, v := range tt.headers {
				if got := w.Header().Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
		})
	}
}
