package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
)

// op is one operation load can drive: how to build its requests, and the
// setup (a table, a bucket, items to read) they need first.
type op struct {
	// name is "<service>.<Operation>", as given to -op.
	name string
	// service is the SigV4 signing name.
	service string
	// about is a one-line description for `bench ops`.
	about string
	// build makes the plan for the given sizes.
	build func(p params) (plan, error)
}

// params sizes an op's requests.
type params struct {
	// region is the region requests are signed for.
	region string
	// resource names the table or bucket data ops create and use.
	resource string
	// keys is the key space data ops spread over.
	keys int
	// size is the value or object size of writes, in bytes (the whole
	// object's for s3.Multipart).
	size int
	// part is the part size of multipart uploads, in bytes.
	part int
	// parallel is how many parts of one multipart upload are in flight
	// (the load's -c).
	parallel int
	// payload is how S3 bodies are sent: one of the payload* modes; ""
	// means payloadUnsigned.
	payload string
}

// plan is what load sends: setup steps once, then requests in turn.
type plan struct {
	setup []step
	// requests are cycled through by the load, spread by a hash of the
	// request's sequence number. All are built (and their payload hashed)
	// before the load starts, so bodies are reused.
	requests []request
	// seed requests are sent once after setup, concurrently; each must
	// answer 2xx (objects to read or list).
	seed []request
	// run, when set, replaces requests: one call is one unit of work of
	// several requests (a whole multipart upload or listing), timed and
	// counted as one request.
	run task
	// workers, when above 0, is the number of load workers instead of -c
	// (which the op then uses on its own terms).
	workers int
	// bytesPer is the payload bytes one request (or run) moves, for MB/s.
	bytesPer int64
}

// task is one unit of work of a compound op. It answers like send: the
// HTTP status of the request that decided the outcome, the start of an
// error answer's body, or an error that is not an HTTP status.
type task func(ctx context.Context, c *client, seq uint64) (status int, errBody []byte, err error)

// request is one HTTP request before signing.
type request struct {
	method string
	// path is the path with an optional "?query".
	path   string
	header http.Header
	body   []byte
	// payloadHash is the X-Amz-Content-Sha256 value signed for body: a
	// literal such as UNSIGNED-PAYLOAD when set by the op, else the hex
	// SHA-256 of body, filled in by finishPlan.
	payloadHash string
}

// step is one setup request.
type step struct {
	req request
	// ok reports whether the answer lets setup go on; nil means 2xx.
	ok func(status int, body []byte) bool
	// until, when set, repeats the request (after an ok answer) until it
	// reports true, e.g. until a new table is ACTIVE.
	until func(status int, body []byte) bool
}

// Bounds of data ops: the bytes of prebuilt request bodies, and the key
// space (which setup may fill).
const (
	maxPlanBytes = 256 << 20
	maxKeys      = 1 << 20
)

// opTable lists the operations load knows, by name.
func opTable() map[string]op {
	ops := []op{
		{name: "dynamodb.ListTables", service: "dynamodb", about: "DynamoDB ListTables (JSON 1.0)",
			build: static(jsonRequest("DynamoDB_20120810.ListTables", "1.0", `{}`))},
		{name: "sts.GetCallerIdentity", service: "sts", about: "STS GetCallerIdentity (query protocol)",
			build: static(queryRequest("Action=GetCallerIdentity&Version=2011-06-15"))},
		{name: "logs.DescribeLogGroups", service: "logs", about: "CloudWatch Logs DescribeLogGroups (JSON 1.1)",
			build: static(jsonRequest("Logs_20140328.DescribeLogGroups", "1.1", `{}`))},
		{name: "s3.ListBuckets", service: "s3", about: "S3 ListBuckets (REST-XML)",
			build: static(request{method: http.MethodGet, path: "/", header: http.Header{}})},
		{name: "dynamodb.PutItem", service: "dynamodb", about: "DynamoDB PutItem of -size byte values over -keys keys (creates -resource)",
			build: ddbPutItem},
		{name: "dynamodb.GetItem", service: "dynamodb", about: "DynamoDB GetItem over -keys items of -size bytes (creates and fills -resource)",
			build: ddbGetItem},
		{name: "dynamodb.Query", service: "dynamodb", about: "DynamoDB Query of 16 partitions holding -keys items (creates and fills <-resource>-ranged)",
			build: ddbQuery},
		{name: "s3.PutObject", service: "s3", about: "S3 PutObject of -size byte objects over -keys keys, sent as -payload (creates bucket -resource)",
			build: s3PutObject},
		{name: "s3.GetObject", service: "s3", about: "S3 GetObject of -keys objects of -size bytes (creates and fills bucket -resource)",
			build: s3GetObject},
		{name: "s3.Multipart", service: "s3", about: "S3 multipart upload of -size bytes in -part byte parts, -c parts at a time; one upload is one request",
			build: s3Multipart},
		{name: "s3.ListObjectsV2", service: "s3", about: "S3 ListObjectsV2 of -keys objects under a prefix in pages of 1,000; one full listing is one request (seeds bucket <-resource>-list)",
			build: s3ListObjects},
	}
	m := make(map[string]op, len(ops))
	for _, o := range ops {
		m[o.name] = o
	}
	return m
}

