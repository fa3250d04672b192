package gateway

import "net/http"

// exposedHeaders are the response headers browsers may read: what the AWS
// SDKs for JavaScript need to parse responses and errors.
const exposedHeaders = "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, x-amz-request-id, x-amz-id-2, " +
	"x-amz-version-id, x-amz-delete-marker, x-amz-server-side-encryption, x-amz-checksum-crc32, x-amz-checksum-crc32c, " +
	"x-amz-checksum-crc64nvme, x-amz-checksum-sha1, x-amz-checksum-sha256, x-amz-checksum-type, x-amz-mp-parts-count, " +
	"x-amz-apigw-id, x-amz-crc32, Date, ETag, Content-Length, Content-Range, Last-Modified, Location"

const allowedMethods = "GET, HEAD, PUT, POST, DELETE, PATCH, OPTIONS"

// cors adds the cross-origin headers browsers need to call unkai from a page
// on another origin, and answers preflight requests itself. It reports
// whether the request was fully answered.
//
// This is the account-wide default that lets SDK-in-browser apps work; S3
// buckets with their own CORS configuration refine it in the S3 service.
func cors(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Credentials", "true")
	h.Add("Vary", "Origin")
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		h.Set("Access-Control-Expose-Headers", exposedHeaders)
		return false
	}
	h.Set("Access-Control-Allow-Methods", allowedMethods)
	if reqHeaders := r.Header.Get("Access-Control-Request-Headers"); reqHeaders != "" {
		h.Set("Access-Control-Allow-Headers", reqHeaders)
	} else {
		h.Set("Access-Control-Allow-Headers", "*")
	}
	h.Set("Access-Control-Expose-Headers", exposedHeaders)
	h.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusOK)
	return true
}
