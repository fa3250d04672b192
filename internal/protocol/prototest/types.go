package prototest

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// ErrRecursive reports a recursive shape the harness cannot give a Go type:
// reflect.StructOf cannot build recursive types, and no declared type (see
// recursive.go) is the one the shape's family needs.
var ErrRecursive = errors.New("recursive shape")

var (
	stringPtr = reflect.TypeFor[*string]()
	int64Ptr  = reflect.TypeFor[*int64]()
	floatPtr  = reflect.TypeFor[*float64]()
	boolPtr   = reflect.TypeFor[*bool]()
	timePtr   = reflect.TypeFor[*time.Time]()
	bytesType = reflect.TypeFor[[]byte]()
	readerTyp = reflect.TypeFor[io.Reader]()
	emptyType = reflect.TypeFor[struct{}]()
)

// builder turns a suite's shapes into Go types following the tag contract
// of internal/protocol/shape.go. One builder serves one case, because an
// operation's input reference may add a payload to its top-level shape.
type builder struct {
	shapes   map[string]Shape
	types    map[string]reflect.Type
	building map[string]bool
	enums    map[string][]string
	// top and topPayload override the payload of the top-level shape.
	top        string
	topPayload string
}

func newBuilder(s *Suite) *builder {
	return &builder{
		shapes:   s.Shapes,
		types:    map[string]reflect.Type{},
		building: map[string]bool{},
		enums:    map[string][]string{},
	}
}

func (b *builder) shape(name string) (Shape, error) {
	sh, ok := b.shapes[name]
	if !ok {
		return Shape{}, fmt.Errorf("unknown shape %q", name)
	}
	return sh, nil
}

// structType returns the Go struct type of structure shape name. A
// structure on a cycle of shape references gets the declared recursive type
// that is exactly what this builder would make of it (see recursive.go), or
// an error wrapping ErrRecursive when none is.
func (b *builder) structType(name string) (reflect.Type, error) {
	if t, ok := b.types[name]; ok {
		return t, nil
	}
	if b.building[name] {
		return nil, fmt.Errorf("shape %s: %w", name, ErrRecursive)
	}
	sh, err := b.shape(name)
	if err != nil {
		return nil, err
	}
	if sh.Type != "structure" {
		return nil, fmt.Errorf("shape %s is a %s, not a structure", name, sh.Type)
	}
	if b.onCycle(name) {
		t, err := b.declaredType(name)
		if err != nil {
			return nil, err
		}
		b.types[name] = t
		return t, nil
	}
	b.building[name] = true
	defer delete(b.building, name)

	fields := []reflect.StructField{{Name: "_", PkgPath: "prototest", Type: emptyType, Tag: b.headTag(name, sh)}}

	required := map[string]bool{}
	for _, r := range sh.Required {
		required[r] = true
	}
	seen := map[string]bool{}
	for _, m := range sh.Members {
		f, err := b.field(m, required[m.Name])
		if err != nil {
			return nil, fmt.Errorf("shape %s: %w", name, err)
		}
		if seen[f.Name] {
			return nil, fmt.Errorf("shape %s: two members map to field %s", name, f.Name)
		}
		seen[f.Name] = true
		fields = append(fields, f)
	}
	t := reflect.StructOf(fields)
	b.types[name] = t
	return t, nil
}

// headTag is the tag of the `_` field of structure shape name: the
// shape-level traits, and the payload the operation's reference may add to
// the top-level shape.
func (b *builder) headTag(name string, sh Shape) reflect.StructTag {
	payload := sh.Payload
	if name == b.top && b.topPayload != "" {
		payload = b.topPayload
	}
	var head tags
	head.add("type", "structure")
	head.add("payload", payload)
	if ns := sh.XMLNamespace; ns != nil {
		head.add("xmlNamespace", ns.URI)
		head.add("xmlPrefix", ns.Prefix)
	}
	head.add("locationName", sh.LocationName)
	return head.tag()
}

// field builds the struct field of one member.
func (b *builder) field(m Member, required bool) (reflect.StructField, error) {
	sh, goName, err := b.memberShape(m)
	if err != nil {
		return reflect.StructField{}, err
	}
	t, err := b.memberType(m.Ref, sh)
	if err != nil {
		return reflect.StructField{}, fmt.Errorf("member %s: %w", m.Name, err)
	}
	return reflect.StructField{Name: goName, Type: t, Tag: b.fieldTag(m, sh, required)}, nil
}

// memberShape returns the shape of member m and its Go field name.
func (b *builder) memberShape(m Member) (Shape, string, error) {
	sh, err := b.shape(m.Shape)
	if err != nil {
		return Shape{}, "", err
	}
	goName := exportName(m.Name)
	if !validIdent(goName) {
		return Shape{}, "", fmt.Errorf("member %q is not a Go identifier", m.Name)
	}
	return sh, goName, nil
}

