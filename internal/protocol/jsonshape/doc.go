// Package jsonshape reads and writes the JSON bodies of AWS's json and
// rest-json protocols for generated shapes, guided by the tag contract of
// package protocol: member wire names, base64 blobs, timestamps as epoch
// seconds unless a member's timestampFormat says otherwise, and absent
// (nil) members left out.
//
// Decoding reads the body (up to a size bound) and scans it in one pass
// straight into the shape with a nesting bound, ignores unknown keys, and
// reports input that does not fit the shape as an *Error whose text follows
// what AWS's JSON services answer in a SerializationException. Malformed
// JSON is reported with the same texts as encoding/json's Decoder.Token.
package jsonshape
