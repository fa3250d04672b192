package validate

import (
	"strings"
	"testing"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

type keySchemaElement struct {
	_             struct{} `type:"structure"`
	AttributeName *string  `type:"string" required:"true" min:"1" max:"255"`
	KeyType       *string  `type:"string" required:"true" enum:"KeyType"`
}

type provisionedThroughput struct {
	_                  struct{} `type:"structure"`
	ReadCapacityUnits  *int64   `type:"long" required:"true" min:"1"`
	WriteCapacityUnits *int64   `type:"long" required:"true" min:"1"`
}

type globalSecondaryIndex struct {
	_         struct{}           `type:"structure"`
	IndexName *string            `type:"string" required:"true" min:"3" max:"255" pattern:"[a-zA-Z0-9_.-]+"`
	KeySchema []keySchemaElement `type:"list" required:"true" min:"1" max:"2"`
}

type sseSpecification struct {
	_       struct{} `type:"structure"`
	Enabled *bool    `type:"boolean"`
	Ratio   *float64 `type:"double" min:"0.5" max:"2"`
}

type createTableInput struct {
	_                      struct{}                      `type:"structure"`
	TableName              *string                       `type:"string" required:"true" min:"3" max:"255" pattern:"[a-zA-Z0-9_.-]+"`
	KeySchema              []keySchemaElement            `type:"list" required:"true" min:"1" max:"2"`
	BillingMode            *string                       `type:"string" enum:"BillingMode"`
	ProvisionedThroughput  *provisionedThroughput        `type:"structure"`
	GlobalSecondaryIndexes []globalSecondaryIndex        `type:"list"`
	SSESpecification       *sseSpecification             `type:"structure"`
	Tags                   map[string]string             `type:"map" max:"2"`
	Blob                   []byte                        `type:"blob" max:"2"`
	Nested                 map[string][]keySchemaElement `type:"map"`
}

var testService = &protocol.Service{
	Name: "dynamodb",
	Enums: map[string][]string{
		"KeyType":     {"HASH", "RANGE"},
		"BillingMode": {"PROVISIONED", "PAY_PER_REQUEST"},
	},
}

func ptr[T any](v T) *T { return &v }

func validInput() *createTableInput {
	return &createTableInput{
		TableName: ptr("Music"),
		KeySchema: []keySchemaElement{{AttributeName: ptr("Artist"), KeyType: ptr("HASH")}},
	}
}

func TestStruct(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*createTableInput)
		want   []string
	}{
		{name: "valid", modify: func(*createTableInput) {}},
		{
			name:   "missing required",
			modify: func(in *createTableInput) { in.TableName = nil },
			want:   []string{"Value null at 'tableName' failed to satisfy constraint: Member must not be null"},
		},
		{
			name:   "too short",
			modify: func(in *createTableInput) { in.TableName = ptr("ab") },
			want:   []string{"Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3"},
		},
		{
			name:   "length and pattern both",
			modify: func(in *createTableInput) { in.TableName = ptr("a!") },
			want: []string{
				"Value 'a!' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3",
				"Value 'a!' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
			},
		},
		{
			name:   "too long",
			modify: func(in *createTableInput) { in.TableName = ptr(strings.Repeat("x", 256)) },
			want:   []string{"Value '" + strings.Repeat("x", 256) + "' at 'tableName' failed to satisfy constraint: Member must have length less than or equal to 255"},
		},
		{
			name:   "enum",
			modify: func(in *createTableInput) { in.BillingMode = ptr("FREE") },
			want:   []string{"Value 'FREE' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]"},
		},
		{
			name:   "empty list",
			modify: func(in *createTableInput) { in.KeySchema = []keySchemaElement{} },
			want:   []string{"Value '[]' at 'keySchema' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		},
		{
			name: "numeric range in nested structure",
			modify: func(in *createTableInput) {
				in.ProvisionedThroughput = &provisionedThroughput{ReadCapacityUnits: ptr(int64(0))}
			},
			want: []string{
				"Value '0' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1",
				"Value null at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must not be null",
			},
		},
		{
			name: "list element paths, depth first",
			modify: func(in *createTableInput) {
				in.KeySchema = append(in.KeySchema, keySchemaElement{KeyType: ptr("SORT")})
				in.GlobalSecondaryIndexes = []globalSecondaryIndex{
					{IndexName: ptr("ok_index"), KeySchema: []keySchemaElement{{AttributeName: ptr("a"), KeyType: ptr("HASH")}}},
					{IndexName: ptr("x")},
				}
				in.BillingMode = ptr("bad")
			},
			want: []string{
				"Value null at 'keySchema.2.member.attributeName' failed to satisfy constraint: Member must not be null",
				"Value 'SORT' at 'keySchema.2.member.keyType' failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]",
				"Value 'bad' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]",
				"Value 'x' at 'globalSecondaryIndexes.2.member.indexName' failed to satisfy constraint: Member must have length greater than or equal to 3",
				"Value null at 'globalSecondaryIndexes.2.member.keySchema' failed to satisfy constraint: Member must not be null",
			},
		},
		{
			name: "list of structures rendered",
			modify: func(in *createTableInput) {
				in.KeySchema = []keySchemaElement{
					{AttributeName: ptr("a"), KeyType: ptr("HASH")},
					{AttributeName: ptr("b"), KeyType: ptr("RANGE")},
					{AttributeName: ptr("c"), KeyType: ptr("RANGE")},
				}
			},
			want: []string{"Value '[keySchemaElement(attributeName=a, keyType=HASH), keySchemaElement(attributeName=b, keyType=RANGE), keySchemaElement(attributeName=c, keyType=RANGE)]' at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2"},
		},
		{
			name:   "lowerCamel keeps the rest of the name",
			modify: func(in *createTableInput) { in.SSESpecification = &sseSpecification{Ratio: ptr(0.25)} },
			want:   []string{"Value '0.25' at 'sSESpecification.ratio' failed to satisfy constraint: Member must have value greater than or equal to 0.5"},
		},
		{
			name:   "map size rendered in key order",
			modify: func(in *createTableInput) { in.Tags = map[string]string{"b": "2", "a": "1", "c": "3"} },
			want:   []string{"Value '{a=1, b=2, c=3}' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 2"},
		},
		{
			name:   "blob length",
			modify: func(in *createTableInput) { in.Blob = []byte("abc") },
			want:   []string{"Value 'java.nio.HeapByteBuffer[pos=0 lim=3 cap=3]' at 'blob' failed to satisfy constraint: Member must have length less than or equal to 2"},
		},
		{
			name: "map of lists of structures",
			modify: func(in *createTableInput) {
				in.Nested = map[string][]keySchemaElement{"k": {{AttributeName: ptr("a")}}}
			},
			want: []string{"Value null at 'nested.k.1.member.keyType' failed to satisfy constraint: Member must not be null"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validInput()
			tt.modify(in)
			got := Struct(in, testService)
			var lines []string
			for _, v := range got {
				lines = append(lines, v.String())
			}
			if strings.Join(lines, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestStructEdgeCases(t *testing.T) {
	tests := []struct {
		name string
		in   any
		svc  *protocol.Service
		want int
	}{
		{name: "nil", in: nil, want: 0},
		{name: "nil pointer", in: (*createTableInput)(nil), want: 0},
		{name: "not a struct", in: ptr("x"), want: 0},
		{name: "struct value", in: createTableInput{}, svc: testService, want: 2},
		{name: "no service skips enums", in: &createTableInput{TableName: ptr("abc"), KeySchema: []keySchemaElement{{AttributeName: ptr("a"), KeyType: ptr("nope")}}}, want: 0},
		{name: "empty", in: &protocol.Empty{}, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Struct(tt.in, tt.svc); len(got) != tt.want {
				t.Errorf("got %d violations %v, want %d", len(got), got, tt.want)
			}
		})
	}
}

func TestMessage(t *testing.T) {
	null := Violation{Path: "tableName", Value: "null", Constraint: "Member must not be null"}
	short := Violation{Path: "tableName", Value: "'ab'", Constraint: "Member must have length greater than or equal to 3"}
	tests := []struct {
		name string
		in   []Violation
		want string
	}{
		{name: "none", want: ""},
		{name: "one", in: []Violation{null}, want: "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null"},
		{name: "two", in: []Violation{null, short}, want: "2 validation errors detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null; Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Message(tt.in); got != tt.want {
				t.Errorf("Message = %q, want %q", got, tt.want)
			}
			err := Error("ValidationException", tt.in)
			if (err == nil) != (len(tt.in) == 0) {
				t.Fatalf("Error = %v", err)
			}
			if err != nil && (err.Code != "ValidationException" || err.Status != 400 || err.Message != tt.want) {
				t.Errorf("Error = %+v", err)
			}
		})
	}
}

func BenchmarkStructCreateTable(b *testing.B) {
	in := validInput()
	in.BillingMode = ptr("PROVISIONED")
	in.ProvisionedThroughput = &provisionedThroughput{ReadCapacityUnits: ptr(int64(5)), WriteCapacityUnits: ptr(int64(5))}
	in.KeySchema = append(in.KeySchema, keySchemaElement{AttributeName: ptr("SongTitle"), KeyType: ptr("RANGE")})
	in.GlobalSecondaryIndexes = []globalSecondaryIndex{
		{IndexName: ptr("by_album"), KeySchema: []keySchemaElement{{AttributeName: ptr("Album"), KeyType: ptr("HASH")}}},
		{IndexName: ptr("by_year"), KeySchema: []keySchemaElement{{AttributeName: ptr("Year"), KeyType: ptr("HASH")}}},
	}
	in.Tags = map[string]string{"env": "test"}
	b.ReportAllocs()
	for b.Loop() {
		if vs := Struct(in, testService); len(vs) != 0 {
			b.Fatal(vs)
		}
	}
}
