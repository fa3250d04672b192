package s3

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// maxListKeys is the most entries one list page holds.
const maxListKeys = 1000

// A continuation token is the base64 of a kind byte and the last entry a
// page returned: 'k' for an object key, 'p' for a common prefix.
func encodeToken(kind byte, s string) string {
	return base64.StdEncoding.EncodeToString(append([]byte{kind}, s...))
}

func decodeToken(t string) (byte, string, bool) {
	raw, err := base64.StdEncoding.DecodeString(t)
	if err != nil || len(raw) == 0 || (raw[0] != 'k' && raw[0] != 'p') {
		return 0, "", false
	}
	return raw[0], string(raw[1:]), true
}

// listPage is one page of a listing.
type listPage struct {
	objects   []s3api.Object
	prefixes  []string
	truncated bool
	next      string // continuation token when truncated
	last      string // the last object key or common prefix of the page
}

// listRequest is what a listing asks for.
type listRequest struct {
	bucket, prefix, delimiter string
	start                     []byte // first storage key to consider
	max                       int
	owner                     *s3api.Owner
	// restoreAt, when set, asks for each object's RestoreStatus at that
	// time (x-amz-optional-object-attributes: RestoreStatus).
	restoreAt *time.Time
}

// restoreAsked returns the time to report restore status at when attrs
// (x-amz-optional-object-attributes) asks for RestoreStatus, else nil.
func restoreAsked(attrs []string, now time.Time) *time.Time {
	if slices.Contains(attrs, "RestoreStatus") {
		return &now
	}
	return nil
}

// walker is a range scan of part of a bucket's keyspace (its current
// objects or its versions) that rolls the keys sharing a delimited prefix
// into one common prefix.
type walker struct {
	prefix, delimiter string
	// names returns the storage prefix of the records of every object key
	// that starts with s.
	names func(s string) []byte
	// name recovers the object key of a record's storage key.
	name func(k []byte) (string, error)
}

// objectWalker walks a bucket's current objects.
func objectWalker(bucket, prefix, delimiter string) walker {
	return walker{prefix: prefix, delimiter: delimiter,
		names: func(s string) []byte { return keyPrefix(bucket, s) }, name: objectName}
}

// walk calls visit for each record under the prefix from storage key
// start on, in order, and once for each common prefix (cp set, k and v
// nil), until visit returns false. A common prefix ends a range scan and
// the next one starts past every key under it, so the keys a delimiter
// rolls up are never read.
func (w walker) walk(ctx context.Context, r storage.Reader, start []byte, visit func(key string, cp bool, k, v []byte) (bool, error)) error {
	end := storage.PrefixEnd(w.names(w.prefix))
	pos := start
	if lo := w.names(w.prefix); string(pos) < string(lo) {
		pos = lo
	}
	for pos != nil && (end == nil || string(pos) < string(end)) {
		it := r.Scan(ctx, pos, end, storage.ScanOptions{})
		pos = nil
		for it.Next() {
			key, err := w.name(it.Key())
			if err != nil {
				_ = it.Close()
				return err
			}
			if cp, ok := w.commonPrefix(key); ok {
				more, err := visit(cp, true, nil, nil)
				if err != nil || !more {
					_ = it.Close()
					return err
				}
				pos = storage.PrefixEnd(w.names(cp))
				break
			}
			more, err := visit(key, false, it.Key(), it.Value())
			if err != nil || !more {
				_ = it.Close()
				return err
			}
		}
		if err := it.Close(); err != nil {
			return err
		}
	}
	return nil
}

// commonPrefix returns the common prefix key rolls up into, if any.
func (w walker) commonPrefix(key string) (string, bool) {
	if w.delimiter == "" || !strings.HasPrefix(key, w.prefix) {
		return "", false
	}
	i := strings.Index(key[len(w.prefix):], w.delimiter)
	if i < 0 {
		return "", false
	}
	return key[:len(w.prefix)+i+len(w.delimiter)], true
}

// skipPast returns where a listing resumes after marker (an object key or
// common prefix it returned): after, the position just past marker's own
// records, or past the common prefix marker rolls up into, which a listing
// that reached marker has already returned.
func (w walker) skipPast(marker string, after []byte) []byte {
	if cp, ok := w.commonPrefix(marker); ok {
		if e := storage.PrefixEnd(w.names(cp)); string(e) > string(after) {
			return e
		}
	}
	return after
}

