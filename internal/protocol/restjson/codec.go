package restjson

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/jsonshape"
	"github.com/unkai-cloud/unkai/internal/protocol/rest"
	"github.com/unkai-cloud/unkai/internal/protocol/validate"
)

// Options tune a Codec.
type Options struct {
	// MaxBodyBytes bounds JSON bodies and buffered (non-streaming) blob and
	// string payloads; 0 means jsonshape.DefaultMaxBytes.
	MaxBodyBytes int64
}

// Codec speaks rest-json for one service.
type Codec struct {
	svc      *protocol.Service
	router   *rest.Router
	maxBytes int64
}

// New returns the rest-json codec of svc with default options.
func New(svc *protocol.Service) protocol.Codec { return NewWithOptions(svc, Options{}) }

// NewWithOptions returns the rest-json codec of svc.
func NewWithOptions(svc *protocol.Service, opt Options) *Codec {
	limit := opt.MaxBodyBytes
	if limit <= 0 {
		limit = jsonshape.DefaultMaxBytes
	}
	return &Codec{svc: svc, router: rest.NewRouter(svc.Operations), maxBytes: limit}
}

// Resolve finds the operation from the method, path and query.
func (c *Codec) Resolve(r *http.Request) (*protocol.Operation, error) {
	op, _, err := c.router.Match(r)
	if err != nil {
		return nil, routeError(err)
	}
	return op, nil
}

// routeError maps a routing failure to the client error.
func routeError(err error) *awserr.Error {
	if errors.Is(err, rest.ErrMethodNotAllowed) {
		return (&awserr.Error{Code: "MethodNotAllowedException", Status: http.StatusMethodNotAllowed}).WithCause(err)
	}
	return (&awserr.Error{Code: "UnknownOperationException", Status: http.StatusNotFound}).WithCause(err)
}

// Decode fills in from the request's bindings and body, and validates it.
func (c *Codec) Decode(r *http.Request, call *protocol.Call, in any) error {
	var op *protocol.Operation
	if call != nil {
		op = call.Operation
	}
	var labels rest.Labels
	var err error
	if op != nil {
		labels, err = c.router.Extract(op, r)
	} else {
		_, labels, err = c.router.Match(r)
	}
	if err != nil {
		return routeError(err)
	}
	if err := rest.DecodeBindings(r, labels, in); err != nil {
		return bindingError(err)
	}
	if err := c.decodeBody(r, in); err != nil {
		return err
	}
	svc := c.svc
	if call != nil && call.Service != nil {
		svc = call.Service
	}
	if e := validate.Error("ValidationException", validate.Struct(in, svc)); e != nil {
		return e
	}
	return nil
}

// bindingError maps a rest.DecodeBindings failure to the client error.
func bindingError(err error) *awserr.Error {
	var be *rest.BindingError
	if errors.As(err, &be) {
		return awserr.New("SerializationException", http.StatusBadRequest,
			"Failed to parse %s %q: %q is not a valid value.", locationText(be.Location), be.Name, be.Value).WithCause(err)
	}
	return awserr.Internal(err)
}

// locationText names a binding location in messages.
func locationText(loc string) string {
	switch loc {
	case rest.LocURI:
		return "path parameter"
	case rest.LocQueryString:
		return "query parameter"
	}
	return "header"
}

// decodeBody reads the body into in: its payload member, or its body members.
func (c *Codec) decodeBody(r *http.Request, in any) error {
	v := reflect.ValueOf(in).Elem()
	st := protocol.StructOf(v.Type())
	body := r.Body
	if body == nil {
		body = http.NoBody
	}
	pm := st.PayloadMember()
	if pm == nil {
		if !jsonshape.HasBodyMembers(v.Type()) {
			return nil
		}
		if err := jsonshape.Decode(body, in, jsonshape.DecodeOptions{MaxBytes: c.maxBytes, BodyOnly: true}); err != nil {
			return decodeError(err, c.maxBytes)
		}
		return nil
	}
	fv := v.Field(pm.Field)
	switch t := fv.Type(); {
	case t.Kind() == reflect.Interface:
		fv.Set(reflect.ValueOf(body))
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		b, err := c.readAll(body)
		if err != nil {
			return err
		}
		if len(b) > 0 {
			fv.SetBytes(b)
		}
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.String:
		b, err := c.readAll(body)
		if err != nil {
			return err
		}
		if len(b) > 0 {
			s := string(b)
			fv.Set(reflect.ValueOf(&s))
		}
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct:
		b, err := c.readAll(body)
		if err != nil {
			return err
		}
		if len(b) == 0 {
			return nil
		}
		p := reflect.New(t.Elem())
		if err := jsonshape.Decode(bytes.NewReader(b), p.Interface(), jsonshape.DecodeOptions{MaxBytes: c.maxBytes}); err != nil {
			return decodeError(err, c.maxBytes)
		}
		fv.Set(p)
	}
	return nil
}

