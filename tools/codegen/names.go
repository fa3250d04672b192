package main

import (
	"go/token"
	"strings"
	"unicode"
)

// reservedTypeNames are the package-level names every generated package
// declares besides its shapes; a shape mapping to one is refused.
var reservedTypeNames = map[string]bool{"Descriptor": true, "Handlers": true}

// reservedFieldNames are the methods of Handlers; an operation mapping to one
// is refused.
var reservedFieldNames = map[string]bool{"Lookup": true, "Implemented": true}

// predeclared lists Go's predeclared identifiers and the package names a
// generated file imports; a generated name must not shadow them.
var predeclared = map[string]bool{
	"any": true, "append": true, "bool": true, "byte": true, "cap": true, "clear": true,
	"close": true, "comparable": true, "complex": true, "complex128": true, "complex64": true,
	"copy": true, "delete": true, "error": true, "false": true, "float32": true, "float64": true,
	"imag": true, "int": true, "int16": true, "int32": true, "int64": true, "int8": true,
	"iota": true, "len": true, "make": true, "max": true, "min": true, "new": true, "nil": true,
	"panic": true, "print": true, "println": true, "real": true, "recover": true, "rune": true,
	"string": true, "true": true, "uint": true, "uint16": true, "uint32": true, "uint64": true,
	"uint8": true, "uintptr": true,
	"context": true, "io": true, "time": true, "protocol": true, "awserr": true, "fmt": true,
	"alloc": true, "bind": true,
}

// exportedName maps a model name (shape, member or operation) to an exported
// Go identifier: characters that cannot appear in an identifier become '_',
// leading underscores are dropped and the first letter is upper-cased; a name
// that still does not start with an upper-case letter gets an "X" prefix.
func exportedName(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	s := strings.TrimLeft(b.String(), "_")
	if s == "" {
		return "X"
	}
	rs := []rune(s)
	rs[0] = unicode.ToUpper(rs[0])
	if !unicode.IsUpper(rs[0]) {
		return safeName("X" + string(rs))
	}
	return safeName(string(rs))
}

// safeName renames an identifier that is a Go keyword or shadows a
// predeclared identifier or an imported package by appending '_'.
func safeName(s string) string {
	if token.IsKeyword(s) || predeclared[s] {
		return s + "_"
	}
	return s
}

// packageKey is unkai's key for a model directory: the name without dots and
// dashes, e.g. "streams.dynamodb" -> "streamsdynamodb".
func packageKey(dir string) string {
	return strings.NewReplacer(".", "", "-", "").Replace(dir)
}
