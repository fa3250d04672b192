package dynamodb

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// streamsCall sends one JSON request of the Streams API through its codec
// and the provider's handler.
func (f *fixture) streamsCall(tb testing.TB, op, body string) (int, string) {
	return f.callAPI(tb, 1, "DynamoDBStreams_20120810.", op, body)
}

// streamsRun runs Streams API cases in order.
func (f *fixture) streamsRun(t *testing.T, cases []wireCase) {
	t.Helper()
	runCases(t, f.streamsCall, cases)
}

// mustStreams fails the test unless the Streams call succeeds, and
// decodes its answer.
func (f *fixture) mustStreams(tb testing.TB, op, body string, out any) {
	tb.Helper()
	status, raw := f.streamsCall(tb, op, body)
	if status != http.StatusOK {
		tb.Fatalf("%s %s: %d %s", op, body, status, raw)
	}
	if err := json.Unmarshal([]byte(raw), out); err != nil {
		tb.Fatal(err)
	}
}

// streamTable creates table t with a stream of the given view type and
// returns its stream ARN and shard id.
func (f *fixture) streamTable(tb testing.TB, name, view string) (streamArn, shard string) {
	tb.Helper()
	f.mustCall(tb, "CreateTable", fmt.Sprintf(`{"TableName":%q,"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST",
		"StreamSpecification":{"StreamEnabled":true,"StreamViewType":%q}}`, name, view))
	return f.latestStream(tb, name)
}

// latestStream returns a table's latest stream ARN and its shard id.
func (f *fixture) latestStream(tb testing.TB, name string) (streamArn, shard string) {
	tb.Helper()
	var d struct {
		Table struct{ LatestStreamArn string }
	}
	if err := json.Unmarshal([]byte(f.mustCall(tb, "DescribeTable", `{"TableName":"`+name+`"}`)), &d); err != nil {
		tb.Fatal(err)
	}
	var ds struct {
		StreamDescription struct{ Shards []struct{ ShardId string } }
	}
	f.mustStreams(tb, "DescribeStream", `{"StreamArn":"`+d.Table.LatestStreamArn+`"}`, &ds)
	return d.Table.LatestStreamArn, ds.StreamDescription.Shards[0].ShardId
}

// iteratorOf gets a shard iterator.
func (f *fixture) iteratorOf(tb testing.TB, streamArn, shard, typ, seq string) string {
	tb.Helper()
	body := fmt.Sprintf(`{"StreamArn":%q,"ShardId":%q,"ShardIteratorType":%q`, streamArn, shard, typ)
	if seq != "" {
		body += fmt.Sprintf(`,"SequenceNumber":%q`, seq)
	}
	var out struct{ ShardIterator string }
	f.mustStreams(tb, "GetShardIterator", body+"}", &out)
	return out.ShardIterator
}

// wireRecords is GetRecords' answer as JSON.
type wireRecords struct {
	Records []struct {
		EventID, EventName, EventVersion, EventSource, AwsRegion string
		Dynamodb                                                 struct {
			ApproximateCreationDateTime float64
			Keys, NewImage, OldImage    map[string]any
			SequenceNumber              string
			SizeBytes                   int64
			StreamViewType              string
		}
		UserIdentity *struct{ Type, PrincipalId string }
	}
	NextShardIterator *string
}

// readAll reads a shard from iterator until a page comes back empty.
func (f *fixture) readAll(tb testing.TB, iter string) (wireRecords, string) {
	tb.Helper()
	var all wireRecords
	for iter != "" {
		var page wireRecords
		f.mustStreams(tb, "GetRecords", `{"ShardIterator":"`+iter+`"}`, &page)
		all.Records = append(all.Records, page.Records...)
		iter = ""
		if page.NextShardIterator != nil {
			iter = *page.NextShardIterator
			if len(page.Records) == 0 {
				return all, iter
			}
		}
	}
	return all, ""
}

