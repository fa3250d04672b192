package s3

import (
	"encoding/hex"
	"fmt"
	"math"
	"time"

	"github.com/unkai-cloud/unkai/internal/storage"
)

// nullVersion is the id of the version an unversioned or suspended bucket
// writes.
const nullVersion = "null"

// versionIDAlphabet is the alphabet of a version id's random half: URL-safe.
const versionIDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"

// versionPrefix is the key prefix of a bucket's version records.
func versionPrefix(bucket string) []byte { return storage.Key(Name, "versions", bucket) }

// versionsOf is the key prefix of the version records of one object key.
func versionsOf(bucket, key string) []byte {
	return storage.AppendString(versionPrefix(bucket), key)
}

// versionKey is the key of one version record.
func versionKey(bucket, key string, seq uint64) []byte {
	return storage.AppendUint64(versionsOf(bucket, key), seq)
}

// versionNamePrefix is the storage prefix shared by the version records of
// every object key that starts with s.
func versionNamePrefix(bucket, s string) []byte {
	k := versionsOf(bucket, s)
	return k[:len(k)-2]
}

// versionEntry recovers the object key and sequence of a version record's
// storage key.
func versionEntry(k []byte) (string, uint64, error) {
	parts, err := storage.Decode(k)
	if err != nil {
		return "", 0, fmt.Errorf("s3: version record key: %w", err)
	}
	if len(parts) != 5 {
		return "", 0, fmt.Errorf("s3: version record key has %d elements", len(parts))
	}
	key, ok := parts[3].(string)
	seq, ok2 := parts[4].(uint64)
	if !ok || !ok2 {
		return "", 0, fmt.Errorf("s3: version record key elements are %T, %T", parts[3], parts[4])
	}
	return key, seq, nil
}

// seqAt is the sequence of a version written at t: the inverted nanosecond
// timestamp, so that newer versions sort first.
func seqAt(t time.Time) uint64 { return math.MaxUint64 - uint64(t.UnixNano()) }

// versionID makes the id of the version at seq: 16 hex digits of seq, then
// 16 random URL-safe characters, so ids of one key sort as their versions.
func (p *Provider) versionID(seq uint64) string {
	return fmt.Sprintf("%016x", seq) + p.ids.Alnum(16, versionIDAlphabet)
}

// parseVersionID returns the sequence a version id names. ok is false for
// an id unkai cannot have made, which S3 answers with InvalidArgument; the
// null version's id parses with null set.
func parseVersionID(id string) (seq uint64, null, ok bool) {
	if id == nullVersion {
		return 0, true, true
	}
	if len(id) != 32 {
		return 0, false, false
	}
	raw, err := hex.DecodeString(id[:16])
	if err != nil || id[:16] != hex.EncodeToString(raw) {
		return 0, false, false
	}
	for i := 16; i < 32; i++ {
		if !validIDChar(id[i]) {
			return 0, false, false
		}
	}
	for _, b := range raw {
		seq = seq<<8 | uint64(b)
	}
	return seq, false, true
}

func validIDChar(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_'
}
