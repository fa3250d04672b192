package logs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/unkai-cloud/unkai/internal/api/logsapi"
	"github.com/unkai-cloud/unkai/internal/protocol"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

const orderLastEventTime = "LastEventTime"

// CreateLogStream creates a log stream in a group.
func (p *Provider) CreateLogStream(ctx context.Context, in *logsapi.CreateLogStreamRequest) (*protocol.Empty, error) {
	sc := scope.From(ctx)
	ks := newKeyspace(sc.Account, sc.Region)
	group, stream := deref(in.LogGroupName), deref(in.LogStreamName)
	val := (&streamRecord{Created: p.clock.Now().UnixMilli()}).encode()
	key := ks.stream(group, stream)
	return nil, p.store.Update(ctx, func(tx storage.Txn) error {
		if _, err := getGroup(ctx, tx, ks, group); err != nil {
			return err
		}
		_, err := tx.Get(ctx, key)
		switch {
		case err == nil:
			return errStreamExists()
		case !errors.Is(err, storage.ErrNotFound):
			return fmt.Errorf("logs: read stream: %w", err)
		}
		return tx.Put(key, val)
	})
}

// DeleteLogStream deletes a log stream and its events, in batches like
// DeleteLogGroup.
func (p *Provider) DeleteLogStream(ctx context.Context, in *logsapi.DeleteLogStreamRequest) (*protocol.Empty, error) {
	sc := scope.From(ctx)
	ks := newKeyspace(sc.Account, sc.Region)
	group, stream := deref(in.LogGroupName), deref(in.LogStreamName)
	for {
		done := false
		err := p.store.Update(ctx, func(tx storage.Txn) error {
			done = false
			if _, err := getGroup(ctx, tx, ks, group); err != nil {
				return err
			}
			if _, err := getStream(ctx, tx, ks, group, stream); err != nil {
				return err
			}
			n, err := deletePrefix(ctx, tx, ks.events(group, stream), deleteBatchSize)
			if err != nil || n == deleteBatchSize {
				return err
			}
			done = true
			return tx.Delete(ks.stream(group, stream))
		})
		if err != nil || done {
			return nil, err
		}
	}
}

// namedStream is a stream record with its name.
type namedStream struct {
	name string
	rec  *streamRecord
}

// lastEventKey is the LastEventTime sort key: streams without events sort
// first.
func (s namedStream) lastEventKey() int64 {
	if s.rec.Seq == 0 {
		return minTS
	}
	return s.rec.Last
}

