package e2e

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/unkai-cloud/unkai/unkaitest"
)

// getObject reads an object whole.
func getObject(t *testing.T, ctx context.Context, c *s3.Client, bucket, key string) []byte {
	t.Helper()
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// waitExport polls DescribeExport until the export ends.
func waitExport(t *testing.T, ctx context.Context, c *dynamodb.Client, exportArn string) *ddbtypes.ExportDescription {
	t.Helper()
	for range 300 {
		out, err := c.DescribeExport(ctx, &dynamodb.DescribeExportInput{ExportArn: aws.String(exportArn)})
		if err != nil {
			t.Fatal(err)
		}
		if out.ExportDescription.ExportStatus != ddbtypes.ExportStatusInProgress {
			return out.ExportDescription
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("export %s did not finish", exportArn)
	return nil
}

// waitImport polls DescribeImport until the import ends.
func waitImport(t *testing.T, ctx context.Context, c *dynamodb.Client, importArn string) *ddbtypes.ImportTableDescription {
	t.Helper()
	for range 300 {
		out, err := c.DescribeImport(ctx, &dynamodb.DescribeImportInput{ImportArn: aws.String(importArn)})
		if err != nil {
			t.Fatal(err)
		}
		if out.ImportTableDescription.ImportStatus != ddbtypes.ImportStatusInProgress {
			return out.ImportTableDescription
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("import %s did not finish", importArn)
	return nil
}

// scanAll returns a table's items keyed by pk.
func scanAll(t *testing.T, ctx context.Context, c *dynamodb.Client, table string) map[string]map[string]any {
	t.Helper()
	out, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatal(err)
	}
	items := map[string]map[string]any{}
	for _, it := range out.Items {
		var m map[string]any
		if err := attributevalue.UnmarshalMap(it, &m); err != nil {
			t.Fatal(err)
		}
		items[fmt.Sprint(m["pk"])] = m
	}
	return items
}

var exportKeySchema = struct {
	defs []ddbtypes.AttributeDefinition
	keys []ddbtypes.KeySchemaElement
}{
	defs: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
	keys: []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
}

// TestDynamoDBExportAndImport exports a table to S3, checks the files
// through S3 and imports the export into a new table.
func TestDynamoDBExportAndImport(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	db := dynamodb.NewFromConfig(srv.AWSConfig())
	sc := s3Client(srv, "")
	if _, err := sc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("exports")}); err != nil {
		t.Fatal(err)
	}
	created, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("src"), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: exportKeySchema.defs, KeySchema: exportKeySchema.keys})
	if err != nil {
		t.Fatal(err)
	}
	tableArn := aws.ToString(created.TableDescription.TableArn)
	_, err = db.ExportTableToPointInTime(ctx, &dynamodb.ExportTableToPointInTimeInput{TableArn: aws.String(tableArn), S3Bucket: aws.String("exports")})
	apiError(t, err, "PointInTimeRecoveryUnavailableException", 400)
	enablePITR(t, ctx, db, "src", 0)
	for i := range 50 {
		item, _ := attributevalue.MarshalMap(map[string]any{"pk": fmt.Sprintf("item-%02d", i), "n": i, "tags": []string{"a", "b"}, "nested": map[string]any{"ok": true}})
		if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("src"), Item: item}); err != nil {
			t.Fatal(err)
		}
	}

	started, err := db.ExportTableToPointInTime(ctx, &dynamodb.ExportTableToPointInTimeInput{
		TableArn: aws.String(tableArn), S3Bucket: aws.String("exports"), S3Prefix: aws.String("snap"), ClientToken: aws.String("e2e")})
	if err != nil {
		t.Fatal(err)
	}
	if started.ExportDescription.ExportStatus != ddbtypes.ExportStatusInProgress {
		t.Errorf("new export: %+v", started.ExportDescription)
	}
	d := waitExport(t, ctx, db, aws.ToString(started.ExportDescription.ExportArn))
	if d.ExportStatus != ddbtypes.ExportStatusCompleted || aws.ToInt64(d.ItemCount) != 50 || d.ExportFormat != ddbtypes.ExportFormatDynamodbJson {
		t.Fatalf("export = %+v", d)
	}
	var summary struct {
		ExportArn, ManifestFilesS3Key, OutputFormat string
		ItemCount                                   int64
	}
	if err := json.Unmarshal(getObject(t, ctx, sc, "exports", aws.ToString(d.ExportManifest)), &summary); err != nil {
		t.Fatal(err)
	}
	if summary.ExportArn != aws.ToString(d.ExportArn) || summary.ItemCount != 50 || summary.OutputFormat != "DYNAMODB_JSON" {
		t.Errorf("manifest-summary.json = %+v", summary)
	}
	lines := 0
	files := bufio.NewScanner(bytes.NewReader(getObject(t, ctx, sc, "exports", summary.ManifestFilesS3Key)))
	var dataPrefix string
	for files.Scan() {
		var mf struct {
			DataFileS3Key string
			ItemCount     int
		}
		if err := json.Unmarshal(files.Bytes(), &mf); err != nil {
			t.Fatal(err)
		}
		dataPrefix = mf.DataFileS3Key[:strings.LastIndexByte(mf.DataFileS3Key, '/')+1]
		zr, err := gzip.NewReader(bytes.NewReader(getObject(t, ctx, sc, "exports", mf.DataFileS3Key)))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(zr)
		for l := range strings.SplitSeq(strings.TrimSpace(string(body)), "\n") {
			if !strings.HasPrefix(l, `{"Item":{`) {
				t.Errorf("data line %s", l)
			}
			lines++
		}
	}
	if lines != 50 || !strings.HasPrefix(dataPrefix, "snap/AWSDynamoDB/") {
		t.Errorf("%d lines under %s", lines, dataPrefix)
	}

	list, err := db.ListExports(ctx, &dynamodb.ListExportsInput{TableArn: aws.String(tableArn)})
	if err != nil || len(list.ExportSummaries) != 1 {
		t.Fatalf("ListExports = %+v, %v", list, err)
	}

	imported, err := db.ImportTable(ctx, &dynamodb.ImportTableInput{
		S3BucketSource: &ddbtypes.S3BucketSource{S3Bucket: aws.String("exports"), S3KeyPrefix: aws.String(dataPrefix)},
		InputFormat:    ddbtypes.InputFormatDynamodbJson, InputCompressionType: ddbtypes.InputCompressionTypeGzip,
		TableCreationParameters: &ddbtypes.TableCreationParameters{TableName: aws.String("copy"), BillingMode: ddbtypes.BillingModePayPerRequest,
			AttributeDefinitions: exportKeySchema.defs, KeySchema: exportKeySchema.keys},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := waitImport(t, ctx, db, aws.ToString(imported.ImportTableDescription.ImportArn))
	if id.ImportStatus != ddbtypes.ImportStatusCompleted || id.ImportedItemCount != 50 || id.ErrorCount != 0 {
		t.Fatalf("import = %+v", id)
	}
	if err := dynamodb.NewTableExistsWaiter(db).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("copy")}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	src, dst := scanAll(t, ctx, db, "src"), scanAll(t, ctx, db, "copy")
	if len(dst) != 50 || fmt.Sprint(src) != fmt.Sprint(dst) {
		t.Errorf("imported items differ:\n%v\n%v", dst, src)
	}
	_, err = db.ImportTable(ctx, &dynamodb.ImportTableInput{
		S3BucketSource: &ddbtypes.S3BucketSource{S3Bucket: aws.String("exports")}, InputFormat: ddbtypes.InputFormatCsv,
		TableCreationParameters: &ddbtypes.TableCreationParameters{TableName: aws.String("copy"), BillingMode: ddbtypes.BillingModePayPerRequest,
			AttributeDefinitions: exportKeySchema.defs, KeySchema: exportKeySchema.keys},
	})
	apiError(t, err, "ResourceInUseException", 400)
}

