package dynamodb

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

// waitImport polls DescribeImport until the import leaves IN_PROGRESS.
func (f *s3Fixture) waitImport(tb testing.TB, importArn string) *dynamodbapi.ImportTableDescription {
	tb.Helper()
	for range 500 {
		out, err := f.p.handlers.DescribeImport(f.ctx, &dynamodbapi.DescribeImportInput{ImportArn: &importArn})
		if err != nil {
			tb.Fatal(err)
		}
		if deref(out.ImportTableDescription.ImportStatus) != importInProgress {
			return out.ImportTableDescription
		}
		time.Sleep(10 * time.Millisecond)
	}
	tb.Fatalf("import %s still in progress", importArn)
	return nil
}

// importTable starts an import and waits for it.
func (f *s3Fixture) importTable(tb testing.TB, body string) *dynamodbapi.ImportTableDescription {
	tb.Helper()
	var out dynamodbapi.ImportTableOutput
	decodeOut(tb, f.mustCall(tb, "ImportTable", body), &out)
	return f.waitImport(tb, deref(out.ImportTableDescription.ImportArn))
}

// importBody is an ImportTable request for table name (pk S, sk N) from
// bucket "src" under prefix.
func importBody(name, prefix, format, extra string) string {
	return `{"S3BucketSource":{"S3Bucket":"src","S3KeyPrefix":"` + prefix + `"},"InputFormat":"` + format + `"` + extra + `,
		"TableCreationParameters":{"TableName":"` + name + `","BillingMode":"PAY_PER_REQUEST",
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],
		"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]}}`
}

