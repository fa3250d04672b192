package dynamodb

import (
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"hash"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/protocol/jsonshape"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// The export job (see export.go): data files are written one at a time to
// a temporary file of the provider's blob directory, gzip-compressed, and
// handed to S3's PutObject from there, so an export never holds more than
// one item in memory beyond the PITR picks itemsAt keeps. A data file ends
// after exportFileItems items or exportFileBytes bytes of JSON; an empty
// table gives one empty data file, as an empty partition does on AWS.

// Bounds of one data file.
const (
	exportFileItems = 100_000
	exportFileBytes = 64 << 20
)

// exportTempPattern names the temporary data files in the blob directory
// (the system's temporary directory when the provider has none).
const exportTempPattern = "export-*.json.gz"

// Manifest versions: of full exports and of incremental ones.
const (
	manifestVersionFull        = "2020-06-30"
	manifestVersionIncremental = "2023-08-01"
)

// manifestTime is the time format of the manifests.
const manifestTime = "2006-01-02T15:04:05.000Z"

// dataFileAlphabet spells data file names.
const dataFileAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// exportLine is one line of a full export's DYNAMODB_JSON data file.
type exportLine struct {
	_    struct{}                              `type:"structure"`
	Item map[string]dynamodbapi.AttributeValue `type:"map"`
}

// manifestFile is one line of manifest-files.json.
type manifestFile struct {
	ItemCount     int64  `json:"itemCount"`
	MD5Checksum   string `json:"md5Checksum"`
	ETag          string `json:"etag"`
	DataFileS3Key string `json:"dataFileS3Key"`
}

// manifestSummary is manifest-summary.json.
type manifestSummary struct {
	Version            string  `json:"version"`
	ExportArn          string  `json:"exportArn"`
	StartTime          string  `json:"startTime"`
	EndTime            string  `json:"endTime"`
	TableArn           string  `json:"tableArn"`
	TableID            string  `json:"tableId"`
	ExportTime         string  `json:"exportTime,omitempty"`
	ExportFromTime     string  `json:"exportFromTime,omitempty"`
	ExportToTime       string  `json:"exportToTime,omitempty"`
	S3Bucket           string  `json:"s3Bucket"`
	S3Prefix           *string `json:"s3Prefix"`
	S3SseAlgorithm     string  `json:"s3SseAlgorithm"`
	S3SseKmsKeyID      *string `json:"s3SseKmsKeyId"`
	ManifestFilesS3Key string  `json:"manifestFilesS3Key"`
	BilledSizeBytes    int64   `json:"billedSizeBytes"`
	ItemCount          int64   `json:"itemCount"`
	OutputFormat       string  `json:"outputFormat"`
	ExportType         string  `json:"exportType,omitempty"`
	OutputView         string  `json:"outputView,omitempty"`
}

// exportBase is the key prefix of an export's objects.
func exportBase(prefix *string, id string) string {
	base := "AWSDynamoDB/" + id
	if p := strings.TrimSuffix(deref(prefix), "/"); p != "" {
		base = p + "/" + base
	}
	return base
}

// startExport runs an export in the background.
func (p *Provider) startExport(sc scope.Scope, id string) {
	p.bg.run(func(ctx context.Context) {
		if err := p.runExport(ctx, sc, id); err != nil && ctx.Err() == nil {
			p.bg.log.Error("export", "export", id, "error", err)
		}
	})
}

// resumeExports restarts the exports a crash or shutdown interrupted,
// after dropping the temporary data files they left (none is in use
// before Start).
func (p *Provider) resumeExports(ctx context.Context) error {
	if p.blobDir != "" {
		left, _ := filepath.Glob(filepath.Join(p.blobDir, exportTempPattern))
		for _, f := range left {
			os.Remove(f)
		}
	}
	jobs, err := p.listJobs(ctx, jobExport)
	if err != nil {
		return err
	}
	for _, j := range jobs {
		if len(j.names) == 1 {
			p.startExport(j.sc, j.names[0])
		}
	}
	return nil
}

// exportResult is what a finished export reports.
type exportResult struct {
	items, billed int64
	manifest      string
}

// runExport writes an export's files and settles it COMPLETED or FAILED.
// When ctx ends first the job stays registered for Start.
func (p *Provider) runExport(ctx context.Context, sc scope.Scope, id string) error {
	rec, err := loadExport(ctx, p.store, sc, id, id)
	if err == nil && deref(rec.Desc.ExportStatus) != exportInProgress {
		err = awserr.New(codeExportNotFound, http.StatusBadRequest, msgExportNotFound, id)
	}
	if hasCode(err, codeExportNotFound) {
		return p.store.Update(ctx, func(tx storage.Txn) error { return wrapInternal(tx.Delete(jobKey(jobExport, sc, id))) })
	}
	if err != nil {
		return err
	}
	res, err := p.writeExport(ctx, sc, id, rec)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return p.settleExport(ctx, sc, id, res, err)
}

// settleExport records an export's outcome and drops its job.
func (p *Provider) settleExport(ctx context.Context, sc scope.Scope, id string, res *exportResult, failure error) error {
	end := p.clock.Now().UTC().Truncate(time.Millisecond)
	return p.store.Update(ctx, func(tx storage.Txn) error {
		rec, err := loadExport(ctx, tx, sc, id, id)
		if err != nil {
			return err
		}
		d := &rec.Desc
		d.EndTime = &end
		if failure != nil {
			code, msg, ok := s3Failure(failure)
			if !ok {
				e := awserr.From(failure)
				code, msg = e.Code, e.Message
				p.bg.log.Error("export failed", "export", id, "error", failure)
			}
			d.ExportStatus, d.FailureCode, d.FailureMessage = ptr(exportFailed), ptr(code), ptr(msg)
		} else {
			d.ExportStatus = ptr(exportCompleted)
			d.ItemCount, d.BilledSizeBytes, d.ExportManifest = ptr(res.items), ptr(res.billed), ptr(res.manifest)
		}
		if err := saveExport(tx, sc, id, rec); err != nil {
			return err
		}
		return wrapInternal(tx.Delete(jobKey(jobExport, sc, id)))
	})
}

// writeExport writes an export's objects into its bucket.
func (p *Provider) writeExport(ctx context.Context, sc scope.Scope, id string, rec *exportRecord) (*exportResult, error) {
	d := &rec.Desc
	c, err := p.s3For(ctx, sc, deref(d.S3Bucket), d.S3BucketOwner)
	if err != nil {
		return nil, err
	}
	base := exportBase(d.S3Prefix, id)
	if _, err := c.putBytes(base+"/_started", nil); err != nil {
		return nil, err
	}
	w := &exportWriter{p: p, c: c, base: base}
	defer w.discard()
	err = p.store.View(ctx, func(snap storage.Txn) error {
		src, err := loadPITRTable(ctx, snap, sc, rec.Table)
		if err != nil {
			return err
		}
		if deref(src.Desc.TableId) != deref(d.TableId) {
			return awserr.New(codeTableNotFound, http.StatusBadRequest, msgSourceNotFound, rec.Table)
		}
		if d.IncrementalExportSpecification != nil {
			spec := d.IncrementalExportSpecification
			if !livePITR(src) || src.PITR.Since.After(deref0(spec.ExportFromTime)) {
				return awserr.New(codePITRUnavailable, http.StatusBadRequest, msgPITRUnavailable, rec.Table)
			}
			return changesBetween(ctx, snap, sc, src, deref0(spec.ExportFromTime), deref0(spec.ExportToTime), func(ch keyChange) error {
				return w.addChange(ch, deref(spec.ExportViewType))
			})
		}
		if !livePITR(src) || src.PITR.Since.After(deref0(d.ExportTime)) {
			return awserr.New(codePITRUnavailable, http.StatusBadRequest, msgPITRUnavailable, rec.Table)
		}
		return itemsAt(ctx, snap, sc, src, deref0(d.ExportTime), w.addItem)
	})
	if err != nil {
		return nil, err
	}
	if err := w.finish(); err != nil {
		return nil, err
	}
	return w.manifests(rec)
}

// exportWriter writes an export's data files and lists them.
type exportWriter struct {
	p     *Provider
	c     *s3Client
	base  string
	cur   *dataFile
	files []manifestFile
	items int64
	bytes int64
	line  []byte
}

// dataFile is a data file being written: gzip over a temporary file, with
// the MD5 of the compressed bytes.
type dataFile struct {
	f     *os.File
	gz    *gzip.Writer
	sum   hash.Hash
	items int64
	raw   int64
}

// addItem appends one item of a full export.
func (w *exportWriter) addItem(item attr.Item) error {
	line, err := jsonshape.Append(w.line[:0], &exportLine{Item: item}, jsonshape.EncodeOptions{})
	if err != nil {
		return internalf("encode item: %w", err)
	}
	w.line = line
	return w.write(line, int64(attr.ItemSize(item)))
}

// write appends one line to the current data file, starting one if
// needed and uploading it when it is full.
func (w *exportWriter) write(line []byte, size int64) error {
	if w.cur == nil {
		if err := w.open(); err != nil {
			return err
		}
	}
	if _, err := w.cur.gz.Write(append(line, '\n')); err != nil {
		return awserr.Internal(err)
	}
	w.cur.items++
	w.cur.raw += int64(len(line)) + 1
	w.items++
	w.bytes += size
	if w.cur.items >= exportFileItems || w.cur.raw >= exportFileBytes {
		return w.upload()
	}
	return nil
}

// open starts a data file.
func (w *exportWriter) open() error {
	f, err := os.CreateTemp(w.p.blobDir, exportTempPattern)
	if err != nil {
		return awserr.Internal(err)
	}
	sum := md5.New()
	w.cur = &dataFile{f: f, sum: sum, gz: gzip.NewWriter(io.MultiWriter(f, sum))}
	return nil
}

// upload closes the current data file and stores it in the bucket.
func (w *exportWriter) upload() error {
	d := w.cur
	if err := d.gz.Close(); err != nil {
		return awserr.Internal(err)
	}
	if err := d.f.Sync(); err != nil {
		return awserr.Internal(err)
	}
	key := w.base + "/data/" + w.p.ids.Alnum(26, dataFileAlphabet) + ".json.gz"
	etag, err := w.c.putFile(key, d.f.Name())
	if err != nil {
		return err
	}
	w.files = append(w.files, manifestFile{
		ItemCount: d.items, MD5Checksum: base64.StdEncoding.EncodeToString(d.sum.Sum(nil)),
		ETag: strings.Trim(etag, `"`), DataFileS3Key: key,
	})
	w.discard()
	return nil
}

// finish uploads the last data file (an empty one when there is none).
func (w *exportWriter) finish() error {
	if w.cur == nil && len(w.files) == 0 {
		if err := w.open(); err != nil {
			return err
		}
	}
	if w.cur == nil {
		return nil
	}
	return w.upload()
}

// discard drops the current temporary file.
func (w *exportWriter) discard() {
	if w.cur == nil {
		return
	}
	w.cur.f.Close()
	os.Remove(w.cur.f.Name())
	w.cur = nil
}

// manifests writes the manifest files, each with its .checksum (the MD5
// of the manifest in hex), the summary last.
func (w *exportWriter) manifests(rec *exportRecord) (*exportResult, error) {
	d := &rec.Desc
	var files []byte
	for _, f := range w.files {
		raw, err := json.Marshal(f)
		if err != nil {
			return nil, internalf("encode manifest: %w", err)
		}
		files = append(append(files, raw...), '\n')
	}
	filesKey := w.base + "/manifest-files.json"
	if err := w.putManifest(filesKey, files); err != nil {
		return nil, err
	}
	s := manifestSummary{
		Version: manifestVersionFull, ExportArn: deref(d.ExportArn),
		StartTime: deref0(d.StartTime).UTC().Format(manifestTime),
		EndTime:   w.p.clock.Now().UTC().Format(manifestTime),
		TableArn:  deref(d.TableArn), TableID: deref(d.TableId),
		S3Bucket: deref(d.S3Bucket), S3Prefix: d.S3Prefix, S3SseAlgorithm: deref(d.S3SseAlgorithm), S3SseKmsKeyID: d.S3SseKmsKeyId,
		ManifestFilesS3Key: filesKey, BilledSizeBytes: w.bytes, ItemCount: w.items, OutputFormat: deref(d.ExportFormat),
	}
	if spec := d.IncrementalExportSpecification; spec != nil {
		s.Version, s.ExportType, s.OutputView = manifestVersionIncremental, exportIncremental, deref(spec.ExportViewType)
		s.ExportFromTime = deref0(spec.ExportFromTime).UTC().Format(manifestTime)
		s.ExportToTime = deref0(spec.ExportToTime).UTC().Format(manifestTime)
	} else {
		s.ExportTime = deref0(d.ExportTime).UTC().Format(manifestTime)
	}
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, internalf("encode manifest: %w", err)
	}
	summaryKey := w.base + "/manifest-summary.json"
	if err := w.putManifest(summaryKey, raw); err != nil {
		return nil, err
	}
	return &exportResult{items: w.items, billed: w.bytes, manifest: summaryKey}, nil
}

// putManifest stores a manifest and its checksum file.
func (w *exportWriter) putManifest(key string, body []byte) error {
	if _, err := w.c.putBytes(key, body); err != nil {
		return err
	}
	sum := md5.Sum(body)
	_, err := w.c.putBytes(strings.TrimSuffix(key, ".json")+".checksum", []byte(hex.EncodeToString(sum[:])))
	return err
}
