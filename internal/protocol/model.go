// Package protocol is what every wire codec shares and nothing more: the
// service and operation descriptors generated from AWS's API models, the
// struct-tag contract of generated shapes (see shape.go), and the Codec
// interface the gateway drives. It knows no service.
package protocol

import (
	"context"
	"net/http"

	"github.com/unkai-cloud/unkai/internal/awserr"
)

// Protocol names as AWS's models spell them in metadata.protocol.
const (
	JSON     = "json"
	RESTJSON = "rest-json"
	RESTXML  = "rest-xml"
	Query    = "query"
	EC2      = "ec2"
)

// Service describes one AWS service as its model's metadata does. Generated
// packages under internal/api declare one as a package-level value that is
// never modified.
type Service struct {
	// Name is unkai's key for the service: the model's directory name with
	// dots removed, e.g. "dynamodb", "streamsdynamodb", "monitoring".
	Name string
	// ServiceID is metadata.serviceId, e.g. "DynamoDB".
	ServiceID string
	// EndpointPrefix is metadata.endpointPrefix, e.g. "streams.dynamodb".
	EndpointPrefix string
	// SigningName is the SigV4 service name: metadata.signingName, or the
	// endpoint prefix when the model has none.
	SigningName string
	// Protocol is one of JSON, RESTJSON, RESTXML, Query, EC2.
	Protocol string
	// APIVersion is metadata.apiVersion, e.g. "2012-08-10".
	APIVersion string
	// JSONVersion is metadata.jsonVersion ("1.0" or "1.1") for JSON protocols.
	JSONVersion string
	// TargetPrefix is metadata.targetPrefix for the json protocol.
	TargetPrefix string
	// XMLNamespace is the namespace query and ec2 responses are written in,
	// e.g. "https://sts.amazonaws.com/doc/2011-06-15/".
	XMLNamespace string
	// Operations lists every operation of the model, sorted by name.
	Operations []*Operation
	// Errors maps an exception shape's error code to its description.
	Errors map[string]ErrorShape
	// Enums maps an enum shape name (as used by the `enum` tag) to its values.
	Enums map[string][]string
}

// Operation describes one operation of a service's model.
type Operation struct {
	// Name is the operation name, e.g. "ListTables".
	Name string
	// HTTPMethod and RequestURI come from the operation's http trait; the URI
	// may hold labels ("{Bucket}", greedy "{Key+}") and a fixed query
	// ("?uploads", "?list-type=2").
	HTTPMethod string
	RequestURI string
	// ResponseCode is the http.responseCode trait (200 when absent).
	ResponseCode int
	// InputLocationName and InputXMLNamespace name the root element of a
	// rest-xml request body when the operation's input trait gives them.
	InputLocationName string
	InputXMLNamespace string
	// OutputResultWrapper is the query/ec2 output wrapper element, e.g.
	// "GetCallerIdentityResult" (empty for ec2, which has none).
	OutputResultWrapper string
	// NewInput returns a new pointer to the operation's input structure (an
	// empty struct type when the model declares no input).
	NewInput func() any
	// NewOutput returns a new pointer to the operation's output structure.
	NewOutput func() any
}

// ErrorShape describes an exception shape of a model.
type ErrorShape struct {
	// Shape is the shape's name in the model.
	Shape string
	// Code is the wire error code (error.code, or the shape name).
	Code string
	// Status is error.httpStatusCode (400 when absent).
	Status int
	// Sender is true for client faults.
	Sender bool
	// New returns a new pointer to the generated exception structure.
	New func() any
}

// Operation returns the operation with the given name, or nil.
func (s *Service) Operation(name string) *Operation {
	ops := s.Operations
	lo, hi := 0, len(ops)
	for lo < hi {
		m := (lo + hi) / 2
		switch {
		case ops[m].Name == name:
			return ops[m]
		case ops[m].Name < name:
			lo = m + 1
		default:
			hi = m
		}
	}
	return nil
}

// Call is what a codec knows about the request it is serving.
type Call struct {
	// Service is the service the gateway resolved.
	Service *Service
	// Operation is the resolved operation; nil while resolving, or when the
	// request named none that exists (errors are then encoded without it).
	Operation *Operation
	// RequestID is the id the gateway gave the request; query and rest-xml
	// bodies repeat it.
	RequestID string
}

// Codec speaks one protocol family for one service. The gateway makes one per
// service at start-up, so a codec may precompute routing tables.
type Codec interface {
	// Resolve finds the operation a request asks for: from X-Amz-Target for
	// json, from Action for query and ec2, from method and path for REST.
	// Unknown operations give the protocol's error (UnknownOperationException,
	// InvalidAction, or a 404/405 for REST).
	Resolve(r *http.Request) (*Operation, error)
	// Decode fills in, a pointer to the operation's input structure, from r,
	// and validates required members and constraints. Streaming payload
	// members are set to r.Body, not read.
	Decode(r *http.Request, c *Call, in any) error
	// Encode writes out, a pointer to the operation's output structure, as
	// the response: status, headers and body.
	Encode(w http.ResponseWriter, c *Call, out any) error
	// EncodeError writes err as the protocol's error response.
	EncodeError(w http.ResponseWriter, c *Call, err *awserr.Error)
}

// NewCodec builds the codec of one protocol family for one service.
type NewCodec func(*Service) Codec

// HandlerFunc serves one operation: in is a pointer to the operation's input
// structure; the result is a pointer to its output structure.
type HandlerFunc func(ctx context.Context, in any) (any, error)

// Handlers is what a generated handler registry provides to the gateway.
type Handlers interface {
	// Lookup returns the handler of the named operation, or nil when the
	// provider does not serve it (the gateway then answers a 501).
	Lookup(operation string) HandlerFunc
}

// Empty is the input or output of operations whose model declares none.
type Empty struct {
	_ struct{} `type:"structure"`
}
