package dynamodb

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/api/streamsdynamodbapi"
	"github.com/unkai-cloud/unkai/internal/arn"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// The DynamoDB Streams API: ListStreams, DescribeStream, GetShardIterator
// and GetRecords over the streams and logs of stream.go.

// Limits of the Streams API.
const (
	maxListStreams    = 100
	maxDescribeShards = 100
	maxGetRecords     = 1000
	maxRecordsBytes   = 1 << 20
	iteratorLifetime  = 15 * time.Minute
)

// Iterator types.
const (
	iterTrimHorizon = "TRIM_HORIZON"
	iterLatest      = "LATEST"
	iterAt          = "AT_SEQUENCE_NUMBER"
	iterAfter       = "AFTER_SEQUENCE_NUMBER"
)

// Error codes and messages of the Streams API. Where AWS's wording is not
// documented (the sequence number and iterator checks) unkai's own is used.
const (
	codeExpiredIterator = "ExpiredIteratorException"
	codeTrimmed         = "TrimmedDataAccessException"
	msgStreamNotFound   = "Requested resource not found: Stream: %s not found"
	msgShardNotFound    = "Requested resource not found: Shard does not exist"
	msgInvalidStreamArn = "Invalid StreamArn"
	msgInvalidIterator  = "Invalid ShardIterator"
	msgSeqRequired      = "Sequence number is required for shard iterator type %s"
	msgSeqNotAllowed    = "Sequence number must not be specified for shard iterator type %s"
	msgInvalidSeq       = "Invalid SequenceNumber: %s"
	msgTrimmed          = "The operation attempted to read past the oldest stream record in a shard."
	msgExpiredIterator  = "Iterator expired. The iterator was created at time %s while right now it is %s. The iterator is only valid for 15 minutes."
	msgLimitTooHigh     = "1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to %d"
	javaDateLayout      = "Mon Jan 02 15:04:05 MST 2006"
)

// streamsHandlers fills the Streams API's handler registry.
func (p *Provider) streamsHandlers() {
	h := &p.streams
	h.ListStreams = p.listStreams
	h.DescribeStream = p.describeStream
	h.GetShardIterator = p.getShardIterator
	h.GetRecords = p.getRecords
}

// streamARN is a stream's ARN.
func streamARN(sc scope.Scope, table, label string) string {
	return tableARN(sc, table) + "/stream/" + label
}

// parseStreamARN reads the owner's scope, table and label of a stream ARN
// a caller in scope sc names. A malformed ARN is a ValidationException;
// one of another region names no stream the caller can reach (ok false).
// One of another account is that account's stream: in strict auth mode
// Authorize has checked that the stream's resource policy allows the
// caller (policy_auth.go); open mode checks no permission.
func parseStreamARN(sc scope.Scope, s string) (owner scope.Scope, table, label string, ok bool, err error) {
	a, perr := arn.Parse(s)
	if perr != nil || a.Service != Name {
		return sc, "", "", false, validation(msgInvalidStreamArn)
	}
	rest, found := strings.CutPrefix(a.Resource, "table/")
	if !found {
		return sc, "", "", false, validation(msgInvalidStreamArn)
	}
	table, label, found = strings.Cut(rest, "/stream/")
	if !found || table == "" || label == "" {
		return sc, "", "", false, validation(msgInvalidStreamArn)
	}
	owner = sc
	if isAccountID(a.Account) {
		owner.Account = a.Account
	}
	return owner, table, label, a.Region == sc.Region && a.Account == owner.Account, nil
}

// findStream loads the stream an ARN names, and returns it with its
// owner's scope; a missing or expired stream is ResourceNotFoundException.
func (p *Provider) findStream(ctx context.Context, r storage.Reader, sc scope.Scope, streamArn string) (*stream, scope.Scope, error) {
	owner, table, label, ok, err := parseStreamARN(sc, streamArn)
	if err != nil {
		return nil, sc, err
	}
	s, err := p.loadLiveStream(ctx, r, owner, table, label, ok)
	return s, owner, err
}

// loadLiveStream loads a stream that has not expired.
func (p *Provider) loadLiveStream(ctx context.Context, r storage.Reader, sc scope.Scope, table, label string, mine bool) (*stream, error) {
	if mine {
		s, ok, err := loadStream(ctx, r, sc, table, label)
		if err != nil {
			return nil, err
		}
		if ok && !s.expired(p.clock.Now()) {
			return s, nil
		}
	}
	return nil, awsNotFound(msgStreamNotFound, streamARN(sc, table, label))
}

