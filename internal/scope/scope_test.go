package scope

import (
	"context"
	"testing"
)

func TestAccountForAccessKey(t *testing.T) {
	for _, tc := range []struct{ akid, want string }{
		{"111122223333", "111122223333"},
		{"AKIAIOSFODNN7EXAMPLE", DefaultAccount},
		{"test", DefaultAccount},
		{"", DefaultAccount},
		{"11112222333", DefaultAccount},
		{"11112222333x", DefaultAccount},
		{"000000000001", "000000000001"},
	} {
		if got := AccountForAccessKey(tc.akid); got != tc.want {
			t.Errorf("AccountForAccessKey(%q) = %q, want %q", tc.akid, got, tc.want)
		}
	}
}

func TestContext(t *testing.T) {
	if got := From(context.Background()); got.Account != DefaultAccount || got.Region != DefaultRegion {
		t.Fatalf("default scope = %+v", got)
	}
	s := Scope{Account: "111122223333", Region: "eu-west-1", AccessKey: "111122223333"}
	if got := From(With(context.Background(), s)); got != s {
		t.Fatalf("From(With(s)) = %+v, want %+v", got, s)
	}
}