// TestDynamoDBImportCSV imports a CSV object with typed keys.
func TestDynamoDBImportCSV(t *testing.T) {
	ctx := context.Background()
	srv := unkaitest.Start(t)
	db := dynamodb.NewFromConfig(srv.AWSConfig())
	sc := s3Client(srv, "")
	if _, err := sc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("csv-in")}); err != nil {
		t.Fatal(err)
	}
	body := "pk|rank|city\nalice|1|Paris\nbob|2|\ncarol|x|Rome\n"
	if _, err := sc.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("csv-in"), Key: aws.String("people/part1.csv"), Body: strings.NewReader(body)}); err != nil {
		t.Fatal(err)
	}
	out, err := db.ImportTable(ctx, &dynamodb.ImportTableInput{
		S3BucketSource: &ddbtypes.S3BucketSource{S3Bucket: aws.String("csv-in"), S3KeyPrefix: aws.String("people/")},
		InputFormat:    ddbtypes.InputFormatCsv, InputFormatOptions: &ddbtypes.InputFormatOptions{Csv: &ddbtypes.CsvOptions{Delimiter: aws.String("|")}},
		TableCreationParameters: &ddbtypes.TableCreationParameters{TableName: aws.String("people"), BillingMode: ddbtypes.BillingModePayPerRequest,
			AttributeDefinitions: []ddbtypes.AttributeDefinition{
				{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS},
				{AttributeName: aws.String("rank"), AttributeType: ddbtypes.ScalarAttributeTypeN}},
			KeySchema: []ddbtypes.KeySchemaElement{
				{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}, {AttributeName: aws.String("rank"), KeyType: ddbtypes.KeyTypeRange}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	d := waitImport(t, ctx, db, aws.ToString(out.ImportTableDescription.ImportArn))
	if d.ImportStatus != ddbtypes.ImportStatusCompleted || d.ImportedItemCount != 2 || d.ErrorCount != 1 ||
		d.ProcessedItemCount != 3 {
		t.Fatalf("import = %+v", d)
	}
	items := scanAll(t, ctx, db, "people")
	if fmt.Sprint(items["alice"]) != "map[city:Paris pk:alice rank:1]" || fmt.Sprint(items["bob"]) != "map[pk:bob rank:2]" || len(items) != 2 {
		t.Errorf("items = %v", items)
	}
	list, err := db.ListImports(ctx, &dynamodb.ListImportsInput{})
	if err != nil || len(list.ImportSummaryList) != 1 || list.ImportSummaryList[0].InputFormat != ddbtypes.InputFormatCsv {
		t.Errorf("ListImports = %+v, %v", list, err)
	}
}

// TestDynamoDBExportCLI runs an export with the AWS CLI.
func TestDynamoDBExportCLI(t *testing.T) {
	srv := unkaitest.Start(t)
	runAWS(t, srv, "test", "s3api", "create-bucket", "--bucket", "cli-exports")
	created := runAWS(t, srv, "test", "dynamodb", "create-table", "--table-name", "clitable",
		"--attribute-definitions", "AttributeName=pk,AttributeType=S", "--key-schema", "AttributeName=pk,KeyType=HASH",
		"--billing-mode", "PAY_PER_REQUEST")
	tableArn, _ := created["TableDescription"].(map[string]any)["TableArn"].(string)
	runAWS(t, srv, "test", "dynamodb", "update-continuous-backups", "--table-name", "clitable",
		"--point-in-time-recovery-specification", "PointInTimeRecoveryEnabled=true")
	runAWS(t, srv, "test", "dynamodb", "put-item", "--table-name", "clitable", "--item", `{"pk":{"S":"one"}}`)
	out := runAWS(t, srv, "test", "dynamodb", "export-table-to-point-in-time", "--table-arn", tableArn, "--s3-bucket", "cli-exports")
	exportArn, _ := out["ExportDescription"].(map[string]any)["ExportArn"].(string)
	var desc map[string]any
	for range 300 {
		desc, _ = runAWS(t, srv, "test", "dynamodb", "describe-export", "--export-arn", exportArn)["ExportDescription"].(map[string]any)
		if desc["ExportStatus"] != "IN_PROGRESS" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if desc["ExportStatus"] != "COMPLETED" || desc["ItemCount"] != float64(1) || !strings.HasSuffix(fmt.Sprint(desc["ExportManifest"]), "/manifest-summary.json") {
		t.Errorf("describe-export = %v", desc)
	}
	msg := runAWSFail(t, srv, "dynamodb", "describe-export", "--export-arn", tableArn+"/export/01234567890123-00000000")
	if !strings.Contains(msg, "ExportNotFoundException") {
		t.Errorf("describe-export of an unknown export: %s", msg)
	}
}
