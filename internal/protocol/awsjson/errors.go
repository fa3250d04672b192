package awsjson

import (
	"net/http"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/protocol/jsonshape"
)

// coralNamespaces qualifies the codes AWS's front end (Coral) answers for
// json 1.0 services, rather than the service itself.
var coralNamespaces = map[string]string{
	"UnknownOperationException":           "com.amazon.coral.service",
	"SerializationException":              "com.amazon.coral.service",
	"InternalFailure":                     "com.amazon.coral.service",
	"AccessDeniedException":               "com.amazon.coral.service",
	"UnrecognizedClientException":         "com.amazon.coral.service",
	"MissingAuthenticationTokenException": "com.amazon.coral.service",
	"IncompleteSignatureException":        "com.amazon.coral.service",
	"InvalidSignatureException":           "com.amazon.coral.service",
	"ExpiredTokenException":               "com.amazon.coral.service",
	"RequestEntityTooLargeException":      "com.amazon.coral.service",
	"NotImplemented":                      "com.amazon.coral.service",
	"ValidationException":                 "com.amazon.coral.validate",
	"ThrottlingException":                 "com.amazon.coral.availability",
}

// coralCapitalMessage lists the Coral codes whose body spells the message
// key "Message".
var coralCapitalMessage = map[string]bool{
	"SerializationException": true,
}

// EncodeError writes err as a json protocol error.
func (c *Codec) EncodeError(w http.ResponseWriter, call *protocol.Call, err *awserr.Error) {
	if err == nil {
		err = awserr.Internal(nil)
	}
	status := err.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	for k, vs := range err.Headers {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.Header().Set("X-Amzn-Errortype", err.Code)
	c.write(w, call, status, c.errorBody(err))
}

// errorBody renders {"__type": ..., "message": ..., <fields>}.
func (c *Codec) errorBody(err *awserr.Error) []byte {
	_, modeled := c.svc.Errors[err.Code]
	typ := err.Code
	msgKey := "message"
	if c.namespace != "" {
		if ns, ok := coralNamespaces[err.Code]; ok && !modeled {
			typ = ns + "#" + err.Code
			if coralCapitalMessage[err.Code] {
				msgKey = "Message"
			}
		} else {
			typ = c.namespace + "#" + err.Code
		}
	}
	if k := jsonshape.MessageKey(err.Fields, c.svc, err.Code); k != "" {
		msgKey = k
	}
	b := make([]byte, 0, 128)
	b = append(b, `{"__type":`...)
	b = jsonshape.AppendString(b, typ)
	if err.Message != "" {
		b = append(b, ',')
		b = jsonshape.AppendString(b, msgKey)
		b = append(b, ':')
		b = jsonshape.AppendString(b, err.Message)
	}
	b = jsonshape.AppendFields(b, err.Fields)
	return append(b, '}')
}