// fieldTag is the struct tag of member m, whose shape is sh. It records the
// values of enum shapes for the service as it goes.
func (b *builder) fieldTag(m Member, sh Shape, required bool) reflect.StructTag {
	var tg tags
	tg.add("type", kindTag(sh.Type))
	if exportName(m.Name) != m.Name {
		tg.add("name", m.Name)
	}
	tg.add("location", or(m.Location, sh.Location))
	tg.add("locationName", or(m.LocationName, sh.LocationName))
	tg.add("queryName", m.QueryName)
	tg.flag("required", required)
	if sh.Min != nil {
		tg.add("min", strconv.FormatFloat(*sh.Min, 'f', -1, 64))
	}
	if sh.Max != nil {
		tg.add("max", strconv.FormatFloat(*sh.Max, 'f', -1, 64))
	}
	tg.add("pattern", sh.Pattern)
	if len(sh.Enum) > 0 {
		tg.add("enum", m.Shape)
		b.enums[m.Shape] = sh.Enum
	}
	tg.flag("flattened", m.Flattened || sh.Flattened)
	tg.flag("xmlAttribute", m.XMLAttribute)
	ns := m.XMLNamespace
	if ns == nil {
		ns = sh.XMLNamespace
	}
	if ns != nil {
		tg.add("xmlNamespace", ns.URI)
		tg.add("xmlPrefix", ns.Prefix)
	}
	if sh.Type == "timestamp" {
		tg.add("timestampFormat", or(m.TimestampFormat, sh.TimestampFormat))
	}
	// A list or map of jsonvalue strings carries the trait on the member:
	// the contract has no place for element traits.
	tg.flag("jsonvalue", m.JSONValue || elemJSONValue(sh))
	tg.flag("streaming", m.Streaming || sh.Streaming)
	tg.flag("idempotencyToken", m.IdempotencyToken)
	tg.flag("hostLabel", m.HostLabel)
	if sh.Type == "list" && sh.Member != nil {
		tg.add("locationNameList", sh.Member.LocationName)
	}
	if sh.Type == "map" {
		if sh.Key != nil {
			tg.add("locationNameKey", sh.Key.LocationName)
		}
		if sh.Value != nil {
			tg.add("locationNameValue", sh.Value.LocationName)
		}
	}
	return tg.tag()
}

func elemJSONValue(sh Shape) bool {
	return (sh.Member != nil && sh.Member.JSONValue) || (sh.Value != nil && sh.Value.JSONValue)
}

// memberType is the Go type of a structure member.
func (b *builder) memberType(ref Ref, sh Shape) (reflect.Type, error) {
	switch sh.Type {
	case "structure":
		t, err := b.structType(ref.Shape)
		if err != nil {
			return nil, err
		}
		return reflect.PointerTo(t), nil
	case "list", "map":
		return b.elemType(ref.Shape)
	case "blob":
		if ref.Streaming || sh.Streaming {
			return readerTyp, nil
		}
		return bytesType, nil
	}
	t, err := scalarType(sh.Type)
	if err != nil {
		return nil, err
	}
	return reflect.PointerTo(t), nil
}

// elemType is the Go type of a shape used as a list or map element (and of
// lists and maps themselves): no pointer for scalars and structures.
func (b *builder) elemType(name string) (reflect.Type, error) {
	sh, err := b.shape(name)
	if err != nil {
		return nil, err
	}
	if sh.Type == "list" || sh.Type == "map" {
		// A cycle of lists and maps with no structure on it never reaches
		// structType's cycle check: Go can declare such a type (type L []L)
		// but reflect cannot build it, and no declared type stands in.
		if b.building[name] {
			return nil, fmt.Errorf("shape %s: %w", name, ErrRecursive)
		}
		b.building[name] = true
		defer delete(b.building, name)
	}
	switch sh.Type {
	case "structure":
		return b.structType(name)
	case "list":
		if sh.Member == nil {
			return nil, fmt.Errorf("list %s has no member", name)
		}
		e, err := b.elemType(sh.Member.Shape)
		if err != nil {
			return nil, err
		}
		return reflect.SliceOf(e), nil
	case "map":
		if sh.Value == nil {
			return nil, fmt.Errorf("map %s has no value", name)
		}
		e, err := b.elemType(sh.Value.Shape)
		if err != nil {
			return nil, err
		}
		return reflect.MapOf(reflect.TypeFor[string](), e), nil
	case "blob":
		return bytesType, nil
	}
	return scalarType(sh.Type)
}

