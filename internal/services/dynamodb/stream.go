package dynamodb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// DynamoDB Streams, the table side: a table's StreamSpecification, the
// streams it has had and where their records live.
//
// Storage layout (under storage.Key("dynamodb", account, region)):
//
//	"streams", table, label + stamp → the stream's streamMeta (JSON); the
//	                                  key's commit stamp is where the stream starts
//	"log", table, label + stamp      → one stream record (see stream_record.go)
//
// and, outside any scope, storage.Key("dynamodb", "_streams", account,
// region, table, label) → empty, so the retention sweeper finds every stream.
//
// A table has at most one enabled stream; disabling it (or deleting the
// table) closes it, and re-enabling makes a new stream with a new label.
// Each stream has one shard, open while the stream is enabled.

// Stream view types, statuses and retention.
const (
	viewKeysOnly    = "KEYS_ONLY"
	viewNewImage    = "NEW_IMAGE"
	viewOldImage    = "OLD_IMAGE"
	viewNewAndOld   = "NEW_AND_OLD_IMAGES"
	streamEnabled   = "ENABLED"
	streamDisabled  = "DISABLED"
	streamRetention = 24 * time.Hour
	labelLayout     = "2006-01-02T15:04:05.000"
)

// Messages about stream specifications, as DynamoDB words them.
const (
	msgStreamAlreadyEnabled  = "Table already has an enabled stream: TableName: %s"
	msgNoStreamToDisable     = "Table has no stream to disable: TableName: %s"
	msgStreamViewRequired    = msgInvalid + "If stream is being enabled then UpdateViewType is required"
	msgStreamViewForbidden   = msgInvalid + "If stream is being disabled, then UpdateViewType must not be specified"
	msgCreateStreamNeedsView = msgInvalid + "Table is being created with a stream enabled, UpdateViewType is required"
	msgCreateStreamNoView    = msgInvalid + "Table is being created with a stream disabled, UpdateViewType should not be specified"
	msgStreamAndIndex        = msgInvalid + "You cannot create or delete index while changing stream status"
)

// streamMeta is what is stored for one stream.
type streamMeta struct {
	Table     string                         `json:"t"`
	Label     string                         `json:"l"`
	View      string                         `json:"v"`
	KeySchema []dynamodbapi.KeySchemaElement `json:"k"`
	Created   time.Time                      `json:"c"`
	ShardID   string                         `json:"s"`
	// Disabled is when the stream was disabled; nil while it is enabled.
	Disabled *time.Time `json:"d,omitempty"`
	// End is the position of the last record of a closed shard (its
	// start position when it has none).
	End *position `json:"e,omitempty"`
	// Trimmed is the position of the last record the sweeper removed.
	Trimmed *position `json:"x,omitempty"`
}

// stream is a stream's metadata with its storage key and start position.
type stream struct {
	streamMeta
	key   []byte
	start position
}

// expired reports whether a disabled stream is past retention and gone.
func (m *streamMeta) expired(now time.Time) bool {
	return m.Disabled != nil && now.Sub(*m.Disabled) > streamRetention
}

// streamTarget is where a table's item writes record their changes.
type streamTarget struct {
	label string
	view  string
}

// streamTargetOf reads the enabled stream of a table description.
func streamTargetOf(d *dynamodbapi.TableDescription) *streamTarget {
	s := d.StreamSpecification
	if s == nil || s.StreamEnabled == nil || !*s.StreamEnabled || d.LatestStreamLabel == nil {
		return nil
	}
	return &streamTarget{label: *d.LatestStreamLabel, view: deref(s.StreamViewType)}
}

// streamsPrefix is the key prefix of a scope's stream metadata.
func streamsPrefix(sc scope.Scope) []byte {
	return storage.Key(Name, sc.Account, sc.Region, "streams")
}

// streamPrefix is the prefix of one stream's metadata key.
func streamPrefix(sc scope.Scope, table, label string) []byte {
	return storage.AppendString(storage.AppendString(streamsPrefix(sc), table), label)
}

// logPrefix is the key prefix of one stream's records.
func logPrefix(sc scope.Scope, table, label string) []byte {
	return storage.Key(Name, sc.Account, sc.Region, "log", table, label)
}

// registryPrefix is the prefix of the sweeper's list of every stream.
func registryPrefix() []byte { return storage.Key(Name, "_streams") }

// registryKey is one stream's entry in the sweeper's list.
func registryKey(sc scope.Scope, table, label string) []byte {
	return storage.Key(Name, "_streams", sc.Account, sc.Region, table, label)
}

// loadStream reads a stream's metadata; ok is false when it does not exist.
func loadStream(ctx context.Context, r storage.Reader, sc scope.Scope, table, label string) (*stream, bool, error) {
	prefix := streamPrefix(sc, table, label)
	start, end := storage.PrefixRange(prefix)
	it := r.Scan(ctx, start, end, storage.ScanOptions{Limit: 1})
	defer it.Close()
	if !it.Next() {
		if err := it.Err(); err != nil {
			return nil, false, awserr.Internal(err)
		}
		return nil, false, nil
	}
	s, err := decodeStream(it.Key(), it.Value(), len(prefix))
	if err != nil {
		return nil, false, err
	}
	return s, true, nil
}

