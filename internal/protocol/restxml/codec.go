package restxml

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/rest"
	"github.com/unkai-cloud/unkai/internal/protocol/validate"
	"github.com/unkai-cloud/unkai/internal/protocol/xmlshape"
)

// MaxBodyBytes bounds a request body the codec reads (streaming payloads
// are not read and not bounded here).
const MaxBodyBytes = 16 << 20

// Codec is the rest-xml codec of one service.
type Codec struct {
	svc    *protocol.Service
	router *rest.Router
	ns     string
	s3     bool
}

// New returns the rest-xml codec of svc. Documents are written in
// svc.XMLNamespace, else the namespace the model declares on operation
// inputs (Route 53's https://route53.amazonaws.com/doc/2013-04-01/), else
// S3's for S3.
func New(svc *protocol.Service) protocol.Codec {
	c := &Codec{
		svc: svc,
		// S3 serves several operations on one method and URI; the router
		// tells them apart by their required query parameters and headers,
		// and where even those tie, answers the current API, not the
		// deprecated one (nor the directory-bucket listing, which S3
		// Express serves on other hosts).
		router: rest.NewRouter(svc.Operations, rest.Prefer(
			"GetBucketLifecycleConfiguration", "PutBucketLifecycleConfiguration",
			"GetBucketNotificationConfiguration", "PutBucketNotificationConfiguration",
			"ListBuckets")),
		ns: svc.XMLNamespace,
		s3: svc.Name == "s3" || svc.EndpointPrefix == "s3",
	}
	for _, op := range svc.Operations {
		if c.ns != "" {
			break
		}
		c.ns = op.InputXMLNamespace
	}
	if c.ns == "" && c.s3 {
		c.ns = s3Namespace
	}
	return c
}

// Resolve routes r by method, path and fixed query parts; operations that
// share all three are told apart by the required query parameters and
// headers the request carries.
func (c *Codec) Resolve(r *http.Request) (*protocol.Operation, error) {
	op, _, err := c.router.Match(r)
	if err == nil {
		return op, nil
	}
	if errors.Is(err, rest.ErrMethodNotAllowed) {
		return nil, awserr.New("MethodNotAllowed", http.StatusMethodNotAllowed,
			"The specified method is not allowed against this resource.").WithCause(err)
	}
	return nil, awserr.New("UnknownOperationException", http.StatusNotFound,
		"No operation matches %s %s.", r.Method, r.URL.Path).WithCause(err)
}

// Decode fills in from r's bindings and body and validates it.
func (c *Codec) Decode(r *http.Request, call *protocol.Call, in any) error {
	var labels rest.Labels
	var err error
	if call != nil && call.Operation != nil {
		labels, err = c.router.Extract(call.Operation, r)
	} else {
		_, labels, err = c.router.Match(r)
	}
	if err != nil {
		return c.invalid("The request path does not match the operation.", err)
	}
	if err := rest.DecodeBindings(r, labels, in); err != nil {
		var be *rest.BindingError
		if errors.As(err, &be) {
			return c.invalid(fmt.Sprintf("Invalid value %q for %s.", be.Value, be.Name), err)
		}
		return awserr.Internal(err)
	}
	if err := c.decodeBody(r, in); err != nil {
		return err
	}
	if vs := validate.Struct(in, c.svc); len(vs) > 0 {
		code := "InvalidInput"
		if c.s3 {
			if e := s3Violation(vs[0]); e != nil {
				return e
			}
			code = "InvalidArgument"
		}
		return validate.Error(code, vs)
	}
	return nil
}

// s3Violation is the error S3 itself sends for a violation where it has
// one of its own, rather than a model-validation message: an unknown
// storage class is InvalidStorageClass. Nil means none.
func s3Violation(v validate.Violation) error {
	if v.Path == "storageClass" && v.Value != "null" {
		return awserr.New("InvalidStorageClass", http.StatusBadRequest, "The storage class you specified is not valid")
	}
	return nil
}

// invalid is the client error for a request whose bindings do not parse.
func (c *Codec) invalid(msg string, cause error) error {
	code := "InvalidInput"
	if c.s3 {
		code = "InvalidArgument"
	}
	return awserr.New(code, http.StatusBadRequest, "%s", msg).WithCause(cause)
}