// lookupOp returns the named op.
func lookupOp(name string) (op, error) {
	ops := opTable()
	if o, ok := ops[name]; ok {
		return o, nil
	}
	return op{}, fmt.Errorf("%w: unknown op %q (known: %s)", errUsage, name, strings.Join(opNames(ops), ", "))
}

func opNames(ops map[string]op) []string {
	names := make([]string, 0, len(ops))
	for n := range ops {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func printOps(w io.Writer) {
	ops := opTable()
	for _, n := range opNames(ops) {
		fmt.Fprintf(w, "%-24s %s\n", n, ops[n].about)
	}
}

// static builds a plan of one request and no setup.
func static(r request) func(params) (plan, error) {
	return func(params) (plan, error) { return plan{requests: []request{r}}, nil }
}

// jsonRequest is a request of the JSON protocol (X-Amz-Target).
func jsonRequest(target, version, body string) request {
	return request{
		method: http.MethodPost,
		path:   "/",
		header: http.Header{
			"X-Amz-Target": {target},
			"Content-Type": {"application/x-amz-json-" + version},
		},
		body: []byte(body),
	}
}

// queryRequest is a request of the query protocol (form-encoded POST).
func queryRequest(form string) request {
	return request{
		method: http.MethodPost,
		path:   "/",
		header: http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}},
		body:   []byte(form),
	}
}

// ddbRequest is a DynamoDB JSON request whose body is v marshalled.
func ddbRequest(operation string, v any) (request, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return request{}, fmt.Errorf("marshal %s: %w", operation, err)
	}
	return jsonRequest("DynamoDB_20120810."+operation, "1.0", string(b)), nil
}

type attr = map[string]string

// ddbTable is the setup that creates table name (hash key pk, and range
// key sk when ranged) and waits until it is ACTIVE.
func ddbTable(name string, ranged bool) ([]step, error) {
	attrs := []map[string]string{{"AttributeName": "pk", "AttributeType": "S"}}
	keys := []map[string]string{{"AttributeName": "pk", "KeyType": "HASH"}}
	if ranged {
		attrs = append(attrs, map[string]string{"AttributeName": "sk", "AttributeType": "S"})
		keys = append(keys, map[string]string{"AttributeName": "sk", "KeyType": "RANGE"})
	}
	create, err := ddbRequest("CreateTable", map[string]any{
		"TableName": name, "AttributeDefinitions": attrs, "KeySchema": keys, "BillingMode": "PAY_PER_REQUEST",
	})
	if err != nil {
		return nil, err
	}
	describe, err := ddbRequest("DescribeTable", map[string]any{"TableName": name})
	if err != nil {
		return nil, err
	}
	return []step{
		{req: create, ok: okOrBody("ResourceInUseException")},
		{req: describe, until: func(_ int, body []byte) bool { return bytes.Contains(body, []byte(`"ACTIVE"`)) }},
	}, nil
}

