package rest

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

type bindInput struct {
	_        struct{}            `type:"structure"`
	Bucket   *string             `location:"uri" locationName:"Bucket" type:"string"`
	Key      *string             `location:"uri" locationName:"Key" type:"string"`
	Limit    *int64              `location:"querystring" locationName:"max-keys" type:"integer"`
	Ratio    *float64            `location:"querystring" locationName:"ratio" type:"double"`
	Flag     *bool               `location:"querystring" locationName:"flag" type:"boolean"`
	Since    *time.Time          `location:"querystring" locationName:"since" type:"timestamp"`
	Items    []string            `location:"querystring" locationName:"item" type:"list"`
	Nums     []int64             `location:"querystring" locationName:"num" type:"list"`
	Rest     map[string]string   `location:"querystring" type:"map"`
	Modified *time.Time          `location:"header" locationName:"If-Modified-Since" type:"timestamp"`
	Epoch    *time.Time          `location:"header" locationName:"X-Epoch" type:"timestamp" timestampFormat:"unixTimestamp"`
	Tags     []string            `location:"header" locationName:"X-Tags" type:"list"`
	Dates    []time.Time         `location:"header" locationName:"X-Dates" type:"list"`
	Doc      *string             `location:"header" locationName:"X-Doc" type:"string" jsonvalue:"true"`
	MD5      []byte              `location:"header" locationName:"X-Md5" type:"blob"`
	Meta     map[string]string   `location:"headers" locationName:"x-amz-meta-" type:"map"`
	Body     *string             `type:"string"`
	Multi    map[string][]string `type:"map"`
}

func ptr[T any](v T) *T { return &v }

