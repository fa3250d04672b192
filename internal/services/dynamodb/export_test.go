package dynamodb

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/clock"
	"github.com/unkai-cloud/unkai/internal/ids"
	"github.com/unkai-cloud/unkai/internal/protocol/awsjson"
	"github.com/unkai-cloud/unkai/internal/protocol/jsonshape"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/services/s3"
	"github.com/unkai-cloud/unkai/internal/storage"
	"github.com/unkai-cloud/unkai/internal/storage/memory"
)

// s3Fixture is a DynamoDB provider wired to a real S3 provider through
// service.Peers, on one store, as the server provisions them.
type s3Fixture struct {
	*fixture
	s3 *s3api.Handlers
}

// newS3Fixture provisions both providers; background work is stopped
// before the store closes.
func newS3Fixture(tb testing.TB) *s3Fixture {
	tb.Helper()
	st := memory.New()
	tb.Cleanup(func() { st.Close() })
	return newS3FixtureOn(tb, st, clock.NewFake(epoch))
}

// newS3FixtureOn provisions both providers on st, as a restarted server
// does.
func newS3FixtureOn(tb testing.TB, st storage.Store, clk *clock.Fake) *s3Fixture {
	tb.Helper()
	peers := service.NewPeers()
	sp := s3.New(service.Deps{Store: st, BlobDir: tb.TempDir(), Clock: clk, IDs: ids.Generator{}})
	p := New(service.Deps{Store: st, BlobDir: tb.TempDir(), Clock: clk, IDs: ids.Generator{}, Peers: peers})
	for _, api := range append(sp.APIs(), p.APIs()...) {
		peers.Register(api)
	}
	tb.Cleanup(func() { p.Stop(context.Background()) })
	ctx := scope.With(context.Background(), scope.Scope{Account: testAccount, Region: testRegion})
	f := &fixture{p: p, clk: clk, ctx: ctx}
	for _, a := range p.APIs() {
		f.codecs = append(f.codecs, awsjson.New(a.Descriptor))
	}
	h, _ := peers.Handlers(s3api.Descriptor).(*s3api.Handlers)
	return &s3Fixture{fixture: f, s3: h}
}

// bucket creates a bucket.
func (f *s3Fixture) bucket(tb testing.TB, name string) {
	tb.Helper()
	_, err := f.s3.CreateBucket(f.ctx, &s3api.CreateBucketRequest{Bucket: &name,
		CreateBucketConfiguration: &s3api.CreateBucketConfiguration{LocationConstraint: ptr(testRegion)}})
	if err != nil {
		tb.Fatal(err)
	}
}