// scalarType is the Go type of a scalar model type, without the pointer.
func scalarType(typ string) (reflect.Type, error) {
	switch typ {
	case "string", "character":
		return stringPtr.Elem(), nil
	case "integer", "long", "byte", "short":
		return int64Ptr.Elem(), nil
	case "float", "double":
		return floatPtr.Elem(), nil
	case "boolean":
		return boolPtr.Elem(), nil
	case "timestamp":
		return timePtr.Elem(), nil
	}
	return nil, fmt.Errorf("unsupported shape type %q", typ)
}

// kindTag maps a model type to the `type` tag values of the contract, which
// spells character as string and byte and short as integer.
func kindTag(typ string) string {
	switch typ {
	case "character":
		return "string"
	case "byte", "short":
		return "integer"
	}
	return typ
}

// tags accumulates a struct tag in a fixed key order.
type tags []string

func (t *tags) add(key, value string) {
	if value != "" {
		*t = append(*t, key+":"+strconv.Quote(value))
	}
}

func (t *tags) flag(key string, on bool) {
	if on {
		t.add(key, "true")
	}
}

func (t tags) tag() reflect.StructTag { return reflect.StructTag(strings.Join(t, " ")) }

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func exportName(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func validIdent(s string) bool {
	if s == "" || s == "_" {
		return false
	}
	for i, r := range s {
		if !unicode.IsLetter(r) && r != '_' && (i == 0 || !unicode.IsDigit(r)) {
			return false
		}
	}
	return unicode.IsUpper([]rune(s)[0])
}

// Built is the service and operation a case runs against.
type Built struct {
	Service   *protocol.Service
	Operation *protocol.Operation
}

// Build makes the Go types of c's input and output shapes and a service
// holding c's operation alone, so cases that reuse an operation name never
// collide. Recursive structures get a declared type (see recursive.go);
// those no declared type fits give an error wrapping ErrRecursive.
func Build(c *Case) (*Built, error) {
	s := c.Suite
	if s == nil {
		return nil, errors.New("prototest: case has no suite")
	}
	b := newBuilder(s)
	op := &protocol.Operation{
		Name:         c.Given.Name,
		HTTPMethod:   "POST",
		RequestURI:   "/",
		ResponseCode: 200,
	}
	if h := c.Given.HTTP; h != nil {
		op.HTTPMethod = or(h.Method, op.HTTPMethod)
		op.RequestURI = or(h.RequestURI, op.RequestURI)
		if h.ResponseCode != 0 {
			op.ResponseCode = h.ResponseCode
		}
	}
	newOf := func(t reflect.Type) func() any {
		return func() any { return reflect.New(t).Interface() }
	}
	op.NewInput = func() any { return &protocol.Empty{} }
	op.NewOutput = func() any { return &protocol.Empty{} }
	if in := c.Given.Input; in != nil && in.Shape != "" {
		b.top, b.topPayload = in.Shape, in.Payload
		t, err := b.structType(in.Shape)
		if err != nil {
			return nil, fmt.Errorf("prototest: input: %w", err)
		}
		op.NewInput = newOf(t)
		op.InputLocationName = in.LocationName
		if in.XMLNamespace != nil {
			op.InputXMLNamespace = in.XMLNamespace.URI
		}
	}
	if out := c.Given.Output; out != nil && out.Shape != "" {
		b.top, b.topPayload = out.Shape, out.Payload
		delete(b.types, out.Shape)
		t, err := b.structType(out.Shape)
		if err != nil {
			return nil, fmt.Errorf("prototest: output: %w", err)
		}
		op.NewOutput = newOf(t)
		op.OutputResultWrapper = out.ResultWrapper
		if op.OutputResultWrapper == "" {
			op.OutputResultWrapper = s.Shapes[out.Shape].ResultWrapper
		}
	}
	if s.Metadata.Protocol == protocol.EC2 {
		op.OutputResultWrapper = ""
	}
	svc := &protocol.Service{
		Name:           "prototest",
		ServiceID:      "ProtoTest",
		EndpointPrefix: "service",
		SigningName:    "service",
		Protocol:       s.Metadata.Protocol,
		APIVersion:     s.Metadata.APIVersion,
		JSONVersion:    s.Metadata.JSONVersion,
		TargetPrefix:   s.Metadata.TargetPrefix,
		Operations:     []*protocol.Operation{op},
		Errors:         map[string]protocol.ErrorShape{},
		Enums:          b.enums,
	}
	if s.Metadata.Protocol == protocol.JSON {
		svc.TargetPrefix = targetPrefix(s)
		svc.JSONVersion = jsonVersion(s)
	}
	return &Built{Service: svc, Operation: op}, nil
}