func TestStreamSpecification(t *testing.T) {
	f := newFixture(t)
	key := `"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"`
	label := "2026-01-02T03:04:05.000"
	streamArn := arnT + "/stream/" + label
	f.run(t, []wireCase{
		{"CreateTable", `{"TableName":"tbl",` + key + `,"StreamSpecification":{"StreamEnabled":true}}`, 400, []string{"ValidationException", msgCreateStreamNeedsView}, nil},
		{"CreateTable", `{"TableName":"tbl",` + key + `,"StreamSpecification":{"StreamEnabled":false,"StreamViewType":"KEYS_ONLY"}}`, 400, []string{msgCreateStreamNoView}, nil},
		{"CreateTable", `{"TableName":"tbl",` + key + `,"StreamSpecification":{"StreamEnabled":true,"StreamViewType":"BAD"}}`, 400, []string{"ValidationException", "streamViewType"}, nil},
		{"CreateTable", `{"TableName":"tbl",` + key + `,"StreamSpecification":{"StreamEnabled":false}}`, 200, nil, []string{"LatestStreamArn"}},
		{"UpdateTable", `{"TableName":"tbl","StreamSpecification":{"StreamEnabled":false}}`, 400, []string{"Table has no stream to disable: TableName: tbl"}, nil},
		{"UpdateTable", `{"TableName":"tbl","StreamSpecification":{"StreamEnabled":true}}`, 400, []string{msgStreamViewRequired}, nil},
		{"UpdateTable", `{"TableName":"tbl","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"KEYS_ONLY"}}`, 200,
			[]string{`"LatestStreamArn":"` + streamArn + `"`, `"LatestStreamLabel":"` + label + `"`, `"StreamSpecification":{"StreamEnabled":true,"StreamViewType":"KEYS_ONLY"}`}, nil},
		{"UpdateTable", `{"TableName":"tbl","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"}}`, 400, []string{"Table already has an enabled stream: TableName: tbl"}, nil},
		{"UpdateTable", `{"TableName":"tbl","StreamSpecification":{"StreamEnabled":false,"StreamViewType":"KEYS_ONLY"}}`, 400, []string{msgStreamViewForbidden}, nil},
		{"DescribeTable", `{"TableName":"tbl"}`, 200, []string{`"LatestStreamArn":"` + streamArn + `"`, `"StreamViewType":"KEYS_ONLY"`}, nil},
		{"UpdateTable", `{"TableName":"tbl","StreamSpecification":{"StreamEnabled":false}}`, 200, []string{`"LatestStreamArn":"` + streamArn + `"`}, []string{"StreamSpecification"}},
		// Re-enabled in the same millisecond: a new stream, a new label.
		{"UpdateTable", `{"TableName":"tbl","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"}}`, 200, []string{`"LatestStreamLabel":"2026-01-02T03:04:05.001"`}, nil},
	})
	f.streamsRun(t, []wireCase{
		{"ListStreams", `{}`, 200, []string{`"StreamArn":"` + streamArn + `"`, `"StreamLabel":"2026-01-02T03:04:05.001"`}, nil},
		{"DescribeStream", `{"StreamArn":"` + streamArn + `"}`, 200, []string{`"StreamStatus":"DISABLED"`, `"EndingSequenceNumber":"1`, `"StreamViewType":"KEYS_ONLY"`,
			`"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]`, `"TableName":"tbl"`, `"ShardId":"shardId-`}, []string{"ParentShardId"}},
		{"DescribeStream", `{"StreamArn":"` + arnT + `/stream/2026-01-02T03:04:05.001"}`, 200, []string{`"StreamStatus":"ENABLED"`, `"StreamViewType":"NEW_IMAGE"`}, []string{"EndingSequenceNumber"}},
	})
	f.run(t, []wireCase{{"DeleteTable", `{"TableName":"tbl"}`, 200, nil, nil}})
	f.streamsRun(t, []wireCase{
		{"DescribeStream", `{"StreamArn":"` + arnT + `/stream/2026-01-02T03:04:05.001"}`, 200, []string{`"StreamStatus":"DISABLED"`, `"EndingSequenceNumber"`}, nil},
		{"ListStreams", `{}`, 200, []string{"05.000", "05.001"}, []string{"LastEvaluatedStreamArn"}},
	})
}

