package logs

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/logsapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/awsjson"
)

// TestWire drives the handlers through the json codec the gateway uses,
// checking what a client sees on the wire.
func TestWire(t *testing.T) {
	f := newFixture(t)
	codec := awsjson.New(logsapi.Descriptor)
	handlers := f.p.APIs()[0].Handlers
	call := func(op, body string) (int, string) {
		t.Helper()
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body)).WithContext(f.ctx)
		r.Header.Set("X-Amz-Target", "Logs_20140328."+op)
		r.Header.Set("Content-Type", "application/x-amz-json-1.1")
		w := httptest.NewRecorder()
		c := &protocol.Call{Service: logsapi.Descriptor, RequestID: "req"}
		o, err := codec.Resolve(r)
		if err != nil {
			t.Fatalf("resolve %s: %v", op, err)
		}
		c.Operation = o
		in := o.NewInput()
		if err := codec.Decode(r, c, in); err != nil {
			codec.EncodeError(w, c, awserr.From(err))
			return w.Code, w.Body.String()
		}
		out, err := handlers.Lookup(op)(f.ctx, in)
		if err != nil {
			codec.EncodeError(w, c, awserr.From(err))
		} else if err := codec.Encode(w, c, out); err != nil {
			t.Fatal(err)
		}
		return w.Code, w.Body.String()
	}
	ts := f.now()
	tests := []struct {
		op, body string
		status   int
		contains []string
	}{
		{"CreateLogGroup", `{"logGroupName":"/aws/lambda/fn"}`, 200, nil},
		{"CreateLogGroup", `{"logGroupName":"/aws/lambda/fn"}`, 400, []string{"ResourceAlreadyExistsException", "The specified log group already exists"}},
		{"CreateLogStream", `{"logGroupName":"/aws/lambda/fn","logStreamName":"s"}`, 200, nil},
		{"PutLogEvents", `{"logGroupName":"/aws/lambda/fn","logStreamName":"s","logEvents":[{"timestamp":` + itoa(ts) + `,"message":"hello"}]}`,
			200, []string{`"nextSequenceToken":"1"`}},
		{"PutLogEvents", `{"logGroupName":"/aws/lambda/fn","logStreamName":"s","logEvents":[{"timestamp":` + itoa(ts) + `,"message":"b"},{"timestamp":` + itoa(ts-1) + `,"message":"a"}]}`,
			400, []string{"InvalidParameterException", "chronological order"}},
		{"GetLogEvents", `{"logGroupName":"/aws/lambda/fn","logStreamName":"s","startFromHead":true}`,
			200, []string{`"message":"hello"`, `"nextForwardToken":"f/`, `"nextBackwardToken":"b/`, `"ingestionTime":` + itoa(ts)}},
		{"GetLogEvents", `{"logGroupName":"/aws/lambda/fn","logStreamName":"nope"}`, 400, []string{"ResourceNotFoundException", "The specified log stream does not exist."}},
		{"ListTagsLogGroup", `{"logGroupName":"/aws/lambda/fn"}`, 200, []string{`"tags":{}`}},
		{"DescribeLogStreams", `{"logGroupName":"/aws/lambda/fn"}`, 200, []string{`"logStreamName":"s"`, `"lastEventTimestamp":` + itoa(ts)}},
		{"FilterLogEvents", `{"logGroupName":"/aws/lambda/fn","filterPattern":"nothing-matches"}`, 200, []string{`"events":[]`}},
		{"DescribeLogGroups", `{}`, 200, []string{`"arn":"arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/fn:*"`, `"storedBytes":5`}},
	}
	for _, tt := range tests {
		status, body := call(tt.op, tt.body)
		if status != tt.status {
			t.Fatalf("%s %s: status %d, want %d: %s", tt.op, tt.body, status, tt.status, body)
		}
		for _, want := range tt.contains {
			if !strings.Contains(body, want) {
				t.Fatalf("%s: body %s lacks %s", tt.op, body, want)
			}
		}
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