// listBucket reads one page of the caller's bucket in one snapshot.
func (p *Provider) listBucket(ctx context.Context, account string, r listRequest) (*listPage, error) {
	var page *listPage
	err := p.store.View(ctx, func(tx storage.Txn) error {
		if _, err := bucketOf(ctx, tx, account, r.bucket); err != nil {
			return err
		}
		var err error
		page, err = list(ctx, tx, r)
		return err
	})
	if err != nil {
		return nil, awserr.From(err)
	}
	return page, nil
}

// list reads one page of a bucket's current objects from r.start.
func list(ctx context.Context, tx storage.Txn, r listRequest) (*listPage, error) {
	page := &listPage{}
	if r.max == 0 {
		return page, nil
	}
	w := objectWalker(r.bucket, r.prefix, r.delimiter)
	err := w.walk(ctx, tx, r.start, func(key string, cp bool, _, v []byte) (bool, error) {
		if len(page.objects)+len(page.prefixes) == r.max {
			page.truncated = true
			return false, nil
		}
		page.last = key
		if cp {
			page.prefixes = append(page.prefixes, key)
			page.next = encodeToken('p', key)
			return true, nil
		}
		var o Object
		if err := json.Unmarshal(v, &o); err != nil {
			return false, fmt.Errorf("s3: decode object: %w", err)
		}
		entry := s3api.Object{
			Key: ptr(key), LastModified: ptr(o.LastModified), ETag: ptr(o.ETag),
			Size: ptr(o.Size), StorageClass: ptr(storageClassOf(o)), Owner: r.owner,
			ChecksumAlgorithm: checksumAlgorithms(o.Checksum),
		}
		if r.restoreAt != nil {
			entry.RestoreStatus = o.Restore.status(*r.restoreAt)
		}
		page.objects = append(page.objects, entry)
		page.next = encodeToken('k', key)
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// checksumAlgorithms is the ChecksumAlgorithm a listing shows for an
// object: its checksum's algorithm, if it has one.
func checksumAlgorithms(c *Checksum) []string {
	if c == nil {
		return nil
	}
	return []string{c.Algorithm}
}

func storageClassOf(o Object) string {
	if o.StorageClass == "" {
		return "STANDARD"
	}
	return o.StorageClass
}

func (p *Provider) listObjectsV2(ctx context.Context, in *s3api.ListObjectsV2Request) (*s3api.ListObjectsV2Output, error) {
	sc := scope.From(ctx)
	r, enc, err := p.listRequestOf(in.Bucket, in.Prefix, in.Delimiter, in.MaxKeys, in.EncodingType, in.OptionalObjectAttributes)
	if err != nil {
		return nil, err
	}
	if in.FetchOwner != nil && *in.FetchOwner {
		r.owner = &s3api.Owner{ID: ptr(CanonicalUserID(sc.Account)), DisplayName: ptr("unkai")}
	}
	r.start = keyPrefix(r.bucket, r.prefix)
	if sa := deref(in.StartAfter); sa != "" {
		if k := storage.KeyAfter(objectKey(r.bucket, sa)); string(k) > string(r.start) {
			r.start = k
		}
	}
	if in.ContinuationToken != nil {
		kind, s, ok := decodeToken(*in.ContinuationToken)
		if !ok {
			return nil, errInvalidArgument("The continuation token provided is incorrect")
		}
		k := storage.KeyAfter(objectKey(r.bucket, s))
		if kind == 'p' {
			k = storage.PrefixEnd(keyPrefix(r.bucket, s))
		}
		if string(k) > string(r.start) {
			r.start = k
		}
	}
	page, err := p.listBucket(ctx, sc.Account, r)
	if err != nil {
		return nil, err
	}
	out := &s3api.ListObjectsV2Output{
		Name:              ptr(r.bucket),
		Prefix:            ptr(enc(r.prefix)),
		MaxKeys:           ptr(int64(r.max)),
		KeyCount:          ptr(int64(len(page.objects) + len(page.prefixes))),
		IsTruncated:       ptr(page.truncated),
		ContinuationToken: in.ContinuationToken,
		EncodingType:      in.EncodingType,
	}
	if in.MaxKeys != nil {
		out.MaxKeys = in.MaxKeys
	}
	if r.delimiter != "" {
		out.Delimiter = ptr(enc(r.delimiter))
	}
	if in.StartAfter != nil {
		out.StartAfter = ptr(enc(*in.StartAfter))
	}
	if page.truncated {
		out.NextContinuationToken = ptr(page.next)
	}
	for _, o := range page.objects {
		o.Key = ptr(enc(*o.Key))
		out.Contents = append(out.Contents, o)
	}
	for _, cp := range page.prefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, s3api.CommonPrefix{Prefix: ptr(enc(cp))})
	}
	return out, nil
}

// urlEncode encodes a key as S3 does for encoding-type=url.
func urlEncode(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "%2F", "/")
}

