package s3

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

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
}

// listRequest is what a listing asks for.
type listRequest struct {
	bucket, prefix, delimiter string
	start                     []byte // first storage key to consider
	max                       int
	owner                     *s3api.Owner
}

// list walks a bucket's records from r.start by range scans. A common
// prefix ends the scan and the next one starts past every key under it, so
// the keys a delimiter rolls up are never read.
func list(ctx context.Context, tx storage.Txn, r listRequest) (*listPage, error) {
	page := &listPage{}
	if r.max == 0 {
		return page, nil
	}
	end := storage.PrefixEnd(keyPrefix(r.bucket, r.prefix))
	pos := r.start
	var last string
	for pos != nil && (end == nil || string(pos) < string(end)) {
		it := tx.Scan(ctx, pos, end, storage.ScanOptions{})
		pos = nil
		for it.Next() {
			if len(page.objects)+len(page.prefixes) == r.max {
				page.truncated, page.next = true, last
				break
			}
			key, err := objectName(it.Key())
			if err != nil {
				_ = it.Close()
				return nil, err
			}
			if r.delimiter != "" {
				if i := strings.Index(key[len(r.prefix):], r.delimiter); i >= 0 {
					cp := key[:len(r.prefix)+i+len(r.delimiter)]
					page.prefixes = append(page.prefixes, cp)
					last = encodeToken('p', cp)
					pos = storage.PrefixEnd(keyPrefix(r.bucket, cp))
					break
				}
			}
			var o Object
			if err := json.Unmarshal(it.Value(), &o); err != nil {
				_ = it.Close()
				return nil, fmt.Errorf("s3: decode object: %w", err)
			}
			page.objects = append(page.objects, s3api.Object{
				Key: ptr(key), LastModified: ptr(o.LastModified), ETag: ptr(o.ETag),
				Size: ptr(o.Size), StorageClass: ptr(storageClassOf(o)), Owner: r.owner,
			})
			last = encodeToken('k', key)
		}
		if err := it.Close(); err != nil {
			return nil, err
		}
		if page.truncated {
			break
		}
	}
	return page, nil
}

func storageClassOf(o Object) string {
	if o.StorageClass == "" {
		return "STANDARD"
	}
	return o.StorageClass
}

func (p *Provider) listObjectsV2(ctx context.Context, in *s3api.ListObjectsV2Request) (*s3api.ListObjectsV2Output, error) {
	sc := scope.From(ctx)
	r := listRequest{bucket: deref(in.Bucket), prefix: deref(in.Prefix), delimiter: deref(in.Delimiter), max: maxListKeys}
	if in.MaxKeys != nil {
		if *in.MaxKeys < 0 {
			return nil, errInvalidArgument("Argument maxKeys must be an integer between 0 and 2147483647")
		}
		r.max = int(min(*in.MaxKeys, maxListKeys))
	}
	encoding := deref(in.EncodingType)
	if encoding != "" && encoding != "url" {
		return nil, errInvalidArgument("Invalid Encoding Method specified in Request")
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
	var page *listPage
	err := p.store.View(ctx, func(tx storage.Txn) error {
		if _, err := bucketOf(ctx, tx, sc.Account, r.bucket); err != nil {
			return err
		}
		var err error
		page, err = list(ctx, tx, r)
		return err
	})
	if err != nil {
		return nil, awserr.From(err)
	}
	enc := func(s string) string { return s }
	if encoding == "url" {
		enc = urlEncode
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
