package awsjson

import (
	"errors"
	"hash/crc32"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/jsonshape"
	"github.com/unkai-cloud/unkai/internal/protocol/validate"
)

// Options tune a Codec.
type Options struct {
	// MaxBodyBytes bounds request bodies; 0 means jsonshape.DefaultMaxBytes.
	MaxBodyBytes int64
	// ResponseCRC32 adds the X-Amz-Crc32 header (CRC-32/IEEE of the body),
	// which DynamoDB sends on every response and its SDKs verify.
	ResponseCRC32 bool
	// Namespace overrides the namespace json 1.0 error codes are qualified
	// with (default: derived from the service, see ServiceNamespace).
	Namespace string
}

// Codec speaks the json protocol for one service.
type Codec struct {
	svc         *protocol.Service
	contentType string
	namespace   string // "" for json 1.1: bare codes
	maxBytes    int64
	crc32       bool
}

// New returns the json protocol codec of svc with default options.
func New(svc *protocol.Service) protocol.Codec { return NewWithOptions(svc, Options{}) }

// NewWithOptions returns the json protocol codec of svc.
func NewWithOptions(svc *protocol.Service, opt Options) *Codec {
	version := svc.JSONVersion
	if version == "" {
		version = "1.0"
	}
	c := &Codec{
		svc:         svc,
		contentType: "application/x-amz-json-" + version,
		maxBytes:    opt.MaxBodyBytes,
		crc32:       opt.ResponseCRC32,
	}
	if version == "1.0" {
		c.namespace = opt.Namespace
		if c.namespace == "" {
			c.namespace = ServiceNamespace(svc)
		}
	}
	return c
}

// ServiceNamespace is the namespace AWS qualifies a json 1.0 service's own
// error codes with: "com.amazonaws.<name>", plus ".v<date>" when the target
// prefix ends in a date, as DynamoDB's "DynamoDB_20120810" gives
// "com.amazonaws.dynamodb.v20120810".
func ServiceNamespace(svc *protocol.Service) string {
	ns := "com.amazonaws." + strings.ToLower(svc.Name)
	if i := strings.LastIndexByte(svc.TargetPrefix, '_'); i >= 0 {
		date := svc.TargetPrefix[i+1:]
		if len(date) == 8 && strings.Trim(date, "0123456789") == "" {
			ns += ".v" + date
		}
	}
	return ns
}

// Resolve finds the operation named by X-Amz-Target.
func (c *Codec) Resolve(r *http.Request) (*protocol.Operation, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !acceptedMediaType(mt) {
			return nil, unknownOperation()
		}
	}
	target := r.Header.Get("X-Amz-Target")
	prefix, name, ok := cutLast(target, '.')
	if !ok || prefix != c.svc.TargetPrefix {
		return nil, unknownOperation()
	}
	op := c.svc.Operation(name)
	if op == nil {
		return nil, unknownOperation()
	}
	return op, nil
}

// acceptedMediaType reports whether a request media type is JSON.
func acceptedMediaType(mt string) bool {
	switch mt {
	case "application/x-amz-json-1.0", "application/x-amz-json-1.1", "application/json":
		return true
	}
	return false
}

// cutLast splits s around the last sep.
func cutLast(s string, sep byte) (before, after string, ok bool) {
	i := strings.LastIndexByte(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

// unknownOperation is AWS's answer to a target naming no operation (it
// sends no message).
func unknownOperation() *awserr.Error {
	return &awserr.Error{Code: "UnknownOperationException", Status: http.StatusBadRequest}
}

// Decode reads the JSON body into in and validates it.
func (c *Codec) Decode(r *http.Request, call *protocol.Call, in any) error {
	if r.Body != nil {
		err := jsonshape.Decode(r.Body, in, jsonshape.DecodeOptions{MaxBytes: c.maxBytes})
		if err != nil {
			return DecodeError(err, c.maxBytes)
		}
	}
	var svc *protocol.Service
	if call != nil {
		svc = call.Service
	}
	if svc == nil {
		svc = c.svc
	}
	if e := validate.Error("ValidationException", validate.Struct(in, svc)); e != nil {
		return e
	}
	return nil
}

// DecodeError maps a jsonshape.Decode error to the client error AWS's JSON
// services answer: 413 past the size limit, else 400 SerializationException.
func DecodeError(err error, maxBytes int64) *awserr.Error {
	if errors.Is(err, jsonshape.ErrTooLarge) {
		if maxBytes <= 0 {
			maxBytes = jsonshape.DefaultMaxBytes
		}
		return awserr.New("RequestEntityTooLargeException", http.StatusRequestEntityTooLarge,
			"Request must be smaller than %d bytes for the operation.", maxBytes).WithCause(err)
	}
	var je *jsonshape.Error
	if errors.As(err, &je) {
		return (&awserr.Error{Code: "SerializationException", Message: je.Message, Status: http.StatusBadRequest}).WithCause(err)
	}
	return (&awserr.Error{Code: "SerializationException", Message: "Unable to read the request body.", Status: http.StatusBadRequest}).WithCause(err)
}

// Encode writes out as a 200 response.
func (c *Codec) Encode(w http.ResponseWriter, call *protocol.Call, out any) error {
	body, err := jsonshape.Append(make([]byte, 0, 256), out, jsonshape.EncodeOptions{})
	if err != nil {
		return err
	}
	c.write(w, call, http.StatusOK, body)
	return nil
}

// write sends a JSON response.
func (c *Codec) write(w http.ResponseWriter, call *protocol.Call, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", c.contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if c.crc32 {
		h.Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10))
	}
	if call != nil && call.RequestID != "" && h.Get("X-Amzn-Requestid") == "" {
		h.Set("X-Amzn-Requestid", call.RequestID)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client is gone; nothing to report to it
}

var _ protocol.Codec = (*Codec)(nil)
