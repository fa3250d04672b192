// Command codegen turns AWS's API models (the api-2.json files shipped in the
// Go module github.com/aws/aws-sdk-go) into unkai's generated API packages:
// for each served service, internal/api/<key>api with one Go type per
// structure shape, a protocol.Service descriptor and a typed handler
// registry. Output is deterministic and gofmt'd.
//
// Usage, from this directory:
//
//	go run . -out ../../internal/api [-models DIR] [-only s3,sts]
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	out := flag.String("out", "", "directory receiving one <key>api package per service (required)")
	models := flag.String("models", "", "models/apis directory (default: the aws-sdk-go "+sdkVersion+" module's)")
	only := flag.String("only", "", "comma-separated model directories to generate (default: all served)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "codegen: -out is required")
		os.Exit(2)
	}
	if err := run(*out, *models, *only); err != nil {
		fmt.Fprintln(os.Stderr, "codegen:", err)
		os.Exit(1)
	}
}

func run(out, models, only string) error {
	if models == "" {
		dir, err := moduleDir(sdkModule, sdkVersion)
		if err != nil {
			return err
		}
		models = filepath.Join(dir, "models", "apis")
	}
	dirs := services
	if only != "" {
		dirs = strings.Split(only, ",")
	}
	for _, d := range dirs {
		if err := generateService(models, d, out); err != nil {
			return fmt.Errorf("%s: %w", d, err)
		}
	}
	if only == "" {
		src, err := servicesTest(services)
		if err != nil {
			return err
		}
		return writeIfChanged(filepath.Join(out, "zz_services_test.go"), src)
	}
	return nil
}

// generateService generates the package of one model directory, replacing
// any generated file of a previous layout.
func generateService(models, dir, out string) error {
	path, err := latestModel(filepath.Join(models, dir))
	if err != nil {
		return err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read model: %w", err)
	}
	m, err := ParseModel(b)
	if err != nil {
		return err
	}
	if err := applyOverlay(dir, m); err != nil {
		return err
	}
	files, err := Generate(dir, m)
	if err != nil {
		return err
	}
	pkgDir := filepath.Join(out, packageKey(dir)+"api")
	if err := os.MkdirAll(pkgDir, 0o755); err != nil {
		return fmt.Errorf("create package dir: %w", err)
	}
	old, err := filepath.Glob(filepath.Join(pkgDir, "zz_api*.go"))
	if err != nil {
		return fmt.Errorf("list old files: %w", err)
	}
	for _, f := range old {
		if _, ok := files[filepath.Base(f)]; !ok {
			if err := os.Remove(f); err != nil {
				return fmt.Errorf("remove stale file: %w", err)
			}
		}
	}
	for _, name := range sortedKeys(files) {
		if err := writeIfChanged(filepath.Join(pkgDir, name), files[name]); err != nil {
			return err
		}
	}
	return nil
}

// latestModel returns the api-2.json of the newest API version in dir.
func latestModel(dir string) (string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*", "api-2.json"))
	if err != nil {
		return "", fmt.Errorf("find model: %w", err)
	}
	if len(paths) == 0 {
		return "", fmt.Errorf("no api-2.json under %s", dir)
	}
	slices.Sort(paths)
	return paths[len(paths)-1], nil
}

// writeIfChanged writes b to path unless the file already holds it, so that
// regenerating leaves modification times alone.
func writeIfChanged(path string, b []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, b) {
		return nil
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// moduleDir returns the module cache directory of module@version,
// downloading it when absent.
func moduleDir(module, version string) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", module+"@"+version)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %w: %s", module, version, err, stderr.String())
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(b, &info); err != nil {
		return "", fmt.Errorf("go mod download output: %w", err)
	}
	if info.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s: no directory: %s", module, version, info.Error)
	}
	return info.Dir, nil
}
