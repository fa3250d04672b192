package dynamodb

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"sort"
	"strconv"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol/jsonshape"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Incremental exports.
//
// An INCREMENTAL_EXPORT of the window (ExportFromTime, ExportToTime]
// writes one line per item written in the window, in key order:
//
//	{"Metadata":{"WriteTimestampMicros":{"N":"..."}},"Keys":{...},"OldImage":{...},"NewImage":{...}}
//
// where OldImage is the item at ExportFromTime (NEW_AND_OLD_IMAGES only;
// absent when it did not exist), NewImage the item at ExportToTime (absent
// when it was deleted), and WriteTimestampMicros the time of the key's
// last write in the window. Both images come from the PITR history
// (pitr.go) and the table, read in one snapshot. A key created and
// deleted again within the window has no line (choice: AWS does not
// document it).

// incrementalLine is one line of an incremental export's data file.
type incrementalLine struct {
	_        struct{}                              `type:"structure"`
	Metadata *incrementalMeta                      `type:"structure"`
	Keys     map[string]dynamodbapi.AttributeValue `type:"map"`
	OldImage map[string]dynamodbapi.AttributeValue `type:"map"`
	NewImage map[string]dynamodbapi.AttributeValue `type:"map"`
}

// incrementalMeta is a line's metadata.
type incrementalMeta struct {
	_                    struct{}                    `type:"structure"`
	WriteTimestampMicros *dynamodbapi.AttributeValue `type:"structure"`
}

// keyChange is the net change of one key over a window.
type keyChange struct {
	keys, old, new attr.Item
	at             time.Time // the key's last write in the window
}

// keyHistory gathers one key's history entries after the window's start.
type keyHistory struct {
	keys       attr.Item
	first      []byte // stamp of the first committed entry after from
	old        attr.Item
	changed    bool      // an entry falls in the window
	last       time.Time // the latest write time in the window
	afterStamp []byte    // stamp of the first committed entry after to
	atTo       attr.Item // the key's state at to, when afterStamp is set
}

// changesBetween calls fn with the net change of each key written in
// (from, to], read from snap, in encoded key order.
func changesBetween(ctx context.Context, snap storage.Txn, sc scope.Scope, src *tableRecord, from, to time.Time, fn func(keyChange) error) error {
	name := deref(src.Desc.TableName)
	sch := schemaOf(&src.Desc)
	prefix := pitrPrefix(sc, name)
	toNanos := pitrNanos(to)
	hist := map[string]*keyHistory{}
	it := snap.Scan(ctx, pitrTimeKey(sc, name, from.Add(time.Nanosecond)), storage.PrefixEnd(prefix), storage.ScanOptions{})
	defer it.Close()
	for it.Next() {
		k := it.Key()
		if len(k) != len(prefix)+9+storage.StampSuffixLen {
			return internalf("pitr entry key of %d bytes", len(k))
		}
		nanos := binary.BigEndian.Uint64(k[len(prefix)+1:])
		stamp := k[len(k)-storage.StampSuffixLen:]
		e, err := decodePITREntry(it.Value())
		if err != nil {
			return internalf("decode %w", err)
		}
		mk := string(appendKeyOf(nil, sch.Key, e.keys))
		h := hist[mk]
		if h == nil {
			h = &keyHistory{keys: e.keys}
			hist[mk] = h
		}
		if h.first == nil || bytes.Compare(stamp, h.first) < 0 {
			h.first, h.old = bytes.Clone(stamp), e.old
		}
		if nanos <= toNanos {
			h.changed = true
			if t := time.Unix(0, int64(nanos)); t.After(h.last) {
				h.last = t
			}
		} else if h.afterStamp == nil || bytes.Compare(stamp, h.afterStamp) < 0 {
			h.afterStamp, h.atTo = bytes.Clone(stamp), e.old
		}
	}
	if err := it.Err(); err != nil {
		return awserr.Internal(err)
	}
	keys := make([]string, 0, len(hist))
	for mk, h := range hist {
		if h.changed {
			keys = append(keys, mk)
		}
	}
	sort.Strings(keys)
	items := itemsPrefix(sc, name)
	for _, mk := range keys {
		h := hist[mk]
		ch := keyChange{keys: h.keys, old: h.old, new: h.atTo, at: h.last}
		if h.afterStamp == nil {
			raw, err := snap.Get(ctx, append(bytes.Clone(items), mk...))
			switch {
			case errors.Is(err, storage.ErrNotFound):
			case err != nil:
				return awserr.Internal(err)
			default:
				if ch.new, err = attr.UnmarshalItem(raw); err != nil {
					return internalf("decode item: %w", err)
				}
			}
		}
		if ch.old == nil && ch.new == nil {
			continue
		}
		if err := fn(ch); err != nil {
			return err
		}
	}
	return nil
}

// addChange appends one line of an incremental export.
func (w *exportWriter) addChange(ch keyChange, view string) error {
	micros := strconv.FormatInt(ch.at.UnixMicro(), 10)
	l := &incrementalLine{
		Metadata: &incrementalMeta{WriteTimestampMicros: &dynamodbapi.AttributeValue{N: &micros}},
		Keys:     ch.keys, NewImage: ch.new,
	}
	size := 0
	if ch.new != nil {
		size += attr.ItemSize(ch.new)
	}
	if view == viewNewAndOld {
		l.OldImage = ch.old
		if ch.old != nil {
			size += attr.ItemSize(ch.old)
		}
	}
	line, err := jsonshape.Append(w.line[:0], l, jsonshape.EncodeOptions{})
	if err != nil {
		return internalf("encode change: %w", err)
	}
	w.line = line
	return w.write(line, int64(size))
}
