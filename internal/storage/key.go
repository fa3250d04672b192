package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Element type tags of the tuple key encoding. Strings and bytes are
// written with each 0x00 escaped as 0x00 0xff and end with 0x00 0x01, so an
// element's encoding is never a prefix of a different element's: the prefix
// Key("t") does not match Key("t\x00").
const (
	tagBytes  byte = 0x01
	tagString byte = 0x02
	tagUint   byte = 0x03
	tagInt    byte = 0x04
)

// ErrBadKey reports a key that Decode cannot split into tuple elements.
var ErrBadKey = errors.New("storage: malformed tuple key")

// Key encodes strings as an order-preserving tuple: Key(a...) sorts before
// Key(b...) exactly when the tuple a sorts before b element by element
// (a shorter tuple first), and the key of a tuple p is a byte prefix of the
// key of q exactly when q extends p (Key("t") is not a prefix of
// Key("t\x00") nor of Key("tx")). At one position, bytes sort before
// strings, strings before uint64s, uint64s before int64s. Scan a prefix
// with PrefixRange or PrefixEnd:
//
//	start := storage.Key(acct, region, "dynamodb", "table")
//	it := s.Scan(ctx, start, storage.PrefixEnd(start), storage.ScanOptions{})
func Key(parts ...string) []byte {
	n := 0
	for _, p := range parts {
		n += len(p) + 3
	}
	k := make([]byte, 0, n)
	for _, p := range parts {
		k = AppendString(k, p)
	}
	return k
}

// AppendString appends s as a tuple element to key.
func AppendString(key []byte, s string) []byte {
	return appendEscaped(append(key, tagString), s)
}

// AppendBytes appends b as a tuple element to key. Bytes elements sort
// before string elements at the same position.
func AppendBytes(key, b []byte) []byte {
	return appendEscaped(append(key, tagBytes), string(b))
}

// AppendUint64 appends v as a tuple element to key; integers sort
// numerically.
func AppendUint64(key []byte, v uint64) []byte {
	return binary.BigEndian.AppendUint64(append(key, tagUint), v)
}

// AppendInt64 appends v as a tuple element to key; negative values sort
// before positive ones.
func AppendInt64(key []byte, v int64) []byte {
	return binary.BigEndian.AppendUint64(append(key, tagInt), uint64(v)^(1<<63))
}

// appendEscaped writes s with each 0x00 written as 0x00 0xff, then the
// terminator 0x00 0x01.
func appendEscaped(key []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		key = append(key, s[i])
		if s[i] == 0 {
			key = append(key, 0xff)
		}
	}
	return append(key, 0, 1)
}

// Decode splits a key built with Key and the Append* helpers into its
// elements: string, []byte, uint64 or int64 values in order.
func Decode(key []byte) ([]any, error) {
	var out []any
	for i := 0; i < len(key); {
		tag := key[i]
		i++
		switch tag {
		case tagBytes, tagString:
			var b []byte
			for {
				if i >= len(key) {
					return nil, fmt.Errorf("%w: unterminated element at byte %d", ErrBadKey, i)
				}
				c := key[i]
				i++
				if c != 0 {
					b = append(b, c)
					continue
				}
				if i >= len(key) {
					return nil, fmt.Errorf("%w: unterminated element at byte %d", ErrBadKey, i)
				}
				i++
				if key[i-1] == 0xff {
					b = append(b, 0)
					continue
				}
				if key[i-1] != 1 {
					return nil, fmt.Errorf("%w: bad escape at byte %d", ErrBadKey, i-1)
				}
				break
			}
			if tag == tagString {
				out = append(out, string(b))
			} else {
				if b == nil {
					b = []byte{}
				}
				out = append(out, b)
			}
		case tagUint, tagInt:
			if len(key)-i < 8 {
				return nil, fmt.Errorf("%w: short integer at byte %d", ErrBadKey, i)
			}
			v := binary.BigEndian.Uint64(key[i:])
			i += 8
			if tag == tagUint {
				out = append(out, v)
			} else {
				out = append(out, int64(v^(1<<63)))
			}
		default:
			return nil, fmt.Errorf("%w: unknown tag 0x%02x at byte %d", ErrBadKey, tag, i-1)
		}
	}
	return out, nil
}

// PrefixEnd returns the smallest key greater than every key that starts
// with prefix, for use as a Scan's end. It returns nil (no upper bound) when
// prefix is empty or all 0xff.
func PrefixEnd(prefix []byte) []byte {
	for i := len(prefix) - 1; i >= 0; i-- {
		if prefix[i] != 0xff {
			end := make([]byte, i+1)
			copy(end, prefix)
			end[i]++
			return end
		}
	}
	return nil
}

// PrefixRange returns the Scan bounds covering exactly the keys that start
// with prefix.
func PrefixRange(prefix []byte) (start, end []byte) {
	return prefix, PrefixEnd(prefix)
}

// KeyAfter returns the smallest key greater than key (key followed by a
// 0x00 byte): the start of a forward scan that resumes after key.
func KeyAfter(key []byte) []byte {
	next := make([]byte, len(key)+1)
	copy(next, key)
	return next
}
