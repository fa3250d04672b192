package logs

import (
	"fmt"
	"testing"

	"github.com/unkai-cloud/unkai/internal/api/logsapi"
)

func BenchmarkPutLogEvents100(b *testing.B) {
	f := newFixture(b)
	f.mustGroup(b, "/aws/lambda/bench")
	f.mustStream(b, "/aws/lambda/bench", "2026/01/02/[$LATEST]abcdef")
	now := f.now()
	ts := make([]int64, 100)
	msgs := make([]string, 100)
	for i := range ts {
		ts[i] = now - 100 + int64(i)
		msgs[i] = fmt.Sprintf("START RequestId: 8f5b1c2e-0000-4000-8000-%012d Version: $LATEST", i)
	}
	in := putReq("/aws/lambda/bench", "2026/01/02/[$LATEST]abcdef", ts, msgs)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.p.PutLogEvents(f.ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetLogEvents1000(b *testing.B) {
	f := newFixture(b)
	f.mustGroup(b, "g")
	f.mustStream(b, "g", "s")
	now := f.now()
	ts := make([]int64, 1000)
	msgs := make([]string, 1000)
	for i := range ts {
		ts[i] = now - 1000 + int64(i)
		msgs[i] = fmt.Sprintf("line %d of the benchmark stream with some realistic length", i)
	}
	f.mustPut(b, "g", "s", ts, msgs)
	in := &logsapi.GetLogEventsRequest{LogGroupName: ptr("g"), LogStreamName: ptr("s"), StartFromHead: ptr(true), Limit: ptr(int64(1000))}
	b.ReportAllocs()
	for b.Loop() {
		out, err := f.p.GetLogEvents(f.ctx, in)
		if err != nil || len(out.Events) != 1000 {
			b.Fatal(err, len(out.Events))
		}
	}
}