// decodeStream decodes a stream's metadata record.
func decodeStream(key, value []byte, prefixLen int) (*stream, error) {
	stamp, n, err := storage.ParseStamped(key, prefixLen)
	if err != nil {
		return nil, internalf("stream key: %w", err)
	}
	s := &stream{key: key, start: position{Stamp: stamp, N: n}}
	if err := json.Unmarshal(value, &s.streamMeta); err != nil {
		return nil, internalf("decode stream: %w", err)
	}
	return s, nil
}

// saveStream rewrites an existing stream's metadata.
func saveStream(tx storage.Txn, s *stream) error {
	raw, err := json.Marshal(&s.streamMeta)
	if err != nil {
		return internalf("encode stream: %w", err)
	}
	if err := tx.Put(s.key, raw); err != nil {
		return awserr.Internal(err)
	}
	return nil
}

// checkStreamSpec validates a StreamSpecification of CreateTable (create)
// or UpdateTable.
func checkStreamSpec(s *dynamodbapi.StreamSpecification, create bool) error {
	if s == nil {
		return nil
	}
	enabled := s.StreamEnabled != nil && *s.StreamEnabled
	switch {
	case enabled && s.StreamViewType == nil && create:
		return validation(msgCreateStreamNeedsView)
	case enabled && s.StreamViewType == nil:
		return validation(msgStreamViewRequired)
	case !enabled && s.StreamViewType != nil && create:
		return validation(msgCreateStreamNoView)
	case !enabled && s.StreamViewType != nil:
		return validation(msgStreamViewForbidden)
	}
	return nil
}

// enableStream makes a new stream for the table of d inside tx and points
// d at it. now is the request time; the label is now in milliseconds,
// moved on where an earlier stream of the table already has it.
func (p *Provider) enableStream(ctx context.Context, tx storage.Txn, sc scope.Scope, d *dynamodbapi.TableDescription, view string, now time.Time) error {
	table := deref(d.TableName)
	now = now.UTC().Truncate(time.Millisecond)
	label := now.Format(labelLayout)
	for {
		_, exists, err := loadStream(ctx, tx, sc, table, label)
		if err != nil {
			return err
		}
		if !exists {
			break
		}
		now = now.Add(time.Millisecond)
		label = now.Format(labelLayout)
	}
	m := streamMeta{
		Table: table, Label: label, View: view, KeySchema: d.KeySchema, Created: now,
		ShardID: "shardId-" + fmtDigits(uint64(now.UnixMilli()), 20) + "-" + p.ids.Hex(8),
	}
	raw, err := json.Marshal(&m)
	if err != nil {
		return internalf("encode stream: %w", err)
	}
	if err := tx.PutStamped(streamPrefix(sc, table, label), raw); err != nil {
		return awserr.Internal(err)
	}
	if err := tx.Put(registryKey(sc, table, label), nil); err != nil {
		return awserr.Internal(err)
	}
	d.StreamSpecification = &dynamodbapi.StreamSpecification{StreamEnabled: ptr(true), StreamViewType: ptr(view)}
	d.LatestStreamLabel = ptr(label)
	d.LatestStreamArn = ptr(deref(d.TableArn) + "/stream/" + label)
	return nil
}

// disableStream closes the enabled stream of the table of d inside tx:
// its shard ends at its last record, and it stays readable for 24 hours.
func disableStream(ctx context.Context, tx storage.Txn, sc scope.Scope, d *dynamodbapi.TableDescription, now time.Time) error {
	t := streamTargetOf(d)
	d.StreamSpecification = nil
	if t == nil {
		return nil
	}
	s, ok, err := loadStream(ctx, tx, sc, deref(d.TableName), t.label)
	if err != nil || !ok {
		return err
	}
	end := s.start
	prefix := logPrefix(sc, s.Table, s.Label)
	start, stop := storage.PrefixRange(prefix)
	it := tx.Scan(ctx, start, stop, storage.ScanOptions{Reverse: true, Limit: 1})
	if it.Next() {
		stamp, n, err := storage.ParseStamped(it.Key(), len(prefix))
		if err != nil {
			it.Close()
			return internalf("stream record key: %w", err)
		}
		end = position{Stamp: stamp, N: n}
	}
	if err := it.Close(); err != nil {
		return awserr.Internal(err)
	}
	at := now.UTC()
	s.Disabled = &at
	s.End = &end
	return saveStream(tx, s)
}

// applyStreamUpdate applies UpdateTable's StreamSpecification to d.
func (p *Provider) applyStreamUpdate(ctx context.Context, tx storage.Txn, sc scope.Scope, d *dynamodbapi.TableDescription,
	in *dynamodbapi.UpdateTableInput, now time.Time) error {
	s := in.StreamSpecification
	if s == nil {
		return nil
	}
	if err := checkStreamSpec(s, false); err != nil {
		return err
	}
	if len(in.GlobalSecondaryIndexUpdates) > 0 {
		return validation(msgStreamAndIndex)
	}
	cur := streamTargetOf(d)
	if s.StreamEnabled != nil && *s.StreamEnabled {
		if cur != nil {
			return validation(msgStreamAlreadyEnabled, deref(d.TableName))
		}
		return p.enableStream(ctx, tx, sc, d, *s.StreamViewType, now)
	}
	if cur == nil {
		return validation(msgNoStreamToDisable, deref(d.TableName))
	}
	return disableStream(ctx, tx, sc, d, now)
}

// fmtDigits formats v in decimal, zero-padded to width digits.
func fmtDigits(v uint64, width int) string {
	b := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b)
}
