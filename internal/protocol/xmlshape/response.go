package xmlshape

import (
	"fmt"
	"net/http"
	"strconv"
)

// WriteResponse sends an XML body with its status, content type and extra
// headers (an error's headers, say).
func WriteResponse(w http.ResponseWriter, status int, contentType string, extra http.Header, body []byte) error {
	h := w.Header()
	for k, vs := range extra {
		h[k] = append(h[k][:0:0], vs...)
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("xmlshape: write response: %w", err)
	}
	return nil
}