// DescribeLogStreams lists a group's streams by name or by last event time.
func (p *Provider) DescribeLogStreams(ctx context.Context, in *logsapi.DescribeLogStreamsRequest) (*logsapi.DescribeLogStreamsResponse, error) {
	sc := scope.From(ctx)
	ks := newKeyspace(sc.Account, sc.Region)
	group, err := resolveGroup(sc, in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	byTime := deref(in.OrderBy) == orderLastEventTime
	if byTime && in.LogStreamNamePrefix != nil {
		return nil, errInvalid("Cannot order by LastEventTime with a logStreamNamePrefix.")
	}
	tok, err := optionalPageToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	desc := derefBool(in.Descending)
	limit := pageLimit(in.Limit, describeLimit, describeLimit)
	var page []namedStream
	more := false
	err = p.store.View(ctx, func(tx storage.Txn) error {
		if _, err := getGroup(ctx, tx, ks, group); err != nil {
			return err
		}
		if byTime {
			page, more, err = streamsByTime(ctx, tx, ks, group, tok, desc, limit)
		} else {
			page, more, err = streamsByName(ctx, tx, ks, group, deref(in.LogStreamNamePrefix), tok, desc, limit)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &logsapi.DescribeLogStreamsResponse{LogStreams: make([]logsapi.LogStream, 0, len(page))}
	gARN := groupARN(sc, group)
	for _, s := range page {
		out.LogStreams = append(out.LogStreams, streamOutput(gARN, s))
	}
	if more && len(page) > 0 {
		last := page[len(page)-1]
		t := pageToken{Name: last.name}
		if byTime {
			t.TS = last.lastEventKey()
		}
		out.NextToken = ptr(t.String())
	}
	return out, nil
}

func streamOutput(groupARN string, s namedStream) logsapi.LogStream {
	ls := logsapi.LogStream{
		LogStreamName: ptr(s.name),
		CreationTime:  ptr(s.rec.Created),
		Arn:           ptr(groupARN + ":log-stream:" + s.name),
		StoredBytes:   ptr(int64(0)), // deprecated for streams: AWS reports zero
	}
	if s.rec.Seq > 0 {
		ls.FirstEventTimestamp = ptr(s.rec.First)
		ls.LastEventTimestamp = ptr(s.rec.Last)
		ls.LastIngestionTime = ptr(s.rec.LastIngest)
		ls.UploadSequenceToken = ptr(sequenceToken(s.rec.Seq))
	}
	return ls
}

// sequenceToken renders a stream's sequence as an upload sequence token.
// AWS no longer checks them; they only have to look like one.
func sequenceToken(seq uint64) string {
	return strconv.FormatUint(seq, 10)
}

// streamsByName pages a group's streams in name order, reading only the
// page from the store.
func streamsByName(ctx context.Context, r storage.Reader, ks keyspace, group, prefix string, tok *pageToken, desc bool, limit int) ([]namedStream, bool, error) {
	start, end := storage.PrefixRange(ks.streams(group))
	if prefix != "" {
		start, end = storage.PrefixRange(namePrefixKey(ks.streams(group), prefix))
	}
	if tok != nil {
		k := ks.stream(group, tok.Name)
		if desc {
			if string(k) < string(end) {
				end = k
			}
		} else if after := storage.KeyAfter(k); string(after) > string(start) {
			start = after
		}
	}
	if string(start) >= string(end) {
		return nil, false, nil
	}
	it := r.Scan(ctx, start, end, storage.ScanOptions{Reverse: desc, Limit: limit + 1})
	defer it.Close()
	var out []namedStream
	for it.Next() {
		s, err := decodeNamedStream(it.Key(), it.Value())
		if err != nil {
			return nil, false, err
		}
		out = append(out, s)
	}
	if err := it.Err(); err != nil {
		return nil, false, fmt.Errorf("logs: scan streams: %w", err)
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// streamsByTime pages a group's streams ordered by last event time, then
// name. It sorts all the group's streams.
func streamsByTime(ctx context.Context, r storage.Reader, ks keyspace, group string, tok *pageToken, desc bool, limit int) ([]namedStream, bool, error) {
	start, end := storage.PrefixRange(ks.streams(group))
	it := r.Scan(ctx, start, end, storage.ScanOptions{})
	defer it.Close()
	var all []namedStream
	for it.Next() {
		s, err := decodeNamedStream(it.Key(), it.Value())
		if err != nil {
			return nil, false, err
		}
		all = append(all, s)
	}
	if err := it.Err(); err != nil {
		return nil, false, fmt.Errorf("logs: scan streams: %w", err)
	}
	compare := func(a, b namedStream) int {
		return cmp.Or(cmp.Compare(a.lastEventKey(), b.lastEventKey()), cmp.Compare(a.name, b.name))
	}
	if desc {
		slices.SortFunc(all, func(a, b namedStream) int { return compare(b, a) })
	} else {
		slices.SortFunc(all, compare)
	}
	if tok != nil {
		mark := namedStream{name: tok.Name, rec: &streamRecord{Seq: 1, Last: tok.TS}}
		if tok.TS == minTS {
			mark.rec.Seq = 0
		}
		i := 0
		for i < len(all) {
			c := compare(all[i], mark)
			if desc {
				c = -c
			}
			if c > 0 {
				break
			}
			i++
		}
		all = all[i:]
	}
	if len(all) > limit {
		return all[:limit], true, nil
	}
	return all, false, nil
}

func decodeNamedStream(key, val []byte) (namedStream, error) {
	parts, err := storage.Decode(key)
	if err != nil || len(parts) != 6 {
		return namedStream{}, fmt.Errorf("%w: stream key", errCorrupt)
	}
	name, _ := parts[5].(string)
	rec, err := decodeStream(val)
	if err != nil {
		return namedStream{}, err
	}
	return namedStream{name: name, rec: rec}, nil
}