// malformed is the client error for a body that is not the XML expected.
func (c *Codec) malformed(cause error) error {
	if c.s3 {
		return awserr.New("MalformedXML", http.StatusBadRequest,
			"The XML you provided was not well-formed or did not validate against our published schema").WithCause(cause)
	}
	return awserr.New("InvalidInput", http.StatusBadRequest,
		"Invalid XML ; the request body could not be parsed.").WithCause(cause)
}

// decodeBody fills the payload member, or the unbound members, from r.Body.
func (c *Codec) decodeBody(r *http.Request, in any) error {
	v := reflect.ValueOf(in)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return awserr.Internal(fmt.Errorf("restxml: decode into %T: want a pointer to a struct", in))
	}
	v = v.Elem()
	st := protocol.StructOf(v.Type())
	if m := st.PayloadMember(); m != nil {
		fv := v.Field(m.Field)
		if fv.Kind() == reflect.Interface {
			var body io.Reader = http.NoBody
			if r.Body != nil {
				body = r.Body
			}
			if reflect.TypeOf(body).Implements(fv.Type()) {
				fv.Set(reflect.ValueOf(body))
			}
			return nil
		}
		body, err := c.readBody(r)
		if err != nil {
			return err
		}
		switch {
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Uint8:
			if len(body) > 0 {
				fv.SetBytes(body)
			}
		case fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.String:
			if len(body) > 0 {
				s := string(body)
				fv.Set(reflect.ValueOf(&s))
			}
		case fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.Struct:
			if len(bytes.TrimSpace(body)) == 0 {
				return nil
			}
			p := reflect.New(fv.Type().Elem())
			if err := xmlshape.Decode(bytes.NewReader(body), p.Interface()); err != nil {
				return c.malformed(err)
			}
			fv.Set(p)
		}
		return nil
	}
	if !hasBodyMembers(st) {
		return nil
	}
	body, err := c.readBody(r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := xmlshape.Decode(bytes.NewReader(body), in); err != nil {
		return c.malformed(err)
	}
	return nil
}

// readBody reads r's body, refusing one over MaxBodyBytes.
func (c *Codec) readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	if r.ContentLength > MaxBodyBytes {
		return nil, c.tooLarge()
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if err != nil {
		return nil, awserr.New("IncompleteBody", http.StatusBadRequest,
			"The request body could not be read.").WithCause(err)
	}
	if len(body) > MaxBodyBytes {
		return nil, c.tooLarge()
	}
	return body, nil
}

func (c *Codec) tooLarge() error {
	if c.s3 {
		return awserr.New("MaxMessageLengthExceeded", http.StatusBadRequest, "Your request was too big.")
	}
	return awserr.New("InvalidInput", http.StatusBadRequest,
		"The request body is larger than %d bytes.", MaxBodyBytes)
}

// hasBodyMembers reports whether st has members not bound to a location.
func hasBodyMembers(st *protocol.Struct) bool {
	for i := range st.Members {
		if st.Members[i].Location == "" {
			return true
		}
	}
	return false
}

// Encode writes out's bindings and its payload or unbound members.
func (c *Codec) Encode(w http.ResponseWriter, call *protocol.Call, out any) error {
	op := operation(call)
	status := op.ResponseCode
	if status == 0 {
		status = http.StatusOK
	}
	h := w.Header()
	s, err := rest.EncodeBindings(h, out)
	if err != nil {
		return fmt.Errorf("restxml: %w", err)
	}
	if s != 0 {
		status = s
	}
	if status == http.StatusOK && h.Get("Content-Range") != "" {
		// A ranged read answers 206; S3's model has no status member
		// that says so.
		status = http.StatusPartialContent
	}
	v := reflect.ValueOf(out)
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct || op.HTTPMethod == http.MethodHead {
		return writeEmpty(w, status)
	}
	if done, err := rest.WritePayload(w, status, out); done || err != nil {
		if err != nil {
			return fmt.Errorf("restxml: %w", err)
		}
		return nil
	}
	st := protocol.StructOf(v.Type())
	xw := xmlshape.NewWriter(make([]byte, 0, 1024))
	xw.Raw(xmlshape.Header)
	switch m := st.PayloadMember(); {
	case m != nil:
		fv := v.Field(m.Field)
		if fv.Kind() != reflect.Pointer || fv.IsNil() {
			return writeEmpty(w, status)
		}
		pst := protocol.StructOf(fv.Type())
		name := m.LocationName
		if name == "" {
			name = pst.LocationName
		}
		if name == "" {
			name = m.Name
		}
		ns := xmlshape.Namespace{URI: m.XMLNamespace, Prefix: m.XMLPrefix}
		if ns.URI == "" && pst.XMLNamespace == "" {
			ns.URI = c.ns
		}
		xw.Struct(name, ns, fv)
	case !hasBodyMembers(st):
		return writeEmpty(w, status)
	case c.s3 && op.Name == "GetBucketLocation":
		c.locationConstraint(xw, st, v)
	default:
		name := c.rootName(st, op)
		ns := xmlshape.Namespace{URI: st.XMLNamespace, Prefix: st.XMLPrefix}
		if ns.URI == "" {
			ns.URI = c.ns
		}
		xw.Open(name, ns)
		xw.Members(v)
		xw.Close(name)
	}
	return c.write(w, status, xw.Bytes())
}

