package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"testing"
)

// FuzzGenerate feeds arbitrary model documents to the generator: it must
// never panic, and what it returns must parse as Go.
func FuzzGenerate(f *testing.F) {
	f.Add([]byte(testModel))
	f.Add([]byte(`{"metadata": {"protocol": "json"}, "shapes": {"S": {"type": "structure", "members": {"a": {"shape": "L"}}}, "L": {"type": "list", "member": {"shape": "S"}}}}`))
	if dir, err := moduleDir(sdkModule, sdkVersion); err == nil {
		for _, svc := range []string{"sts", "apigatewaymanagementapi", "streams.dynamodb"} {
			if p, err := latestModel(filepath.Join(dir, "models", "apis", svc)); err == nil {
				if b, err := os.ReadFile(p); err == nil {
					f.Add(b)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseModel(b)
		if err != nil {
			return
		}
		files, err := Generate("fuzz", m)
		if err != nil {
			return
		}
		for name, src := range files {
			if _, err := parser.ParseFile(token.NewFileSet(), name, src, parser.SkipObjectResolution); err != nil {
				t.Fatalf("%s does not parse: %v", name, err)
			}
		}
	})
}
