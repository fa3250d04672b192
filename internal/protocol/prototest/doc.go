// Package prototest runs AWS's official protocol test cases (the
// models/protocol_tests of github.com/aws/aws-sdk-go v1.55.8) against
// unkai's codecs, from the server's side: input cases check that a codec
// decodes what a client sends, output cases that it encodes what a client
// expects. Codec packages call it from their golden tests:
//
//	func TestGoldenInput(t *testing.T) {
//		prototest.RunInput(t, "json", awsjson.New,
//			prototest.Skip("Enum#1", "reason"))
//	}
//
// Shapes become Go types built with reflect.StructOf under the struct-tag
// contract of internal/protocol/shape.go, so codecs see exactly what
// generated code gives them. Recursive structures, which reflect cannot
// build, get a declared recursive type proven identical to what the builder
// would make (see recursive.go). Each case gets its own Service holding its
// operation alone.
package prototest
