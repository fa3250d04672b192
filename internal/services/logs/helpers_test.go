package logs

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/logsapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/clock"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage/memory"
)

// epoch is the fake clock's start: events near it are accepted.
var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

const (
	testAccount = "111122223333"
	testRegion  = "eu-west-1"
)

type fixture struct {
	p     *Provider
	clk   *clock.Fake
	store *memory.Store
	ctx   context.Context
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	st := memory.New()
	tb.Cleanup(func() { st.Close() })
	clk := clock.NewFake(epoch)
	prov, err := Factory().New(service.Deps{Store: st, Clock: clk})
	if err != nil {
		tb.Fatal(err)
	}
	ctx := scope.With(context.Background(), scope.Scope{Account: testAccount, Region: testRegion})
	return &fixture{p: prov.(*Provider), clk: clk, store: st, ctx: ctx}
}

func (f *fixture) now() int64 { return f.clk.Now().UnixMilli() }

func (f *fixture) mustGroup(tb testing.TB, name string) {
	tb.Helper()
	if _, err := f.p.CreateLogGroup(f.ctx, &logsapi.CreateLogGroupRequest{LogGroupName: ptr(name)}); err != nil {
		tb.Fatalf("CreateLogGroup(%s): %v", name, err)
	}
}

func (f *fixture) mustStream(tb testing.TB, group, stream string) {
	tb.Helper()
	if _, err := f.p.CreateLogStream(f.ctx, &logsapi.CreateLogStreamRequest{LogGroupName: ptr(group), LogStreamName: ptr(stream)}); err != nil {
		tb.Fatalf("CreateLogStream(%s, %s): %v", group, stream, err)
	}
}

// mustPut writes events with the given timestamps and messages "<prefix>-<i>".
func (f *fixture) mustPut(tb testing.TB, group, stream string, ts []int64, msgs []string) *logsapi.PutLogEventsResponse {
	tb.Helper()
	out, err := f.p.PutLogEvents(f.ctx, putReq(group, stream, ts, msgs))
	if err != nil {
		tb.Fatalf("PutLogEvents: %v", err)
	}
	return out
}

func putReq(group, stream string, ts []int64, msgs []string) *logsapi.PutLogEventsRequest {
	in := &logsapi.PutLogEventsRequest{LogGroupName: ptr(group), LogStreamName: ptr(stream)}
	for i, t := range ts {
		msg := fmt.Sprintf("event %d", i)
		if msgs != nil {
			msg = msgs[i]
		}
		in.LogEvents = append(in.LogEvents, logsapi.InputLogEvent{Timestamp: ptr(t), Message: ptr(msg)})
	}
	return in
}

// checkErr fails unless err carries the wanted AWS code (or is nil when
// code is empty) and, when msg is set, that message.
func checkErr(tb testing.TB, err error, code, msg string) {
	tb.Helper()
	if code == "" {
		if err != nil {
			tb.Fatalf("unexpected error: %v", err)
		}
		return
	}
	var ae *awserr.Error
	if !errors.As(err, &ae) {
		tb.Fatalf("error = %v, want AWS error %s", err, code)
	}
	if ae.Code != code || ae.Status != 400 {
		tb.Fatalf("error = %s (%d) %q, want %s", ae.Code, ae.Status, ae.Message, code)
	}
	if msg != "" && ae.Message != msg {
		tb.Fatalf("message = %q, want %q", ae.Message, msg)
	}
}

func messages(evs []logsapi.OutputLogEvent) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = *e.Message
	}
	return out
}
