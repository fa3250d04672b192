package storage

import (
	"encoding/binary"
	"fmt"
)

// A commit stamp orders the commits of one store: every transaction that
// writes with PutStamped gets a stamp greater than that of every commit
// before it, across restarts of a durable store. Stamps are nanoseconds
// since the Unix epoch, as read from the wall clock at commit, raised where
// needed to stay strictly increasing; they approximate the commit time.

// StampSuffixLen is the length of what PutStamped appends to its prefix:
// the stamp (8 bytes) and the ordinal within the transaction (4 bytes),
// both big-endian, so stamped keys of one prefix sort in commit order.
const StampSuffixLen = 12

// StampedKey is the key PutStamped writes for prefix, the commit's stamp
// and the ordinal n of the call within its transaction.
func StampedKey(prefix []byte, stamp uint64, n uint32) []byte {
	k := make([]byte, 0, len(prefix)+StampSuffixLen)
	k = append(k, prefix...)
	k = binary.BigEndian.AppendUint64(k, stamp)
	return binary.BigEndian.AppendUint32(k, n)
}

// ParseStamped splits a key written by PutStamped with a prefix of
// prefixLen bytes into its stamp and ordinal.
func ParseStamped(key []byte, prefixLen int) (stamp uint64, n uint32, err error) {
	if prefixLen < 0 || len(key) != prefixLen+StampSuffixLen {
		return 0, 0, fmt.Errorf("%w: stamped key of %d bytes after a %d-byte prefix", ErrBadKey, len(key), prefixLen)
	}
	rest := key[prefixLen:]
	return binary.BigEndian.Uint64(rest), binary.BigEndian.Uint32(rest[8:]), nil
}
