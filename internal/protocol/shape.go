package protocol

// The struct-tag contract of generated shapes.
//
// Every model structure becomes a Go struct whose first field is
//
//	_ struct{} `type:"structure" payload:"Body" xmlNamespace:"uri" xmlPrefix:"p" locationName:"Root"`
//
// (each key present only when the model has the trait; locationName here is
// the structure's own XML element name, used for error and payload roots).
// Every member becomes an exported field named after the member, capitalised
// when the model's name is not. Go types:
//
//	string, character, enum     *string
//	integer, long, byte, short  *int64
//	float, double               *float64
//	boolean                     *bool
//	timestamp                   *time.Time
//	blob                        []byte   (io.Reader when streaming)
//	structure                   *T       (T a generated struct)
//	list                        []E      (E the element's type without the pointer: string, int64, T, []E2 ...)
//	map                         map[string]V (likewise)
//	jsonvalue string            *string  holding raw JSON text
//
// Field tags (each present only when it applies):
//
//	type              the model type of the member's shape: structure list map string integer long float double boolean timestamp blob
//	name              the model's member name, when it differs from the Go field name
//	location          uri querystring header headers statusCode
//	locationName      the model's locationName (wire name: JSON key, XML element, query key, header, label)
//	queryName         ec2 queryName
//	required          "true" for members in the structure's required list
//	min, max          length/size/value bounds of the member's shape (decimal)
//	pattern           regular expression of a string shape
//	enum              the name of the enum shape; Service.Enums holds its values
//	flattened         "true" for flattened XML lists and maps
//	xmlAttribute      "true" when the member is an XML attribute
//	xmlNamespace      namespace URI declared on the member's element
//	xmlPrefix         namespace prefix declared with it
//	timestampFormat   iso8601 rfc822 unixTimestamp, from the member or its shape
//	jsonvalue         "true" for jsonvalue strings
//	streaming         "true" for streaming blob payloads
//	idempotencyToken  "true"
//	hostLabel         "true"
//	locationNameList  a list's element name (list member's locationName; "member" if absent)
//	flattenedList     unused; flattened covers lists
//	locationNameKey   a map's key element name ("key" if absent)
//	locationNameValue a map's value element name ("value" if absent)
//
// For lists and maps the element's own traits that are not carried by its Go
// type (an element list's member name, an element timestamp's format) are
// not represented; AWS's models do not use them in the served services.

import (
	"reflect"
	"strconv"
	"sync"
	"time"
)

// Member is one field of a generated structure, with its tags parsed.
type Member struct {
	// Name is the model's member name.
	Name string
	// Field is the Go field's index in its struct.
	Field int
	// Type is the Go field type.
	Type reflect.Type
	// Kind is the `type` tag: the model type of the member's shape.
	Kind string

	Location          string
	LocationName      string
	QueryName         string
	Required          bool
	HasMin, HasMax    bool
	Min, Max          float64
	Pattern           string
	Enum              string
	Flattened         bool
	XMLAttribute      bool
	XMLNamespace      string
	XMLPrefix         string
	TimestampFormat   string
	JSONValue         bool
	Streaming         bool
	IdempotencyToken  bool
	HostLabel         bool
	LocationNameList  string
	LocationNameKey   string
	LocationNameValue string
}

// WireName is the member's name on the wire: its locationName, or its name.
func (m *Member) WireName() string {
	if m.LocationName != "" {
		return m.LocationName
	}
	return m.Name
}

// ListMemberName is the element name of a list member ("member" by default).
func (m *Member) ListMemberName() string {
	if m.LocationNameList != "" {
		return m.LocationNameList
	}
	return "member"
}

// MapKeyName is the key element name of a map member ("key" by default).
func (m *Member) MapKeyName() string {
	if m.LocationNameKey != "" {
		return m.LocationNameKey
	}
	return "key"
}

// MapValueName is the value element name of a map member ("value" by default).
func (m *Member) MapValueName() string {
	if m.LocationNameValue != "" {
		return m.LocationNameValue
	}
	return "value"
}

// Struct is a generated structure type with its tags parsed.
type Struct struct {
	// Type is the Go struct type (not the pointer).
	Type reflect.Type
	// Members lists the members in declaration order.
	Members []Member
	// Payload names the payload member, if the shape has one.
	Payload string
	// LocationName, XMLNamespace and XMLPrefix are the shape-level traits.
	LocationName string
	XMLNamespace string
	XMLPrefix    string

	byName map[string]int
}