// locationConstraint writes GetBucketLocation's answer, whose root element
// holds the region as text (SDKs read it specially).
func (c *Codec) locationConstraint(xw *xmlshape.Writer, st *protocol.Struct, v reflect.Value) {
	text := ""
	if m := st.Member("LocationConstraint"); m != nil {
		if b, ok := xmlshape.AppendScalar(nil, v.Field(m.Field), ""); ok {
			text = string(b)
		}
	}
	xw.Open("LocationConstraint", xmlshape.Namespace{URI: c.ns})
	xw.Text(text)
	xw.Close("LocationConstraint")
}

// rootName names the root element of an output without a payload member:
// the output shape's locationName, S3's documented names, or
// "<Operation>Response" (Route 53's convention).
func (c *Codec) rootName(st *protocol.Struct, op *protocol.Operation) string {
	if st.LocationName != "" {
		return st.LocationName
	}
	if c.s3 {
		if n, ok := s3Roots[op.Name]; ok {
			return n
		}
		return op.Name + "Result"
	}
	return op.Name + "Response"
}

func (c *Codec) write(w http.ResponseWriter, status int, body []byte) error {
	h := w.Header()
	if h.Get("Content-Type") == "" {
		if c.s3 {
			h.Set("Content-Type", "application/xml")
		} else {
			h.Set("Content-Type", "text/xml")
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("restxml: write response: %w", err)
	}
	return nil
}

func writeEmpty(w http.ResponseWriter, status int) error {
	if w.Header().Get("Content-Length") == "" {
		w.Header().Set("Content-Length", "0")
	}
	w.WriteHeader(status)
	return nil
}

// operation returns call's operation, or a blank one.
func operation(call *protocol.Call) *protocol.Operation {
	if call != nil && call.Operation != nil {
		return call.Operation
	}
	return &protocol.Operation{}
}

// EncodeError writes err as S3's <Error> document or the <ErrorResponse>
// document of the other services. HEAD requests get the status and headers
// only.
func (c *Codec) EncodeError(w http.ResponseWriter, call *protocol.Call, err *awserr.Error) {
	h := w.Header()
	for k, vs := range err.Headers {
		h[k] = append(h[k][:0:0], vs...)
	}
	status := err.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	h.Del("Content-Length")
	if operation(call).HTTPMethod == http.MethodHead {
		_ = writeEmpty(w, status)
		return
	}
	id := ""
	if call != nil {
		id = call.RequestID
	}
	xw := xmlshape.NewWriter(make([]byte, 0, 256))
	xw.Raw(xmlshape.Header)
	if c.s3 {
		code := err.Code
		if code == awserr.InternalFailureCode {
			code = "InternalError"
		}
		xw.Raw("<Error>")
		xw.Leaf("Code", code)
		xw.Leaf("Message", err.Message)
		xw.ErrorMembers(err.Fields)
		xw.Leaf("RequestId", id)
		xw.Leaf("HostId", base64.StdEncoding.EncodeToString([]byte(id)))
		xw.Raw("</Error>")
	} else {
		xw.Open("ErrorResponse", xmlshape.Namespace{URI: c.ns})
		xw.Raw("<Error>")
		if err.Sender() {
			xw.Leaf("Type", "Sender")
		} else {
			xw.Leaf("Type", "Receiver")
		}
		xw.Leaf("Code", err.Code)
		xw.Leaf("Message", err.Message)
		xw.ErrorMembers(err.Fields)
		xw.Raw("</Error>")
		xw.Leaf("RequestId", id)
		xw.Close("ErrorResponse")
	}
	h.Del("Content-Type")
	_ = c.write(w, status, xw.Bytes())
}

var _ protocol.Codec = (*Codec)(nil)
