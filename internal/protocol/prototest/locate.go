package prototest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// SDKModule is the module whose models/protocol_tests the harness reads.
const SDKModule = "github.com/aws/aws-sdk-go@v1.55.8"

// EnvDir names the environment variable that, when set, points directly at
// a protocol_tests directory (the one holding input/ and output/).
const EnvDir = "UNKAI_PROTOCOL_TESTS"

// dirOnce caches the located directory for the process: it is derived from
// the environment and the module cache, which do not change during a test run.
var dirOnce = sync.OnceValues(locate)

// Dir returns the models/protocol_tests directory of SDKModule: $UNKAI_PROTOCOL_TESTS
// if set, else the copy in the Go module cache, else the directory that
// `go mod download` fetches (run outside the main module, so go.mod and
// go.sum are never touched).
func Dir() (string, error) { return dirOnce() }

func locate() (string, error) {
	if d := os.Getenv(EnvDir); d != "" {
		if !isDir(d) {
			return "", fmt.Errorf("prototest: %s=%q is not a directory", EnvDir, d)
		}
		return d, nil
	}
	modPath, version, _ := strings.Cut(SDKModule, "@")
	out, err := goCmd("env", "GOMODCACHE")
	if err == nil {
		cache := strings.TrimSpace(string(out))
		d := filepath.Join(cache, filepath.FromSlash(escapeModulePath(modPath))+"@"+version, "models", "protocol_tests")
		if cache != "" && isDir(d) {
			return d, nil
		}
	}
	out, err = goCmd("mod", "download", "-json", SDKModule)
	if err != nil {
		return "", fmt.Errorf("prototest: go mod download %s: %w", SDKModule, err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil {
		return "", fmt.Errorf("prototest: go mod download output: %w", err)
	}
	if info.Error != "" {
		return "", fmt.Errorf("prototest: go mod download %s: %s", SDKModule, info.Error)
	}
	d := filepath.Join(info.Dir, "models", "protocol_tests")
	if !isDir(d) {
		return "", fmt.Errorf("prototest: %s has no models/protocol_tests", info.Dir)
	}
	return d, nil
}

// goCmd runs the go command in the temporary directory, outside any module.
func goCmd(args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return out, fmt.Errorf("%w: %s", err, msg)
		}
		return out, err
	}
	return out, nil
}

// escapeModulePath applies the module cache's case encoding ("!a" for "A").
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

var errNoFile = errors.New("no protocol test file")
