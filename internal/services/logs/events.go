package logs

import (
	"context"
	"fmt"
	"slices"

	"github.com/unkai-cloud/unkai/internal/api/logsapi"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Limits of PutLogEvents and of the pages GetLogEvents and FilterLogEvents
// answer.
const (
	maxBatchEvents = 10000
	maxBatchBytes  = 1048576
	eventOverhead  = 26
	maxBatchSpan   = 24 * 60 * 60 * 1000
	maxEventAge    = 14 * dayMillis
	maxEventAhead  = 2 * 60 * 60 * 1000
	maxPageEvents  = 10000
	maxPageBytes   = 1048576
)

// PutLogEvents appends a batch of events to a stream. Events too old, too
// far in the future or older than the group's retention are skipped and
// reported in rejectedLogEventsInfo; the sequence token is ignored, as AWS
// ignores it.
func (p *Provider) PutLogEvents(ctx context.Context, in *logsapi.PutLogEventsRequest) (*logsapi.PutLogEventsResponse, error) {
	sc := scope.From(ctx)
	ks := newKeyspace(sc.Account, sc.Region)
	group, stream := deref(in.LogGroupName), deref(in.LogStreamName)
	events := in.LogEvents
	if len(events) == 0 {
		return nil, errInvalid("At least one log event must be specified.")
	}
	if len(events) > maxBatchEvents {
		return nil, errInvalid("The batch of log events in a single PutLogEvents request cannot contain more than %d events.", maxBatchEvents)
	}
	size := 0
	for i := range events {
		if i > 0 && derefInt(events[i].Timestamp, 0) < derefInt(events[i-1].Timestamp, 0) {
			return nil, errInvalid("Log events in a single PutLogEvents request must be in chronological order.")
		}
		size += len(deref(events[i].Message)) + eventOverhead
	}
	if size > maxBatchBytes {
		return nil, errInvalid("Upload too large: %d bytes exceeds limit of %d", size, maxBatchBytes)
	}
	first, last := derefInt(events[0].Timestamp, 0), derefInt(events[len(events)-1].Timestamp, 0)
	if last-first > maxBatchSpan {
		return nil, errInvalid("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}

	now := p.clock.Now().UnixMilli()
	tooOld := countBefore(events, now-maxEventAge)
	tooNew := countBefore(events, now+maxEventAhead+1)
	values := make([][]byte, len(events))
	for i := tooOld; i < tooNew; i++ {
		values[i] = encodeEvent(now, deref(events[i].Message))
	}
	prefix := ks.events(group, stream)
	var expired int
	var seq uint64
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		g, err := getGroup(ctx, tx, ks, group)
		if err != nil {
			return err
		}
		s, err := getStream(ctx, tx, ks, group, stream)
		if err != nil {
			return err
		}
		expired = countBefore(events, retentionCutoff(g, now))
		for i := max(tooOld, expired); i < tooNew; i++ {
			ts := derefInt(events[i].Timestamp, 0)
			if s.Seq == 0 || ts < s.First {
				s.First = ts
			}
			if s.Seq == 0 || ts > s.Last {
				s.Last = ts
			}
			s.Seq++
			if err := tx.Put(eventKey(prefix, ts, s.Seq), values[i]); err != nil {
				return fmt.Errorf("logs: put event: %w", err)
			}
			s.LastIngest = now
			s.Bytes += int64(len(deref(events[i].Message)))
		}
		if err := purgeExpired(ctx, tx, prefix, g, s, now); err != nil {
			return err
		}
		seq = s.Seq
		return tx.Put(ks.stream(group, stream), s.encode())
	})
	if err != nil {
		return nil, err
	}
	out := &logsapi.PutLogEventsResponse{NextSequenceToken: ptr(sequenceToken(seq))}
	if tooOld > 0 || expired > 0 || tooNew < len(events) {
		info := &logsapi.RejectedLogEventsInfo{}
		if tooOld > 0 {
			info.TooOldLogEventEndIndex = ptr(int64(tooOld))
		}
		if expired > 0 {
			info.ExpiredLogEventEndIndex = ptr(int64(expired))
		}
		if tooNew < len(events) {
			info.TooNewLogEventStartIndex = ptr(int64(tooNew))
		}
		out.RejectedLogEventsInfo = info
	}
	return out, nil
}

// purgeBatch bounds how many expired events one PutLogEvents removes.
const purgeBatch = 1000

// purgeExpired deletes up to purgeBatch of a stream's events that are past
// the group's retention, so the writes that keep a stream growing also
// keep it trimmed. Reads hide expired events whether or not they are gone.
func purgeExpired(ctx context.Context, tx storage.Txn, prefix []byte, g *groupRecord, s *streamRecord, now int64) error {
	cutoff := retentionCutoff(g, now)
	if cutoff == minTS {
		return nil
	}
	it := tx.Scan(ctx, eventKey(prefix, minTS, 0), eventKey(prefix, cutoff, 0), storage.ScanOptions{Limit: purgeBatch})
	defer it.Close()
	for it.Next() {
		_, msg, err := decodeEvent(it.Value())
		if err != nil {
			return err
		}
		if err := tx.Delete(it.Key()); err != nil {
			return fmt.Errorf("logs: purge event: %w", err)
		}
		s.Bytes = max(0, s.Bytes-int64(len(msg)))
	}
	if err := it.Err(); err != nil {
		return fmt.Errorf("logs: scan expired events: %w", err)
	}
	return nil
}

// countBefore returns how many of the chronologically ordered events have
// a timestamp below ts.
func countBefore(events []logsapi.InputLogEvent, ts int64) int {
	i, _ := slices.BinarySearchFunc(events, ts, func(e logsapi.InputLogEvent, t int64) int {
		if derefInt(e.Timestamp, 0) < t {
			return -1
		}
		return 1
	})
	return i
}

// storedEvent is one event read back from a stream.
type storedEvent struct {
	ts, ingest int64
	seq        uint64
	msg        string
}

func decodeStoredEvent(key, val []byte) (storedEvent, error) {
	ts, seq, err := eventPos(key)
	if err != nil {
		return storedEvent{}, err
	}
	ingest, msg, err := decodeEvent(val)
	if err != nil {
		return storedEvent{}, err
	}
	return storedEvent{ts: ts, ingest: ingest, seq: seq, msg: msg}, nil
}

// GetLogEvents reads a page of one stream's events, oldest first. Without
// a token it reads the newest page (or the oldest with startFromHead); the
// forward and backward tokens continue from either end of the page, and
// come back unchanged when there is nothing more in their direction.
func (p *Provider) GetLogEvents(ctx context.Context, in *logsapi.GetLogEventsRequest) (*logsapi.GetLogEventsResponse, error) {
	sc := scope.From(ctx)
	ks := newKeyspace(sc.Account, sc.Region)
	group, err := resolveGroup(sc, in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	stream := deref(in.LogStreamName)
	limit := pageLimit(in.Limit, maxPageEvents, maxPageEvents)
	forward := derefBool(in.StartFromHead)
	var tokPos *position
	if in.NextToken != nil {
		fwd, pos, err := parseEventToken(*in.NextToken)
		if err != nil {
			return nil, errBadToken()
		}
		forward, tokPos = fwd, &pos
	}
	now := p.clock.Now().UnixMilli()
	prefix := ks.events(group, stream)
	var page []storedEvent
	var lo int64
	err = p.store.View(ctx, func(tx storage.Txn) error {
		page = page[:0]
		g, err := getGroup(ctx, tx, ks, group)
		if err != nil {
			return err
		}
		if _, err := getStream(ctx, tx, ks, group, stream); err != nil {
			return err
		}
		lo = max(derefInt(in.StartTime, minTS), retentionCutoff(g, now))
		start, end := eventKey(prefix, lo, 0), storage.PrefixEnd(prefix)
		if in.EndTime != nil {
			end = eventKey(prefix, *in.EndTime, 0)
		}
		if tokPos != nil {
			k := eventKey(prefix, tokPos.TS, tokPos.Seq)
			if forward && string(k) > string(start) {
				start = k
			} else if !forward && string(k) < string(end) {
				end = k
			}
		}
		if string(start) >= string(end) {
			return nil
		}
		page, err = scanEvents(ctx, tx, start, end, !forward, limit)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &logsapi.GetLogEventsResponse{Events: make([]logsapi.OutputLogEvent, 0, len(page))}
	// One backing array for the members' pointers instead of three
	// allocations per event.
	vals := make([]int64, 2*len(page))
	msgs := make([]string, len(page))
	for i, e := range page {
		vals[2*i], vals[2*i+1], msgs[i] = e.ts, e.ingest, e.msg
		out.Events = append(out.Events, logsapi.OutputLogEvent{
			Timestamp:     &vals[2*i],
			Message:       &msgs[i],
			IngestionTime: &vals[2*i+1],
		})
	}
	var fwdPos, backPos position
	switch {
	case len(page) > 0:
		first, last := page[0], page[len(page)-1]
		backPos = position{TS: first.ts, Seq: first.seq}
		fwdPos = position{TS: last.ts, Seq: last.seq + 1}
	case tokPos != nil:
		fwdPos, backPos = *tokPos, *tokPos
	default:
		fwdPos = position{TS: lo}
		backPos = fwdPos
	}
	out.NextForwardToken = ptr(eventToken(true, fwdPos))
	out.NextBackwardToken = ptr(eventToken(false, backPos))
	return out, nil
}

// scanEvents reads up to limit events (and at most maxPageBytes) of
// [start, end), from the end when reverse, and returns them oldest first.
func scanEvents(ctx context.Context, r storage.Reader, start, end []byte, reverse bool, limit int) ([]storedEvent, error) {
	it := r.Scan(ctx, start, end, storage.ScanOptions{Reverse: reverse, Limit: limit})
	defer it.Close()
	var out []storedEvent
	size := 0
	for it.Next() {
		e, err := decodeStoredEvent(it.Key(), it.Value())
		if err != nil {
			return nil, err
		}
		size += len(e.msg) + eventOverhead
		if size > maxPageBytes && len(out) > 0 {
			break
		}
		out = append(out, e)
	}
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("logs: scan events: %w", err)
	}
	if reverse {
		slices.Reverse(out)
	}
	return out, nil
}
