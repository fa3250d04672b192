package logs

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"math/big"
	"strings"
)

// position is a boundary between events of one stream: the place just
// before the event (TS, Seq), which need not exist. Reading forward from a
// position gives the events at or after it; reading backward gives those
// before it.
type position struct {
	TS  int64
	Seq uint64
}

// eventTokenDigits is the width of the number in GetLogEvents tokens: a
// 128-bit value has at most 39 decimal digits.
const eventTokenDigits = 39

// eventToken formats a GetLogEvents token: "f/<n>" for reading forward,
// "b/<n>" for reading backward, n a fixed-width decimal of the position.
func eventToken(forward bool, p position) string {
	hi := new(big.Int).SetUint64(uint64(p.TS) ^ (1 << 63))
	n := hi.Lsh(hi, 64).Or(hi, new(big.Int).SetUint64(p.Seq))
	digits := n.String()
	dir := "b/"
	if forward {
		dir = "f/"
	}
	return dir + strings.Repeat("0", eventTokenDigits-len(digits)) + digits
}

var errToken = errors.New("logs: malformed token")

// parseEventToken parses a token made by eventToken.
func parseEventToken(s string) (forward bool, p position, err error) {
	switch {
	case strings.HasPrefix(s, "f/"):
		forward = true
	case strings.HasPrefix(s, "b/"):
	default:
		return false, position{}, errToken
	}
	digits := s[2:]
	if len(digits) != eventTokenDigits {
		return false, position{}, errToken
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false, position{}, errToken
		}
	}
	n, ok := new(big.Int).SetString(digits, 10)
	if !ok || n.BitLen() > 128 {
		return false, position{}, errToken
	}
	var buf [16]byte
	n.FillBytes(buf[:])
	p.TS = int64(binary.BigEndian.Uint64(buf[:8]) ^ (1 << 63))
	p.Seq = binary.BigEndian.Uint64(buf[8:])
	return forward, p, nil
}

// pageToken is the nextToken of DescribeLogGroups, DescribeLogStreams and
// FilterLogEvents: the sort key of the last item returned, opaque to
// clients.
type pageToken struct {
	TS   int64
	Seq  uint64
	Name string
}

func (t pageToken) String() string {
	b := make([]byte, 0, 2*binary.MaxVarintLen64+len(t.Name))
	b = binary.AppendVarint(b, t.TS)
	b = binary.AppendUvarint(b, t.Seq)
	b = append(b, t.Name...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// optionalPageToken reads a request's NextToken: nil when there is none,
// and InvalidParameterException when it is not one of ours.
func optionalPageToken(s *string) (*pageToken, error) {
	if s == nil {
		return nil, nil
	}
	t, err := parsePageToken(*s)
	if err != nil {
		return nil, errBadToken()
	}
	return &t, nil
}

func parsePageToken(s string) (pageToken, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return pageToken{}, errToken
	}
	var t pageToken
	var n int
	if t.TS, n = binary.Varint(b); n <= 0 {
		return pageToken{}, errToken
	}
	b = b[n:]
	if t.Seq, n = binary.Uvarint(b); n <= 0 {
		return pageToken{}, errToken
	}
	t.Name = string(b[n:])
	return t, nil
}
