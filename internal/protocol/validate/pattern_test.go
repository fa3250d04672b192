package validate

import (
	"regexp"
	"testing"
)

func TestCompiled(t *testing.T) {
	tests := []struct {
		pattern string
		match   []string
		reject  []string
		skipped bool
	}{
		{pattern: `[a-zA-Z0-9_.-]+`, match: []string{"Music", "a.b-c_1"}, reject: []string{"", "a b", "x!"}},
		{pattern: `^[a-z]+$`, match: []string{"abc"}, reject: []string{"ab1"}},
		{pattern: `a|b`, match: []string{"a", "b"}, reject: []string{"ab"}},
		{pattern: `[\p{Alnum}_]+`, match: []string{"ab_9"}, reject: []string{"a-b"}},
		{pattern: `\p{Alpha}+`, match: []string{"abc"}, reject: []string{"ab1"}},
		{pattern: `\P{Digit}+`, match: []string{"abc"}, reject: []string{"a1"}},
		{pattern: `[\u0020-\u007E]*`, match: []string{"hello world"}, reject: []string{"tab\t"}},
		{pattern: `[\p{L}\p{N}]*`, match: []string{"héllo1"}, reject: []string{"a b"}},
		{pattern: `\p{IsAlphabetic}+`, match: []string{"abc"}, reject: []string{"1"}},
		{pattern: `a*+b`, match: []string{"aab"}, reject: []string{"aa"}},
		{pattern: `a{2}+b`, match: []string{"aab"}, reject: []string{"ab"}},
		{pattern: `[a-z]{1,3}`, match: []string{"abc"}, reject: []string{"abcd"}},
		{pattern: `{x}`, match: []string{"{x}"}},
		{pattern: `a\+b`, match: []string{"a+b"}, reject: []string{"aab"}},
		{pattern: `[a-z&&[^e]]+`, skipped: true},
		{pattern: `[a-z[0-9]]+`, skipped: true},
		{pattern: `(?!foo).*`, skipped: true},
		{pattern: `(a)\1`, skipped: true},
		{pattern: `[`, skipped: true},
		{pattern: `\p{`, skipped: true},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			re := compiled(tt.pattern)
			if tt.skipped {
				if re != nil {
					t.Fatalf("compiled %q to %v, want skipped", tt.pattern, re)
				}
				return
			}
			if re == nil {
				t.Fatalf("pattern %q skipped", tt.pattern)
			}
			for _, s := range tt.match {
				if !re.MatchString(s) {
					t.Errorf("%q does not match %q", re, s)
				}
			}
			for _, s := range tt.reject {
				if re.MatchString(s) {
					t.Errorf("%q matches %q", re, s)
				}
			}
			if compiled(tt.pattern) != re {
				t.Error("second call did not hit the cache")
			}
		})
	}
}

func FuzzTranslate(f *testing.F) {
	for _, p := range []string{
		`[a-zA-Z0-9_.-]+`, `^[\p{Alnum}]*$`, `[\u0020-\u007E]*`, `a*+`, `[a-z&&[^e]]`,
		`arn:aws:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`, `[\P{Space}]+\Z`, `\\p{Alnum}`,
	} {
		f.Add(p, "sample")
	}
	f.Fuzz(func(t *testing.T, pattern, input string) {
		src, ok := translate(pattern)
		if !ok {
			return
		}
		if re, err := regexp.Compile(src); err == nil {
			re.MatchString(input)
		}
		if re := compiled(pattern); re != nil {
			re.MatchString(input)
		}
	})
}
