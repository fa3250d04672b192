package dynamodb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/api/streamsdynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// change says when and by whom an item write was made; writeItem puts it
// into the stream record of the write. Every caller of writeItem passes
// one: p.userChange() for a caller's request, p.ttlChange() for a
// deletion by Time to Live.
type change struct {
	at time.Time
	// principal is the AWS service that made the change, "" when the
	// caller's own request did.
	principal string
}

// ttlPrincipal is the service principal of Time to Live deletions.
const ttlPrincipal = "dynamodb.amazonaws.com"

// userChange is a change made by the caller's request, now.
func (p *Provider) userChange() change { return change{at: p.clock.Now()} }

// ttlChange is a deletion made by Time to Live, now: its stream record
// carries userIdentity {Type: "Service", PrincipalId: "dynamodb.amazonaws.com"}.
func (p *Provider) ttlChange() change { return change{at: p.clock.Now(), principal: ttlPrincipal} }

// Event names, as stored (one byte) and as the API spells them.
const (
	eventInsert byte = 1 + iota
	eventModify
	eventRemove
)

// eventName maps a stored event byte to the API's name.
func eventName(b byte) string {
	switch b {
	case eventInsert:
		return "INSERT"
	case eventModify:
		return "MODIFY"
	case eventRemove:
		return "REMOVE"
	}
	return ""
}

// A stream record is stored as:
//
//	version (1) | event (1) | time in Unix ms (8, big-endian)
//	| principal | SizeBytes (uvarint) | keys | old image | new image
//
// where principal is a uvarint length and bytes, keys an
// attr.MarshalItem encoding after its uvarint length, and each image a
// uvarint of its length plus one (0 when absent) and its encoding. The
// new image is the very encoding written to the table row; images the
// stream's view type leaves out are not stored.
const (
	recordVersion    = 1
	recordTimeOffset = 2
)

// recordChange writes the stream record of an item write to the table's
// enabled stream, inside the write's transaction. A write that leaves the
// item as it was records nothing, as on DynamoDB; so does a delete of a
// missing item.
func recordChange(tx storage.Txn, sc scope.Scope, sch *schema, chg change, old, nw attr.Item, newRaw []byte, oldSize, newSize int) error {
	t := sch.stream
	var event byte
	switch {
	case old == nil && nw == nil:
		return nil
	case old == nil:
		event = eventInsert
	case nw == nil:
		event = eventRemove
	default:
		if attr.EqualItems(old, nw) {
			return nil
		}
		event = eventModify
	}
	src := nw
	if src == nil {
		src = old
	}
	keyItem := keyAttrs(sch.Key, src)
	keys := attr.MarshalItem(keyItem)
	size := attr.ItemSize(keyItem)
	var oldRaw []byte
	if (t.view == viewOldImage || t.view == viewNewAndOld) && old != nil {
		oldRaw = attr.MarshalItem(old)
		size += oldSize
	}
	if t.view == viewNewImage || t.view == viewNewAndOld {
		size += newSize
	} else {
		newRaw = nil
	}
	buf := make([]byte, 0, 24+len(chg.principal)+len(keys)+len(oldRaw)+len(newRaw)+4*binary.MaxVarintLen32)
	buf = append(buf, recordVersion, event)
	buf = binary.BigEndian.AppendUint64(buf, uint64(chg.at.UnixMilli()))
	buf = binary.AppendUvarint(buf, uint64(len(chg.principal)))
	buf = append(buf, chg.principal...)
	buf = binary.AppendUvarint(buf, uint64(size))
	buf = binary.AppendUvarint(buf, uint64(len(keys)))
	buf = append(buf, keys...)
	buf = appendImage(buf, oldRaw)
	buf = appendImage(buf, newRaw)
	if err := tx.PutStamped(logPrefix(sc, sch.Name, t.label), buf); err != nil {
		return awserr.Internal(err)
	}
	return nil
}

// appendImage appends an optional image: its length plus one, or 0.
func appendImage(buf, raw []byte) []byte {
	if raw == nil {
		return append(buf, 0)
	}
	buf = binary.AppendUvarint(buf, uint64(len(raw))+1)
	return append(buf, raw...)
}

// errBadRecord reports a stored stream record that does not decode.
var errBadRecord = errors.New("malformed stream record")

// recordTime reads the time of a stored stream record.
func recordTime(v []byte) (time.Time, error) {
	if len(v) < recordTimeOffset+8 || v[0] != recordVersion {
		return time.Time{}, errBadRecord
	}
	return time.UnixMilli(int64(binary.BigEndian.Uint64(v[recordTimeOffset:]))), nil
}