func (p *Provider) listStreams(ctx context.Context, in *streamsdynamodbapi.ListStreamsInput) (*streamsdynamodbapi.ListStreamsOutput, error) {
	limit := maxListStreams
	if in.Limit != nil {
		if *in.Limit > maxListStreams {
			return nil, validation(msgLimitTooHigh, *in.Limit, maxListStreams)
		}
		limit = int(*in.Limit)
	}
	sc := scope.From(ctx)
	prefix := streamsPrefix(sc)
	if in.TableName != nil {
		prefix = storage.AppendString(prefix, *in.TableName)
	}
	start, end := storage.PrefixRange(prefix)
	if in.ExclusiveStartStreamArn != nil {
		_, table, label, _, err := parseStreamARN(sc, *in.ExclusiveStartStreamArn)
		if err != nil {
			return nil, err
		}
		if after := storage.PrefixEnd(streamPrefix(sc, table, label)); string(after) > string(start) {
			start = after
		}
	}
	out := &streamsdynamodbapi.ListStreamsOutput{Streams: []streamsdynamodbapi.Stream{}}
	now := p.clock.Now()
	err := p.store.View(ctx, func(tx storage.Txn) error {
		out.Streams, out.LastEvaluatedStreamArn = out.Streams[:0], nil
		it := tx.Scan(ctx, start, end, storage.ScanOptions{})
		defer it.Close()
		for it.Next() {
			s, err := decodeStream(it.Key(), it.Value(), len(it.Key())-storage.StampSuffixLen)
			if err != nil {
				return err
			}
			if s.expired(now) {
				continue
			}
			if len(out.Streams) == limit {
				last := out.Streams[limit-1].StreamArn
				out.LastEvaluatedStreamArn = last
				break
			}
			out.Streams = append(out.Streams, streamsdynamodbapi.Stream{
				StreamArn: ptr(streamARN(sc, s.Table, s.Label)), TableName: ptr(s.Table), StreamLabel: ptr(s.Label),
			})
		}
		if err := it.Err(); err != nil {
			return awserr.Internal(err)
		}
		if len(out.Streams) == 0 && in.TableName != nil && in.ExclusiveStartStreamArn == nil {
			if _, err := loadTable(ctx, tx, sc, *in.TableName); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// shardOf describes a stream's one shard.
func shardOf(s *stream) streamsdynamodbapi.Shard {
	first := s.start
	if s.Trimmed != nil && first.less(s.Trimmed.next()) {
		first = s.Trimmed.next()
	}
	sh := streamsdynamodbapi.Shard{
		ShardId:             ptr(s.ShardID),
		SequenceNumberRange: &streamsdynamodbapi.SequenceNumberRange{StartingSequenceNumber: ptr(first.seq())},
	}
	if s.End != nil {
		sh.SequenceNumberRange.EndingSequenceNumber = ptr(s.End.seq())
	}
	return sh
}

func (p *Provider) describeStream(ctx context.Context, in *streamsdynamodbapi.DescribeStreamInput) (*streamsdynamodbapi.DescribeStreamOutput, error) {
	if in.Limit != nil && *in.Limit > maxDescribeShards {
		return nil, validation(msgLimitTooHigh, *in.Limit, maxDescribeShards)
	}
	s, owner, err := p.findStream(ctx, p.store, scope.From(ctx), deref(in.StreamArn))
	if err != nil {
		return nil, err
	}
	status := streamEnabled
	if s.Disabled != nil {
		status = streamDisabled
	}
	d := &streamsdynamodbapi.StreamDescription{
		StreamArn: ptr(streamARN(owner, s.Table, s.Label)), StreamLabel: ptr(s.Label), StreamStatus: ptr(status),
		StreamViewType: ptr(s.View), CreationRequestDateTime: ptr(s.Created), TableName: ptr(s.Table),
		KeySchema: streamKeySchema(s.KeySchema), Shards: []streamsdynamodbapi.Shard{},
	}
	if in.ExclusiveStartShardId == nil || *in.ExclusiveStartShardId < s.ShardID {
		d.Shards = append(d.Shards, shardOf(s))
	}
	return &streamsdynamodbapi.DescribeStreamOutput{StreamDescription: d}, nil
}

// streamKeySchema converts a key schema to the Streams API's type.
func streamKeySchema(ks []dynamodbapi.KeySchemaElement) []streamsdynamodbapi.KeySchemaElement {
	out := make([]streamsdynamodbapi.KeySchemaElement, len(ks))
	for i, e := range ks {
		out[i] = streamsdynamodbapi.KeySchemaElement{AttributeName: e.AttributeName, KeyType: e.KeyType}
	}
	return out
}

// lastPosition is the position of the last record of a stream's log, or
// its start when it has none.
func lastPosition(ctx context.Context, r storage.Reader, sc scope.Scope, s *stream) (position, error) {
	if s.End != nil {
		return *s.End, nil
	}
	prefix := logPrefix(sc, s.Table, s.Label)
	start, end := storage.PrefixRange(prefix)
	it := r.Scan(ctx, start, end, storage.ScanOptions{Reverse: true, Limit: 1})
	defer it.Close()
	last := s.start
	if it.Next() {
		stamp, n, err := storage.ParseStamped(it.Key(), len(prefix))
		if err != nil {
			return last, internalf("stream record key: %w", err)
		}
		last = position{Stamp: stamp, N: n}
	}
	if err := it.Err(); err != nil {
		return last, awserr.Internal(err)
	}
	return last, nil
}

func (p *Provider) getShardIterator(ctx context.Context, in *streamsdynamodbapi.GetShardIteratorInput) (*streamsdynamodbapi.GetShardIteratorOutput, error) {
	typ := deref(in.ShardIteratorType)
	withSeq := typ == iterAt || typ == iterAfter
	switch {
	case withSeq && in.SequenceNumber == nil:
		return nil, validation(msgSeqRequired, typ)
	case !withSeq && in.SequenceNumber != nil:
		return nil, validation(msgSeqNotAllowed, typ)
	}
	var seq position
	if withSeq {
		var ok bool
		if seq, ok = parseSeq(*in.SequenceNumber); !ok {
			return nil, validation(msgInvalidSeq, *in.SequenceNumber)
		}
	}
	sc := scope.From(ctx)
	var it iterator
	err := p.store.View(ctx, func(tx storage.Txn) error {
		s, owner, err := p.findStream(ctx, tx, sc, deref(in.StreamArn))
		if err != nil {
			return err
		}
		if deref(in.ShardId) != s.ShardID {
			return awsNotFound(msgShardNotFound)
		}
		it = iterator{account: owner.Account, table: s.Table, label: s.Label, issued: p.clock.Now()}
		switch typ {
		case iterTrimHorizon:
			it.from = s.start.next()
			if s.Trimmed != nil && it.from.less(s.Trimmed.next()) {
				it.from = s.Trimmed.next()
			}
		case iterLatest:
			last, err := lastPosition(ctx, tx, owner, s)
			if err != nil {
				return err
			}
			it.from = last.next()
		default:
			if seq.less(s.start) || s.End != nil && s.End.less(seq) {
				return validation(msgInvalidSeq, *in.SequenceNumber)
			}
			if s.Trimmed != nil && !s.Trimmed.less(seq) {
				return awserr.New(codeTrimmed, http.StatusBadRequest, msgTrimmed)
			}
			it.from = seq
			if typ == iterAfter {
				it.from = seq.next()
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &streamsdynamodbapi.GetShardIteratorOutput{ShardIterator: ptr(it.encode())}, nil
}

func (p *Provider) getRecords(ctx context.Context, in *streamsdynamodbapi.GetRecordsInput) (*streamsdynamodbapi.GetRecordsOutput, error) {
	limit := maxGetRecords
	if in.Limit != nil {
		if *in.Limit > maxGetRecords {
			return nil, validation(msgLimitTooHigh, *in.Limit, maxGetRecords)
		}
		limit = int(*in.Limit)
	}
	it, ok := decodeIterator(deref(in.ShardIterator))
	if !ok {
		return nil, validation(msgInvalidIterator)
	}
	now := p.clock.Now()
	if now.Sub(it.issued) > iteratorLifetime {
		return nil, awserr.New(codeExpiredIterator, http.StatusBadRequest, msgExpiredIterator,
			it.issued.UTC().Format(javaDateLayout), now.UTC().Format(javaDateLayout))
	}
	sc := scope.From(ctx)
	owner := it.owner(sc)
	out := &streamsdynamodbapi.GetRecordsOutput{}
	err := p.store.View(ctx, func(tx storage.Txn) error {
		s, err := p.loadLiveStream(ctx, tx, owner, it.table, it.label, true)
		if err != nil {
			return err
		}
		if s.Trimmed != nil && !s.Trimmed.less(it.from) {
			return awserr.New(codeTrimmed, http.StatusBadRequest, msgTrimmed)
		}
		prefix := logPrefix(owner, s.Table, s.Label)
		next := it.from
		out.Records = make([]streamsdynamodbapi.Record, 0, min(limit, 64))
		bytes := 0
		sit := tx.Scan(ctx, it.from.key(prefix), storage.PrefixEnd(prefix), storage.ScanOptions{Limit: limit})
		defer sit.Close()
		for sit.Next() {
			v := sit.Value()
			if bytes+len(v) > maxRecordsBytes && len(out.Records) > 0 {
				break
			}
			stamp, n, err := storage.ParseStamped(sit.Key(), len(prefix))
			if err != nil {
				return internalf("stream record key: %w", err)
			}
			pos := position{Stamp: stamp, N: n}
			rec, err := apiRecord(s, sc.Region, pos, v)
			if err != nil {
				return err
			}
			out.Records = append(out.Records, rec)
			bytes += len(v)
			next = pos.next()
		}
		if err := sit.Err(); err != nil {
			return awserr.Internal(err)
		}
		if s.End == nil || !s.End.less(next) {
			n := iterator{account: owner.Account, table: s.Table, label: s.Label, from: next, issued: now}
			out.NextShardIterator = ptr(n.encode())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
