package dynamodb

import (
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"math"
	"time"

	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// position is a place in a stream's log: a commit stamp and the ordinal of
// a write within its commit, as storage.PutStamped keys them.
type position struct {
	Stamp uint64 `json:"s"`
	N     uint32 `json:"n"`
}

// less reports whether p sorts before o.
func (p position) less(o position) bool {
	return p.Stamp < o.Stamp || p.Stamp == o.Stamp && p.N < o.N
}

// next is the position right after p.
func (p position) next() position {
	if p.N == math.MaxUint32 {
		return position{Stamp: p.Stamp + 1}
	}
	return position{Stamp: p.Stamp, N: p.N + 1}
}

// key is the log key of p in the log under prefix.
func (p position) key(prefix []byte) []byte { return storage.StampedKey(prefix, p.Stamp, p.N) }

// seqDigits is the length of a sequence number: "1", the stamp in 20
// digits and the ordinal in 10, so sequence numbers compare the same as
// numbers and as strings.
const seqDigits = 31

// seq is p's SequenceNumber.
func (p position) seq() string {
	return "1" + fmtDigits(p.Stamp, 20) + fmtDigits(uint64(p.N), 10)
}

// parseSeq reads a SequenceNumber made by seq.
func parseSeq(s string) (position, bool) {
	if len(s) != seqDigits || s[0] != '1' {
		return position{}, false
	}
	var stamp, n uint64
	for i := 1; i < seqDigits; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return position{}, false
		}
		d := uint64(c - '0')
		if i <= 20 {
			if stamp > (math.MaxUint64-d)/10 {
				return position{}, false
			}
			stamp = stamp*10 + d
		} else {
			n = n*10 + d
		}
	}
	if n > math.MaxUint32 {
		return position{}, false
	}
	return position{Stamp: stamp, N: uint32(n)}, true
}

// iterator is what a shard iterator stands for: the next position to read
// in one stream's shard and when it was issued. account is the stream
// owner's, so that an iterator of another account's stream (allowed by
// its resource policy) reads that stream; an iterator of the first
// version, which had no account, reads the caller's.
type iterator struct {
	account      string
	table, label string
	from         position
	issued       time.Time
}

// owner is the scope of the stream the iterator reads, for a caller in sc.
func (it iterator) owner(sc scope.Scope) scope.Scope {
	if it.account != "" {
		sc.Account = it.account
	}
	return sc
}

// Versions of the encoded iterator (its first byte): the first had no
// account.
const (
	iteratorV1      = 1
	iteratorVersion = 2
)

// encode makes the opaque ShardIterator string: the fields, then a CRC-32
// of them so a damaged or edited iterator is refused rather than
// misread.
func (it iterator) encode() string {
	b := make([]byte, 0, 40+len(it.account)+len(it.table)+len(it.label))
	b = append(b, iteratorVersion)
	b = binary.AppendUvarint(b, uint64(len(it.account)))
	b = append(b, it.account...)
	b = binary.AppendUvarint(b, uint64(len(it.table)))
	b = append(b, it.table...)
	b = binary.AppendUvarint(b, uint64(len(it.label)))
	b = append(b, it.label...)
	b = binary.BigEndian.AppendUint64(b, it.from.Stamp)
	b = binary.BigEndian.AppendUint32(b, it.from.N)
	b = binary.BigEndian.AppendUint64(b, uint64(it.issued.UnixMilli()))
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeIterator reads a ShardIterator made by encode.
func decodeIterator(s string) (iterator, bool) {
	var it iterator
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 5 {
		return it, false
	}
	body, sum := b[:len(b)-4], binary.BigEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum || body[0] != iteratorVersion && body[0] != iteratorV1 {
		return it, false
	}
	rest := body[1:]
	str := func() (string, bool) {
		n, k := binary.Uvarint(rest)
		if k <= 0 || n > uint64(len(rest)-k) {
			return "", false
		}
		v := string(rest[k : k+int(n)])
		rest = rest[k+int(n):]
		return v, true
	}
	var ok bool
	if body[0] == iteratorVersion {
		if it.account, ok = str(); !ok {
			return it, false
		}
	}
	if it.table, ok = str(); !ok {
		return it, false
	}
	if it.label, ok = str(); !ok {
		return it, false
	}
	if len(rest) != 20 {
		return it, false
	}
	it.from = position{Stamp: binary.BigEndian.Uint64(rest), N: binary.BigEndian.Uint32(rest[8:])}
	it.issued = time.UnixMilli(int64(binary.BigEndian.Uint64(rest[12:]))).UTC()
	return it, true
}
