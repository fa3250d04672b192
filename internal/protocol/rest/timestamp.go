package rest

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/protocol"
)

// Default timestamp formats per location, as AWS's protocols define them.
const (
	// HeaderTimestampFormat is the format of timestamps bound to headers.
	HeaderTimestampFormat = protocol.TimestampRFC822
	// QueryTimestampFormat is the format of timestamps bound to the URI
	// path or query string.
	QueryTimestampFormat = protocol.TimestampISO8601
	// JSONTimestampFormat is the format of timestamps in JSON bodies.
	JSONTimestampFormat = protocol.TimestampUnix
	// XMLTimestampFormat is the format of timestamps in XML bodies.
	XMLTimestampFormat = protocol.TimestampISO8601
)

// errTimestamp is returned for text that is no timestamp in any format.
var errTimestamp = errors.New("not a timestamp")

// FormatTimestamp writes t in format (one of the protocol.Timestamp*
// constants); an empty format means def. Timestamps are written in UTC with
// millisecond precision, fractions only when non-zero, as AWS does.
func FormatTimestamp(t time.Time, format, def string) string {
	if format == "" {
		format = def
	}
	t = t.UTC()
	switch format {
	case protocol.TimestampRFC822:
		return t.Format(http.TimeFormat)
	case protocol.TimestampUnix:
		return string(AppendEpoch(nil, t))
	default:
		return t.Format("2006-01-02T15:04:05.999Z")
	}
}

// AppendEpoch appends t as epoch seconds, with a fraction of up to three
// digits when t has milliseconds.
func AppendEpoch(b []byte, t time.Time) []byte {
	ms := t.UnixMilli()
	sec, frac := ms/1000, ms%1000
	if frac == 0 {
		return strconv.AppendInt(b, sec, 10)
	}
	if frac < 0 {
		frac = -frac
		if sec == 0 {
			b = append(b, '-')
		}
	}
	b = strconv.AppendInt(b, sec, 10)
	b = append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
	for b[len(b)-1] == '0' {
		b = b[:len(b)-1]
	}
	return b
}

// ParseTimestamp reads a timestamp in any of AWS's formats: epoch seconds
// (fraction allowed), ISO 8601 / RFC 3339 (fraction and offset allowed, or
// no zone meaning UTC), or RFC 822/1123 HTTP dates. Servers accept what any
// SDK may send, whatever the member's declared format.
func ParseTimestamp(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errTimestamp
	}
	if c := s[0]; c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9') {
		if t, ok := ParseEpoch(s); ok {
			return t, nil
		}
	}
	for _, layout := range timestampLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errTimestamp
}

// timestampLayouts are the textual layouts ParseTimestamp tries in turn.
var timestampLayouts = [...]string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z0700",
	http.TimeFormat,
	time.RFC1123,
	time.RFC1123Z,
	time.RFC850,
	time.ANSIC,
	"Mon, 2 Jan 2006 15:04:05 MST",
}

// maxEpoch bounds epoch seconds to years AWS can represent (0001-9999).
const maxEpoch = 253402300799

// ParseEpoch reads epoch seconds with an optional fraction (or exponent),
// keeping nanosecond precision where the text has it.
func ParseEpoch(s string) (time.Time, bool) {
	if strings.ContainsAny(s, "eE") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f != f || f > maxEpoch || f < -maxEpoch {
			return time.Time{}, false
		}
		sec := int64(f)
		nsec := int64((f - float64(sec)) * 1e9)
		return time.Unix(sec, nsec).UTC(), true
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	neg := strings.HasPrefix(intPart, "-")
	if intPart == "" || intPart == "-" || intPart == "+" {
		if !hasFrac || frac == "" {
			return time.Time{}, false
		}
		intPart += "0"
	}
	sec, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil || sec > maxEpoch || sec < -maxEpoch {
		return time.Time{}, false
	}
	var nsec int64
	if hasFrac {
		if frac == "" {
			return time.Time{}, false
		}
		for i := 0; i < len(frac); i++ {
			c := frac[i]
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			if i < 9 {
				nsec = nsec*10 + int64(c-'0')
			}
		}
		for i := len(frac); i < 9; i++ {
			nsec *= 10
		}
		if neg {
			nsec = -nsec
		}
	}
	return time.Unix(sec, nsec).UTC(), true
}
