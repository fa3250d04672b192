package main

import (
	"go/token"
	"testing"
	"unicode"
)

func TestExportedName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"CreateTable", "CreateTable"},
		{"responseStream", "ResponseStream"},
		{"__string", "String"},
		{"_", "X"},
		{"", "X"},
		{"3dModel", "X3dModel"},
		{"x-amz-meta", "X_amz_meta"},
		{"type", "Type"},
		{"string", "String"},
		{"élan", "Élan"},
		{"日本", "X日本"},
	}
	for _, tt := range tests {
		if got := exportedName(tt.in); got != tt.want {
			t.Errorf("exportedName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSafeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"type", "type_"},
		{"string", "string_"},
		{"time", "time_"},
		{"alloc", "alloc_"},
		{"Tag", "Tag"},
	}
	for _, tt := range tests {
		if got := safeName(tt.in); got != tt.want {
			t.Errorf("safeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPackageKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"streams.dynamodb", "streamsdynamodb"},
		{"cognito-idp", "cognitoidp"},
		{"ec2", "ec2"},
	}
	for _, tt := range tests {
		if got := packageKey(tt.in); got != tt.want {
			t.Errorf("packageKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzExportedName checks that every name maps to an exported identifier
// that is no keyword.
func FuzzExportedName(f *testing.F) {
	for _, s := range []string{"CreateTable", "__timestampIso8601", "x-amz-meta-", "type", "日本", "", "a.b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := exportedName(s)
		if !token.IsIdentifier(n) || !token.IsExported(n) || token.IsKeyword(n) {
			t.Fatalf("exportedName(%q) = %q is not an exported identifier", s, n)
		}
		for _, r := range n {
			if !(r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
				t.Fatalf("exportedName(%q) = %q", s, n)
			}
		}
	})
}
