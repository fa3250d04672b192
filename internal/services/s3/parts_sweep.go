package s3

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/unkai-cloud/unkai/internal/storage"
)

// blobNames is what the sweep reads of a record: the files it names. Every
// record that owns blob files (objects, parts, and any other kind) names
// them in a top-level "blob" member or in "parts"[]."blob".
type blobNames struct {
	Blob  string `json:"blob"`
	Parts []struct {
		Blob string `json:"blob"`
	} `json:"parts"`
}

// sweepOrphans removes the blob files no record names. A crash between a
// file's rename and the commit of the record naming it (PutObject,
// UploadPart), or between a commit and the removal of the files it
// dropped, leaves such a file. It reads every S3 record once (a single
// range scan, decoding only values that mention a blob) into a set, then
// lists the directory once: linear in records plus files. It runs before
// the provider serves, so no write is in flight. A record it cannot decode
// stops the sweep without removing anything.
func (p *Provider) sweepOrphans(ctx context.Context) error {
	if p.blobDir == "" {
		return nil
	}
	named := map[string]struct{}{}
	prefix := storage.Key(Name)
	it := p.store.Scan(ctx, prefix, storage.PrefixEnd(prefix), storage.ScanOptions{})
	defer it.Close()
	marker := []byte(`"blob"`)
	for it.Next() {
		v := it.Value()
		if !bytes.Contains(v, marker) {
			continue
		}
		var rec blobNames
		if err := json.Unmarshal(v, &rec); err != nil {
			return nil
		}
		if rec.Blob != "" {
			named[rec.Blob] = struct{}{}
		}
		for _, part := range rec.Parts {
			named[part.Blob] = struct{}{}
		}
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("s3: scan records for the blob sweep: %w", err)
	}
	return p.removeFiles(func(name string) bool {
		_, ok := named[name]
		return !ok
	})
}
