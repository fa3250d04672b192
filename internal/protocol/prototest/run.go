package prototest

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// RequestID is the request id the harness gives every call.
const RequestID = "prototest-request-id"

// ErrSkip marks a case the harness cannot run (recursive shapes no declared
// type fits, client-only expectations); errors wrapping it skip the subtest
// instead of failing it.
var ErrSkip = errors.New("case not runnable on the server side")

// Option changes how RunInput and RunOutput treat cases.
type Option func(*options)

type options struct {
	skip map[string]string
}

// Skip lists case id (Case.ID, e.g. "Recursive shapes#2") as known to be
// unsupported by the codec, for reason. The case still runs: a failure is
// reported as a skip, a pass is logged so the entry can be removed. Naming a
// case that does not exist fails the test.
func Skip(id, reason string) Option {
	return func(o *options) { o.skip[id] = reason }
}

// RunInput runs every input case of protocol proto against codecs made by
// newCodec, one subtest per case: the serialized request is resolved and
// decoded, and the decoded input compared with the case's params (see
// CheckInput for the rules). It logs "passed N of M (skipped K)".
func RunInput[C protocol.Codec](t *testing.T, proto string, newCodec func(*protocol.Service) C, opts ...Option) {
	t.Helper()
	run(t, "input", proto, func(c *Case) error {
		return CheckInput(c, func(s *protocol.Service) protocol.Codec { return newCodec(s) })
	}, opts)
}

// RunOutput runs every output case of protocol proto against codecs made by
// newCodec, one subtest per case: the case's result is encoded and the
// response compared with the case's (see CheckOutput for the rules). It logs
// "passed N of M (skipped K)".
func RunOutput[C protocol.Codec](t *testing.T, proto string, newCodec func(*protocol.Service) C, opts ...Option) {
	t.Helper()
	run(t, "output", proto, func(c *Case) error {
		return CheckOutput(c, func(s *protocol.Service) protocol.Codec { return newCodec(s) })
	}, opts)
}

func run(t *testing.T, direction, proto string, check func(*Case) error, opts []Option) {
	t.Helper()
	o := options{skip: map[string]string{}}
	for _, opt := range opts {
		opt(&o)
	}
	suites, err := Load(direction, proto)
	if err != nil {
		t.Fatal(err)
	}
	all := cases(suites)
	var passed, skipped int
	known := map[string]bool{}
	for _, c := range all {
		known[c.ID] = true
		reason, listed := o.skip[c.ID]
		t.Run(c.ID, func(t *testing.T) {
			err := check(c)
			switch {
			case err == nil:
				passed++
				if listed {
					t.Logf("passes but is listed as unsupported (%s): remove the Skip", reason)
				}
			case errors.Is(err, ErrSkip):
				skipped++
				t.Skip(err)
			case listed:
				skipped++
				t.Skipf("known unsupported: %s\n%v", reason, err)
			default:
				t.Error(err)
			}
		})
	}
	for id := range o.skip {
		if !known[id] {
			t.Errorf("Skip names no %s %s case %q", direction, proto, id)
		}
	}
	t.Logf("%s %s: passed %d of %d (skipped %d)", direction, proto, passed, len(all), skipped)
}

// CheckInput runs one input case: it builds the request (see Request),
// calls the codec's Resolve (which must find the case's operation) and
// Decode, converts the decoded input to the generic form and compares it
// with the case's params. Both sides are normalized (see canon): null and
// empty members are absent, header values trimmed, timestamps in epoch
// seconds, blobs as raw strings, numbers as float64, jsonvalue members as
// the JSON they hold. Two server-side allowances apply at the top level: an
// idempotency token the params lack (the client generated it) is ignored,
// and so is an empty blob or string payload (an empty body).
func CheckInput(c *Case, newCodec protocol.NewCodec) error {
	b, err := Build(c)
	if err != nil {
		return skipBuild(err)
	}
	r, err := Request(c)
	if err != nil {
		return err
	}
	codec := newCodec(b.Service)
	op, err := codec.Resolve(r)
	if err != nil {
		return fmt.Errorf("resolve: %w", err)
	}
	if op == nil || op.Name != c.Given.Name {
		return fmt.Errorf("resolve: got operation %v, want %s", opName(op), c.Given.Name)
	}
	in := op.NewInput()
	call := &protocol.Call{Service: b.Service, Operation: op, RequestID: RequestID}
	if err := codec.Decode(r, call, in); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	t := reflect.TypeOf(in).Elem()
	g, err := toGeneric(reflect.ValueOf(in), false)
	if err != nil {
		return fmt.Errorf("decoded input: %w", err)
	}
	got, _ := canon(g, t).(map[string]any)
	want, _ := canon(orEmpty(c.Params), t).(map[string]any)
	s := protocol.StructOf(t)
	for i := range s.Members {
		m := &s.Members[i]
		if _, ok := want[m.Name]; ok {
			continue
		}
		empty := got[m.Name] == ""
		if m.IdempotencyToken || (m.Name == s.Payload && empty) {
			delete(got, m.Name)
		}
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("decoded input differs\n got: %s\nwant: %s\nrequest body: %s", mustJSON(got), mustJSON(want), c.Serialized.Body)
	}
	return nil
}

