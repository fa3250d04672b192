package ec2query

import (
	"errors"
	"net/http"
	"reflect"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/query"
	"github.com/unkai-cloud/unkai/internal/protocol/xmlshape"
)

// ContentType is the media type of ec2 responses.
const ContentType = "text/xml;charset=UTF-8"

// Codec is the ec2 protocol codec of one service.
type Codec struct {
	svc *protocol.Service
	ns  string
}

// New returns the ec2 codec of svc. Responses are written in
// svc.XMLNamespace, or http://ec2.amazonaws.com/doc/<APIVersion>/ when the
// descriptor has none.
func New(svc *protocol.Service) protocol.Codec {
	ns := svc.XMLNamespace
	if ns == "" && svc.APIVersion != "" {
		ns = "http://ec2.amazonaws.com/doc/" + svc.APIVersion + "/"
	}
	return &Codec{svc: svc, ns: ns}
}

// Resolve finds the operation named by the Action parameter.
func (c *Codec) Resolve(r *http.Request) (*protocol.Operation, error) {
	form, err := query.Form(r)
	if err != nil {
		return nil, err
	}
	var action string
	if vs := form["Action"]; len(vs) > 0 {
		action = vs[0]
	}
	if op := c.svc.Operation(action); op != nil && action != "" {
		return op, nil
	}
	return nil, awserr.New("InvalidAction", http.StatusBadRequest,
		"The action %s is not valid for this web service.", action)
}

// Decode fills in from the request's form and checks required members.
func (c *Codec) Decode(r *http.Request, call *protocol.Call, in any) error {
	form, err := query.Form(r)
	if err != nil {
		return err
	}
	if err := query.Decode(form, in, query.EC2Naming); err != nil {
		var pe *query.ParamError
		if errors.As(err, &pe) {
			return awserr.New("InvalidParameterValue", http.StatusBadRequest,
				"Value (%s) for parameter %s is invalid.", pe.Value, pe.Param).WithCause(err)
		}
		return awserr.Internal(err)
	}
	if key := missing(reflect.ValueOf(in), ""); key != "" {
		return awserr.New("MissingParameter", http.StatusBadRequest,
			"The request must contain the parameter %s", key)
	}
	return nil
}

// Encode writes out as <OpResponse><requestId/>members</OpResponse>.
func (c *Codec) Encode(w http.ResponseWriter, call *protocol.Call, out any) error {
	name := "Operation"
	if call != nil && call.Operation != nil {
		name = call.Operation.Name
	}
	xw := xmlshape.NewWriter(make([]byte, 0, 512))
	xw.Raw(xmlshape.Header)
	xw.Open(name+"Response", xmlshape.Namespace{URI: c.ns})
	xw.Leaf("requestId", requestID(call))
	xw.Members(reflect.ValueOf(out))
	xw.Close(name + "Response")
	return xmlshape.WriteResponse(w, http.StatusOK, ContentType, nil, xw.Bytes())
}

// EncodeError writes err as a <Response><Errors> document. The generic
// internal failure is spelled InternalError, as EC2 does.
func (c *Codec) EncodeError(w http.ResponseWriter, call *protocol.Call, err *awserr.Error) {
	code := err.Code
	if code == awserr.InternalFailureCode {
		code = "InternalError"
	}
	xw := xmlshape.NewWriter(make([]byte, 0, 256))
	xw.Raw(xmlshape.Header)
	xw.Raw("<Response><Errors><Error>")
	xw.Leaf("Code", code)
	xw.Leaf("Message", err.Message)
	xw.ErrorMembers(err.Fields)
	xw.Raw("</Error></Errors>")
	xw.Leaf("RequestID", requestID(call))
	xw.Raw("</Response>")
	status := err.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	_ = xmlshape.WriteResponse(w, status, ContentType, err.Headers, xw.Bytes())
}

func requestID(call *protocol.Call) string {
	if call == nil {
		return ""
	}
	return call.RequestID
}

var _ protocol.Codec = (*Codec)(nil)
