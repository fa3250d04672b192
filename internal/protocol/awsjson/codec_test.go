package awsjson

import (
	"encoding/json"
	"errors"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
)

type putItemInput struct {
	_         struct{}                   `type:"structure"`
	TableName *string                    `type:"string" required:"true" min:"3" max:"255"`
	Item      map[string]attributeValue  `type:"map" required:"true"`
	Expected  map[string]attributeValue  `type:"map"`
	Limit     *int64                     `type:"integer" min:"1"`
	Created   *time.Time                 `type:"timestamp"`
	Nested    map[string]*attributeValue `type:"map"`
}

type attributeValue struct {
	_    struct{}                  `type:"structure"`
	S    *string                   `type:"string"`
	N    *string                   `type:"string"`
	B    []byte                    `type:"blob"`
	BOOL *bool                     `type:"boolean"`
	NULL *bool                     `type:"boolean"`
	L    []attributeValue          `type:"list"`
	M    map[string]attributeValue `type:"map"`
	SS   []string                  `type:"list"`
}

type putItemOutput struct {
	_          struct{}                  `type:"structure"`
	Attributes map[string]attributeValue `type:"map"`
	Consumed   *consumed                 `locationName:"ConsumedCapacity" type:"structure"`
	Items      []string                  `type:"list"`
}

type consumed struct {
	_         struct{}   `type:"structure"`
	TableName *string    `type:"string"`
	Units     *float64   `locationName:"CapacityUnits" type:"double"`
	At        *time.Time `type:"timestamp"`
}

type cancelled struct {
	_       struct{} `type:"structure"`
	Message *string  `type:"string"`
	Reasons []reason `locationName:"CancellationReasons" type:"list"`
}

type reason struct {
	_    struct{} `type:"structure"`
	Code *string  `type:"string"`
}

type notFound struct {
	_       struct{} `type:"structure"`
	Message *string  `locationName:"message" type:"string"`
}

func ptr[T any](v T) *T { return &v }

func testService(version string) *protocol.Service {
	svc := &protocol.Service{
		Name: "dynamodb", ServiceID: "DynamoDB", Protocol: protocol.JSON, JSONVersion: version,
		APIVersion: "2012-08-10", TargetPrefix: "DynamoDB_20120810",
		Operations: []*protocol.Operation{
			{Name: "ListTables", NewInput: func() any { return &protocol.Empty{} }, NewOutput: func() any { return &protocol.Empty{} }},
			{Name: "PutItem", NewInput: func() any { return &putItemInput{} }, NewOutput: func() any { return &putItemOutput{} }},
		},
		Errors: map[string]protocol.ErrorShape{
			"TransactionCanceledException": {Shape: "TransactionCanceledException", Code: "TransactionCanceledException", Status: 400, Sender: true, New: func() any { return &cancelled{} }},
			"ResourceNotFoundException":    {Shape: "ResourceNotFoundException", Code: "ResourceNotFoundException", Status: 400, Sender: true, New: func() any { return &notFound{} }},
		},
	}
	return svc
}

