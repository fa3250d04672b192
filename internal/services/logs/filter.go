package logs

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"slices"

	"github.com/unkai-cloud/unkai/internal/api/logsapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// FilterLogEvents reads the events of a group's streams that match a
// pattern, interleaved in (timestamp, stream, arrival) order.
func (p *Provider) FilterLogEvents(ctx context.Context, in *logsapi.FilterLogEventsRequest) (*logsapi.FilterLogEventsResponse, error) {
	sc := scope.From(ctx)
	ks := newKeyspace(sc.Account, sc.Region)
	group, err := resolveGroup(sc, in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != nil {
		return nil, errInvalid("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")
	}
	fp, err := parseFilterPattern(deref(in.FilterPattern))
	if err != nil {
		return nil, errInvalid("Invalid filter pattern: %v.", err)
	}
	tok, err := optionalPageToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	limit := pageLimit(in.Limit, maxPageEvents, maxPageEvents)
	now := p.clock.Now().UnixMilli()
	var page []filteredEvent
	more := false
	err = p.store.View(ctx, func(tx storage.Txn) error {
		page, more = page[:0], false
		g, err := getGroup(ctx, tx, ks, group)
		if err != nil {
			return err
		}
		streams, err := filterStreams(ctx, tx, ks, group, in)
		if err != nil {
			return err
		}
		lo := max(derefInt(in.StartTime, minTS), retentionCutoff(g, now))
		m := &mergeHeap{}
		defer m.close()
		for _, s := range streams {
			prefix := ks.events(group, s)
			start, ok := filterStart(prefix, s, lo, tok)
			if !ok {
				continue
			}
			end := storage.PrefixEnd(prefix)
			if in.EndTime != nil {
				end = eventKey(prefix, *in.EndTime, 0)
			}
			if string(start) >= string(end) {
				continue
			}
			if err := m.add(&cursor{stream: s, it: tx.Scan(ctx, start, end, storage.ScanOptions{})}); err != nil {
				return err
			}
		}
		size := 0
		for {
			c, ev, err := m.next()
			if err != nil || c == nil {
				return err
			}
			e := filteredEvent{stream: c.stream, storedEvent: ev}
			if !fp.match(e.msg) {
				continue
			}
			size += len(e.msg) + eventOverhead
			if len(page) == limit || (size > maxPageBytes && len(page) > 0) {
				more = true
				return nil
			}
			page = append(page, e)
		}
	})
	if err != nil {
		return nil, err
	}
	out := &logsapi.FilterLogEventsResponse{
		Events:             make([]logsapi.FilteredLogEvent, 0, len(page)),
		SearchedLogStreams: []logsapi.SearchedLogStream{},
	}
	for _, e := range page {
		out.Events = append(out.Events, logsapi.FilteredLogEvent{
			LogStreamName: ptr(e.stream),
			Timestamp:     ptr(e.ts),
			Message:       ptr(e.msg),
			IngestionTime: ptr(e.ingest),
			EventId:       ptr(eventID(e)),
		})
	}
	if more && len(page) > 0 {
		last := page[len(page)-1]
		out.NextToken = ptr(pageToken{TS: last.ts, Seq: last.seq, Name: last.stream}.String())
	}
	return out, nil
}

// filterStreams lists the streams a FilterLogEvents request searches:
// the named ones that exist, those with the prefix, or all of the group's.
func filterStreams(ctx context.Context, r storage.Reader, ks keyspace, group string, in *logsapi.FilterLogEventsRequest) ([]string, error) {
	if len(in.LogStreamNames) > 0 {
		names := slices.Clone(in.LogStreamNames)
		slices.Sort(names)
		names = slices.Compact(names)
		out := names[:0]
		for _, n := range names {
			_, err := getStream(ctx, r, ks, group, n)
			var ae *awserr.Error
			switch {
			case err == nil:
				out = append(out, n)
			case errors.As(err, &ae) && ae.Code == codeNotFound:
			default:
				return nil, err
			}
		}
		return out, nil
	}
	prefix := ks.streams(group)
	if in.LogStreamNamePrefix != nil {
		prefix = namePrefixKey(prefix, *in.LogStreamNamePrefix)
	}
	return streamNames(ctx, r, prefix)
}

// streamNames lists the names of the streams whose keys start with prefix
// (a group's, or those of its streams with a name prefix).
func streamNames(ctx context.Context, r storage.Reader, prefix []byte) ([]string, error) {
	start, end := storage.PrefixRange(prefix)
	it := r.Scan(ctx, start, end, storage.ScanOptions{})
	defer it.Close()
	var out []string
	for it.Next() {
		s, err := decodeNamedStream(it.Key(), it.Value())
		if err != nil {
			return nil, err
		}
		out = append(out, s.name)
	}
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("logs: scan streams: %w", err)
	}
	return out, nil
}

