// Package xmlshape reads and writes generated shapes (structs tagged per
// internal/protocol/shape.go) as the XML AWS's query, ec2 and rest-xml
// protocols use, and converts their scalars to and from wire text.
//
// It is shared by the query, ec2query and restxml codecs and knows no
// service. Writing is hand-rolled into a byte slice; reading walks
// encoding/xml tokens with bounds on depth and size and refuses DTDs, so
// entity tricks cannot expand.
package xmlshape
