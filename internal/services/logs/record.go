package logs

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strconv"

	"github.com/unkai-cloud/unkai/internal/api/logsapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// recordRef is what a Logs Insights @ptr names: one event of a stream.
type recordRef struct {
	ts            int64
	seq           uint64
	group, stream string
}

// parseRecordPointer reads a pointer made by recordPointer; false when s is
// not one.
func parseRecordPointer(s string) (recordRef, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return recordRef{}, false
	}
	var r recordRef
	var n int
	if r.ts, n = binary.Varint(b); n <= 0 {
		return recordRef{}, false
	}
	b = b[n:]
	if r.seq, n = binary.Uvarint(b); n <= 0 {
		return recordRef{}, false
	}
	b = b[n:]
	glen, n := binary.Uvarint(b)
	if n <= 0 || glen == 0 || glen > uint64(len(b)-n) {
		return recordRef{}, false
	}
	b = b[n:]
	r.group, r.stream = string(b[:glen]), string(b[glen:])
	if r.stream == "" {
		return recordRef{}, false
	}
	return r, true
}

// GetLogRecord returns the fields of the event a Logs Insights result's
// @ptr names, as a query sees them: the system fields (timestamps in epoch
// milliseconds) and the fields discovered in the message. An event that
// is gone, or hidden by its group's retention, is not found. Unmask is
// accepted; unkai masks nothing (no data protection policies yet).
func (p *Provider) GetLogRecord(ctx context.Context, in *logsapi.GetLogRecordRequest) (*logsapi.GetLogRecordResponse, error) {
	ref, ok := parseRecordPointer(deref(in.LogRecordPointer))
	if !ok {
		return nil, errInvalid("The specified log record pointer is invalid.")
	}
	sc := scope.From(ctx)
	ks := newKeyspace(sc.Account, sc.Region)
	var ev *queryEvent
	err := p.store.View(ctx, func(tx storage.Txn) error {
		g, err := getGroup(ctx, tx, ks, ref.group)
		if err != nil {
			return err
		}
		if ref.ts < retentionCutoff(g, p.clock.Now().UnixMilli()) {
			return errResourceNotFound()
		}
		v, err := tx.Get(ctx, eventKey(ks.events(ref.group, ref.stream), ref.ts, ref.seq))
		if errors.Is(err, storage.ErrNotFound) {
			return errResourceNotFound()
		}
		if err != nil {
			return awserr.Internal(err)
		}
		ingest, msg, err := decodeEvent(v)
		if err != nil {
			return awserr.Internal(err)
		}
		ev = &queryEvent{account: sc.Account, group: ref.group, stream: ref.stream, ts: ref.ts, ingest: ingest, seq: ref.seq, msg: msg}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rec := map[string]string{
		fTimestamp: strconv.FormatInt(ev.ts, 10),
		fIngestion: strconv.FormatInt(ev.ingest, 10),
		fMessage:   ev.msg,
		fStream:    ev.stream,
		fLog:       ev.account + ":" + ev.group,
	}
	ev.discover()
	for _, name := range ev.order {
		if _, system := rec[name]; !system {
			rec[name] = ev.fields[name]
		}
	}
	return &logsapi.GetLogRecordResponse{LogRecord: rec}, nil
}
