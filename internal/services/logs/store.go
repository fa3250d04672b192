package logs

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/unkai-cloud/unkai/internal/storage"
)

// Key layout, every key under storage.Key("logs", account, region):
//
//	"group",  group                      → groupRecord (JSON)
//	"stream", group, stream              → streamRecord (binary)
//	"event",  group, stream, ts, seq     → eventValue (binary)
//
// ts is the event's timestamp (int64 ms), seq the stream's ingestion
// sequence, so events with equal timestamps keep their arrival order.

// keyspace builds the keys of one account and region.
type keyspace struct{ base []byte }

func newKeyspace(account, region string) keyspace {
	return keyspace{base: storage.Key(Name, account, region)}
}

func (k keyspace) with(parts ...string) []byte {
	out := append([]byte(nil), k.base...)
	for _, p := range parts {
		out = storage.AppendString(out, p)
	}
	return out
}

func (k keyspace) groups() []byte              { return k.with("group") }
func (k keyspace) group(name string) []byte    { return k.with("group", name) }
func (k keyspace) streams(group string) []byte { return k.with("stream", group) }
func (k keyspace) stream(group, stream string) []byte {
	return k.with("stream", group, stream)
}
func (k keyspace) groupEvents(group string) []byte { return k.with("event", group) }
func (k keyspace) events(group, stream string) []byte {
	return k.with("event", group, stream)
}

// eventKey returns the key of the event (ts, seq) of a stream, given the
// stream's events prefix.
func eventKey(prefix []byte, ts int64, seq uint64) []byte {
	k := make([]byte, 0, len(prefix)+20)
	k = append(k, prefix...)
	k = storage.AppendInt64(k, ts)
	return storage.AppendUint64(k, seq)
}

// errCorrupt reports a stored record that does not decode.
var errCorrupt = errors.New("logs: corrupt record")

// eventPos returns the timestamp and sequence encoded at the end of an
// event key: each integer element ends with its eight big-endian bytes.
func eventPos(key []byte) (ts int64, seq uint64, err error) {
	seqLen := len(storage.AppendUint64(nil, 0))
	tsLen := len(storage.AppendInt64(nil, 0))
	if len(key) < seqLen+tsLen {
		return 0, 0, fmt.Errorf("%w: event key of %d bytes", errCorrupt, len(key))
	}
	seq = binary.BigEndian.Uint64(key[len(key)-8:])
	tsEnd := len(key) - seqLen
	ts = int64(binary.BigEndian.Uint64(key[tsEnd-8:tsEnd]) ^ (1 << 63))
	return ts, seq, nil
}

// namePrefixKey returns the key prefix of every name element starting with
// prefix under parent: the encoded element without its terminator.
func namePrefixKey(parent []byte, prefix string) []byte {
	k := storage.AppendString(append([]byte(nil), parent...), prefix)
	// The element's terminator is what an empty string adds after its tag.
	return k[:len(k)-(len(storage.AppendString(nil, ""))-1)]
}

// groupRecord is a log group's metadata.
type groupRecord struct {
	Created   int64             `json:"c"`
	Retention int64             `json:"r,omitempty"`
	KMSKeyID  string            `json:"k,omitempty"`
	Class     string            `json:"l,omitempty"`
	Tags      map[string]string `json:"t,omitempty"`
}

func decodeGroup(b []byte) (*groupRecord, error) {
	var g groupRecord
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("%w: group: %w", errCorrupt, err)
	}
	return &g, nil
}

func encodeGroup(g *groupRecord) ([]byte, error) {
	b, err := json.Marshal(g)
	if err != nil {
		return nil, fmt.Errorf("logs: encode group: %w", err)
	}
	return b, nil
}

// getGroup reads a group, answering ResourceNotFoundException when absent.
func getGroup(ctx context.Context, r storage.Reader, ks keyspace, name string) (*groupRecord, error) {
	b, err := r.Get(ctx, ks.group(name))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errGroupNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("logs: read group: %w", err)
	}
	return decodeGroup(b)
}

// streamRecord is a log stream's metadata. Seq is the last ingestion
// sequence used; zero means the stream never received an event.
type streamRecord struct {
	Created    int64
	First      int64
	Last       int64
	LastIngest int64
	Bytes      int64
	Seq        uint64
}

const streamRecordVersion = 1

func (s *streamRecord) encode() []byte {
	b := make([]byte, 0, 1+6*binary.MaxVarintLen64)
	b = append(b, streamRecordVersion)
	b = binary.AppendVarint(b, s.Created)
	b = binary.AppendVarint(b, s.First)
	b = binary.AppendVarint(b, s.Last)
	b = binary.AppendVarint(b, s.LastIngest)
	b = binary.AppendVarint(b, s.Bytes)
	return binary.AppendUvarint(b, s.Seq)
}

func decodeStream(b []byte) (*streamRecord, error) {
	if len(b) == 0 || b[0] != streamRecordVersion {
		return nil, fmt.Errorf("%w: stream record version", errCorrupt)
	}
	b = b[1:]
	var s streamRecord
	for _, f := range []*int64{&s.Created, &s.First, &s.Last, &s.LastIngest, &s.Bytes} {
		v, n := binary.Varint(b)
		if n <= 0 {
			return nil, fmt.Errorf("%w: stream record field", errCorrupt)
		}
		*f, b = v, b[n:]
	}
	v, n := binary.Uvarint(b)
	if n <= 0 || n != len(b) {
		return nil, fmt.Errorf("%w: stream record sequence", errCorrupt)
	}
	s.Seq = v
	return &s, nil
}

// getStream reads a stream, answering ResourceNotFoundException when absent.
func getStream(ctx context.Context, r storage.Reader, ks keyspace, group, stream string) (*streamRecord, error) {
	b, err := r.Get(ctx, ks.stream(group, stream))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errStreamNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("logs: read stream: %w", err)
	}
	return decodeStream(b)
}

// encodeEvent encodes an event's value: its ingestion time, then the
// message bytes.
func encodeEvent(ingest int64, msg string) []byte {
	b := make([]byte, 0, binary.MaxVarintLen64+len(msg))
	b = binary.AppendVarint(b, ingest)
	return append(b, msg...)
}

func decodeEvent(b []byte) (ingest int64, msg string, err error) {
	v, n := binary.Varint(b)
	if n <= 0 {
		return 0, "", fmt.Errorf("%w: event value", errCorrupt)
	}
	return v, string(b[n:]), nil
}
