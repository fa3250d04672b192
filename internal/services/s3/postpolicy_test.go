package s3

import (
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/awserr"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestPostPolicy(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	const valid = `{"expiration": "2026-11-26T13:00:00.000Z", "conditions": [
		{"bucket": "b"}, ["starts-with", "$key", "up/"], ["eq", "$Content-Type", "text/plain"],
		["content-length-range", 1, "10"], {"x-amz-meta-a": "1"}]}`
	fields := func(kv ...string) map[string]string {
		f := map[string]string{"bucket": "b", "key": "up/x", "content-type": "text/plain", "x-amz-meta-a": "1",
			"policy": "p", "x-amz-signature": "s", "x-ignore-me": "y"}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(f, kv[i])
			} else {
				f[kv[i]] = kv[i+1]
			}
		}
		return f
	}
	cases := []struct {
		name   string
		policy string
		fields map[string]string
		code   string // of parse or check; "" when both pass
		msg    string
	}{
		{"allowed", b64(valid), fields(), "", ""},
		{"expired", b64(`{"expiration": "2026-11-26T11:59:59Z", "conditions": []}`), map[string]string{}, "AccessDenied", "Invalid according to Policy: Policy expired."},
		{"prefix fails", b64(valid), fields("key", "down/x"), "AccessDenied", `Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "up/"]`},
		{"eq fails", b64(valid), fields("content-type", "text/html"), "AccessDenied", `Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "text/plain"]`},
		{"other bucket", b64(valid), fields("bucket", "c"), "AccessDenied", `Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "b"]`},
		{"missing field", b64(valid), fields("x-amz-meta-a", ""), "AccessDenied", `Invalid according to Policy: Policy Condition failed: ["eq", "$x-amz-meta-a", "1"]`},
		{"extra fields", b64(valid), fields("x-amz-meta-z", "1", "acl", "private"), "AccessDenied", "Invalid according to Policy: Extra input fields: acl, x-amz-meta-z"},
		{"not base64", "%%%", nil, "InvalidPolicyDocument", "Invalid Policy: Invalid Base64 Encoding."},
		{"not json", b64("{"), nil, "InvalidPolicyDocument", "Invalid Policy: Invalid JSON."},
		{"no expiration", b64(`{"conditions": []}`), nil, "InvalidPolicyDocument", "Invalid Policy: Policy missing expiration."},
		{"bad expiration", b64(`{"expiration": "tomorrow", "conditions": []}`), nil, "InvalidPolicyDocument", "Invalid Policy: Invalid 'expiration' value: 'tomorrow'"},
		{"no conditions", b64(`{"expiration": "2026-11-26T13:00:00Z"}`), nil, "InvalidPolicyDocument", "Invalid Policy: Policy missing conditions."},
		{"unknown operation", b64(`{"expiration": "2026-11-26T13:00:00Z", "conditions": [["ends-with", "$key", "x"]]}`), nil, "InvalidPolicyDocument", "Invalid Policy: Invalid Condition: unknown operation 'ends-with'."},
		{"bad range", b64(`{"expiration": "2026-11-26T13:00:00Z", "conditions": [["content-length-range", 5, 1]]}`), nil, "InvalidPolicyDocument", ""},
		{"two-key object", b64(`{"expiration": "2026-11-26T13:00:00Z", "conditions": [{"a": "1", "b": "2"}]}`), nil, "InvalidPolicyDocument", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := parsePostPolicy(c.policy)
			if err == nil {
				err = p.check(c.fields, now)
			}
			if c.code == "" {
				if err != nil {
					t.Fatalf("got %v", err)
				}
				if !p.hasRange || p.minSize != 1 || p.maxSize != 10 {
					t.Errorf("range = %v [%d, %d]", p.hasRange, p.minSize, p.maxSize)
				}
				return
			}
			if errCode(err) != c.code {
				t.Fatalf("got %v, want %s", err, c.code)
			}
			if c.msg != "" && errMessage(err) != c.msg {
				t.Errorf("message %q\nwant    %q", errMessage(err), c.msg)
			}
		})
	}
}

func FuzzPostPolicy(f *testing.F) {
	f.Add(`{"expiration": "2026-11-26T13:00:00Z", "conditions": [{"bucket": "b"}, ["starts-with", "$key", ""], ["content-length-range", 0, 9]]}`)
	f.Add(`{"expiration": 1, "conditions": [[1, 2, 3]]}`)
	f.Add(`{"conditions": [{"a": 1}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := parsePostPolicy(b64(doc))
		if err != nil {
			if errCode(err) != "InvalidPolicyDocument" {
				t.Fatalf("parse error %v", err)
			}
			return
		}
		_ = p.check(map[string]string{"key": "k", "bucket": "b"}, time.Unix(0, 0))
	})
}

// errMessage is the message of an *awserr.Error.
func errMessage(err error) string {
	var ae *awserr.Error
	if errors.As(err, &ae) {
		return ae.Message
	}
	return ""
}
