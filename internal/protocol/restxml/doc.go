// Package restxml is the server side of AWS's rest-xml protocol (S3,
// Route 53, ...). Routing and the members bound to the URI, query string,
// headers and status code go through package rest; this package reads and
// writes the XML body: the payload member (a structure as the document's
// root element, a blob or string raw, a stream passed through unread) or,
// without one, the unbound members inside a root element.
//
// Errors are S3's <Error> documents for S3 and <ErrorResponse> documents
// for the other services. HEAD responses carry no body.
package restxml
