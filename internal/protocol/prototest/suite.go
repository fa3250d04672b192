package prototest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// Suite is one entry of a protocol test file: shapes and metadata shared by
// its cases.
type Suite struct {
	Description string           `json:"description"`
	Metadata    Metadata         `json:"metadata"`
	Shapes      map[string]Shape `json:"shapes"`
	Cases       []Case           `json:"cases"`
}

// Metadata is the service metadata a suite declares.
type Metadata struct {
	Protocol     string `json:"protocol"`
	APIVersion   string `json:"apiVersion"`
	JSONVersion  string `json:"jsonVersion"`
	TargetPrefix string `json:"targetPrefix"`
}

// Shape is a model shape as the protocol tests spell it (a subset of api-2.json).
type Shape struct {
	Type            string        `json:"type"`
	Members         Members       `json:"members"`
	Member          *Ref          `json:"member"`
	Key             *Ref          `json:"key"`
	Value           *Ref          `json:"value"`
	Required        []string      `json:"required"`
	Min             *float64      `json:"min"`
	Max             *float64      `json:"max"`
	Pattern         string        `json:"pattern"`
	Enum            []string      `json:"enum"`
	Flattened       bool          `json:"flattened"`
	Location        string        `json:"location"`
	LocationName    string        `json:"locationName"`
	XMLNamespace    *XMLNamespace `json:"xmlNamespace"`
	Payload         string        `json:"payload"`
	Streaming       bool          `json:"streaming"`
	TimestampFormat string        `json:"timestampFormat"`
	ResultWrapper   string        `json:"resultWrapper"`
	Union           bool          `json:"union"`
}

// Ref is a reference to a shape with the traits the reference adds: a
// structure member, a list member, a map key or value, or an operation's
// input or output.
type Ref struct {
	Shape            string        `json:"shape"`
	Location         string        `json:"location"`
	LocationName     string        `json:"locationName"`
	QueryName        string        `json:"queryName"`
	Flattened        bool          `json:"flattened"`
	XMLAttribute     bool          `json:"xmlAttribute"`
	XMLNamespace     *XMLNamespace `json:"xmlNamespace"`
	TimestampFormat  string        `json:"timestampFormat"`
	JSONValue        bool          `json:"jsonvalue"`
	IdempotencyToken bool          `json:"idempotencyToken"`
	HostLabel        bool          `json:"hostLabel"`
	Streaming        bool          `json:"streaming"`
	// ResultWrapper and Payload appear on an operation's output and input.
	ResultWrapper string `json:"resultWrapper"`
	Payload       string `json:"payload"`
}

// Member is one named member of a structure shape.
type Member struct {
	Name string
	Ref
}

// Members holds a structure's members in declaration order.
type Members []Member

// UnmarshalJSON reads a JSON object keeping its key order.
func (ms *Members) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fmt.Errorf("members: want an object: %v", err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("members: %w", err)
		}
		name, _ := tok.(string)
		var r Ref
		if err := dec.Decode(&r); err != nil {
			return fmt.Errorf("member %s: %w", name, err)
		}
		*ms = append(*ms, Member{Name: name, Ref: r})
	}
	return nil
}

// XMLNamespace is an xmlNamespace trait: a URI and an optional prefix.
type XMLNamespace struct {
	URI    string `json:"uri"`
	Prefix string `json:"prefix"`
}

// UnmarshalJSON accepts the object form and a bare URI string.
func (ns *XMLNamespace) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '"' {
		return json.Unmarshal(data, &ns.URI)
	}
	type plain XMLNamespace
	return json.Unmarshal(data, (*plain)(ns))
}

// Case is one test case: an operation (Given) and either a request
// (Params, Serialized) or a response (Result, Response).
type Case struct {
	Given Given `json:"given"`
	// Params is the client-side input, generic JSON.
	Params any `json:"params"`
	// Serialized is the request a client sends for Params.
	Serialized *Serialized `json:"serialized"`
	// Result is the client-side output, generic JSON.
	Result any `json:"result"`
	// Response is the response a client parses into Result.
	Response *Response `json:"response"`
	// ID names the case in subtests and Skip: "<suite description>#<n>",
	// n counting the cases of suites with that description from 1.
	ID string `json:"-"`
	// Suite is the suite the case belongs to.
	Suite *Suite `json:"-"`
}

// Given is the operation a case exercises.
type Given struct {
	Name   string `json:"name"`
	HTTP   *HTTP  `json:"http"`
	Input  *Ref   `json:"input"`
	Output *Ref   `json:"output"`
}

// HTTP is an operation's http trait.
type HTTP struct {
	Method       string `json:"method"`
	RequestURI   string `json:"requestUri"`
	ResponseCode int    `json:"responseCode"`
}

// Serialized is the request of an input case.
type Serialized struct {
	Method        string            `json:"method"`
	URI           string            `json:"uri"`
	Body          string            `json:"body"`
	Headers       map[string]string `json:"headers"`
	Host          string            `json:"host"`
	ForbidHeaders []string          `json:"forbidHeaders"`
}

// Response is the response of an output case.
type Response struct {
	StatusCode int               `json:"status_code"`
	Headers    map[string]string `json:"headers"`
	Body       *string           `json:"body"`
}

// LoadFile reads a protocol test file and names its cases.
func LoadFile(path string) ([]*Suite, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("prototest: %w", err)
	}
	return Parse(data)
}

// Parse decodes the contents of a protocol test file and names its cases.
func Parse(data []byte) ([]*Suite, error) {
	var suites []*Suite
	if err := json.Unmarshal(data, &suites); err != nil {
		return nil, fmt.Errorf("prototest: decode suites: %w", err)
	}
	seen := map[string]int{}
	for _, s := range suites {
		if s == nil {
			return nil, fmt.Errorf("prototest: null suite")
		}
		for i := range s.Cases {
			seen[s.Description]++
			s.Cases[i].ID = s.Description + "#" + strconv.Itoa(seen[s.Description])
			s.Cases[i].Suite = s
		}
	}
	return suites, nil
}

// Load reads the cases of one direction ("input" or "output") of one
// protocol ("json", "rest-json", "rest-xml", "query", "ec2").
func Load(direction, proto string) ([]*Suite, error) {
	dir, err := Dir()
	if err != nil {
		return nil, err
	}
	if direction != "input" && direction != "output" {
		return nil, fmt.Errorf("prototest: direction %q: %w", direction, errNoFile)
	}
	return LoadFile(filepath.Join(dir, direction, proto+".json"))
}

// cases flattens suites into their cases.
func cases(suites []*Suite) []*Case {
	var out []*Case
	for _, s := range suites {
		for i := range s.Cases {
			out = append(out, &s.Cases[i])
		}
	}
	return out
}