// readAll reads a buffered payload up to the size bound.
func (c *Codec) readAll(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, c.maxBytes+1))
	if err != nil {
		return nil, (&awserr.Error{Code: "SerializationException", Message: "Unable to read the request body.", Status: http.StatusBadRequest}).WithCause(err)
	}
	if int64(len(b)) > c.maxBytes {
		return nil, tooLarge(c.maxBytes)
	}
	return b, nil
}

// tooLarge is the error for a body past the size bound.
func tooLarge(limit int64) *awserr.Error {
	return awserr.New("RequestEntityTooLargeException", http.StatusRequestEntityTooLarge,
		"Request must be smaller than %d bytes for the operation.", limit)
}

// decodeError maps a jsonshape.Decode error to the client error.
func decodeError(err error, limit int64) *awserr.Error {
	if errors.Is(err, jsonshape.ErrTooLarge) {
		return tooLarge(limit).WithCause(err)
	}
	var je *jsonshape.Error
	if errors.As(err, &je) {
		return (&awserr.Error{Code: "SerializationException", Message: je.Message, Status: http.StatusBadRequest}).WithCause(err)
	}
	return (&awserr.Error{Code: "SerializationException", Message: "Unable to read the request body.", Status: http.StatusBadRequest}).WithCause(err)
}

// Encode writes out's bindings, status and body.
func (c *Codec) Encode(w http.ResponseWriter, call *protocol.Call, out any) error {
	h := w.Header()
	c.requestID(h, call)
	status, err := rest.EncodeBindings(h, out)
	if err != nil {
		return err
	}
	if status == 0 {
		status = http.StatusOK
		if call != nil && call.Operation != nil && call.Operation.ResponseCode != 0 {
			status = call.Operation.ResponseCode
		}
	}
	if written, err := rest.WritePayload(w, status, out); written || err != nil {
		return err
	}
	body, err := c.body(out)
	if err != nil {
		return err
	}
	if !bodyAllowed(status) {
		body = nil
	}
	writeJSON(w, status, body)
	return nil
}

// bodyAllowed reports whether HTTP lets a response with status carry a
// body (not 1xx, 204 or 304).
func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

// body renders out's JSON body: its structure payload, or its body members;
// nil when out is nil or its structure payload is unset. An output with no
// body members (none at all, or all bound to headers and the status code)
// still gets an empty object: restJson1 servers are expected to answer with
// a JSON object even then (AWS's protocol tests: "Supports header maps" has
// headers only and the body {}); clients accept both. Encode drops it for
// statuses that allow no body, such as Lambda's 204s.
func (c *Codec) body(out any) ([]byte, error) {
	v := reflect.ValueOf(out)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil, fmt.Errorf("restjson: encode %T: want a struct", out)
	}
	if pm := protocol.StructOf(v.Type()).PayloadMember(); pm != nil {
		fv := v.Field(pm.Field)
		if fv.IsNil() {
			return nil, nil
		}
		return jsonshape.Append(nil, fv.Interface(), jsonshape.EncodeOptions{})
	}
	if !jsonshape.HasBodyMembers(v.Type()) {
		return []byte("{}"), nil
	}
	return jsonshape.Append(make([]byte, 0, 256), out, jsonshape.EncodeOptions{BodyOnly: true})
}

// writeJSON sends status and a JSON body (none when body is nil).
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	if body != nil {
		h.Set("Content-Type", "application/json")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if len(body) > 0 {
		_, _ = w.Write(body) // the client is gone; nothing to report to it
	}
}

// requestID sets the request id header when the gateway has not.
func (c *Codec) requestID(h http.Header, call *protocol.Call) {
	if call != nil && call.RequestID != "" && h.Get("X-Amzn-Requestid") == "" {
		h.Set("X-Amzn-Requestid", call.RequestID)
	}
}

var _ protocol.Codec = (*Codec)(nil)
