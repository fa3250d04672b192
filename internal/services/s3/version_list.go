package s3

import (
	"context"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/s3api"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// versionWalker walks a bucket's versions and delete markers.
func versionWalker(bucket, prefix, delimiter string) walker {
	return walker{prefix: prefix, delimiter: delimiter,
		names: func(s string) []byte { return versionNamePrefix(bucket, s) },
		name: func(k []byte) (string, error) {
			key, _, err := versionEntry(k)
			return key, err
		}}
}

// versionPage is one page of ListObjectVersions.
type versionPage struct {
	versions  []s3api.ObjectVersion
	markers   []s3api.DeleteMarkerEntry
	prefixes  []string
	truncated bool
	// lastKey and lastVersion are the last entry of the page (lastVersion
	// is "" when it is a common prefix).
	lastKey, lastVersion string
}

// versionStart returns where a version listing resumes after key-marker
// and version-id-marker, and whether the listing resumes inside the
// versions of the key marker (whose first listed version is then not the
// latest).
func versionStart(ctx context.Context, r storage.Reader, w walker, bucket, keyMarker, vidMarker string) ([]byte, bool, error) {
	switch {
	case keyMarker == "" && vidMarker != "":
		return nil, false, errInvalidArgument("A version-id marker cannot be specified without a key marker.")
	case keyMarker == "":
		return nil, false, nil
	case vidMarker == "":
		return w.skipPast(keyMarker, storage.PrefixEnd(versionsOf(bucket, keyMarker))), false, nil
	}
	seq, null, ok := parseVersionID(vidMarker)
	if !ok {
		return nil, false, errInvalidVersionID()
	}
	if null {
		v, err := findNull(ctx, r, bucket, keyMarker)
		if err != nil {
			return nil, false, err
		}
		if v == nil {
			return storage.PrefixEnd(versionsOf(bucket, keyMarker)), false, nil
		}
		seq = v.Seq
	}
	return storage.KeyAfter(versionKey(bucket, keyMarker, seq)), true, nil
}

// listVersions reads one page of a bucket's versions from start; with
// restoreAt set, each version shows its RestoreStatus at that time.
func listVersions(ctx context.Context, r storage.Reader, w walker, start []byte, resumeKey string, max int, owner *s3api.Owner, restoreAt *time.Time) (*versionPage, error) {
	page := &versionPage{}
	if max == 0 {
		return page, nil
	}
	count := 0
	prevKey, havePrev := resumeKey, resumeKey != ""
	err := w.walk(ctx, r, start, func(key string, cp bool, _, v []byte) (bool, error) {
		if count == max {
			page.truncated = true
			return false, nil
		}
		count++
		if cp {
			page.prefixes = append(page.prefixes, key)
			page.lastKey, page.lastVersion = key, ""
			return true, nil
		}
		o, err := decodeObject(v)
		if err != nil {
			return false, err
		}
		latest := !havePrev || prevKey != key
		prevKey, havePrev = key, true
		id := idOf(o)
		lm := o.LastModified
		if o.DeleteMarker {
			page.markers = append(page.markers, s3api.DeleteMarkerEntry{Key: ptr(key), VersionId: ptr(id),
				IsLatest: ptr(latest), LastModified: &lm, Owner: owner})
		} else {
			entry := s3api.ObjectVersion{Key: ptr(key), VersionId: ptr(id),
				IsLatest: ptr(latest), LastModified: &lm, ETag: ptr(o.ETag), Size: ptr(o.Size),
				StorageClass: ptr(storageClassOf(*o)), Owner: owner, ChecksumAlgorithm: checksumAlgorithms(o.Checksum)}
			if restoreAt != nil {
				entry.RestoreStatus = o.Restore.status(*restoreAt)
			}
			page.versions = append(page.versions, entry)
		}
		page.lastKey, page.lastVersion = key, id
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

func (p *Provider) listObjectVersions(ctx context.Context, in *s3api.ListObjectVersionsRequest) (*s3api.ListObjectVersionsOutput, error) {
	sc := scope.From(ctx)
	bucket, prefix, delimiter := deref(in.Bucket), deref(in.Prefix), deref(in.Delimiter)
	max, err := maxKeysOf(in.MaxKeys)
	if err != nil {
		return nil, err
	}
	enc, err := encoderOf(deref(in.EncodingType))
	if err != nil {
		return nil, err
	}
	keyMarker, vidMarker := deref(in.KeyMarker), deref(in.VersionIdMarker)
	owner := &s3api.Owner{ID: ptr(CanonicalUserID(sc.Account)), DisplayName: ptr("unkai")}
	w := versionWalker(bucket, prefix, delimiter)
	var page *versionPage
	err = p.store.View(ctx, func(tx storage.Txn) error {
		if _, err := bucketOf(ctx, tx, sc.Account, bucket); err != nil {
			return err
		}
		start, inside, err := versionStart(ctx, tx, w, bucket, keyMarker, vidMarker)
		if err != nil {
			return err
		}
		resumeKey := ""
		if inside {
			resumeKey = keyMarker
		}
		page, err = listVersions(ctx, tx, w, start, resumeKey, max, owner, restoreAsked(in.OptionalObjectAttributes, p.clock.Now()))
		return err
	})
	if err != nil {
		return nil, awserr.From(err)
	}
	out := &s3api.ListObjectVersionsOutput{
		Name:            ptr(bucket),
		Prefix:          ptr(enc(prefix)),
		KeyMarker:       ptr(enc(keyMarker)),
		VersionIdMarker: ptr(vidMarker),
		MaxKeys:         ptr(int64(max)),
		IsTruncated:     ptr(page.truncated),
		EncodingType:    in.EncodingType,
	}
	if in.MaxKeys != nil {
		out.MaxKeys = in.MaxKeys
	}
	if delimiter != "" {
		out.Delimiter = ptr(enc(delimiter))
	}
	if page.truncated {
		out.NextKeyMarker = ptr(enc(page.lastKey))
		out.NextVersionIdMarker = nonEmpty(page.lastVersion)
	}
	for _, v := range page.versions {
		v.Key = ptr(enc(*v.Key))
		out.Versions = append(out.Versions, v)
	}
	for _, m := range page.markers {
		m.Key = ptr(enc(*m.Key))
		out.DeleteMarkers = append(out.DeleteMarkers, m)
	}
	for _, cp := range page.prefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, s3api.CommonPrefix{Prefix: ptr(enc(cp))})
	}
	return out, nil
}