// CheckOutput runs one output case: it fills a new output value from the
// case's result, calls the codec's Encode into a recorder and compares the
// status, every header the case lists, and the body: raw for blob and string
// payloads, semantically for JSON (compareJSON), as canonical trees for XML
// (compareXML). Content-Length is the server's to compute: when the codec
// sets it, it must be the length of the body written, whatever the case
// lists (a header map member may hold one; the server must not send it).
// Cases that only make sense for clients are skipped: results with null
// list elements (not representable in Go types) and JSON-protocol responses
// whose modeled body is not a JSON object.
func CheckOutput(c *Case, newCodec protocol.NewCodec) error {
	b, err := Build(c)
	if err != nil {
		return skipBuild(err)
	}
	if c.Response == nil {
		return fmt.Errorf("case %s has no response", c.ID)
	}
	op := b.Operation
	out := op.NewOutput()
	t := reflect.TypeOf(out).Elem()
	v, err := fromGeneric(orEmpty(c.Result), t, false)
	if errors.Is(err, errNullElement) {
		return fmt.Errorf("%w: client-only: the result holds a null list element or map value, "+
			"which generated Go types cannot hold, so servers never send one (%v)", ErrSkip, err)
	}
	if err != nil {
		return fmt.Errorf("result: %w", err)
	}
	reflect.ValueOf(out).Elem().Set(v)

	want := ""
	if c.Response.Body != nil {
		want = *c.Response.Body
	}
	proto := b.Service.Protocol
	s := protocol.StructOf(t)
	payload := s.PayloadMember()
	raw := payload != nil && (payload.Kind == "blob" || payload.Kind == "string" || payload.Streaming)
	isJSON := proto == protocol.JSON || proto == protocol.RESTJSON
	if isJSON && !raw && strings.TrimSpace(want) != "" && !isJSONObject(want) {
		return fmt.Errorf("%w: client-only: the body %q is not a JSON object; json and rest-json servers answer with one "+
			"(empty when the output has no body members) and clients must tolerate others", ErrSkip, want)
	}

	rec := httptest.NewRecorder()
	call := &protocol.Call{Service: b.Service, Operation: op, RequestID: RequestID}
	if err := newCodec(b.Service).Encode(rec, call, out); err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	var errs []error
	wantStatus := c.Response.StatusCode
	if wantStatus == 0 {
		wantStatus = 200
	}
	if rec.Code != wantStatus {
		errs = append(errs, fmt.Errorf("status = %d, want %d", rec.Code, wantStatus))
	}
	got := rec.Body.String()
	bodyLen := strconv.Itoa(len(got))
	if cl := rec.Header().Values("Content-Length"); len(cl) > 0 && (len(cl) > 1 || cl[0] != bodyLen) {
		errs = append(errs, fmt.Errorf("Content-Length %q for a %s-byte body", cl, bodyLen))
	}
	for k, v := range c.Response.Headers {
		if http.CanonicalHeaderKey(k) == "Content-Length" {
			// Checked above against the body sent: the case's value is what
			// a client test's transport was handed, not what a server sends.
			continue
		}
		if got := strings.Join(rec.Header().Values(k), ", "); got != v {
			errs = append(errs, fmt.Errorf("header %s = %q, want %q", k, got, v))
		}
	}
	switch {
	case raw:
		if got != want {
			errs = append(errs, fmt.Errorf("body = %q, want %q", got, want))
		}
	case isJSON:
		bodyType := t
		if payload != nil {
			bodyType = payload.Type
		}
		if err := compareJSON(want, got, bodyType); err != nil {
			errs = append(errs, err)
		}
	default:
		if err := compareXML(want, got, proto == protocol.RESTXML); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func isJSONObject(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}")
}

func skipBuild(err error) error {
	if errors.Is(err, ErrRecursive) {
		return fmt.Errorf("%w: %v (reflect.StructOf cannot build recursive types; declare the family's type in recursive.go)", ErrSkip, err)
	}
	return err
}

func orEmpty(g any) any {
	if g == nil {
		return map[string]any{}
	}
	return g
}

func opName(op *protocol.Operation) string {
	if op == nil {
		return "none"
	}
	return op.Name
}

// Bodies returns the distinct non-empty request bodies of protocol proto's
// input cases, as seeds for a decoder's fuzz target (pass a *testing.F).
func Bodies(tb testing.TB, proto string) [][]byte {
	tb.Helper()
	return bodies(tb, "input", proto, func(c *Case) string {
		if c.Serialized == nil {
			return ""
		}
		return c.Serialized.Body
	})
}

// ResponseBodies returns the distinct non-empty response bodies of protocol
// proto's output cases, as seeds for fuzzing response parsers.
func ResponseBodies(tb testing.TB, proto string) [][]byte {
	tb.Helper()
	return bodies(tb, "output", proto, func(c *Case) string {
		if c.Response == nil || c.Response.Body == nil {
			return ""
		}
		return *c.Response.Body
	})
}

func bodies(tb testing.TB, direction, proto string, body func(*Case) string) [][]byte {
	tb.Helper()
	suites, err := Load(direction, proto)
	if err != nil {
		tb.Fatal(err)
	}
	seen := map[string]bool{}
	var out [][]byte
	for _, c := range cases(suites) {
		if b := body(c); b != "" && !seen[b] {
			seen[b] = true
			out = append(out, []byte(b))
		}
	}
	return out
}
