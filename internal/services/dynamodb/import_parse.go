package dynamodb

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/klauspost/compress/zstd"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/protocol/jsonshape"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
)

// Parsing an import's source objects into items.
//
// DYNAMODB_JSON objects hold one {"Item":{...}} object per line, as
// exports write them; blank lines are skipped. CSV objects hold a header
// line (unless CsvOptions.HeaderList names the columns, in which case
// every line is data) and one item per record: each non-empty cell
// becomes an attribute named by its column, of the type the table's
// AttributeDefinitions give it (N or B, B in base64) and a string
// otherwise; empty cells are left out (choice: AWS does not say). A
// record that does not parse, or has more cells than columns, is one
// error. Each record is handed on as an item or an error; only a failure
// to read the object itself (a corrupt compressed stream) stops it.

// maxImportLine bounds one DYNAMODB_JSON line: an item is at most 400 KB,
// which base64 and JSON framing can grow several times over.
const maxImportLine = 4 << 20

// Input formats and compression types.
const (
	inputCSV         = "CSV"
	compressNone     = "NONE"
	compressGzip     = "GZIP"
	compressZstd     = "ZSTD"
	defaultDelimiter = ','
)

// errLineTooLong is a DYNAMODB_JSON line over maxImportLine.
var errLineTooLong = errors.New("line too long")

// decompressed returns a reader of an object's body in the import's
// compression; the closer releases the decoder.
func decompressed(r io.Reader, compression string) (io.Reader, func(), error) {
	switch compression {
	case compressGzip:
		z, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, fmt.Errorf("gzip: %w", err)
		}
		return z, func() { z.Close() }, nil
	case compressZstd:
		z, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, nil, fmt.Errorf("zstd: %w", err)
		}
		return z, z.Close, nil
	}
	return r, func() {}, nil
}

// itemSink receives each record of a source: an item, or why the record
// is not one.
type itemSink func(item attr.Item, bad error) error

// parseDynamoDBJSON reads DYNAMODB_JSON lines from r.
func parseDynamoDBJSON(r io.Reader, sink itemSink) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var line []byte
	for {
		var err error
		line, err = readLine(br, line[:0])
		if errors.Is(err, errLineTooLong) {
			if err := sink(nil, err); err != nil {
				return err
			}
			continue
		}
		if len(bytes.TrimSpace(line)) > 0 {
			item, bad := decodeJSONItem(line)
			if err := sink(item, bad); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// readLine reads one line (without its end) into dst. A line longer than
// maxImportLine is skipped to its end and reported as errLineTooLong.
func readLine(br *bufio.Reader, dst []byte) ([]byte, error) {
	long := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !long {
			if len(dst)+len(chunk) > maxImportLine {
				long, dst = true, dst[:0]
			} else {
				dst = append(dst, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if long && err == nil {
			return dst, errLineTooLong
		}
		if long && err == io.EOF {
			return dst, errLineTooLong
		}
		return bytes.TrimRight(dst, "\r\n"), err
	}
}

// decodeJSONItem decodes one DYNAMODB_JSON line.
func decodeJSONItem(line []byte) (attr.Item, error) {
	var l exportLine
	if err := jsonshape.Decode(bytes.NewReader(line), &l, jsonshape.DecodeOptions{MaxBytes: maxImportLine + 1}); err != nil {
		return nil, err
	}
	if l.Item == nil {
		return nil, errors.New("the line has no Item")
	}
	return l.Item, nil
}

// csvOptions are an import's CSV settings.
type csvOptions struct {
	delimiter rune
	header    []string // nil: each object's first line is its header
	types     map[string]string
}

// newCSVOptions reads CsvOptions; types are the table's attribute types.
func newCSVOptions(o *dynamodbapi.CsvOptions, types map[string]string) csvOptions {
	c := csvOptions{delimiter: defaultDelimiter, types: types}
	if o != nil {
		if d := deref(o.Delimiter); d != "" {
			c.delimiter, _ = utf8.DecodeRuneInString(d)
		}
		c.header = o.HeaderList
	}
	return c
}

// parseCSV reads CSV records from r.
func parseCSV(r io.Reader, o csvOptions, sink itemSink) error {
	cr := csv.NewReader(r)
	cr.Comma = o.delimiter
	cr.FieldsPerRecord = -1
	header := o.header
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if err := sink(nil, err); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		if header == nil {
			header = append([]string(nil), rec...)
			continue
		}
		item, bad := csvItem(header, rec, o.types)
		if err := sink(item, bad); err != nil {
			return err
		}
	}
}

// csvItem makes the item of one CSV record.
func csvItem(header, rec []string, types map[string]string) (attr.Item, error) {
	if len(rec) > len(header) {
		return nil, fmt.Errorf("record of %d fields for %d columns", len(rec), len(header))
	}
	item := make(attr.Item, len(rec))
	for i, cell := range rec {
		if cell == "" {
			continue
		}
		switch types[header[i]] {
		case "N":
			n, err := attr.ParseNumber(cell)
			if err != nil {
				return nil, fmt.Errorf("column %s: %w", header[i], err)
			}
			item[header[i]] = dynamodbapi.AttributeValue{N: ptr(n.String())}
		case "B":
			b, err := base64.StdEncoding.DecodeString(cell)
			if err != nil {
				return nil, fmt.Errorf("column %s: %w", header[i], err)
			}
			item[header[i]] = dynamodbapi.AttributeValue{B: b}
		default:
			item[header[i]] = dynamodbapi.AttributeValue{S: ptr(cell)}
		}
	}
	return item, nil
}