// Member returns the member with the given model name, or nil.
func (s *Struct) Member(name string) *Member {
	i, ok := s.byName[name]
	if !ok {
		return nil
	}
	return &s.Members[i]
}

// PayloadMember returns the payload member, or nil when there is none.
func (s *Struct) PayloadMember() *Member {
	if s.Payload == "" {
		return nil
	}
	return s.Member(s.Payload)
}

// structCache maps reflect.Type to *Struct. Like encoding/json's field cache
// it holds only values derived from immutable types, so sharing it between
// servers in one process is safe.
var structCache sync.Map

// StructOf returns the parsed description of struct type t (a struct, or a
// pointer to one). It panics when t is not a struct: codecs only ever pass
// generated shapes, so that is a programming error.
func StructOf(t reflect.Type) *Struct {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := structCache.Load(t); ok {
		return s.(*Struct)
	}
	s := parseStruct(t)
	actual, _ := structCache.LoadOrStore(t, s)
	return actual.(*Struct)
}

func parseStruct(t reflect.Type) *Struct {
	if t.Kind() != reflect.Struct {
		panic("protocol: StructOf on non-struct type " + t.String())
	}
	s := &Struct{Type: t, byName: map[string]int{}}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag
		if f.Name == "_" {
			s.Payload = tag.Get("payload")
			s.LocationName = tag.Get("locationName")
			s.XMLNamespace = tag.Get("xmlNamespace")
			s.XMLPrefix = tag.Get("xmlPrefix")
			continue
		}
		if !f.IsExported() {
			continue
		}
		m := Member{
			Name:              f.Name,
			Field:             i,
			Type:              f.Type,
			Kind:              tag.Get("type"),
			Location:          tag.Get("location"),
			LocationName:      tag.Get("locationName"),
			QueryName:         tag.Get("queryName"),
			Required:          tag.Get("required") == "true",
			Pattern:           tag.Get("pattern"),
			Enum:              tag.Get("enum"),
			Flattened:         tag.Get("flattened") == "true",
			XMLAttribute:      tag.Get("xmlAttribute") == "true",
			XMLNamespace:      tag.Get("xmlNamespace"),
			XMLPrefix:         tag.Get("xmlPrefix"),
			TimestampFormat:   tag.Get("timestampFormat"),
			JSONValue:         tag.Get("jsonvalue") == "true",
			Streaming:         tag.Get("streaming") == "true",
			IdempotencyToken:  tag.Get("idempotencyToken") == "true",
			HostLabel:         tag.Get("hostLabel") == "true",
			LocationNameList:  tag.Get("locationNameList"),
			LocationNameKey:   tag.Get("locationNameKey"),
			LocationNameValue: tag.Get("locationNameValue"),
		}
		if n := tag.Get("name"); n != "" {
			m.Name = n
		}
		if v, ok := tag.Lookup("min"); ok {
			m.Min, _ = strconv.ParseFloat(v, 64)
			m.HasMin = true
		}
		if v, ok := tag.Lookup("max"); ok {
			m.Max, _ = strconv.ParseFloat(v, 64)
			m.HasMax = true
		}
		if m.Kind == "" {
			m.Kind = KindOf(f.Type)
		}
		s.byName[m.Name] = len(s.Members)
		s.Members = append(s.Members, m)
	}
	return s
}

var timeType = reflect.TypeFor[time.Time]()

// KindOf gives the model type a Go type stands for: what codecs use for
// fields without a `type` tag and for list and map elements.
func KindOf(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return "timestamp"
	case t.Kind() == reflect.String:
		return "string"
	case t.Kind() == reflect.Bool:
		return "boolean"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		return "long"
	case t.Kind() == reflect.Float64 || t.Kind() == reflect.Float32:
		return "double"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return "blob"
	case t.Kind() == reflect.Slice:
		return "list"
	case t.Kind() == reflect.Map:
		return "map"
	case t.Kind() == reflect.Struct:
		return "structure"
	case t.Kind() == reflect.Interface:
		return "blob"
	}
	return ""
}

// Timestamp formats, as the timestampFormat trait spells them.
const (
	TimestampISO8601 = "iso8601"
	TimestampRFC822  = "rfc822"
	TimestampUnix    = "unixTimestamp"
)