func gzipped(tb testing.TB, s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func zstded(tb testing.TB, s string) []byte {
	w, err := zstd.NewWriter(nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer w.Close()
	return w.EncodeAll([]byte(s), nil)
}

func TestImportFormats(t *testing.T) {
	jsonLines := `{"Item":{"pk":{"S":"a"},"sk":{"N":"1.50"},"m":{"M":{"x":{"L":[{"BOOL":true},{"NULL":true}]}}}}}
{"Item":{"pk":{"S":"b"},"sk":{"N":"2"},"bin":{"B":"AAE="}}}

not json
{"Item":{"pk":{"N":"3"},"sk":{"N":"3"}}}
{"Item":{"sk":{"N":"4"}}}
{"NotItem":{}}
{"Item":{"pk":{"S":"b"},"sk":{"N":"2"},"bin":{"B":"AAI="}}}`
	csvText := "pk,sk,note,extra\na,1.50,hello,\nb,2,\"quoted, text\",x\nc,notanumber,z\n,5,missing key\nd,6,too,many,cells\n"
	tests := []struct {
		name, format, extra string
		objects             map[string][]byte
		imported, errs      int64
		processed           int64
		want                string // the table's items, as a scan shows them
	}{
		{"dynamodb json", "DYNAMODB_JSON", ``, map[string][]byte{"in/a.json": []byte(jsonLines)}, 3, 4, 7,
			`[{"m":{"M":{"x":{"L":[{"BOOL":true},{"NULL":true}]}}},"pk":{"S":"a"},"sk":{"N":"1.5"}},{"bin":{"B":"AAI="},"pk":{"S":"b"},"sk":{"N":"2"}}]`},
		{"dynamodb json gzip", "DYNAMODB_JSON", `,"InputCompressionType":"GZIP"`,
			map[string][]byte{"in/1.json.gz": gzipped(t, jsonLines), "in/2.json.gz": []byte("corrupt"), "other/x": []byte("ignored")}, 3, 5, 7,
			`[{"m":{"M":{"x":{"L":[{"BOOL":true},{"NULL":true}]}}},"pk":{"S":"a"},"sk":{"N":"1.5"}},{"bin":{"B":"AAI="},"pk":{"S":"b"},"sk":{"N":"2"}}]`},
		{"dynamodb json zstd", "DYNAMODB_JSON", `,"InputCompressionType":"ZSTD"`, map[string][]byte{"in/1.zst": zstded(t, jsonLines)}, 3, 4, 7,
			`[{"m":{"M":{"x":{"L":[{"BOOL":true},{"NULL":true}]}}},"pk":{"S":"a"},"sk":{"N":"1.5"}},{"bin":{"B":"AAI="},"pk":{"S":"b"},"sk":{"N":"2"}}]`},
		{"csv with header line", "CSV", ``, map[string][]byte{"in/a.csv": []byte(csvText)}, 2, 3, 5,
			`[{"note":{"S":"hello"},"pk":{"S":"a"},"sk":{"N":"1.5"}},{"extra":{"S":"x"},"note":{"S":"quoted, text"},"pk":{"S":"b"},"sk":{"N":"2"}}]`},
		{"csv with header list and delimiter", "CSV", `,"InputFormatOptions":{"Csv":{"Delimiter":";","HeaderList":["pk","sk","n"]}}`,
			map[string][]byte{"in/a.csv": []byte("a;1;7\nb;2\n")}, 2, 0, 2,
			`[{"n":{"S":"7"},"pk":{"S":"a"},"sk":{"N":"1"}},{"pk":{"S":"b"},"sk":{"N":"2"}}]`},
		{"nothing under the prefix", "CSV", ``, map[string][]byte{"elsewhere": []byte("pk,sk\na,1\n")}, 0, 0, 0, `[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newS3Fixture(t)
			f.bucket(t, "src")
			var size int64
			for k, v := range tt.objects {
				f.putObject(t, "src", k, v)
				if strings.HasPrefix(k, "in/") {
					size += int64(len(v))
				}
			}
			d := f.importTable(t, importBody("imp", "in/", tt.format, tt.extra))
			if deref(d.ImportStatus) != importCompleted || deref64(d.ImportedItemCount) != tt.imported || deref64(d.ErrorCount) != tt.errs ||
				deref64(d.ProcessedItemCount) != tt.processed || deref64(d.ProcessedSizeBytes) != size || d.EndTime == nil ||
				deref(d.TableArn) != tableArnOf("imp") || !strings.HasPrefix(deref(d.ImportArn), tableArnOf("imp")+"/import/") {
				t.Fatalf("import = %+v", d)
			}
			if got := f.scanState(t, "imp"); got != tt.want {
				t.Errorf("table\n%s\nwant\n%s", got, tt.want)
			}
			desc := f.mustCall(t, "DescribeTable", `{"TableName":"imp"}`)
			if !strings.Contains(desc, `"TableStatus":"ACTIVE"`) || !strings.Contains(desc, fmt.Sprintf(`"ItemCount":%d`, strings.Count(tt.want, `"pk":`))) {
				t.Errorf("DescribeTable = %s", desc)
			}
		})
	}
}

func TestImportValidationAndFailure(t *testing.T) {
	f := newS3Fixture(t)
	f.bucket(t, "src")
	f.putObject(t, "src", "in/a.json", []byte(`{"Item":{"pk":{"S":"a"},"sk":{"N":"1"}}}`))
	f.mustCall(t, "CreateTable", `{"TableName":"taken","BillingMode":"PAY_PER_REQUEST",
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]}`)
	f.run(t, []wireCase{
		{"ImportTable", importBody("taken", "in/", "DYNAMODB_JSON", ""), 400, []string{"ResourceInUseException", "taken"}, nil},
		{"ImportTable", importBody("ionic", "in/", "ION", ""), 400, []string{"ValidationException", "ION"}, nil},
		{"ImportTable", importBody("x", "in/", "CSV", ""), 400, []string{"ValidationException", "tableName"}, nil},
		{"ImportTable", strings.Replace(importBody("nodefs", "in/", "CSV", ""), `{"AttributeName":"sk","AttributeType":"N"}`, `{"AttributeName":"zz","AttributeType":"N"}`, 1), 400,
			[]string{"ValidationException"}, nil},
		{"DescribeImport", `{"ImportArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/t/import/01234567890123-abcdef01"}`, 400,
			[]string{"ImportNotFoundException"}, nil},
		{"ListImports", `{"NextToken":"` + strings.Repeat("zz", 64) + `"}`, 400, []string{"ValidationException"}, nil},
	})

	body := importBody("tok", "in/", "DYNAMODB_JSON", `,"ClientToken":"t1"`)
	first := f.importTable(t, body)
	var again dynamodbapi.ImportTableOutput
	decodeOut(t, f.mustCall(t, "ImportTable", body), &again)
	if deref(again.ImportTableDescription.ImportArn) != deref(first.ImportArn) {
		t.Errorf("same token: %s then %s", deref(first.ImportArn), deref(again.ImportTableDescription.ImportArn))
	}
	f.run(t, []wireCase{{"ImportTable", importBody("tok2", "in/", "DYNAMODB_JSON", `,"ClientToken":"t1"`), 400,
		[]string{"ImportConflictException"}, nil}})

	bad := importBody("gone", "in/", "DYNAMODB_JSON", "")
	bad = strings.Replace(bad, `"S3Bucket":"src"`, `"S3Bucket":"no-such-bucket"`, 1)
	d := f.importTable(t, bad)
	if deref(d.ImportStatus) != importFailed || deref(d.FailureCode) != "S3NoSuchBucket" || deref(d.FailureMessage) == "" {
		t.Errorf("import from a missing bucket = %+v", d)
	}
	f.run(t, []wireCase{{"DescribeTable", `{"TableName":"gone"}`, 400, []string{"ResourceNotFoundException"}, nil}})

	var list dynamodbapi.ListImportsOutput
	decodeOut(t, f.mustCall(t, "ListImports", `{"PageSize":1}`), &list)
	var seen []string
	for {
		for _, s := range list.ImportSummaryList {
			seen = append(seen, deref(s.ImportArn))
		}
		if list.NextToken == nil {
			break
		}
		if len(*list.NextToken) < 112 {
			t.Fatalf("NextToken %q", *list.NextToken)
		}
		token := *list.NextToken
		list = dynamodbapi.ListImportsOutput{}
		decodeOut(t, f.mustCall(t, "ListImports", `{"PageSize":1,"NextToken":"`+token+`"}`), &list)
	}
	if len(seen) != 2 {
		t.Errorf("ListImports pages: %v", seen)
	}
	list = dynamodbapi.ListImportsOutput{}
	decodeOut(t, f.mustCall(t, "ListImports", `{"TableArn":"`+tableArnOf("gone")+`"}`), &list)
	if len(list.ImportSummaryList) != 1 || deref(list.ImportSummaryList[0].ImportStatus) != importFailed {
		t.Errorf("ListImports of gone = %+v", list)
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	f := newS3Fixture(t)
	f.bucket(t, "src")
	f.pitrTable(t, "tbl")
	for i := range 300 {
		f.mustCall(t, "PutItem", fmt.Sprintf(`{"TableName":"tbl","Item":{"pk":{"S":"k%03d"},"sk":{"N":"%d"},"ns":{"NS":["1","2.5"]},"l":{"L":[{"S":"x"},{"M":{"b":{"BS":["AQ=="]}}}]}}}`, i, i%7))
	}
	e := f.export(t, `{"TableArn":"`+tableArnOf("tbl")+`","S3Bucket":"src","S3Prefix":"exp"}`)
	id := deref(e.ExportArn)[strings.LastIndexByte(deref(e.ExportArn), '/')+1:]
	d := f.importTable(t, importBody("copy", "exp/AWSDynamoDB/"+id+"/data/", "DYNAMODB_JSON", `,"InputCompressionType":"GZIP"`))
	if deref(d.ImportStatus) != importCompleted || deref64(d.ImportedItemCount) != 300 || deref64(d.ErrorCount) != 0 {
		t.Fatalf("import = %+v", d)
	}
	if got, want := f.scanState(t, "copy"), f.scanState(t, "tbl"); got != want {
		t.Errorf("imported table differs:\n%s\nwant\n%s", got, want)
	}
}
