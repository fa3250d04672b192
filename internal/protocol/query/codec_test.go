package query

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
)

func post(body string) *http.Request {
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	return r
}

func TestResolve(t *testing.T) {
	c := New(testService())
	tests := []struct {
		name    string
		req     *http.Request
		op      string
		code    string
		message string
	}{
		{"post", post("Action=AssumeRole&Version=2011-06-15"), "AssumeRole", "", ""},
		{"get", httptest.NewRequest("GET", "/?Action=Nothing&Version=2011-06-15", nil), "Nothing", "", ""},
		{"unknown", post("Action=Bogus&Version=2011-06-15"), "", "InvalidAction", "Could not find operation Bogus for version 2011-06-15"},
		{"missing", post("Version=2011-06-15"), "", "InvalidAction", "Could not find operation  for version 2011-06-15"},
		{"no version", post("Action=Bogus"), "", "InvalidAction", "Could not find operation Bogus for version 2011-06-15"},
		{"malformed", post("Action=%zz"), "", "MalformedQueryString", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op, err := c.Resolve(tt.req)
			if tt.code != "" {
				e := awserr.From(err)
				if err == nil || e.Code != tt.code || e.Status != 400 || (tt.message != "" && e.Message != tt.message) {
					t.Fatalf("err = %v, want %s %q", err, tt.code, tt.message)
				}
				return
			}
			if err != nil || op.Name != tt.op {
				t.Fatalf("Resolve = %v, %v; want %s", op, err, tt.op)
			}
		})
	}
}

func TestCodecDecode(t *testing.T) {
	c := New(testService())
	tests := []struct {
		name string
		body string
		code string
		msg  string
	}{
		{"ok", "Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/r&RoleSessionName=sess&DurationSeconds=900", "", ""},
		{"missing", "Action=AssumeRole&Version=2011-06-15&RoleSessionName=sess", "ValidationError",
			"1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null"},
		{"bad number", "Action=AssumeRole&RoleArn=arn:aws:iam::123456789012:role/r&RoleSessionName=sess&DurationSeconds=abc", "InvalidParameterValue",
			"Value (abc) for parameter DurationSeconds is invalid."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &assumeRoleInput{}
			err := c.Decode(post(tt.body), &protocol.Call{}, in)
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				if *in.RoleSessionName != "sess" || *in.DurationSeconds != 900 {
					t.Errorf("decoded %+v", in)
				}
				return
			}
			e := awserr.From(err)
			if err == nil || e.Code != tt.code || e.Message != tt.msg {
				t.Fatalf("err = %v, want %s: %s", err, tt.code, tt.msg)
			}
		})
	}
}

func stsOutput() *assumeRoleOutput {
	exp := time.Date(2026, 11, 26, 7, 0, 0, 0, time.UTC)
	return &assumeRoleOutput{
		Credentials: &credentials{
			AccessKeyId: ptr("ASIAEXAMPLE"), SecretAccessKey: ptr("secret"),
			SessionToken: ptr("token/with+chars=="), Expiration: &exp,
		},
		AssumedRoleUser:  &assumedRoleUser{AssumedRoleId: ptr("AROA:s"), Arn: ptr("arn:aws:sts::123456789012:assumed-role/r/s")},
		PackedPolicySize: ptr[int64](6),
	}
}

func TestEncode(t *testing.T) {
	svc := testService()
	c := New(svc)
	tests := []struct {
		name string
		op   string
		out  any
		want string
	}{
		{"sts", "AssumeRole", stsOutput(),
			`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
				`<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token/with+chars==</SessionToken><Expiration>2026-11-26T07:00:00Z</Expiration></Credentials>` +
				`<AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser><PackedPolicySize>6</PackedPolicySize>` +
				`</AssumeRoleResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></AssumeRoleResponse>`},
		{"empty output", "Nothing", &protocol.Empty{},
			`<NothingResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></NothingResponse>`},
		{"no wrapper in model", "Everything", &input{Name: ptr("x")},
			`<EverythingResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Name>x</Name><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></EverythingResponse>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			call := &protocol.Call{Service: svc, Operation: svc.Operation(tt.op), RequestID: "req-1"}
			if err := c.Encode(rec, call, tt.out); err != nil {
				t.Fatal(err)
			}
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/xml" {
				t.Errorf("status %d, content type %q", rec.Code, rec.Header().Get("Content-Type"))
			}
			if got := rec.Body.String(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
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
		{"sender", awserr.New("InvalidAction", 400, "Could not find operation X for version 2011-06-15"), 400,
			`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>Could not find operation X for version 2011-06-15</Message></Error><RequestId>req-2</RequestId></ErrorResponse>`},
		{"receiver", awserr.Internal(nil), 500,
			`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>We encountered an internal error. Please try again.</Message></Error><RequestId>req-2</RequestId></ErrorResponse>`},
		{"fields", awserr.New("Throttling", 400, "Rate <exceeded>").WithFields(&throttled{Message: ptr("x"), Reason: ptr("r")}), 400,
			`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate &lt;exceeded&gt;</Message><Reason>r</Reason></Error><RequestId>req-2</RequestId></ErrorResponse>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			c.EncodeError(rec, &protocol.Call{Service: svc, RequestID: "req-2"}, tt.err)
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d", rec.Code, tt.status)
			}
			if got := rec.Body.String(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func BenchmarkEncodeSTS(b *testing.B) {
	svc := testService()
	c := New(svc)
	call := &protocol.Call{Service: svc, Operation: svc.Operation("AssumeRole"), RequestID: "req"}
	out := stsOutput()
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		if err := c.Encode(rec, call, out); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeSTS(b *testing.B) {
	svc := testService()
	c := New(svc)
	body := "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr&RoleSessionName=sess&DurationSeconds=900"
	b.ReportAllocs()
	for b.Loop() {
		r := post(body)
		if _, err := c.Resolve(r); err != nil {
			b.Fatal(err)
		}
		if err := c.Decode(r, &protocol.Call{}, &assumeRoleInput{}); err != nil {
			b.Fatal(err)
		}
	}
}
