package attr

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
)

// Storage codec. An encoded item is a version byte (codecV1) followed by a
// map: a uvarint count and, sorted by name, each name (uvarint length and
// bytes) and value. A value is a tag byte and its payload:
//
//	tagS, tagN, tagB        uvarint length, bytes (N keeps its text)
//	tagSS, tagNS, tagBS     uvarint count, then each member as above
//	tagM                    a map as above
//	tagL                    uvarint count, then each value
//	tagEmpty, tagNull*, tagBool*  nothing more
//
// A value with several types set (invalid) is stored as its first type in
// TypeOf's order.
const (
	codecV1 = 1

	tagEmpty     = 0
	tagS         = 1
	tagN         = 2
	tagB         = 3
	tagSS        = 4
	tagNS        = 5
	tagBS        = 6
	tagM         = 7
	tagL         = 8
	tagNullTrue  = 9
	tagNullFalse = 10
	tagBoolTrue  = 11
	tagBoolFalse = 12

	// maxDecodeDepth bounds nesting while decoding corrupt input.
	maxDecodeDepth = 2 * MaxNesting
)

// MarshalItem encodes it in the compact, versioned storage format. The
// encoding is deterministic: equal items (same members, same text) give
// equal bytes.
func MarshalItem(it Item) []byte {
	return AppendItem(make([]byte, 0, 1+mapLen(it)), it)
}

// AppendItem appends the item's encoding (see MarshalItem) to dst.
func AppendItem(dst []byte, it Item) []byte {
	dst = append(dst, codecV1)
	return appendMap(dst, it)
}

func appendMap(dst []byte, m map[string]dynamodbapi.AttributeValue) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(m)))
	var stack [16]string
	keys := stack[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		dst = appendStr(dst, k)
		dst = appendValue(dst, m[k])
	}
	return dst
}

func appendStr[T string | []byte](dst []byte, s T) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

func appendValue(dst []byte, v dynamodbapi.AttributeValue) []byte {
	switch {
	case v.S != nil:
		return appendStr(append(dst, tagS), *v.S)
	case v.N != nil:
		return appendStr(append(dst, tagN), *v.N)
	case v.B != nil:
		return appendStr(append(dst, tagB), v.B)
	case v.SS != nil:
		return appendStrs(append(dst, tagSS), v.SS)
	case v.NS != nil:
		return appendStrs(append(dst, tagNS), v.NS)
	case v.BS != nil:
		return appendStrs(append(dst, tagBS), v.BS)
	case v.M != nil:
		return appendMap(append(dst, tagM), v.M)
	case v.L != nil:
		dst = binary.AppendUvarint(append(dst, tagL), uint64(len(v.L)))
		for _, e := range v.L {
			dst = appendValue(dst, e)
		}
		return dst
	case v.NULL != nil:
		if *v.NULL {
			return append(dst, tagNullTrue)
		}
		return append(dst, tagNullFalse)
	case v.BOOL != nil:
		if *v.BOOL {
			return append(dst, tagBoolTrue)
		}
		return append(dst, tagBoolFalse)
	}
	return append(dst, tagEmpty)
}

func appendStrs[T string | []byte](dst []byte, ss []T) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(ss)))
	for _, s := range ss {
		dst = appendStr(dst, s)
	}
	return dst
}

// uvarintLen is the length of n's uvarint encoding.
func uvarintLen(n int) int {
	l := 1
	for n >= 0x80 {
		n >>= 7
		l++
	}
	return l
}

func mapLen(m map[string]dynamodbapi.AttributeValue) int {
	n := uvarintLen(len(m))
	for k, v := range m {
		n += uvarintLen(len(k)) + len(k) + valueLen(v)
	}
	return n
}

// valueLen is the exact length of v's encoding.
func valueLen(v dynamodbapi.AttributeValue) int {
	switch {
	case v.S != nil:
		return 1 + uvarintLen(len(*v.S)) + len(*v.S)
	case v.N != nil:
		return 1 + uvarintLen(len(*v.N)) + len(*v.N)
	case v.B != nil:
		return 1 + uvarintLen(len(v.B)) + len(v.B)
	case v.SS != nil:
		return 1 + strsLen(v.SS)
	case v.NS != nil:
		return 1 + strsLen(v.NS)
	case v.BS != nil:
		return 1 + strsLen(v.BS)
	case v.M != nil:
		return 1 + mapLen(v.M)
	case v.L != nil:
		n := 1 + uvarintLen(len(v.L))
		for _, e := range v.L {
			n += valueLen(e)
		}
		return n
	}
	return 1
}

func strsLen[T string | []byte](ss []T) int {
	n := uvarintLen(len(ss))
	for _, s := range ss {
		n += uvarintLen(len(s)) + len(s)
	}
	return n
}

// errCorrupt reports input that is not a valid encoding.
var errCorrupt = errors.New("corrupt item encoding")

// UnmarshalItem decodes an item encoded by MarshalItem. The result shares
// no memory with data. Corrupt input gives an error, never a panic.
func UnmarshalItem(data []byte) (Item, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("attr: unmarshal item: %w: empty input", errCorrupt)
	}
	if data[0] != codecV1 {
		return nil, fmt.Errorf("attr: unmarshal item: unknown codec version %d", data[0])
	}
	d := decoder{src: data, str: string(data), pos: 1}
	m, err := d.readMap(0)
	if err != nil {
		return nil, fmt.Errorf("attr: unmarshal item at byte %d: %w", d.pos, err)
	}
	if d.pos != len(data) {
		return nil, fmt.Errorf("attr: unmarshal item: %w: %d trailing bytes", errCorrupt, len(data)-d.pos)
	}
	return m, nil
}

