package main

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Model is the part of an api-2.json file the generator reads.
type Model struct {
	Metadata   Metadata              `json:"metadata"`
	Operations map[string]*Operation `json:"operations"`
	Shapes     map[string]*Shape     `json:"shapes"`
}

// Metadata is a model's service-level metadata.
type Metadata struct {
	APIVersion     string        `json:"apiVersion"`
	EndpointPrefix string        `json:"endpointPrefix"`
	JSONVersion    string        `json:"jsonVersion"`
	Protocol       string        `json:"protocol"`
	ServiceID      string        `json:"serviceId"`
	SigningName    string        `json:"signingName"`
	TargetPrefix   string        `json:"targetPrefix"`
	XMLNamespace   *XMLNamespace `json:"xmlNamespace"`
}

// Operation is one operation of a model.
type Operation struct {
	Name string `json:"name"`
	HTTP struct {
		Method       string `json:"method"`
		RequestURI   string `json:"requestUri"`
		ResponseCode int    `json:"responseCode"`
	} `json:"http"`
	Input  *Ref  `json:"input"`
	Output *Ref  `json:"output"`
	Errors []Ref `json:"errors"`
}

// Ref is a reference to a shape with the traits the referrer adds: a
// structure member, a list element, a map key or value, an operation's input
// or output.
type Ref struct {
	Shape            string        `json:"shape"`
	Location         string        `json:"location"`
	LocationName     string        `json:"locationName"`
	QueryName        string        `json:"queryName"`
	Flattened        bool          `json:"flattened"`
	XMLAttribute     bool          `json:"xmlAttribute"`
	XMLNamespace     *XMLNamespace `json:"xmlNamespace"`
	Streaming        bool          `json:"streaming"`
	IdempotencyToken bool          `json:"idempotencyToken"`
	HostLabel        bool          `json:"hostLabel"`
	JSONValue        bool          `json:"jsonvalue"`
	TimestampFormat  string        `json:"timestampFormat"`
	ResultWrapper    string        `json:"resultWrapper"`
	Enum             []string      `json:"enum"`
}

// XMLNamespace is an xmlNamespace trait. Models spell it either as an object
// {"uri": ..., "prefix": ...} or, in service metadata, as a bare URI string.
type XMLNamespace struct {
	URI    string `json:"uri"`
	Prefix string `json:"prefix"`
}

// UnmarshalJSON accepts both spellings of the trait.
func (x *XMLNamespace) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &x.URI)
	}
	type plain XMLNamespace
	return json.Unmarshal(b, (*plain)(x))
}

// Shape is one shape of a model.
type Shape struct {
	Type            string        `json:"type"`
	Members         Members       `json:"members"`
	Required        []string      `json:"required"`
	Member          *Ref          `json:"member"`
	Key             *Ref          `json:"key"`
	Value           *Ref          `json:"value"`
	Min             *json.Number  `json:"min"`
	Max             *json.Number  `json:"max"`
	Pattern         string        `json:"pattern"`
	Enum            []string      `json:"enum"`
	Flattened       bool          `json:"flattened"`
	Streaming       bool          `json:"streaming"`
	JSONValue       bool          `json:"jsonvalue"`
	TimestampFormat string        `json:"timestampFormat"`
	LocationName    string        `json:"locationName"`
	XMLNamespace    *XMLNamespace `json:"xmlNamespace"`
	Payload         string        `json:"payload"`
	XMLOrder        []string      `json:"xmlOrder"`
	Exception       bool          `json:"exception"`
	Fault           bool          `json:"fault"`
	Error           *struct {
		Code           string `json:"code"`
		HTTPStatusCode int    `json:"httpStatusCode"`
		SenderFault    *bool  `json:"senderFault"`
	} `json:"error"`
}

// Member is a named member of a structure shape.
type Member struct {
	Name string
	Ref
}

// Members are a structure's members in the order the model declares them
// (which is the order XML and query serializers write them in).
type Members []Member

// UnmarshalJSON decodes a JSON object keeping its key order.
func (ms *Members) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("members: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("members: want an object, got %v", tok)
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("members: %w", err)
		}
		name, ok := tok.(string)
		if !ok {
			return fmt.Errorf("members: want a name, got %v", tok)
		}
		if seen[name] {
			return fmt.Errorf("members: duplicate member %q", name)
		}
		seen[name] = true
		m := Member{Name: name}
		if err := dec.Decode(&m.Ref); err != nil {
			return fmt.Errorf("member %s: %w", name, err)
		}
		*ms = append(*ms, m)
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("members: %w", err)
	}
	return nil
}

// ParseModel decodes an api-2.json document.
func ParseModel(b []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("parse model: %w", err)
	}
	return &m, nil
}