// decodedRecord is a stored stream record's fields.
type decodedRecord struct {
	event     byte
	at        time.Time
	principal string
	size      int64
	keys      []byte
	old, new  []byte // nil when absent
}

// decodeRecord splits a stored stream record into its fields.
func decodeRecord(v []byte) (decodedRecord, error) {
	var r decodedRecord
	at, err := recordTime(v)
	if err != nil {
		return r, err
	}
	r.at, r.event = at, v[1]
	rest := v[recordTimeOffset+8:]
	bytesField := func() ([]byte, bool) {
		n, k := binary.Uvarint(rest)
		if k <= 0 || n > uint64(len(rest)-k) {
			return nil, false
		}
		b := rest[k : k+int(n)]
		rest = rest[k+int(n):]
		return b, true
	}
	p, ok := bytesField()
	if !ok {
		return r, errBadRecord
	}
	r.principal = string(p)
	size, k := binary.Uvarint(rest)
	if k <= 0 {
		return r, errBadRecord
	}
	r.size, rest = int64(size), rest[k:]
	if r.keys, ok = bytesField(); !ok {
		return r, errBadRecord
	}
	for _, img := range []*[]byte{&r.old, &r.new} {
		n, k := binary.Uvarint(rest)
		if k <= 0 || n > uint64(len(rest)-k)+1 {
			return r, errBadRecord
		}
		rest = rest[k:]
		if n > 0 {
			*img, rest = rest[:n-1], rest[n-1:]
		}
	}
	if len(rest) != 0 || eventName(r.event) == "" {
		return r, errBadRecord
	}
	return r, nil
}

// apiRecord turns a stored stream record at pos into the API's Record.
func apiRecord(s *stream, region string, pos position, v []byte) (streamsdynamodbapi.Record, error) {
	var out streamsdynamodbapi.Record
	r, err := decodeRecord(v)
	if err != nil {
		return out, internalf("stream record: %w", err)
	}
	image := func(raw []byte) (map[string]streamsdynamodbapi.AttributeValue, error) {
		if raw == nil {
			return nil, nil
		}
		it, err := attr.UnmarshalItem(raw)
		if err != nil {
			return nil, internalf("stream image: %w", err)
		}
		return streamItem(it), nil
	}
	sr := &streamsdynamodbapi.StreamRecord{
		ApproximateCreationDateTime: ptr(r.at.UTC().Truncate(time.Second)),
		SequenceNumber:              ptr(pos.seq()),
		SizeBytes:                   ptr(max(r.size, 1)),
		StreamViewType:              ptr(s.View),
	}
	if sr.Keys, err = image(r.keys); err != nil {
		return out, err
	}
	if sr.OldImage, err = image(r.old); err != nil {
		return out, err
	}
	if sr.NewImage, err = image(r.new); err != nil {
		return out, err
	}
	out = streamsdynamodbapi.Record{
		EventID:      ptr(eventID(s, pos)),
		EventName:    ptr(eventName(r.event)),
		EventVersion: ptr("1.1"),
		EventSource:  ptr("aws:dynamodb"),
		AwsRegion:    ptr(region),
		Dynamodb:     sr,
	}
	if r.principal != "" {
		out.UserIdentity = &streamsdynamodbapi.Identity{Type: ptr("Service"), PrincipalId: ptr(r.principal)}
	}
	return out, nil
}

// eventID is a record's unique id: 32 hex digits made of its commit
// stamp, its ordinal and a checksum of its stream's table and label.
// Stamps are unique across the store, so ids are too.
func eventID(s *stream, pos position) string {
	return fmt.Sprintf("%016x%08x%08x", pos.Stamp, pos.N, crc32.ChecksumIEEE([]byte(s.Table+"/"+s.Label)))
}

// streamItem converts an item to the Streams API's attribute values.
func streamItem(it attr.Item) map[string]streamsdynamodbapi.AttributeValue {
	out := make(map[string]streamsdynamodbapi.AttributeValue, len(it))
	for k, v := range it {
		out[k] = streamValue(v)
	}
	return out
}

// streamValue converts one attribute value to the Streams API's type.
func streamValue(v dynamodbapi.AttributeValue) streamsdynamodbapi.AttributeValue {
	out := streamsdynamodbapi.AttributeValue{S: v.S, N: v.N, B: v.B, SS: v.SS, NS: v.NS, BS: v.BS, NULL: v.NULL, BOOL: v.BOOL}
	if v.M != nil {
		out.M = streamItem(v.M)
	}
	if v.L != nil {
		out.L = make([]streamsdynamodbapi.AttributeValue, len(v.L))
		for i, e := range v.L {
			out.L[i] = streamValue(e)
		}
	}
	return out
}
