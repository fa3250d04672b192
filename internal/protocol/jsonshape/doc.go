// Package jsonshape reads and writes the JSON bodies of AWS's json and
// rest-json protocols for generated shapes, guided by the tag contract of
// package protocol: member wire names, base64 blobs, timestamps as epoch
// seconds unless a member's timestampFormat says otherwise, and absent
// (nil) members left out.
//
// Decoding streams the body through encoding/json's tokenizer with a size
// and nesting bound, ignores unknown keys, and reports input that does not
// fit the shape as an *Error whose text follows what AWS's JSON services
// answer in a SerializationException.
package jsonshape
