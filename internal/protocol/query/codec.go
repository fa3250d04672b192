package query

import (
	"errors"
	"net/http"
	"reflect"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/validate"
	"github.com/unkai-cloud/unkai/internal/protocol/xmlshape"
)

// ContentType is the media type of query responses.
const ContentType = "text/xml"

// MaxFormBytes bounds a form body; net/http's ParseForm applies the same
// 10 MiB limit.
const MaxFormBytes = 10 << 20

// Codec is the query protocol codec of one service.
type Codec struct {
	svc *protocol.Service
}

// New returns the query codec of svc.
func New(svc *protocol.Service) protocol.Codec { return &Codec{svc: svc} }

// Form parses r's query string and form body (once; net/http caches the
// result on r) and returns the merged values. Failures are AWS errors.
func Form(r *http.Request) (map[string][]string, error) {
	if r.Form == nil {
		if r.Body != nil && r.ContentLength > MaxFormBytes {
			return nil, awserr.New("RequestEntityTooLarge", http.StatusRequestEntityTooLarge,
				"Request body must be less than %d bytes.", MaxFormBytes)
		}
		if err := r.ParseForm(); err != nil {
			return nil, awserr.New("MalformedQueryString", http.StatusBadRequest,
				"The query string or form body is malformed.").WithCause(err)
		}
	}
	return r.Form, nil
}

// Resolve finds the operation named by the Action parameter.
func (c *Codec) Resolve(r *http.Request) (*protocol.Operation, error) {
	form, err := Form(r)
	if err != nil {
		return nil, err
	}
	action, version := first(form, "Action"), first(form, "Version")
	if op := c.svc.Operation(action); op != nil && action != "" {
		return op, nil
	}
	if version == "" {
		version = c.svc.APIVersion
	}
	return nil, awserr.New("InvalidAction", http.StatusBadRequest,
		"Could not find operation %s for version %s", action, version)
}

func first(form map[string][]string, key string) string {
	if vs := form[key]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// Decode fills in from the request's form and checks required members.
func (c *Codec) Decode(r *http.Request, call *protocol.Call, in any) error {
	form, err := Form(r)
	if err != nil {
		return err
	}
	if err := Decode(form, in, QueryNaming); err != nil {
		return paramError(err)
	}
	if err := validate.Error("ValidationError", validate.Struct(in, c.svc)); err != nil {
		return err
	}
	return nil
}

// paramError turns a Decode failure into the client error AWS answers for
// a malformed parameter value.
func paramError(err error) error {
	var pe *ParamError
	if errors.As(err, &pe) {
		return awserr.New("InvalidParameterValue", http.StatusBadRequest,
			"Value (%s) for parameter %s is invalid.", pe.Value, pe.Param).WithCause(err)
	}
	return awserr.Internal(err)
}

// Encode writes out as <OpResponse><OpResult>...</OpResult><ResponseMetadata/></OpResponse>,
// OpResult being the operation's OutputResultWrapper.
func (c *Codec) Encode(w http.ResponseWriter, call *protocol.Call, out any) error {
	name := "Operation"
	wrapper := ""
	if call != nil && call.Operation != nil {
		name = call.Operation.Name
		wrapper = call.Operation.OutputResultWrapper
	}
	v := reflect.ValueOf(out)
	xw := xmlshape.NewWriter(make([]byte, 0, 512))
	xw.Open(name+"Response", xmlshape.Namespace{URI: c.svc.XMLNamespace})
	if wrapper != "" {
		xw.Struct(wrapper, xmlshape.Namespace{}, v)
	} else {
		// Models give every output with members a result wrapper; without
		// one the members go straight into the response element.
		xw.Members(v)
	}
	xw.Raw("<ResponseMetadata>")
	xw.Leaf("RequestId", requestID(call))
	xw.Raw("</ResponseMetadata>")
	xw.Close(name + "Response")
	return xmlshape.WriteResponse(w, http.StatusOK, ContentType, nil, xw.Bytes())
}

// EncodeError writes err as an <ErrorResponse> document.
func (c *Codec) EncodeError(w http.ResponseWriter, call *protocol.Call, err *awserr.Error) {
	xw := xmlshape.NewWriter(make([]byte, 0, 256))
	xw.Open("ErrorResponse", xmlshape.Namespace{URI: c.svc.XMLNamespace})
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
	xw.Leaf("RequestId", requestID(call))
	xw.Close("ErrorResponse")
	_ = xmlshape.WriteResponse(w, status(err), ContentType, err.Headers, xw.Bytes())
}

func requestID(call *protocol.Call) string {
	if call == nil {
		return ""
	}
	return call.RequestID
}

func status(err *awserr.Error) int {
	if err.Status == 0 {
		return http.StatusBadRequest
	}
	return err.Status
}

var _ protocol.Codec = (*Codec)(nil)
