package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/app"
)

func TestSubcommands(t *testing.T) {
	getenv := func(string) string { return "" }
	for _, tc := range []struct {
		args     []string
		code     int
		contains string
	}{
		{[]string{"version"}, 0, "unkai " + app.Version},
		{[]string{"coverage"}, 0, "dynamodb"},
		{[]string{"help"}, 0, "usage: unkai"},
		{[]string{"serve", "--auth=nope"}, 2, ""},
		{[]string{"--no-such-flag"}, 2, ""},
	} {
		var out, errOut bytes.Buffer
		if code := run(tc.args, getenv, &out, &errOut); code != tc.code {
			t.Errorf("unkai %v exited %d, want %d (stderr %q)", tc.args, code, tc.code, errOut.String())
		}
		if !strings.Contains(out.String(), tc.contains) {
			t.Errorf("unkai %v printed %q, want it to contain %q", tc.args, out.String(), tc.contains)
		}
	}
}