func TestDecodeBindings(t *testing.T) {
	when := time.Date(2015, 1, 25, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		target  string
		headers map[string]string
		labels  Labels
		want    bindInput
		errLoc  string
	}{
		{
			name:   "labels and scalars",
			target: "/?max-keys=10&ratio=1.5&flag=true&since=2015-01-25T08%3A00%3A00Z",
			labels: Labels{"Bucket": "b", "Key": "a/b c"},
			want: bindInput{Bucket: ptr("b"), Key: ptr("a/b c"), Limit: ptr(int64(10)), Ratio: ptr(1.5),
				Flag: ptr(true), Since: &when},
		},
		{
			name:   "lists and rest map",
			target: "/?item=a&item=b&num=1&num=2&x=1&y=2&y=3",
			want: bindInput{Items: []string{"a", "b"}, Nums: []int64{1, 2},
				Rest: map[string]string{"x": "1", "y": "2"}},
		},
		{
			name:   "empty string query kept",
			target: "/?item=",
			want:   bindInput{Items: []string{""}},
		},
		{
			name: "headers",
			headers: map[string]string{
				"If-Modified-Since": "Sun, 25 Jan 2015 08:00:00 GMT",
				"X-Epoch":           "1422172800",
				"X-Tags":            `a, "b,c", d`,
				"X-Dates":           "Sun, 25 Jan 2015 08:00:00 GMT, Sun, 25 Jan 2015 08:00:00 GMT",
				"X-Doc":             "eyJGb28iOiJCYXIifQ==",
				"X-Md5":             "aGVsbG8=",
				"X-Amz-Meta-Color":  "blue",
				"x-amz-meta-Size":   "L",
			},
			want: bindInput{Modified: &when, Epoch: &when, Tags: []string{"a", "b,c", "d"},
				Dates: []time.Time{when, when}, Doc: ptr(`{"Foo":"Bar"}`), MD5: []byte("hello"),
				Meta: map[string]string{"color": "blue", "size": "L"}},
		},
		{name: "bad int", target: "/?max-keys=ten", errLoc: LocQueryString},
		{name: "int32 overflow", target: "/?max-keys=4294967296", errLoc: LocQueryString},
		{name: "bad bool", target: "/?flag=yes", errLoc: LocQueryString},
		{name: "bad time", headers: map[string]string{"If-Modified-Since": "yesterday"}, errLoc: LocHeader},
		{name: "bad base64", headers: map[string]string{"X-Md5": "!!"}, errLoc: LocHeader},
		{name: "bad jsonvalue", headers: map[string]string{"X-Doc": "%%"}, errLoc: LocHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := tt.target
			if target == "" {
				target = "/"
			}
			r := httptest.NewRequest("GET", "http://h"+target, nil)
			for k, v := range tt.headers {
				r.Header[k] = []string{v}
			}
			var got bindInput
			err := DecodeBindings(r, tt.labels, &got)
			if tt.errLoc != "" {
				var be *BindingError
				if !errors.As(err, &be) || be.Location != tt.errLoc {
					t.Fatalf("err = %v, want a %s BindingError", err, tt.errLoc)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodeBindings: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestDecodeBindingsRejectsNonPointer(t *testing.T) {
	if err := DecodeBindings(httptest.NewRequest("GET", "/", nil), nil, bindInput{}); err == nil {
		t.Fatal("want an error for a non-pointer")
	}
}

type bindOutput struct {
	_        struct{}          `type:"structure" payload:"Body"`
	Status   *int64            `location:"statusCode" type:"integer"`
	ETag     *string           `location:"header" locationName:"ETag" type:"string"`
	Length   *int64            `location:"header" locationName:"Content-Length" type:"long"`
	Modified *time.Time        `location:"header" locationName:"Last-Modified" type:"timestamp"`
	ISO      *time.Time        `location:"header" locationName:"X-Iso" type:"timestamp" timestampFormat:"iso8601"`
	Tags     []string          `location:"header" locationName:"X-Tags" type:"list"`
	Doc      *string           `location:"header" locationName:"X-Doc" type:"string" jsonvalue:"true"`
	Ok       *bool             `location:"header" locationName:"X-Ok" type:"boolean"`
	Meta     map[string]string `location:"headers" locationName:"x-amz-meta-" type:"map"`
	Body     io.Reader         `type:"blob" streaming:"true"`
}

func TestEncodeBindingsAndStream(t *testing.T) {
	when := time.Date(2014, 4, 29, 18, 30, 38, 0, time.UTC)
	out := &bindOutput{
		Status: ptr(int64(206)), ETag: ptr(`"abc"`), Modified: &when, ISO: &when,
		Tags: []string{"a", "b,c"}, Doc: ptr(`{"Foo":"Bar"}`), Ok: ptr(false),
		Meta: map[string]string{"color": "blue"}, Body: strings.NewReader("hello"),
	}
	w := httptest.NewRecorder()
	status, err := EncodeBindings(w.Header(), out)
	if err != nil || status != 206 {
		t.Fatalf("EncodeBindings = %d, %v", status, err)
	}
	written, err := WritePayload(w, status, out)
	if !written || err != nil {
		t.Fatalf("WritePayload = %v, %v", written, err)
	}
	want := map[string]string{
		"Etag":             `"abc"`,
		"Last-Modified":    "Tue, 29 Apr 2014 18:30:38 GMT",
		"X-Iso":            "2014-04-29T18:30:38Z",
		"X-Tags":           `a, "b,c"`,
		"X-Doc":            "eyJGb28iOiJCYXIifQ==",
		"X-Ok":             "false",
		"X-Amz-Meta-Color": "blue",
		"Content-Length":   "5",
		"Content-Type":     "application/octet-stream",
	}
	for k, v := range want {
		if got := w.Header().Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	if w.Code != 206 || w.Body.String() != "hello" {
		t.Errorf("response = %d %q", w.Code, w.Body.String())
	}
}

type rawOutput struct {
	_    struct{} `type:"structure" payload:"Data"`
	Type *string  `location:"header" locationName:"Content-Type" type:"string"`
	Data []byte   `type:"blob"`
}

type stringOutput struct {
	_    struct{} `type:"structure" payload:"Data"`
	Data *string  `type:"string"`
}

type structOutput struct {
	_    struct{} `type:"structure" payload:"Data"`
	Data *struct {
		_ struct{} `type:"structure"`
	} `type:"structure"`
}

type noPayload struct {
	_ struct{} `type:"structure"`
	A *string  `type:"string"`
}

func TestWritePayload(t *testing.T) {
	tests := []struct {
		name        string
		out         any
		written     bool
		body, ctype string
	}{
		{"blob", &rawOutput{Data: []byte("xyz")}, true, "xyz", "application/octet-stream"},
		{"blob with type", &rawOutput{Type: ptr("image/png"), Data: []byte("xyz")}, true, "xyz", "image/png"},
		{"nil blob", &rawOutput{}, true, "", ""},
		{"string", &stringOutput{Data: ptr("hi")}, true, "hi", "text/plain"},
		{"nil string", &stringOutput{}, true, "", ""},
		{"nil stream", &bindOutput{}, true, "", ""},
		{"structure", &structOutput{}, false, "", ""},
		{"none", &noPayload{}, false, "", ""},
		{"nil output", (*noPayload)(nil), false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			if _, err := EncodeBindings(w.Header(), tt.out); err != nil {
				t.Fatal(err)
			}
			written, err := WritePayload(w, 0, tt.out)
			if err != nil || written != tt.written {
				t.Fatalf("WritePayload = %v, %v", written, err)
			}
			if !written {
				return
			}
			if w.Code != http.StatusOK || w.Body.String() != tt.body || w.Header().Get("Content-Type") != tt.ctype {
				t.Errorf("got %d %q type %q", w.Code, w.Body.String(), w.Header().Get("Content-Type"))
			}
		})
	}
}

func TestTimestamps(t *testing.T) {
	base := time.Date(2015, 1, 25, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"1422172800", base, true},
		{"1422172800.5", base.Add(500 * time.Millisecond), true},
		{"1422172800.123456789", base.Add(123456789), true},
		{"1.4221728E9", base, true},
		{"-1.5", time.Unix(-1, -5e8).UTC(), true},
		{"2015-01-25T08:00:00Z", base, true},
		{"2015-01-25T08:00:00.250Z", base.Add(250 * time.Millisecond), true},
		{"2015-01-25T09:00:00+01:00", base, true},
		{"2015-01-25T08:00:00", base, true},
		{"Sun, 25 Jan 2015 08:00:00 GMT", base, true},
		{"Sunday, 25-Jan-15 08:00:00 GMT", base, true},
		{"", time.Time{}, false},
		{"1e400", time.Time{}, false},
		{"99999999999999", time.Time{}, false},
		{"12.", time.Time{}, false},
		{"1.2x", time.Time{}, false},
		{"tomorrow", time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTimestamp(tt.in)
			if (err == nil) != tt.ok || !got.Equal(tt.want) {
				t.Errorf("ParseTimestamp(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
			}
		})
	}
	formats := []struct {
		t      time.Time
		format string
		want   string
	}{
		{base, "", "2015-01-25T08:00:00Z"},
		{base.Add(120 * time.Millisecond), "iso8601", "2015-01-25T08:00:00.12Z"},
		{base, "rfc822", "Sun, 25 Jan 2015 08:00:00 GMT"},
		{base, "unixTimestamp", "1422172800"},
		{base.Add(250 * time.Millisecond), "unixTimestamp", "1422172800.25"},
		{time.Unix(-1, -5e8), "unixTimestamp", "-1.5"},
		{time.Unix(0, -5e8), "unixTimestamp", "-0.5"},
	}
	for _, f := range formats {
		if got := FormatTimestamp(f.t, f.format, QueryTimestampFormat); got != f.want {
			t.Errorf("FormatTimestamp(%v, %q) = %q, want %q", f.t, f.format, got, f.want)
		}
	}
}

func TestSplitHeaderList(t *testing.T) {
	tests := []struct {
		in    string
		dates bool
		want  []string
	}{
		{"a,b, c", false, []string{"a", "b", "c"}},
		{`"a,b", "c\"d"`, false, []string{"a,b", `c"d`}},
		{`"unterminated`, false, []string{"unterminated"}},
		{"Mon, 01 Jan 2001 00:00:00 GMT, Tue, 02 Jan 2001 00:00:00 GMT", true, []string{"Mon, 01 Jan 2001 00:00:00 GMT", "Tue, 02 Jan 2001 00:00:00 GMT"}},
		{"Mon, x", true, []string{"Mon, x"}},
	}
	for _, tt := range tests {
		if got := SplitHeaderList(tt.in, tt.dates); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitHeaderList(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