func TestStreamRecordsByViewType(t *testing.T) {
	for _, view := range []string{viewKeysOnly, viewNewImage, viewOldImage, viewNewAndOld} {
		t.Run(view, func(t *testing.T) {
			f := newFixture(t)
			streamArn, shard := f.streamTable(t, "tbl", view)
			writes := []struct{ op, body string }{
				{"PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"a"},"v":{"N":"1"}}}`},
				{"PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"a"},"v":{"N":"1.0"}}}`}, // unchanged: no record
				{"UpdateItem", `{"TableName":"tbl","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET w = :w","ExpressionAttributeValues":{":w":{"SS":["x","y"]}}}`},
				{"UpdateItem", `{"TableName":"tbl","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET w = :w","ExpressionAttributeValues":{":w":{"SS":["y","x"]}}}`}, // same set
				{"DeleteItem", `{"TableName":"tbl","Key":{"pk":{"S":"a"}}}`},
				{"DeleteItem", `{"TableName":"tbl","Key":{"pk":{"S":"a"}}}`},                                            // missing: no record
				{"PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"c"}},"ConditionExpression":"attribute_exists(pk)"}`}, // fails: no record
				{"BatchWriteItem", `{"RequestItems":{"tbl":[{"PutRequest":{"Item":{"pk":{"S":"b"}}}}]}}`},
				{"TransactWriteItems", `{"TransactItems":[{"Update":{"TableName":"tbl","Key":{"pk":{"S":"b"}},"UpdateExpression":"SET n = :n","ExpressionAttributeValues":{":n":{"N":"2"}}}},{"Put":{"TableName":"tbl","Item":{"pk":{"S":"d"}}}}]}`},
				{"ExecuteStatement", `{"Statement":"INSERT INTO tbl VALUE {'pk':'e'}"}`},
			}
			for _, w := range writes {
				f.call(t, w.op, w.body)
			}
			recs, _ := f.readAll(t, f.iteratorOf(t, streamArn, shard, iterTrimHorizon, ""))
			type want struct {
				event, key string
				old, new   string
			}
			wants := []want{
				{"INSERT", "a", "", `{"pk":{"S":"a"},"v":{"N":"1"}}`},
				{"MODIFY", "a", `{"pk":{"S":"a"},"v":{"N":"1"}}`, `{"pk":{"S":"a"},"v":{"N":"1"},"w":{"SS":["x","y"]}}`},
				// The equal set was written, in its new order, without a record.
				{"REMOVE", "a", `{"pk":{"S":"a"},"v":{"N":"1"},"w":{"SS":["y","x"]}}`, ""},
				{"INSERT", "b", "", `{"pk":{"S":"b"}}`},
				{"MODIFY", "b", `{"pk":{"S":"b"}}`, `{"n":{"N":"2"},"pk":{"S":"b"}}`},
				{"INSERT", "d", "", `{"pk":{"S":"d"}}`},
				{"INSERT", "e", "", `{"pk":{"S":"e"}}`},
			}
			if len(recs.Records) != len(wants) {
				t.Fatalf("%d records, want %d: %+v", len(recs.Records), len(wants), recs.Records)
			}
			ids := map[string]bool{}
			last := ""
			for i, r := range recs.Records {
				w := wants[i]
				d := r.Dynamodb
				if r.EventName != w.event || r.EventVersion != "1.1" || r.EventSource != "aws:dynamodb" || r.AwsRegion != testRegion || d.StreamViewType != view {
					t.Fatalf("record %d: %+v", i, r)
				}
				if fmt.Sprint(d.Keys) != fmt.Sprint(map[string]any{"pk": map[string]any{"S": w.key}}) {
					t.Fatalf("record %d keys %v", i, d.Keys)
				}
				checkImage(t, i, "old", d.OldImage, w.old, view == viewOldImage || view == viewNewAndOld)
				checkImage(t, i, "new", d.NewImage, w.new, view == viewNewImage || view == viewNewAndOld)
				if len(d.SequenceNumber) < 21 || d.SequenceNumber <= last || ids[r.EventID] || d.SizeBytes < 1 || r.UserIdentity != nil {
					t.Fatalf("record %d: seq %s after %s, id %s, size %d", i, d.SequenceNumber, last, r.EventID, d.SizeBytes)
				}
				if d.ApproximateCreationDateTime != float64(epoch.Unix()) {
					t.Fatalf("record %d time %v", i, d.ApproximateCreationDateTime)
				}
				last, ids[r.EventID] = d.SequenceNumber, true
			}
		})
	}
}

// checkImage compares an image of a record with the JSON expected.
func checkImage(t *testing.T, i int, name string, got map[string]any, want string, shown bool) {
	t.Helper()
	if !shown || want == "" {
		if got != nil {
			t.Fatalf("record %d has %s image %v", i, name, got)
		}
		return
	}
	var w map[string]any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, w) {
		t.Fatalf("record %d %s image %v, want %v", i, name, got, w)
	}
}

func TestStreamSizeBytes(t *testing.T) {
	f := newFixture(t)
	streamArn, shard := f.streamTable(t, "tbl", viewNewAndOld)
	f.mustCall(t, "PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"ab"},"v":{"S":"xyz"}}}`)
	f.mustCall(t, "PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"ab"}}}`)
	recs, _ := f.readAll(t, f.iteratorOf(t, streamArn, shard, iterTrimHorizon, ""))
	// Keys (pk "ab": 4 bytes) plus the images: 4+4 for the new item, then
	// 8 old + 4 new.
	for i, want := range []int64{12, 16} {
		if got := recs.Records[i].Dynamodb.SizeBytes; got != want {
			t.Errorf("record %d SizeBytes %d, want %d", i, got, want)
		}
	}
}

func TestShardIterators(t *testing.T) {
	f := newFixture(t)
	streamArn, shard := f.streamTable(t, "tbl", viewKeysOnly)
	for i := 0; i < 3; i++ {
		f.mustCall(t, "PutItem", fmt.Sprintf(`{"TableName":"tbl","Item":{"pk":{"S":"k%d"}}}`, i))
	}
	all, _ := f.readAll(t, f.iteratorOf(t, streamArn, shard, iterTrimHorizon, ""))
	seqs := []string{}
	for _, r := range all.Records {
		seqs = append(seqs, r.Dynamodb.SequenceNumber)
	}
	keysOf := func(iter string) []string {
		recs, _ := f.readAll(t, iter)
		var out []string
		for _, r := range recs.Records {
			out = append(out, fmt.Sprint(r.Dynamodb.Keys["pk"].(map[string]any)["S"]))
		}
		return out
	}
	var ds struct {
		StreamDescription struct {
			Shards []struct {
				SequenceNumberRange struct{ StartingSequenceNumber string }
			}
		}
	}
	f.mustStreams(t, "DescribeStream", `{"StreamArn":"`+streamArn+`"}`, &ds)
	latest := f.iteratorOf(t, streamArn, shard, iterLatest, "")
	tests := []struct {
		name string
		iter string
		want []string
	}{
		{"trim horizon", f.iteratorOf(t, streamArn, shard, iterTrimHorizon, ""), []string{"k0", "k1", "k2"}},
		{"at", f.iteratorOf(t, streamArn, shard, iterAt, seqs[1]), []string{"k1", "k2"}},
		{"after", f.iteratorOf(t, streamArn, shard, iterAfter, seqs[1]), []string{"k2"}},
		{"at shard start", f.iteratorOf(t, streamArn, shard, iterAt, ds.StreamDescription.Shards[0].SequenceNumberRange.StartingSequenceNumber), []string{"k0", "k1", "k2"}},
		{"latest", latest, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := keysOf(tt.iter); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("keys %v, want %v", got, tt.want)
			}
		})
	}
	// The LATEST iterator sees what comes after it, once.
	f.mustCall(t, "PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"k3"}}}`)
	recs, next := f.readAll(t, latest)
	if len(recs.Records) != 1 || next == "" {
		t.Fatalf("after LATEST: %+v, next %q", recs.Records, next)
	}
	if more, _ := f.readAll(t, next); len(more.Records) != 0 {
		t.Fatalf("read twice: %+v", more.Records)
	}
	// Limit pages.
	var page wireRecords
	f.mustStreams(t, "GetRecords", `{"ShardIterator":"`+f.iteratorOf(t, streamArn, shard, iterTrimHorizon, "")+`","Limit":2}`, &page)
	if len(page.Records) != 2 || page.NextShardIterator == nil {
		t.Fatalf("limited page: %+v", page)
	}
}

func TestStreamErrors(t *testing.T) {
	f := newFixture(t)
	streamArn, shard := f.streamTable(t, "tbl", viewKeysOnly)
	f.mustCall(t, "CreateTable", strings.Replace(simpleTable, `"tbl"`, `"plain"`, 1))
	f.mustCall(t, "PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"a"}}}`)
	iter := f.iteratorOf(t, streamArn, shard, iterTrimHorizon, "")
	tampered := []byte(iter)
	tampered[len(tampered)/2] ^= 1
	other := strings.Replace(streamArn, "111122223333", "999988887777", 1)
	gsi := func(typ, seq string) string {
		s := fmt.Sprintf(`{"StreamArn":%q,"ShardId":%q,"ShardIteratorType":%q`, streamArn, shard, typ)
		if seq != "" {
			s += fmt.Sprintf(`,"SequenceNumber":%q`, seq)
		}
		return s + "}"
	}
	f.streamsRun(t, []wireCase{
		{"ListStreams", `{"Limit":101}`, 400, []string{"ValidationException", "Member must have value less than or equal to 100"}, nil},
		{"ListStreams", `{"Limit":0}`, 400, []string{"ValidationException"}, nil},
		{"ListStreams", `{"TableName":"plain"}`, 200, []string{`"Streams":[]`}, nil},
		{"ListStreams", `{"TableName":"nope"}`, 400, []string{"ResourceNotFoundException", "Requested resource not found: Table: nope not found"}, nil},
		{"ListStreams", `{"ExclusiveStartStreamArn":"kossaapaaasdafsdaasdasdasdasasdasfadfadfasdasdas"}`, 400, []string{"ValidationException"}, nil},
		{"ListStreams", `{"ExclusiveStartStreamArn":"` + streamArn + `"}`, 200, []string{`"Streams":[]`}, nil},
		{"DescribeStream", `{"StreamArn":"sdfadfsdfnlfkajakfgjalksfgklasjklasdjfklasdfasdfgasf"}`, 400, []string{"ValidationException", msgInvalidStreamArn}, nil},
		{"DescribeStream", `{"StreamArn":"` + arnT + `/stream/2020-01-01T00:00:00.000"}`, 400, []string{"ResourceNotFoundException", "Requested resource not found: Stream: " + arnT + "/stream/2020-01-01T00:00:00.000 not found"}, nil},
		{"DescribeStream", `{"StreamArn":"` + other + `"}`, 400, []string{"ResourceNotFoundException"}, nil},
		{"DescribeStream", `{"StreamArn":"` + streamArn + `","Limit":101}`, 400, []string{"ValidationException"}, nil},
		{"DescribeStream", `{"StreamArn":"` + streamArn + `","ExclusiveStartShardId":"` + shard + `"}`, 200, []string{`"Shards":[]`}, nil},
		{"GetShardIterator", `{"StreamArn":"` + streamArn + `","ShardId":"shardId-00000000000000000000-00000000","ShardIteratorType":"LATEST"}`, 400, []string{"ResourceNotFoundException", msgShardNotFound}, nil},
		{"GetShardIterator", gsi(iterAt, ""), 400, []string{"ValidationException", "AT_SEQUENCE_NUMBER"}, nil},
		{"GetShardIterator", gsi(iterLatest, "1000000000000000000000"), 400, []string{"ValidationException"}, nil},
		{"GetShardIterator", gsi(iterAfter, "sdfsafglldfngjdafnasdflgnaldklkafdsgklnasdlv"), 400, []string{"ValidationException"}, nil},
		{"GetShardIterator", gsi(iterAfter, "1000000000000000000000000000000"), 400, []string{"ValidationException", msgInvalidSeq[:10]}, nil},
		{"GetShardIterator", gsi("bulle", ""), 400, []string{"ValidationException"}, nil},
		{"GetRecords", `{"ShardIterator":"sdfsdfsgagaddafgagasgasgasdfasdfasdfasdfasdgasdasdgasdg"}`, 400, []string{"ValidationException", msgInvalidIterator}, nil},
		{"GetRecords", `{"ShardIterator":"` + string(tampered) + `"}`, 400, []string{"ValidationException"}, nil},
		{"GetRecords", `{"ShardIterator":"` + iter + `","Limit":1001}`, 400, []string{"ValidationException", "less than or equal to 1000"}, nil},
		{"GetRecords", `{"ShardIterator":"` + iter + `"}`, 200, []string{`"eventName":"INSERT"`}, nil},
	})
	f.clk.Advance(16 * time.Minute)
	f.streamsRun(t, []wireCase{
		{"GetRecords", `{"ShardIterator":"` + iter + `"}`, 400, []string{"ExpiredIteratorException", "The iterator is only valid for 15 minutes."}, nil},
	})
}

func TestStreamRetention(t *testing.T) {
	f := newFixture(t)
	streamArn, shard := f.streamTable(t, "tbl", viewNewImage)
	f.mustCall(t, "PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"old"}}}`)
	old, _ := f.readAll(t, f.iteratorOf(t, streamArn, shard, iterTrimHorizon, ""))
	oldSeq := old.Records[0].Dynamodb.SequenceNumber
	f.clk.Advance(20 * time.Hour)
	f.mustCall(t, "PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"new"}}}`)
	f.clk.Advance(4*time.Hour - 5*time.Minute)
	horizon := f.iteratorOf(t, streamArn, shard, iterTrimHorizon, "")
	f.clk.Advance(10 * time.Minute)
	if err := f.p.sweepStreams(f.ctx); err != nil {
		t.Fatal(err)
	}
	f.streamsRun(t, []wireCase{
		{"GetRecords", `{"ShardIterator":"` + horizon + `"}`, 400, []string{"TrimmedDataAccessException"}, nil},
		{"GetShardIterator", fmt.Sprintf(`{"StreamArn":%q,"ShardId":%q,"ShardIteratorType":"AT_SEQUENCE_NUMBER","SequenceNumber":%q}`, streamArn, shard, oldSeq), 400, []string{"TrimmedDataAccessException"}, nil},
	})
	recs, _ := f.readAll(t, f.iteratorOf(t, streamArn, shard, iterTrimHorizon, ""))
	if len(recs.Records) != 1 || recs.Records[0].Dynamodb.NewImage["pk"].(map[string]any)["S"] != "new" {
		t.Fatalf("after trim: %+v", recs.Records)
	}
	// Disabled streams stay readable for 24 hours, then vanish.
	f.mustCall(t, "UpdateTable", `{"TableName":"tbl","StreamSpecification":{"StreamEnabled":false}}`)
	recs, next := f.readAll(t, f.iteratorOf(t, streamArn, shard, iterTrimHorizon, ""))
	if len(recs.Records) != 1 || next != "" {
		t.Fatalf("closed shard: %+v next %q", recs.Records, next)
	}
	f.clk.Advance(23 * time.Hour)
	if err := f.p.sweepStreams(f.ctx); err != nil {
		t.Fatal(err)
	}
	f.streamsRun(t, []wireCase{{"DescribeStream", `{"StreamArn":"` + streamArn + `"}`, 200, []string{`"StreamStatus":"DISABLED"`}, nil}})
	f.clk.Advance(2 * time.Hour)
	f.streamsRun(t, []wireCase{
		{"DescribeStream", `{"StreamArn":"` + streamArn + `"}`, 400, []string{"ResourceNotFoundException"}, nil},
		{"ListStreams", `{}`, 200, []string{`"Streams":[]`}, nil},
	})
	if err := f.p.sweepStreams(f.ctx); err != nil {
		t.Fatal(err)
	}
	start, end := storage.PrefixRange(storage.Key(Name))
	it := f.p.store.Scan(f.ctx, start, end, storage.ScanOptions{})
	defer it.Close()
	for it.Next() {
		if k := string(it.Key()); strings.Contains(k, "log") || strings.Contains(k, "streams") {
			t.Fatalf("key %q left after the stream expired", k)
		}
	}
}

func TestStreamUserIdentity(t *testing.T) {
	f := newFixture(t)
	streamArn, shard := f.streamTable(t, "tbl", viewOldImage)
	f.mustCall(t, "PutItem", `{"TableName":"tbl","Item":{"pk":{"S":"a"}}}`)
	sc := scope.From(f.ctx)
	err := f.p.store.Update(f.ctx, func(tx storage.Txn) error {
		sch, err := f.p.schemas.loadSchema(f.ctx, tx, sc, "tbl")
		if err != nil {
			return err
		}
		old := attr.Item{"pk": {S: ptr("a")}}
		_, err = writeItem(f.ctx, tx, sc, sch, &tableStats{Indexes: map[string]counts{}}, old, nil, f.p.ttlChange())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	recs, _ := f.readAll(t, f.iteratorOf(t, streamArn, shard, iterTrimHorizon, ""))
	if len(recs.Records) != 2 {
		t.Fatalf("records %+v", recs.Records)
	}
	if u := recs.Records[1].UserIdentity; recs.Records[1].EventName != "REMOVE" || u == nil || u.Type != "Service" || u.PrincipalId != "dynamodb.amazonaws.com" {
		t.Fatalf("TTL record %+v", recs.Records[1])
	}
}

func TestStreamPositions(t *testing.T) {
	tests := []struct {
		seq string
		ok  bool
	}{
		{position{Stamp: 1785000000123456789, N: 7}.seq(), true},
		{position{}.seq(), true},
		{position{Stamp: ^uint64(0), N: ^uint32(0)}.seq(), true},
		{"1" + strings.Repeat("9", 30), false},
		{"2" + strings.Repeat("0", 30), false},
		{"100000000000000000000", false},
		{"1000000000000000000000000000x00", false},
	}
	for _, tt := range tests {
		p, ok := parseSeq(tt.seq)
		if ok != tt.ok {
			t.Fatalf("parseSeq(%s) ok %v", tt.seq, ok)
		}
		if ok && p.seq() != tt.seq {
			t.Fatalf("round trip %s → %s", tt.seq, p.seq())
		}
	}
	for _, it := range []iterator{
		{table: "t", label: "l", from: position{Stamp: 5, N: 6}, issued: epoch},
		{account: otherAccount, table: "t", label: "l", from: position{Stamp: 5, N: 6}, issued: epoch},
	} {
		got, ok := decodeIterator(it.encode())
		if !ok || got != it {
			t.Fatalf("iterator round trip %+v", got)
		}
	}
	// An iterator of the first version (no account) reads the caller's stream.
	v1 := []byte{iteratorV1, 1, 't', 1, 'l'}
	v1 = binary.BigEndian.AppendUint64(v1, 5)
	v1 = binary.BigEndian.AppendUint32(v1, 6)
	v1 = binary.BigEndian.AppendUint64(v1, uint64(epoch.UnixMilli()))
	v1 = binary.BigEndian.AppendUint32(v1, crc32.ChecksumIEEE(v1))
	got, ok := decodeIterator(base64.RawURLEncoding.EncodeToString(v1))
	if want := (iterator{table: "t", label: "l", from: position{Stamp: 5, N: 6}, issued: epoch}); !ok || got != want {
		t.Fatalf("version 1 iterator: %+v %v", got, ok)
	}
}