// okOrBody accepts 2xx answers, and errors whose body names code (such as
// "the table already exists").
func okOrBody(code string) func(int, []byte) bool {
	return func(status int, body []byte) bool {
		return status/100 == 2 || bytes.Contains(body, []byte(code))
	}
}

// keyName is the key of item or object i.
func keyName(i int) string { return fmt.Sprintf("k%08d", i) }

// filler returns n bytes of printable data.
func filler(n int) []byte {
	const pattern = "unkai-bench-0123456789abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, n)
	for i := range b {
		b[i] = pattern[i%len(pattern)]
	}
	return b
}

// checkSizes refuses key spaces and sizes whose bodies would not fit.
func checkSizes(p params, bodyPerKey int) error {
	if p.keys < 1 {
		return fmt.Errorf("%w: -keys must be at least 1", errUsage)
	}
	if p.keys > maxKeys {
		return fmt.Errorf("%w: -keys must be at most %d", errUsage, maxKeys)
	}
	if p.size < 0 || p.size > maxPlanBytes {
		return fmt.Errorf("%w: -size must be between 0 and %d", errUsage, maxPlanBytes)
	}
	if int64(p.keys)*int64(bodyPerKey) > maxPlanBytes {
		return fmt.Errorf("%w: -keys %d of %d bytes is more than %d MiB of prebuilt bodies", errUsage, p.keys, bodyPerKey, maxPlanBytes>>20)
	}
	return nil
}

func ddbItems(p params, ranged bool) ([]request, error) {
	if err := checkSizes(p, p.size+128); err != nil {
		return nil, err
	}
	value := string(filler(p.size))
	reqs := make([]request, p.keys)
	for i := range reqs {
		item := map[string]attr{"pk": {"S": keyName(i)}, "data": {"S": value}}
		if ranged {
			item["pk"] = attr{"S": fmt.Sprintf("p%02d", i%16)}
			item["sk"] = attr{"S": keyName(i)}
		}
		r, err := ddbRequest("PutItem", map[string]any{"TableName": p.resource, "Item": item})
		if err != nil {
			return nil, err
		}
		reqs[i] = r
	}
	return reqs, nil
}

func ddbPutItem(p params) (plan, error) {
	setup, err := ddbTable(p.resource, false)
	if err != nil {
		return plan{}, err
	}
	puts, err := ddbItems(p, false)
	if err != nil {
		return plan{}, err
	}
	return plan{setup: setup, requests: puts}, nil
}

func ddbGetItem(p params) (plan, error) {
	setup, err := ddbTable(p.resource, false)
	if err != nil {
		return plan{}, err
	}
	puts, err := ddbItems(p, false)
	if err != nil {
		return plan{}, err
	}
	gets := make([]request, p.keys)
	for i := range gets {
		if gets[i], err = ddbRequest("GetItem", map[string]any{
			"TableName": p.resource, "Key": map[string]attr{"pk": {"S": keyName(i)}},
		}); err != nil {
			return plan{}, err
		}
	}
	return plan{setup: append(setup, stepsOf(puts)...), requests: gets}, nil
}

func ddbQuery(p params) (plan, error) {
	// The ranged table has its own name, so it never meets a hash-only
	// table of the same name left by PutItem or GetItem.
	p.resource += "-ranged"
	setup, err := ddbTable(p.resource, true)
	if err != nil {
		return plan{}, err
	}
	puts, err := ddbItems(p, true)
	if err != nil {
		return plan{}, err
	}
	queries := make([]request, 16)
	for i := range queries {
		if queries[i], err = ddbRequest("Query", map[string]any{
			"TableName":                 p.resource,
			"KeyConditionExpression":    "pk = :p",
			"ExpressionAttributeValues": map[string]attr{":p": {"S": fmt.Sprintf("p%02d", i)}},
			"Limit":                     25,
		}); err != nil {
			return plan{}, err
		}
	}
	return plan{setup: append(setup, stepsOf(puts)...), requests: queries}, nil
}

// stepsOf turns requests into setup steps that must answer 2xx.
func stepsOf(reqs []request) []step {
	steps := make([]step, len(reqs))
	for i, r := range reqs {
		steps[i] = step{req: r}
	}
	return steps
}