func TestResolve(t *testing.T) {
	c := New(testService("1.0"))
	tests := []struct {
		name, target, ctype string
		want                string
	}{
		{"ok 1.0", "DynamoDB_20120810.PutItem", "application/x-amz-json-1.0", "PutItem"},
		{"ok 1.1 type", "DynamoDB_20120810.ListTables", "application/x-amz-json-1.1", "ListTables"},
		{"ok json", "DynamoDB_20120810.ListTables", "application/json; charset=utf-8", "ListTables"},
		{"ok no type", "DynamoDB_20120810.ListTables", "", "ListTables"},
		{"missing target", "", "application/x-amz-json-1.0", ""},
		{"no dot", "PutItem", "application/x-amz-json-1.0", ""},
		{"wrong prefix", "Kinesis_20131202.PutItem", "application/x-amz-json-1.0", ""},
		{"unknown op", "DynamoDB_20120810.Nope", "application/x-amz-json-1.0", ""},
		{"form type", "DynamoDB_20120810.PutItem", "application/x-www-form-urlencoded", ""},
		{"bad type", "DynamoDB_20120810.PutItem", ";;", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", nil)
			if tt.target != "" {
				r.Header.Set("X-Amz-Target", tt.target)
			}
			if tt.ctype != "" {
				r.Header.Set("Content-Type", tt.ctype)
			}
			op, err := c.Resolve(r)
			if tt.want == "" {
				var ae *awserr.Error
				if !errors.As(err, &ae) || ae.Code != "UnknownOperationException" || ae.Status != 400 {
					t.Fatalf("err = %v, want UnknownOperationException", err)
				}
				return
			}
			if err != nil || op.Name != tt.want {
				t.Fatalf("Resolve = %v, %v", op, err)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	c := NewWithOptions(testService("1.0"), Options{MaxBodyBytes: 1024})
	tests := []struct {
		name, body string
		code       string
		msg        string
		check      func(t *testing.T, in *putItemInput)
	}{
		{
			name: "put item",
			body: `{"TableName":"Music","Item":{"Artist":{"S":"No One"},"Year":{"N":"2004"},"Tags":{"SS":["a","b"]},"Data":{"B":"AAE="},"Doc":{"M":{"x":{"L":[{"BOOL":true},{"NULL":true}]}}}},"Created":1422172800.25,"Unknown":[1,2]}`,
			check: func(t *testing.T, in *putItemInput) {
				if *in.TableName != "Music" || *in.Item["Artist"].S != "No One" || *in.Item["Year"].N != "2004" ||
					len(in.Item["Tags"].SS) != 2 || string(in.Item["Data"].B) != "\x00\x01" ||
					!*in.Item["Doc"].M["x"].L[0].BOOL || !*in.Item["Doc"].M["x"].L[1].NULL {
					t.Errorf("decoded %+v", in)
				}
				if !in.Created.Equal(time.Unix(1422172800, 25e7)) {
					t.Errorf("Created = %v", in.Created)
				}
			},
		},
		{name: "map of pointers", body: `{"TableName":"abc","Item":{},"Nested":{"k":{"S":"v"},"n":null}}`, check: func(t *testing.T, in *putItemInput) {
			if *in.Nested["k"].S != "v" || in.Nested["n"] != nil {
				t.Errorf("Nested = %+v", in.Nested)
			}
		}},
		{name: "empty body validates", body: "", code: "ValidationException", msg: "2 validation errors detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null"},
		{name: "type mismatch", body: `{"TableName":1}`, code: "SerializationException", msg: "NUMBER_VALUE cannot be converted to String"},
		{name: "structure mismatch", body: `{"Item":{"a":"b"}}`, code: "SerializationException", msg: "STRING_VALUE cannot be converted to Structure"},
		{name: "malformed", body: `{"TableName":`, code: "SerializationException", msg: "Malformed JSON"},
		{name: "too large", body: `{"TableName":"` + strings.Repeat("x", 2000) + `"}`, code: "RequestEntityTooLargeException", msg: "Request must be smaller than 1024 bytes"},
		{name: "constraint", body: `{"TableName":"ab","Item":{}}`, code: "ValidationException", msg: "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(tt.body))
			in := &putItemInput{}
			err := c.Decode(r, &protocol.Call{Service: c.svc}, in)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				tt.check(t, in)
				return
			}
			var ae *awserr.Error
			if !errors.As(err, &ae) || ae.Code != tt.code || !strings.HasPrefix(ae.Message, tt.msg) {
				t.Fatalf("err = %v, want %s %q", err, tt.code, tt.msg)
			}
		})
	}
	// A request without a body (nil Body) decodes as {}.
	r := httptest.NewRequest("POST", "/", nil)
	r.Body = nil
	if err := c.Decode(r, nil, &protocol.Empty{}); err != nil {
		t.Errorf("nil body: %v", err)
	}
}

func TestEncode(t *testing.T) {
	tests := []struct {
		name    string
		version string
		out     any
		body    string
	}{
		{"empty", "1.0", &protocol.Empty{}, `{}`},
		{"nil output", "1.0", (*putItemOutput)(nil), `{}`},
		{
			"values", "1.1",
			&putItemOutput{
				Attributes: map[string]attributeValue{"a": {S: ptr("x")}, "b": {L: []attributeValue{}}},
				Consumed:   &consumed{TableName: ptr("Music"), Units: ptr(1.0), At: ptr(time.Unix(1398796238, 0))},
				Items:      []string{},
			},
			`{"Attributes":{"a":{"S":"x"},"b":{"L":[]}},"ConsumedCapacity":{"TableName":"Music","CapacityUnits":1,"At":1398796238},"Items":[]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(testService(tt.version))
			w := httptest.NewRecorder()
			if err := c.Encode(w, &protocol.Call{RequestID: "rid"}, tt.out); err != nil {
				t.Fatal(err)
			}
			if w.Code != 200 || w.Body.String() != tt.body {
				t.Errorf("got %d %s, want %s", w.Code, w.Body.String(), tt.body)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/x-amz-json-"+tt.version {
				t.Errorf("Content-Type = %q", ct)
			}
			if id := w.Header().Get("X-Amzn-RequestId"); id != "rid" {
				t.Errorf("request id = %q", id)
			}
		})
	}
}

func TestEncodeError(t *testing.T) {
	tests := []struct {
		name    string
		version string
		err     *awserr.Error
		status  int
		body    string
	}{
		{
			"service error 1.0", "1.0",
			awserr.New("ResourceNotFoundException", 400, "Requested resource not found"),
			400, `{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}`,
		},
		{
			"coral serialization 1.0", "1.0",
			awserr.New("SerializationException", 400, "Start of structure or map found where not expected."),
			400, `{"__type":"com.amazon.coral.service#SerializationException","Message":"Start of structure or map found where not expected."}`,
		},
		{
			"coral validation 1.0", "1.0",
			awserr.New("ValidationException", 400, "1 validation error detected"),
			400, `{"__type":"com.amazon.coral.validate#ValidationException","message":"1 validation error detected"}`,
		},
		{
			"unknown operation without message", "1.0",
			&awserr.Error{Code: "UnknownOperationException", Status: 400},
			400, `{"__type":"com.amazon.coral.service#UnknownOperationException"}`,
		},
		{
			"fields", "1.0",
			awserr.New("TransactionCanceledException", 400, "Transaction cancelled").WithFields(&cancelled{Message: ptr("ignored"), Reasons: []reason{{Code: ptr("None")}, {Code: ptr("ConditionalCheckFailed")}}}),
			400, `{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","Message":"Transaction cancelled","CancellationReasons":[{"Code":"None"},{"Code":"ConditionalCheckFailed"}]}`,
		},
		{
			"bare code 1.1", "1.1",
			awserr.New("ResourceNotFoundException", 400, "Stream not found"),
			400, `{"__type":"ResourceNotFoundException","message":"Stream not found"}`,
		},
		{
			"internal 1.1", "1.1", awserr.Internal(errors.New("disk on fire")),
			500, `{"__type":"InternalFailure","message":"We encountered an internal error. Please try again."}`,
		},
		{"nil error", "1.1", nil, 500, `{"__type":"InternalFailure","message":"We encountered an internal error. Please try again."}`},
		{"zero status", "1.1", &awserr.Error{Code: "X", Message: "m"}, 400, `{"__type":"X","message":"m"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(testService(tt.version))
			w := httptest.NewRecorder()
			c.EncodeError(w, &protocol.Call{}, tt.err)
			if w.Code != tt.status || w.Body.String() != tt.body {
				t.Errorf("got %d %s\nwant %d %s", w.Code, w.Body.String(), tt.status, tt.body)
			}
			if !json.Valid(w.Body.Bytes()) {
				t.Errorf("invalid JSON body")
			}
			code := "InternalFailure"
			if tt.err != nil {
				code = tt.err.Code
			}
			if got := w.Header().Get("X-Amzn-ErrorType"); got != code {
				t.Errorf("X-Amzn-ErrorType = %q, want %q", got, code)
			}
		})
	}
}

func TestEncodeErrorHeaders(t *testing.T) {
	c := New(testService("1.1"))
	w := httptest.NewRecorder()
	e := awserr.New("ThrottlingException", 400, "Rate exceeded")
	e.Headers = http.Header{"Retry-After": {"1"}}
	c.EncodeError(w, nil, e)
	if w.Header().Get("Retry-After") != "1" {
		t.Errorf("extra header lost: %v", w.Header())
	}
}

func TestResponseCRC32(t *testing.T) {
	tests := []struct {
		name string
		opt  bool
		send func(c *Codec, w http.ResponseWriter)
		want string // "" means no header
	}{
		// CRC-32/IEEE of "{}" and of the error body below, as DynamoDB sends them.
		{"result", true, func(c *Codec, w http.ResponseWriter) { c.Encode(w, nil, &protocol.Empty{}) }, "2745614147"},
		{"error", true, func(c *Codec, w http.ResponseWriter) {
			c.EncodeError(w, nil, awserr.New("ResourceNotFoundException", 400, "Requested resource not found"))
		}, "crc of body"},
		{"off", false, func(c *Codec, w http.ResponseWriter) { c.Encode(w, nil, &protocol.Empty{}) }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewWithOptions(testService("1.0"), Options{ResponseCRC32: tt.opt})
			w := httptest.NewRecorder()
			tt.send(c, w)
			want := tt.want
			if want == "crc of body" {
				want = strconv.FormatUint(uint64(crc32.ChecksumIEEE(w.Body.Bytes())), 10)
			}
			if got := w.Header().Get("X-Amz-Crc32"); got != want {
				t.Errorf("X-Amz-Crc32 = %q, want %q", got, want)
			}
		})
	}
}

func TestServiceNamespace(t *testing.T) {
	tests := []struct {
		svc  protocol.Service
		want string
	}{
		{protocol.Service{Name: "dynamodb", TargetPrefix: "DynamoDB_20120810"}, "com.amazonaws.dynamodb.v20120810"},
		{protocol.Service{Name: "sqs", TargetPrefix: "AmazonSQS"}, "com.amazonaws.sqs"},
		{protocol.Service{Name: "x", TargetPrefix: "X_2012"}, "com.amazonaws.x"},
	}
	for _, tt := range tests {
		if got := ServiceNamespace(&tt.svc); got != tt.want {
			t.Errorf("ServiceNamespace(%s) = %q, want %q", tt.svc.Name, got, tt.want)
		}
	}
	c := NewWithOptions(testService("1.0"), Options{Namespace: "ns"})
	w := httptest.NewRecorder()
	c.EncodeError(w, nil, awserr.New("ResourceNotFoundException", 400, "m"))
	if !strings.Contains(w.Body.String(), `"ns#ResourceNotFoundException"`) {
		t.Errorf("namespace option ignored: %s", w.Body.String())
	}
}
