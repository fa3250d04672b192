package arn

import "testing"

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		a    ARN
		want string
	}{
		{New("dynamodb", "us-east-1", "000000000000", "table/t1"), "arn:aws:dynamodb:us-east-1:000000000000:table/t1"},
		{New("iam", "", "111122223333", "user/alice"), "arn:aws:iam::111122223333:user/alice"},
		{New("s3", "cn-north-1", "", "bucket"), "arn:aws-cn:s3:cn-north-1::bucket"},
		{New("logs", "us-gov-west-1", "1", "log-group:g:*"), "arn:aws-us-gov:logs:us-gov-west-1:1:log-group:g:*"},
	} {
		if got := tc.a.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
		back, err := Parse(tc.want)
		if err != nil || back != tc.a {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tc.want, back, err, tc.a)
		}
	}
}

func TestParseMalformed(t *testing.T) {
	for _, s := range []string{"", "arn", "arn:aws", "nope:aws:s3:::b", "arn::s3:::b", "arn:aws::::x"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) succeeded", s)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("arn:aws:dynamodb:us-east-1:000000000000:table/t1")
	f.Add("arn:aws:s3:::bucket/key:with:colons")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			return
		}
		if a.String() != s {
			t.Fatalf("round trip %q -> %q", s, a.String())
		}
	})
}