// object reads an object whole.
func (f *s3Fixture) object(tb testing.TB, bucket, key string) []byte {
	tb.Helper()
	out, err := f.s3.GetObject(f.ctx, &s3api.GetObjectRequest{Bucket: &bucket, Key: &key})
	if err != nil {
		tb.Fatalf("get %s: %v", key, err)
	}
	if c, ok := out.Body.(io.Closer); ok {
		defer c.Close()
	}
	b, err := io.ReadAll(out.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// putObject stores an object.
func (f *s3Fixture) putObject(tb testing.TB, bucket, key string, body []byte) {
	tb.Helper()
	n := int64(len(body))
	if _, err := f.s3.PutObject(f.ctx, &s3api.PutObjectRequest{Bucket: &bucket, Key: &key, Body: bytes.NewReader(body), ContentLength: &n}); err != nil {
		tb.Fatal(err)
	}
}

// keys lists a bucket's keys under prefix.
func (f *s3Fixture) keys(tb testing.TB, bucket, prefix string) []string {
	tb.Helper()
	out, err := f.s3.ListObjectsV2(f.ctx, &s3api.ListObjectsV2Request{Bucket: &bucket, Prefix: &prefix})
	if err != nil {
		tb.Fatal(err)
	}
	var ks []string
	for _, o := range out.Contents {
		ks = append(ks, deref(o.Key))
	}
	return ks
}

// waitExport polls DescribeExport until the export leaves IN_PROGRESS.
func (f *s3Fixture) waitExport(tb testing.TB, exportArn string) *dynamodbapi.ExportDescription {
	tb.Helper()
	for range 500 {
		out, err := f.p.handlers.DescribeExport(f.ctx, &dynamodbapi.DescribeExportInput{ExportArn: &exportArn})
		if err != nil {
			tb.Fatal(err)
		}
		if deref(out.ExportDescription.ExportStatus) != exportInProgress {
			return out.ExportDescription
		}
		time.Sleep(10 * time.Millisecond)
	}
	tb.Fatalf("export %s still in progress", exportArn)
	return nil
}

// export starts an export and waits for it.
func (f *s3Fixture) export(tb testing.TB, body string) *dynamodbapi.ExportDescription {
	tb.Helper()
	var out dynamodbapi.ExportTableToPointInTimeOutput
	decodeOut(tb, f.mustCall(tb, "ExportTableToPointInTime", body), &out)
	if deref(out.ExportDescription.ExportStatus) != exportInProgress && !strings.Contains(body, "ClientToken") {
		tb.Fatalf("new export = %+v", out.ExportDescription)
	}
	return f.waitExport(tb, deref(out.ExportDescription.ExportArn))
}

// exportedLines reads every data file a completed export lists, checking
// the manifests against the files.
func (f *s3Fixture) exportedLines(tb testing.TB, d *dynamodbapi.ExportDescription) []string {
	tb.Helper()
	bucket := deref(d.S3Bucket)
	summaryRaw := f.object(tb, bucket, deref(d.ExportManifest))
	var summary manifestSummary
	if err := json.Unmarshal(summaryRaw, &summary); err != nil {
		tb.Fatal(err)
	}
	if summary.ExportArn != deref(d.ExportArn) || summary.ItemCount != deref64(d.ItemCount) || summary.TableArn != deref(d.TableArn) ||
		summary.OutputFormat != formatDynamoDBJSON || summary.S3Bucket != bucket || summary.BilledSizeBytes != deref64(d.BilledSizeBytes) {
		tb.Errorf("summary %+v for %+v", summary, d)
	}
	sum := md5.Sum(summaryRaw)
	if got := string(f.object(tb, bucket, strings.TrimSuffix(deref(d.ExportManifest), ".json")+".checksum")); got != hex.EncodeToString(sum[:]) {
		tb.Errorf("summary checksum %q", got)
	}
	var lines []string
	var total int64
	sc := bufio.NewScanner(bytes.NewReader(f.object(tb, bucket, summary.ManifestFilesS3Key)))
	for sc.Scan() {
		var mf manifestFile
		if err := json.Unmarshal(sc.Bytes(), &mf); err != nil {
			tb.Fatal(err)
		}
		data := f.object(tb, bucket, mf.DataFileS3Key)
		sum := md5.Sum(data)
		if mf.MD5Checksum != base64.StdEncoding.EncodeToString(sum[:]) || mf.ETag != hex.EncodeToString(sum[:]) {
			tb.Errorf("manifest entry %+v, file md5 %x", mf, sum)
		}
		if !strings.HasSuffix(mf.DataFileS3Key, ".json.gz") || !strings.Contains(mf.DataFileS3Key, "/data/") {
			tb.Errorf("data file key %s", mf.DataFileS3Key)
		}
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			tb.Fatal(err)
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			tb.Fatal(err)
		}
		n := int64(0)
		for l := range strings.SplitSeq(strings.TrimSuffix(string(raw), "\n"), "\n") {
			if l != "" {
				lines = append(lines, l)
				n++
			}
		}
		if n != mf.ItemCount {
			tb.Errorf("file %s: %d lines, manifest says %d", mf.DataFileS3Key, n, mf.ItemCount)
		}
		total += n
	}
	if total != summary.ItemCount {
		tb.Errorf("%d lines, summary says %d", total, summary.ItemCount)
	}
	slices.Sort(lines)
	return lines
}

// decodeOut decodes a response body as a client does.
func decodeOut(tb testing.TB, body string, out any) {
	tb.Helper()
	if err := jsonshape.Decode(strings.NewReader(body), out, jsonshape.DecodeOptions{}); err != nil {
		tb.Fatalf("decode %s: %v", body, err)
	}
}

func deref64(p *int64) int64 {
	if p == nil {
		return -1
	}
	return *p
}

// tableArnOf is the ARN of a table of the test scope.
func tableArnOf(name string) string {
	return tableARN(scope.Scope{Account: testAccount, Region: testRegion}, name)
}

// pitrTable creates table "tbl" (pk S, sk N) with PITR on.
func (f *s3Fixture) pitrTable(tb testing.TB, name string) {
	tb.Helper()
	f.mustCall(tb, "CreateTable", `{"TableName":"`+name+`","BillingMode":"PAY_PER_REQUEST",
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],
		"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]}`)
	f.mustCall(tb, "UpdateContinuousBackups", `{"TableName":"`+name+`","PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":true}}`)
}

func TestExportValidation(t *testing.T) {
	f := newS3Fixture(t)
	f.bucket(t, "dest")
	f.mustCall(t, "CreateTable", `{"TableName":"plain","BillingMode":"PAY_PER_REQUEST",
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]}`)
	f.pitrTable(t, "tbl")
	arnOf := func(n string) string { return `"TableArn":"` + tableArnOf(n) + `","S3Bucket":"dest"` }
	at := func(d time.Duration) string { return fmt.Sprint(epoch.Add(d).Unix()) }
	f.run(t, []wireCase{
		{"ExportTableToPointInTime", `{` + arnOf("plain") + `}`, 400,
			[]string{"PointInTimeRecoveryUnavailableException", "Point in time recovery is not enabled for table 'plain'"}, nil},
		{"ExportTableToPointInTime", `{` + arnOf("nope") + `}`, 400, []string{"TableNotFoundException", "nope"}, nil},
		{"ExportTableToPointInTime", `{"TableArn":"tbl","S3Bucket":"dest"}`, 400, []string{"ValidationException"}, nil},
		{"ExportTableToPointInTime", `{"TableArn":"arn:aws:dynamodb:eu-west-1:999999999999:table/tbl","S3Bucket":"dest"}`, 400,
			[]string{"AccessDeniedException"}, nil},
		{"ExportTableToPointInTime", `{` + arnOf("tbl") + `,"ExportFormat":"ION"}`, 400, []string{"ValidationException", "ION"}, nil},
		{"ExportTableToPointInTime", `{` + arnOf("tbl") + `,"ExportTime":` + at(-time.Hour) + `}`, 400,
			[]string{"InvalidExportTimeException"}, nil},
		{"ExportTableToPointInTime", `{` + arnOf("tbl") + `,"ExportTime":` + at(time.Hour) + `}`, 400,
			[]string{"InvalidExportTimeException"}, nil},
		{"ExportTableToPointInTime", `{` + arnOf("tbl") + `,"ExportType":"INCREMENTAL_EXPORT"}`, 400,
			[]string{"ValidationException", "IncrementalExportSpecification"}, nil},
		{"ExportTableToPointInTime", `{` + arnOf("tbl") + `,"ExportType":"INCREMENTAL_EXPORT","IncrementalExportSpecification":{"ExportFromTime":` +
			at(0) + `,"ExportToTime":` + at(time.Minute) + `}}`, 400, []string{"ValidationException", "15 minutes"}, nil},
		{"ExportTableToPointInTime", `{` + arnOf("tbl") + `,"IncrementalExportSpecification":{}}`, 400, []string{"ValidationException"}, nil},
		{"DescribeExport", `{"ExportArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/tbl/export/01234567890123-abcdef01"}`, 400,
			[]string{"ExportNotFoundException"}, nil},
		{"DescribeExport", `{"ExportArn":"arn:aws:dynamodb:eu-west-1:111122223333:table/tbl/backup/01234567890123-abcdef01"}`, 400,
			[]string{"ExportNotFoundException"}, nil},
	})
}

func TestExportFullAtPointInTime(t *testing.T) {
	tests := []struct {
		name, prefix, wantBase string
	}{
		{"no prefix", "", "AWSDynamoDB/"},
		{"prefix", `,"S3Prefix":"backups/daily"`, "backups/daily/AWSDynamoDB/"},
		{"prefix with slash", `,"S3Prefix":"x/"`, "x/AWSDynamoDB/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newS3Fixture(t)
			f.bucket(t, "dest")
			f.pitrTable(t, "tbl")
			for i := range 5 {
				f.mustCall(t, "PutItem", fmt.Sprintf(`{"TableName":"tbl","Item":{"pk":{"S":"k%d"},"sk":{"N":"%d"},"v":{"B":"AAE="},"s":{"SS":["a","b"]}}}`, i, i))
			}
			f.clk.Advance(time.Minute)
			at := f.clk.Now()
			f.clk.Advance(time.Minute)
			f.mustCall(t, "PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"k0"},"sk":{"N":"0"},"v":{"S":"changed"}}}`)
			f.mustCall(t, "DeleteItem", `{"TableName":"tbl","Key":{"pk":{"S":"k1"},"sk":{"N":"1"}}}`)
			f.mustCall(t, "PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"new"},"sk":{"N":"9"}}}`)
			d := f.export(t, `{"TableArn":"`+tableArnOf("tbl")+`","S3Bucket":"dest","ExportTime":`+fmt.Sprint(float64(at.UnixMilli())/1000)+tt.prefix+`}`)
			if deref(d.ExportStatus) != exportCompleted || deref64(d.ItemCount) != 5 || d.EndTime == nil ||
				!strings.HasPrefix(deref(d.ExportManifest), tt.wantBase) || deref(d.ExportType) != exportFull ||
				deref(d.ExportFormat) != formatDynamoDBJSON || !deref0(d.ExportTime).Equal(at) || deref64(d.BilledSizeBytes) <= 0 {
				t.Fatalf("export = %+v", d)
			}
			if !strings.HasPrefix(deref(d.ExportArn), tableArnOf("tbl")+"/export/") {
				t.Errorf("ExportArn %s", deref(d.ExportArn))
			}
			var want []string
			for i := range 5 {
				want = append(want, fmt.Sprintf(`{"Item":{"pk":{"S":"k%d"},"s":{"SS":["a","b"]},"sk":{"N":"%d"},"v":{"B":"AAE="}}}`, i, i))
			}
			if got := f.exportedLines(t, d); !slices.Equal(got, want) {
				t.Errorf("lines\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			id := deref(d.ExportArn)[strings.LastIndexByte(deref(d.ExportArn), '/')+1:]
			if ks := f.keys(t, "dest", tt.wantBase+id+"/_started"); len(ks) != 1 {
				t.Errorf("_started: %v", ks)
			}
		})
	}
}

func TestExportEmptyTableAndFailures(t *testing.T) {
	f := newS3Fixture(t)
	f.bucket(t, "dest")
	f.pitrTable(t, "tbl")
	d := f.export(t, `{"TableArn":"`+tableArnOf("tbl")+`","S3Bucket":"dest"}`)
	if deref(d.ExportStatus) != exportCompleted || deref64(d.ItemCount) != 0 {
		t.Fatalf("empty export = %+v", d)
	}
	if lines := f.exportedLines(t, d); len(lines) != 0 {
		t.Errorf("lines of an empty table: %v", lines)
	}
	d = f.export(t, `{"TableArn":"`+tableArnOf("tbl")+`","S3Bucket":"missing-bucket"}`)
	if deref(d.ExportStatus) != exportFailed || deref(d.FailureCode) != "S3NoSuchBucket" || deref(d.FailureMessage) == "" || d.EndTime == nil {
		t.Errorf("export to a missing bucket = %+v", d)
	}
}

func TestExportClientTokenAndList(t *testing.T) {
	f := newS3Fixture(t)
	f.bucket(t, "dest")
	f.pitrTable(t, "tbl")
	f.pitrTable(t, "other")
	body := `{"TableArn":"` + tableArnOf("tbl") + `","S3Bucket":"dest","ClientToken":"tok"}`
	first := f.export(t, body)
	again := f.export(t, body)
	if deref(again.ExportArn) != deref(first.ExportArn) {
		t.Errorf("same token and parameters: %s then %s", deref(first.ExportArn), deref(again.ExportArn))
	}
	f.run(t, []wireCase{{"ExportTableToPointInTime", `{"TableArn":"` + tableArnOf("tbl") + `","S3Bucket":"dest","S3Prefix":"p","ClientToken":"tok"}`,
		400, []string{"ExportConflictException"}, nil}})
	f.clk.Advance(tokenWindow + time.Minute)
	if later := f.export(t, body); deref(later.ExportArn) == deref(first.ExportArn) {
		t.Errorf("a token past its window made no new export")
	}
	f.export(t, `{"TableArn":"`+tableArnOf("other")+`","S3Bucket":"dest"}`)

	list := func(body string) dynamodbapi.ListExportsOutput {
		var out dynamodbapi.ListExportsOutput
		decodeOut(t, f.mustCall(t, "ListExports", body), &out)
		return out
	}
	if all := list(`{}`); len(all.ExportSummaries) != 3 || all.NextToken != nil {
		t.Fatalf("ListExports = %+v", all)
	}
	page := list(`{"TableArn":"` + tableArnOf("tbl") + `","MaxResults":1}`)
	var seen []string
	for {
		for _, s := range page.ExportSummaries {
			if !strings.HasPrefix(deref(s.ExportArn), tableArnOf("tbl")+"/") || deref(s.ExportStatus) != exportCompleted || deref(s.ExportType) != exportFull {
				t.Errorf("summary %+v", s)
			}
			seen = append(seen, deref(s.ExportArn))
		}
		if page.NextToken == nil {
			break
		}
		page = list(`{"TableArn":"` + tableArnOf("tbl") + `","MaxResults":1,"NextToken":"` + *page.NextToken + `"}`)
	}
	if len(seen) != 2 || seen[0] == seen[1] {
		t.Errorf("paged exports of tbl: %v", seen)
	}
}

func TestExportIncremental(t *testing.T) {
	f := newS3Fixture(t)
	f.bucket(t, "dest")
	f.pitrTable(t, "tbl")
	put := func(pk, v string) {
		f.mustCall(t, "PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"`+pk+`"},"sk":{"N":"1"},"v":{"S":"`+v+`"}}}`)
	}
	put("same", "0")
	put("upd", "old")
	put("del", "x")
	f.clk.Advance(time.Minute)
	from := f.clk.Now()
	f.clk.Advance(time.Minute)
	put("upd", "mid")
	put("new", "n")
	f.mustCall(t, "DeleteItem", `{"TableName":"tbl","Key":{"pk":{"S":"del"},"sk":{"N":"1"}}}`)
	put("tmp", "t")
	f.mustCall(t, "DeleteItem", `{"TableName":"tbl","Key":{"pk":{"S":"tmp"},"sk":{"N":"1"}}}`)
	f.clk.Advance(time.Minute)
	put("upd", "new")
	lastWrite := f.clk.Now()
	f.clk.Advance(20 * time.Minute)
	to := f.clk.Now()
	f.clk.Advance(time.Minute)
	put("upd", "after")
	put("late", "l")
	ts := func(t time.Time) string { return fmt.Sprint(t.Unix()) }
	micros := func(t time.Time) string { return fmt.Sprint(t.UnixMicro()) }
	for _, tt := range []struct {
		view string
		want []string
	}{
		{"NEW_AND_OLD_IMAGES", []string{
			`{"Metadata":{"WriteTimestampMicros":{"N":"` + micros(lastWrite.Add(-time.Minute)) + `"}},"Keys":{"pk":{"S":"del"},"sk":{"N":"1"}},"OldImage":{"pk":{"S":"del"},"sk":{"N":"1"},"v":{"S":"x"}}}`,
			`{"Metadata":{"WriteTimestampMicros":{"N":"` + micros(lastWrite.Add(-time.Minute)) + `"}},"Keys":{"pk":{"S":"new"},"sk":{"N":"1"}},"NewImage":{"pk":{"S":"new"},"sk":{"N":"1"},"v":{"S":"n"}}}`,
			`{"Metadata":{"WriteTimestampMicros":{"N":"` + micros(lastWrite) + `"}},"Keys":{"pk":{"S":"upd"},"sk":{"N":"1"}},"OldImage":{"pk":{"S":"upd"},"sk":{"N":"1"},"v":{"S":"old"}},"NewImage":{"pk":{"S":"upd"},"sk":{"N":"1"},"v":{"S":"new"}}}`,
		}},
		{"NEW_IMAGE", []string{
			`{"Metadata":{"WriteTimestampMicros":{"N":"` + micros(lastWrite.Add(-time.Minute)) + `"}},"Keys":{"pk":{"S":"del"},"sk":{"N":"1"}}}`,
			`{"Metadata":{"WriteTimestampMicros":{"N":"` + micros(lastWrite.Add(-time.Minute)) + `"}},"Keys":{"pk":{"S":"new"},"sk":{"N":"1"}},"NewImage":{"pk":{"S":"new"},"sk":{"N":"1"},"v":{"S":"n"}}}`,
			`{"Metadata":{"WriteTimestampMicros":{"N":"` + micros(lastWrite) + `"}},"Keys":{"pk":{"S":"upd"},"sk":{"N":"1"}},"NewImage":{"pk":{"S":"upd"},"sk":{"N":"1"},"v":{"S":"new"}}}`,
		}},
	} {
		t.Run(tt.view, func(t *testing.T) {
			d := f.export(t, `{"TableArn":"`+tableArnOf("tbl")+`","S3Bucket":"dest","ExportType":"INCREMENTAL_EXPORT",
				"IncrementalExportSpecification":{"ExportFromTime":`+ts(from)+`,"ExportToTime":`+ts(to)+`,"ExportViewType":"`+tt.view+`"}}`)
			if deref(d.ExportStatus) != exportCompleted || deref64(d.ItemCount) != 3 || deref(d.ExportType) != exportIncremental {
				t.Fatalf("export = %+v", d)
			}
			if got := f.exportedLines(t, d); !slices.Equal(got, tt.want) {
				t.Errorf("lines\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			var summary manifestSummary
			if err := json.Unmarshal(f.object(t, "dest", deref(d.ExportManifest)), &summary); err != nil {
				t.Fatal(err)
			}
			if summary.ExportType != exportIncremental || summary.OutputView != tt.view || summary.Version != manifestVersionIncremental ||
				summary.ExportFromTime != from.UTC().Format(manifestTime) || summary.ExportTime != "" {
				t.Errorf("summary %+v", summary)
			}
		})
	}
}

func TestExportResumesAfterRestart(t *testing.T) {
	st := memory.New()
	t.Cleanup(func() { st.Close() })
	clk := clock.NewFake(epoch)
	f := newS3FixtureOn(t, st, clk)
	f.bucket(t, "dest")
	f.pitrTable(t, "tbl")
	f.mustCall(t, "PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"a"},"sk":{"N":"1"}}}`)
	// A stopped provider records the export but cannot run it, as a crash
	// right after the request leaves it.
	if err := f.p.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	var out dynamodbapi.ExportTableToPointInTimeOutput
	decodeOut(t, f.mustCall(t, "ExportTableToPointInTime", `{"TableArn":"`+tableArnOf("tbl")+`","S3Bucket":"dest"}`), &out)
	time.Sleep(20 * time.Millisecond)
	d, err := f.p.handlers.DescribeExport(f.ctx, &dynamodbapi.DescribeExportInput{ExportArn: out.ExportDescription.ExportArn})
	if err != nil || deref(d.ExportDescription.ExportStatus) != exportInProgress {
		t.Fatalf("before restart: %+v, %v", d, err)
	}
	g := newS3FixtureOn(t, st, clk)
	if err := g.p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	done := g.waitExport(t, deref(out.ExportDescription.ExportArn))
	if deref(done.ExportStatus) != exportCompleted || deref64(done.ItemCount) != 1 {
		t.Fatalf("after restart: %+v", done)
	}
	if jobs, _ := g.p.listJobs(g.ctx, jobExport); len(jobs) != 0 {
		t.Errorf("export jobs left: %v", jobs)
	}
	if lines := g.exportedLines(t, done); len(lines) != 1 {
		t.Errorf("lines %v", lines)
	}
}