// decoder reads one encoded item. Strings are cut from one string copy of
// the input and binaries from one byte copy (made on first use), and
// scalar pointers point into slabs, so an item costs few allocations.
type decoder struct {
	src []byte
	str string // string(src)
	bin []byte // copy of src for B and BS members; nil until needed
	pos int

	strs  []string // slab for S and N pointers
	bools []bool   // slab for NULL and BOOL pointers
}

const slabSize = 16

func (d *decoder) uvarint() (int, error) {
	v, n := binary.Uvarint(d.src[d.pos:])
	if n <= 0 || v > uint64(len(d.src)) {
		return 0, errCorrupt
	}
	d.pos += n
	return int(v), nil
}

// count reads an element count; every element takes at least one byte.
func (d *decoder) count() (int, error) {
	n, err := d.uvarint()
	if err != nil || n > len(d.src)-d.pos {
		return 0, errCorrupt
	}
	return n, nil
}

// span reads a length-prefixed byte range.
func (d *decoder) span() (int, int, error) {
	n, err := d.uvarint()
	if err != nil || n > len(d.src)-d.pos {
		return 0, 0, errCorrupt
	}
	start := d.pos
	d.pos += n
	return start, d.pos, nil
}

func (d *decoder) string() (string, error) {
	i, j, err := d.span()
	if err != nil {
		return "", err
	}
	return d.str[i:j], nil
}

func (d *decoder) bytes() ([]byte, error) {
	i, j, err := d.span()
	if err != nil {
		return nil, err
	}
	if d.bin == nil {
		d.bin = slices.Clone(d.src)
	}
	return d.bin[i:j:j], nil
}

func (d *decoder) strPtr(s string) *string {
	if len(d.strs) == cap(d.strs) {
		d.strs = make([]string, 0, slabSize)
	}
	d.strs = append(d.strs, s)
	return &d.strs[len(d.strs)-1]
}

func (d *decoder) boolPtr(b bool) *bool {
	if len(d.bools) == cap(d.bools) {
		d.bools = make([]bool, 0, slabSize)
	}
	d.bools = append(d.bools, b)
	return &d.bools[len(d.bools)-1]
}

func (d *decoder) readMap(depth int) (map[string]dynamodbapi.AttributeValue, error) {
	n, err := d.count()
	if err != nil {
		return nil, err
	}
	m := make(map[string]dynamodbapi.AttributeValue, n)
	for range n {
		k, err := d.string()
		if err != nil {
			return nil, err
		}
		v, err := d.readValue(depth)
		if err != nil {
			return nil, err
		}
		m[k] = v
	}
	return m, nil
}

func (d *decoder) readValue(depth int) (dynamodbapi.AttributeValue, error) {
	var v dynamodbapi.AttributeValue
	if d.pos >= len(d.src) {
		return v, errCorrupt
	}
	tag := d.src[d.pos]
	d.pos++
	var err error
	switch tag {
	case tagEmpty:
	case tagS, tagN:
		var s string
		if s, err = d.string(); err == nil {
			if tag == tagS {
				v.S = d.strPtr(s)
			} else {
				v.N = d.strPtr(s)
			}
		}
	case tagB:
		v.B, err = d.bytes()
	case tagSS, tagNS:
		var ss []string
		if ss, err = d.strings(); err == nil {
			if tag == tagSS {
				v.SS = ss
			} else {
				v.NS = ss
			}
		}
	case tagBS:
		v.BS, err = d.byteSlices()
	case tagM:
		if depth >= maxDecodeDepth {
			return v, errCorrupt
		}
		v.M, err = d.readMap(depth + 1)
	case tagL:
		if depth >= maxDecodeDepth {
			return v, errCorrupt
		}
		v.L, err = d.readList(depth + 1)
	case tagNullTrue, tagNullFalse:
		v.NULL = d.boolPtr(tag == tagNullTrue)
	case tagBoolTrue, tagBoolFalse:
		v.BOOL = d.boolPtr(tag == tagBoolTrue)
	default:
		return v, fmt.Errorf("%w: unknown tag %d", errCorrupt, tag)
	}
	return v, err
}

func (d *decoder) strings() ([]string, error) {
	n, err := d.count()
	if err != nil {
		return nil, err
	}
	ss := make([]string, n)
	for i := range ss {
		if ss[i], err = d.string(); err != nil {
			return nil, err
		}
	}
	return ss, nil
}

func (d *decoder) byteSlices() ([][]byte, error) {
	n, err := d.count()
	if err != nil {
		return nil, err
	}
	bs := make([][]byte, n)
	for i := range bs {
		if bs[i], err = d.bytes(); err != nil {
			return nil, err
		}
	}
	return bs, nil
}

func (d *decoder) readList(depth int) ([]dynamodbapi.AttributeValue, error) {
	n, err := d.count()
	if err != nil {
		return nil, err
	}
	l := make([]dynamodbapi.AttributeValue, n)
	for i := range l {
		if l[i], err = d.readValue(depth); err != nil {
			return nil, err
		}
	}
	return l, nil
}