// maxKeysOf applies a request's max-keys: at most maxListKeys entries.
// listRequestOf reads what both ListObjects versions take alike: bucket,
// prefix, delimiter, page size, key encoding (the returned encoder) and
// whether restore status is asked for.
func (p *Provider) listRequestOf(bucket, prefix, delimiter *string, maxKeys *int64, encoding *string, attrs []string) (listRequest, func(string) string, error) {
	r := listRequest{bucket: deref(bucket), prefix: deref(prefix), delimiter: deref(delimiter),
		restoreAt: restoreAsked(attrs, p.clock.Now())}
	var err error
	if r.max, err = maxKeysOf(maxKeys); err != nil {
		return r, nil, err
	}
	enc, err := encoderOf(deref(encoding))
	return r, enc, err
}

func maxKeysOf(n *int64) (int, error) {
	if n == nil {
		return maxListKeys, nil
	}
	if *n < 0 {
		return 0, errInvalidArgument("Argument maxKeys must be an integer between 0 and 2147483647")
	}
	return int(min(*n, maxListKeys)), nil
}

// encoderOf returns how a listing writes keys for an encoding-type.
func encoderOf(encoding string) (func(string) string, error) {
	switch encoding {
	case "":
		return func(s string) string { return s }, nil
	case "url":
		return urlEncode, nil
	}
	return nil, errInvalidArgument("Invalid Encoding Method specified in Request")
}

// listObjects serves ListObjects (version 1): the listing resumes after
// Marker, and NextMarker is sent only with a delimiter, as S3 does (without
// one, clients resume after the last key of the page).
func (p *Provider) listObjects(ctx context.Context, in *s3api.ListObjectsRequest) (*s3api.ListObjectsOutput, error) {
	sc := scope.From(ctx)
	r, enc, err := p.listRequestOf(in.Bucket, in.Prefix, in.Delimiter, in.MaxKeys, in.EncodingType, in.OptionalObjectAttributes)
	if err != nil {
		return nil, err
	}
	r.owner = &s3api.Owner{ID: ptr(CanonicalUserID(sc.Account)), DisplayName: ptr("unkai")}
	marker := deref(in.Marker)
	r.start = keyPrefix(r.bucket, r.prefix)
	if marker != "" {
		r.start = objectWalker(r.bucket, r.prefix, r.delimiter).skipPast(marker, storage.KeyAfter(objectKey(r.bucket, marker)))
	}
	page, err := p.listBucket(ctx, sc.Account, r)
	if err != nil {
		return nil, err
	}
	out := &s3api.ListObjectsOutput{
		Name:         ptr(r.bucket),
		Prefix:       ptr(enc(r.prefix)),
		Marker:       ptr(enc(marker)),
		MaxKeys:      ptr(int64(r.max)),
		IsTruncated:  ptr(page.truncated),
		EncodingType: in.EncodingType,
	}
	if in.MaxKeys != nil {
		out.MaxKeys = in.MaxKeys
	}
	if r.delimiter != "" {
		out.Delimiter = ptr(enc(r.delimiter))
		if page.truncated {
			out.NextMarker = ptr(enc(page.last))
		}
	}
	for _, o := range page.objects {
		o.Key = ptr(enc(*o.Key))
		out.Contents = append(out.Contents, o)
	}
	for _, cp := range page.prefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, s3api.CommonPrefix{Prefix: ptr(enc(cp))})
	}
	return out, nil
}
