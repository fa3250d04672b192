// Package internal_test holds the test that keeps the dependency direction
// DESIGN.md draws: protocol knows no service, services know no gateway, the
// binary carries no AWS SDK.
package internal_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/unkai-cloud/unkai/"

// rules lists, per package prefix, import prefixes its non-test code must not use.
var rules = []struct {
	pkg       string
	forbidden []string
}{
	{"internal/protocol", []string{"internal/services", "internal/gateway", "internal/app", "internal/api", "internal/storage"}},
	{"internal/storage", []string{"internal/services", "internal/gateway", "internal/app", "internal/protocol", "internal/api"}},
	{"internal/services", []string{"internal/gateway", "internal/app"}},
	{"internal/api", []string{"internal/services", "internal/gateway", "internal/app", "internal/storage"}},
	{"internal/gateway", []string{"internal/services", "internal/app", "internal/api"}},
	{"internal/sigv4", []string{"internal/services", "internal/gateway", "internal/app", "internal/api", "internal/storage"}},
}

func TestLayering(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], module)
		for _, r := range rules {
			if !strings.HasPrefix(pkg, r.pkg) {
				continue
			}
			for _, imp := range fields[1:] {
				for _, f := range r.forbidden {
					if strings.HasPrefix(imp, module+f) {
						t.Errorf("%s imports %s (forbidden: %s must not depend on %s)", pkg, imp, r.pkg, f)
					}
				}
			}
		}
	}
}

// TestBinaryCarriesNoSDK keeps the AWS SDKs (used by tests and tools) out of
// the server binary.
func TestBinaryCarriesNoSDK(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", module+"cmd/unkai").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/aws/") {
			t.Errorf("cmd/unkai depends on %s", dep)
		}
	}
}
