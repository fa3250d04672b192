package partiql

import (
	"errors"
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/awserr"
)

// FuzzTranslate checks that no statement panics, that every failure is an
// *awserr.Error, that the expr package accepts the generated expressions'
// syntax, and that every placeholder a translation defines is used by one
// of its expressions (DynamoDB rejects unused ones).
func FuzzTranslate(f *testing.F) {
	for _, tc := range translateCases {
		f.Add(tc.stmt)
	}
	for _, seed := range []string{
		"SELECT * FROM t WHERE a IN ?", "INSERT INTO t VALUE {'pk': ?, 'x': <<?, ?>>}",
		"EXISTS(SELECT * FROM t WHERE pk = 'a' AND sk = 'b' AND NOT (x = 1 OR y IS MISSING))",
		"UPDATE t SET a = list_append(if_not_exists(a, []), [?]) WHERE pk = ? AND sk = ?",
		"SELECT * FROM t WHERE a = <<1, 2>> AND b = {'k': [1, {'z': null}]}",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, stmt string) {
		r, err := Translate(stmt, pParams(stmt), testSchema)
		if err != nil {
			var ae *awserr.Error
			if !errors.As(err, &ae) {
				t.Fatalf("error %v is not an *awserr.Error", err)
			}
			return
		}
		if err := parseRequest(r); err != nil && isTranslationBug(err) {
			t.Fatalf("%s: expression rejected: %v", summary(r), err)
		}
		exprs, names, values := requestExpressions(r)
		all := strings.Join(exprs, " ")
		for ph := range names {
			if !containsPlaceholder(all, ph) {
				t.Fatalf("name %s unused in %q", ph, all)
			}
		}
		for ph := range values {
			if !containsPlaceholder(all, ph) {
				t.Fatalf("value %s unused in %q", ph, all)
			}
		}
	})
}

// containsPlaceholder reports whether ph occurs in s as a whole token.
func containsPlaceholder(s, ph string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], ph)
		if j < 0 {
			return false
		}
		end := i + j + len(ph)
		if end == len(s) || !isIdentPart(s[end]) {
			return true
		}
		i = end
	}
}

// isTranslationBug reports whether an expr error can only come from a badly
// written expression, as opposed to the statement's own data (operand
// types, BETWEEN bounds, overlapping paths, size limits).
func isTranslationBug(err error) bool {
	msg := err.Error()
	for _, bad := range []string{"Syntax error", "redundant parentheses", "unused in expressions", "is not defined", "reserved keyword", "can not be empty"} {
		if strings.Contains(msg, bad) {
			return true
		}
	}
	return false
}
