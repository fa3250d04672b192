package partiql

import (
	"errors"
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
)

func TestTranslateErrors(t *testing.T) {
	const (
		malformedEnd     = msgMalformed + detUnexpectedEnd
		malformedToken   = msgMalformed + detUnexpectedToken
		malformedKeyword = msgMalformed + detUnexpectedKeyword
	)
	deep := "SELECT * FROM t WHERE " + strings.Repeat("(", 200) + "a = 1" + strings.Repeat(")", 200)
	tests := []struct {
		stmt   string
		params []dynamodbapi.AttributeValue
		code   string
		msg    string
	}{
		{"", nil, "ValidationException", malformedEnd},
		{"SELEC * FROM t", nil, "ValidationException", malformedToken},
		{"SELECT * FROM", nil, "ValidationException", malformedEnd},
		{"SELECT * FROM t WHERE", nil, "ValidationException", malformedEnd},
		{"SELECT * FROM 't'", nil, "ValidationException", malformedToken},
		{"SELECT * FROM t WHERE a = 'x", nil, "ValidationException", msgMalformed + detUnterminated},
		{`SELECT * FROM "t`, nil, "ValidationException", msgMalformed + detUnterminated},
		{"SELECT * FROM t WHERE a = 1 /* x", nil, "ValidationException", msgMalformed + detUnterminated},
		{"SELECT * FROM t WHERE a = #", nil, "ValidationException", msgMalformed + detInvalidChar},
		{"SELECT * FROM t WHERE a = 1abc", nil, "ValidationException", msgMalformed + detInvalidNumber},
		{"SELECT * FROM t WHERE a = 1e", nil, "ValidationException", msgMalformed + detInvalidNumber},
		{"SELECT * FROM t WHERE a.1 = 1", nil, "ValidationException", malformedToken},
		{"SELECT * FROM t WHERE a.'x' = 1", nil, "ValidationException", msgMalformed + detInvalidPath},
		{"SELECT * FROM t WHERE a[x] = 1", nil, "ValidationException", msgMalformed + detInvalidPath},
		{"SELECT 'a' FROM t", nil, "ValidationException", msgMalformed + detExpectedPath},
		{"SELECT * FROM t WHERE a LIKE 'x'", nil, "ValidationException", malformedToken},
		{"SELECT * FROM t WHERE a = MISSING", nil, "ValidationException", malformedKeyword},
		{"SELECT * FROM t WHERE a", nil, "ValidationException", malformedEnd},
		{"SELECT * FROM t; SELECT", nil, "ValidationException", malformedKeyword},
		{"SELECT * FROM t WHERE pk = 'a' ORDER BY", nil, "ValidationException", malformedEnd},
		{deep, nil, "ValidationException", malformedToken},
		{"SELECT * FROM t WHERE pk = ?", nil, "ValidationException", msgParamCount},
		{"SELECT * FROM t WHERE pk = 'a'", []dynamodbapi.AttributeValue{s("x")}, "ValidationException", msgParamCount},
		{"SELECT * FROM t WHERE pk = ? AND sk = ?", []dynamodbapi.AttributeValue{s("x")}, "ValidationException", msgParamCount},
		{"SELECT * FROM t WHERE a IN ?", []dynamodbapi.AttributeValue{s("x")}, "ValidationException", msgUnsupported + "IN requires a list"},
		{"SELECT * FROM t WHERE a IN []", nil, "ValidationException", msgUnsupported + "IN requires a non-empty list"},
		{"SELECT * FROM t ORDER BY sk", nil, "ValidationException", msgOrderByWhere},
		{"SELECT * FROM t WHERE x = 1 ORDER BY sk", nil, "ValidationException", msgOrderByScan},
		{"SELECT * FROM t WHERE pk = 'a' ORDER BY n DESC", nil, "ValidationException", msgOrderByKey},
		{"SELECT * FROM nope", nil, "ResourceNotFoundException", "Requested resource not found"},
		{`SELECT * FROM "t"."nope"`, nil, "ResourceNotFoundException", "Requested resource not found"},
		{"SELECT * FROM t WHERE a = <<>>", nil, "ValidationException", msgSetEmpty},
		{"SELECT * FROM t WHERE a = <<1, 'x'>>", nil, "ValidationException", msgSetMixed},
		{"SELECT * FROM t WHERE a = <<[1]>>", nil, "ValidationException", msgSetMixed},
		{"SELECT * FROM t WHERE a = <<true>>", nil, "ValidationException", msgSetMixed},
		{"SELECT * FROM t WHERE begins_with(a)", nil, "ValidationException", msgUnsupported + "Incorrect number of arguments for function begins_with"},
		{"SELECT * FROM t WHERE begins_with('x', a)", nil, "ValidationException", msgUnsupported + "First argument of function begins_with must be an attribute path"},
		{"SELECT * FROM t WHERE 1 IS MISSING", nil, "ValidationException", msgUnsupported + "IS requires an attribute path"},
		{"SELECT * FROM t WHERE a IS TRUE", nil, "ValidationException", malformedKeyword},
		{"SELECT * FROM t WHERE lower(a) = 'x'", nil, "ValidationException", msgUnsupported + "Function lower is not supported here"},
		{"INSERT INTO t VALUE 'x'", nil, "ValidationException", msgInsertValue},
		{"INSERT INTO t VALUE ?", []dynamodbapi.AttributeValue{s("x")}, "ValidationException", msgInsertValue},
		{"INSERT INTO t VALUE {'a': 1, 'a': 2}", nil, "ValidationException", msgDuplicateField + "a"},
		{"INSERT INTO t VALUE {a: 1}", nil, "ValidationException", malformedToken},
		{"INSERT INTO t VALUES {'a': 1}", nil, "ValidationException", malformedKeyword},
		{"INSERT INTO t VALUE {'a' 1}", nil, "ValidationException", malformedToken},
		{"INSERT INTO nope VALUE {'a': 1}", nil, "ResourceNotFoundException", "Requested resource not found"},
		{"UPDATE t SET a = 1 WHERE pk = 'a'", nil, "ValidationException", msgKeyEquality},
		{"UPDATE t SET a = 1 WHERE pk = 'a' OR sk = 'b'", nil, "ValidationException", msgKeyEquality},
		{"UPDATE t SET a = 1 WHERE pk > 'a' AND sk = 'b'", nil, "ValidationException", msgKeyEquality},
		{"UPDATE t SET a = 1 WHERE pk = x AND sk = 'b'", nil, "ValidationException", msgKeyEquality},
		{"UPDATE t WHERE pk = 'a'", nil, "ValidationException", malformedKeyword},
		{"UPDATE t SET a = 1", nil, "ValidationException", malformedEnd},
		{"UPDATE t SET a = 1 WHERE pk = 'a' AND sk = 'b' RETURNING ALL *", nil, "ValidationException", malformedToken},
		{"UPDATE t SET a = 1 WHERE pk = 'a' AND sk = 'b' RETURNING NEW *", nil, "ValidationException", malformedKeyword},
		{"UPDATE t SET a = set_add(b, <<1>>) WHERE pk = 'a' AND sk = 'b'", nil, "ValidationException", msgUnsupported + "First argument of function set_add must be the attribute being set"},
		{"UPDATE t SET a = set_add(a, b) WHERE pk = 'a' AND sk = 'b'", nil, "ValidationException", msgUnsupported + "Second argument of function set_add must be a set"},
		{"UPDATE t SET a = list_append(set_add(a, <<1>>), b) WHERE pk = 'a' AND sk = 'b'", nil, "ValidationException", msgUnsupported + "Function set_add must be the whole value of a SET action"},
		{"UPDATE t SET a = size(b) WHERE pk = 'a' AND sk = 'b'", nil, "ValidationException", msgUnsupported + "Function size is not supported here"},
		{"UPDATE t SET a = foo(1) WHERE pk = 'a' AND sk = 'b'", nil, "ValidationException", msgUnsupported + "Function foo is not supported here"},
		{"UPDATE t SET a = list_append(a) WHERE pk = 'a' AND sk = 'b'", nil, "ValidationException", msgUnsupported + "Incorrect number of arguments for function list_append"},
		{`UPDATE "t"."gsi" SET a = 1 WHERE pk = 'a' AND sk = 'b'`, nil, "ValidationException", malformedToken},
		{"DELETE FROM t WHERE pk = 'a' AND sk = 'b' RETURNING ALL NEW *", nil, "ValidationException",
			"Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements."},
		{"DELETE FROM t WHERE pk = 'a' AND sk = 'b' RETURNING MODIFIED OLD *", nil, "ValidationException",
			"Invalid returning clause: RETURNING MODIFIED OLD *. Only RETURNING ALL OLD * is allowed in DELETE statements."},
		{"DELETE FROM t WHERE pk = 'a' AND sk = 'b' RETURNING MODIFIED NEW *", nil, "ValidationException",
			"Invalid returning clause: RETURNING MODIFIED NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements."},
		{"DELETE FROM t WHERE sk = 'b'", nil, "ValidationException", msgKeyEquality},
		{"DELETE FROM t", nil, "ValidationException", malformedEnd},
		{"EXISTS(SELECT a FROM t WHERE pk = 'a' AND sk = 'b')", nil, "ValidationException", msgUnsupported + "EXISTS requires SELECT * FROM a table with a WHERE clause on its primary key"},
		{"EXISTS(SELECT * FROM t WHERE pk = 'a')", nil, "ValidationException", msgKeyEquality},
		{"EXISTS(SELECT * FROM t WHERE pk = 'a' AND sk = 'b'", nil, "ValidationException", malformedEnd},
		{"EXISTS(UPDATE t SET a = 1)", nil, "ValidationException", malformedKeyword},
	}
	for _, tc := range tests {
		t.Run(tc.stmt, func(t *testing.T) {
			r, err := Translate(tc.stmt, tc.params, testSchema)
			if err == nil {
				t.Fatalf("want error, got %s", summary(r))
			}
			var ae *awserr.Error
			if !errors.As(err, &ae) {
				t.Fatalf("error %v is not an *awserr.Error", err)
			}
			if ae.Code != tc.code || ae.Message != tc.msg || ae.Status != 400 {
				t.Errorf("got %d %s %q, want 400 %s %q", ae.Status, ae.Code, ae.Message, tc.code, tc.msg)
			}
		})
	}
}

func TestDuplicateItemError(t *testing.T) {
	e := DuplicateItemError()
	if e.Code != "DuplicateItemException" || e.Message != "Duplicate primary key exists in table" || e.Status != 400 {
		t.Errorf("got %v", e)
	}
}