// filterStart returns where a stream's scan starts: at the lower time
// bound, or after the token's (timestamp, stream, sequence) position.
func filterStart(prefix []byte, stream string, lo int64, tok *pageToken) ([]byte, bool) {
	start := eventKey(prefix, lo, 0)
	if tok == nil {
		return start, true
	}
	var k []byte
	switch {
	case stream < tok.Name:
		if tok.TS == math.MaxInt64 {
			return nil, false
		}
		k = eventKey(prefix, tok.TS+1, 0)
	case stream == tok.Name:
		if tok.Seq == math.MaxUint64 {
			k = eventKey(prefix, tok.TS+1, 0)
		} else {
			k = eventKey(prefix, tok.TS, tok.Seq+1)
		}
	default:
		k = eventKey(prefix, tok.TS, 0)
	}
	if string(k) > string(start) {
		start = k
	}
	return start, true
}

// eventID makes the eventId of an event: unique within its group, since
// it joins the timestamp, a hash of the stream name and the sequence.
func eventID(e filteredEvent) string {
	h := fnv.New64a()
	h.Write([]byte(e.stream))
	return fmt.Sprintf("%020d%020d%020d", uint64(e.ts)^(1<<63), h.Sum64(), e.seq)
}

// filteredEvent is an event with the stream it belongs to.
type filteredEvent struct {
	storedEvent
	stream string
}

// cursor walks one stream's events for the merge.
type cursor struct {
	group  string // set when several groups are merged
	stream string
	it     storage.Iterator
	cur    storedEvent
	ok     bool
}

func (c *cursor) advance() error {
	c.ok = c.it.Next()
	if !c.ok {
		if err := c.it.Err(); err != nil {
			return fmt.Errorf("logs: scan events: %w", err)
		}
		return nil
	}
	e, err := decodeStoredEvent(c.it.Key(), c.it.Value())
	if err != nil {
		return err
	}
	c.cur = e
	return nil
}

// mergeHeap merges stream cursors into one sequence of events, oldest
// first or (newestFirst) newest first; ties go by group, then stream, then
// arrival order. Cursors join with add; next yields the events.
type mergeHeap struct {
	newestFirst bool
	items       []*cursor
	its         []storage.Iterator
	started     bool
}

// add reads c's first event and keeps c when it has one; close closes its
// iterator either way.
func (m *mergeHeap) add(c *cursor) error {
	m.its = append(m.its, c.it)
	if err := c.advance(); err != nil {
		return err
	}
	if c.ok {
		m.items = append(m.items, c)
	}
	return nil
}

// next returns the next event and the cursor it came from (whose group and
// stream name it), advancing that cursor; c is nil when all are done.
func (m *mergeHeap) next() (c *cursor, e storedEvent, err error) {
	if !m.started {
		heap.Init(m)
		m.started = true
	}
	if m.Len() == 0 {
		return nil, storedEvent{}, nil
	}
	c = m.items[0]
	e = c.cur
	if err := c.advance(); err != nil {
		return nil, storedEvent{}, err
	}
	if c.ok {
		heap.Fix(m, 0)
	} else {
		heap.Pop(m)
	}
	return c, e, nil
}

func (m *mergeHeap) Len() int { return len(m.items) }
func (m *mergeHeap) Less(i, j int) bool {
	a, b := m.items[i], m.items[j]
	switch {
	case a.cur.ts != b.cur.ts:
		return (a.cur.ts < b.cur.ts) != m.newestFirst
	case a.group != b.group:
		return a.group < b.group
	case a.stream != b.stream:
		return a.stream < b.stream
	}
	return (a.cur.seq < b.cur.seq) != m.newestFirst
}
func (m *mergeHeap) Swap(i, j int) { m.items[i], m.items[j] = m.items[j], m.items[i] }
func (m *mergeHeap) Push(x any)    { m.items = append(m.items, x.(*cursor)) }
func (m *mergeHeap) Pop() any {
	n := len(m.items) - 1
	c := m.items[n]
	m.items = m.items[:n]
	return c
}

func (m *mergeHeap) close() {
	for _, it := range m.its {
		it.Close()
	}
}
