package expr

import (
	"errors"
	"testing"

	"github.com/unkai-cloud/unkai/internal/awserr"
)

func sv(s string) av        { return av{S: &s} }
func nv(s string) av        { return av{N: &s} }
func bv(b string) av        { return av{B: []byte(b)} }
func boolv(b bool) av       { return av{BOOL: &b} }
func nullv() av             { t := true; return av{NULL: &t} }
func lv(xs ...av) av        { return av{L: append([]av{}, xs...)} }
func mv(m map[string]av) av { return av{M: m} }
func ssv(xs ...string) av   { return av{SS: xs} }
func nsv(xs ...string) av   { return av{NS: xs} }
func bsv(xs ...[]byte) av   { return av{BS: xs} }

// errMsg returns the client-facing message of err, "" for nil.
func errMsg(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var ae *awserr.Error
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an *awserr.Error", err)
	}
	if ae.Code != "ValidationException" || ae.Status != 400 {
		t.Fatalf("error %v: code %s status %d", err, ae.Code, ae.Status)
	}
	return ae.Message
}

// sampleItem is the item the evaluation tests run against.
func sampleItem() map[string]av {
	return map[string]av{
		"id":  sv("abc"),
		"n":   nv("10"),
		"f":   nv("2.5"),
		"s":   sv("hello world"),
		"b":   bv("\x01\x02\x03"),
		"t":   boolv(true),
		"z":   nullv(),
		"ss":  ssv("x", "y"),
		"ns":  nsv("1", "2"),
		"bs":  bsv([]byte("p"), []byte("q")),
		"l":   lv(sv("a"), nv("1"), mv(map[string]av{"k": sv("v")})),
		"m":   mv(map[string]av{"a": mv(map[string]av{"b": nv("7")}), "x": lv(nv("1"), nv("2"))}),
		"emp": sv(""),
	}
}
