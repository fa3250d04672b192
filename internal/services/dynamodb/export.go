package dynamodb

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/arn"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Exports to S3.
//
// ExportTableToPointInTime records an export IN_PROGRESS under
// "exports", id, registers it as a job (jobExport, id) in the same
// transaction, and returns; the export runs in the background
// (export_run.go): it reads the table as it was at the export time from
// one storage snapshot (itemsAt, as RestoreTableToPointInTime does), or,
// for an incremental export, the changes of the window from the PITR
// history (export_incremental.go), and writes the files into the bucket
// through S3's own PutObject, in the table owner's account and region:
//
//	<S3Prefix>/AWSDynamoDB/<id>/_started
//	<S3Prefix>/AWSDynamoDB/<id>/data/<name>.json.gz
//	<S3Prefix>/AWSDynamoDB/<id>/manifest-files.json (and .checksum)
//	<S3Prefix>/AWSDynamoDB/<id>/manifest-summary.json (and .checksum)
//
// The export then turns COMPLETED, or FAILED with the S3 error as
// FailureCode ("S3" + S3's code, e.g. S3NoSuchBucket) and FailureMessage.
// A crash or shutdown mid-export leaves the job registered: Start runs the
// export again from the start (objects an interrupted attempt wrote stay
// in the bucket, unlisted by the manifest).
//
// Choices where AWS is silent or differs:
//   - the export runs as soon as it is requested, so tests see it finish
//     within moments; ExportTime may be any time in the PITR window, up to
//     the present;
//   - a trailing "/" of S3Prefix is not doubled in the object keys;
//   - S3BucketOwner is passed to S3 as the expected bucket owner; a bucket
//     of another account is refused by S3 (AccessDenied), since in-process
//     calls act as the table's owner and no bucket policy is consulted;
//   - S3SseAlgorithm and S3SseKmsKeyId are recorded and reported, and the
//     objects are stored as S3 stores every object;
//   - ExportFormat ION is refused with a ValidationException (not
//     implemented): unkai never writes a format it does not implement;
//   - a ClientToken reused with other parameters within eight hours is an
//     ExportConflictException (the error the operation's model declares).

// Export statuses, types, formats and view types.
const (
	exportInProgress   = "IN_PROGRESS"
	exportCompleted    = "COMPLETED"
	exportFailed       = "FAILED"
	exportFull         = "FULL_EXPORT"
	exportIncremental  = "INCREMENTAL_EXPORT"
	formatDynamoDBJSON = "DYNAMODB_JSON"
	formatION          = "ION"
)

// jobExport is the job kind of exports in progress.
const jobExport = "export"

// tokenWindow is how long a ClientToken makes requests idempotent.
const tokenWindow = 8 * time.Hour

// Incremental export windows' bounds.
const (
	minIncrementalWindow = 15 * time.Minute
	maxIncrementalWindow = 24 * time.Hour
)

// maxListExports is ListExports' default and largest page.
const maxListExports = 25

// Codes and messages of export errors.
const (
	codeExportNotFound     = "ExportNotFoundException"
	codeExportConflict     = "ExportConflictException"
	codeInvalidExportTime  = "InvalidExportTimeException"
	msgExportNotFound      = "Export not found: %s"
	msgExportConflict      = "Export with the same client token %s already exists with different parameters"
	msgExportTimeOutside   = "ExportTime must be within the point in time recovery window: between EarliestRestorableDateTime and LatestRestorableDateTime"
	msgExportTimeFuture    = "ExportTime cannot be in the future"
	msgIONUnsupported      = "ExportFormat ION is not supported by unkai; use DYNAMODB_JSON"
	msgIncrementalNeedSpec = "IncrementalExportSpecification must be specified for an INCREMENTAL_EXPORT"
	msgIncrementalTimes    = "ExportFromTime and ExportToTime must be specified for an INCREMENTAL_EXPORT"
	msgIncrementalOrder    = "ExportFromTime must be before ExportToTime"
	msgIncrementalSpan     = "The duration between ExportFromTime and ExportToTime must be between 15 minutes and 24 hours"
	msgIncrementalNoTime   = "ExportTime cannot be specified for an INCREMENTAL_EXPORT"
	msgFullNoSpec          = "IncrementalExportSpecification can only be specified for an INCREMENTAL_EXPORT"
)

// exportRecord is an export as stored.
type exportRecord struct {
	Desc dynamodbapi.ExportDescription `json:"desc"`
	// Table is the exported table's name.
	Table string `json:"table"`
	// Params fingerprints the request, for ClientToken checks.
	Params string `json:"params"`
}

// exportsPrefix is the key prefix of a scope's exports.
func exportsPrefix(sc scope.Scope) []byte { return storage.Key(Name, sc.Account, sc.Region, "exports") }

// exportKey is the key of one export.
func exportKey(sc scope.Scope, id string) []byte { return storage.AppendString(exportsPrefix(sc), id) }

// exportTokenKey is the key of an ExportTableToPointInTime ClientToken.
func exportTokenKey(sc scope.Scope, token string) []byte {
	return storage.Key(Name, sc.Account, sc.Region, "exporttokens", token)
}

// exportARN is an export's ARN.
func exportARN(sc scope.Scope, table, id string) string {
	return arn.New(Name, sc.Region, sc.Account, "table/"+table+"/export/"+id).String()
}

// taskID is the id of a new export or import: the time in milliseconds
// and eight hex digits, as AWS's ids look ("01604450114028-a1b2c3d4").
func (p *Provider) taskID(now time.Time) string { return backupID(now, p.ids.Hex(4)) }

// parseTaskARN returns the id of the export or import (kind) an ARN names
// in the caller's scope; ok is false for anything else.
func parseTaskARN(sc scope.Scope, s, kind string) (id string, ok bool) {
	a, err := arn.Parse(s)
	if err != nil || a.Service != Name || a.Account != sc.Account || a.Region != sc.Region {
		return "", false
	}
	rest, found := strings.CutPrefix(a.Resource, "table/")
	if !found {
		return "", false
	}
	table, id, found := strings.Cut(rest, "/"+kind+"/")
	if !found || table == "" || id == "" || strings.Contains(id, "/") {
		return "", false
	}
	return id, true
}

// loadExport reads an export by id; missing is ExportNotFoundException
// naming what the caller asked for.
func loadExport(ctx context.Context, r storage.Reader, sc scope.Scope, id, asked string) (*exportRecord, error) {
	rec, found, err := readJSON[exportRecord](ctx, r, exportKey(sc, id), "export")
	if err == nil && !found {
		err = awserr.New(codeExportNotFound, http.StatusBadRequest, msgExportNotFound, asked)
	}
	return rec, err
}

// saveExport stores an export inside tx.
func saveExport(tx storage.Txn, sc scope.Scope, id string, rec *exportRecord) error {
	return putJSON(tx, exportKey(sc, id), "export", rec)
}

// fingerprint is the parameters of a request without its ClientToken, to
// compare a reused token's requests.
func fingerprint(v any) string {
	raw, _ := json.Marshal(v) // generated inputs always marshal
	return string(raw)
}

// exportSpec is a validated export request.
type exportSpec struct {
	kind, format string
	at           time.Time // FULL_EXPORT: the export time
	from, to     time.Time // INCREMENTAL_EXPORT: the window
	view         string
}

// checkExportInput validates what an export request says by itself.
func checkExportInput(in *dynamodbapi.ExportTableToPointInTimeInput) (*exportSpec, error) {
	s := &exportSpec{kind: exportFull, format: formatDynamoDBJSON}
	if in.ExportType != nil {
		s.kind = *in.ExportType
	}
	if in.ExportFormat != nil {
		s.format = *in.ExportFormat
	}
	if s.format == formatION {
		return nil, validation(msgIONUnsupported)
	}
	if s.kind == exportFull {
		if in.IncrementalExportSpecification != nil {
			return nil, validation(msgFullNoSpec)
		}
		return s, nil
	}
	spec := in.IncrementalExportSpecification
	switch {
	case in.ExportTime != nil:
		return nil, validation(msgIncrementalNoTime)
	case spec == nil:
		return nil, validation(msgIncrementalNeedSpec)
	case spec.ExportFromTime == nil || spec.ExportToTime == nil:
		return nil, validation(msgIncrementalTimes)
	}
	s.from, s.to = *spec.ExportFromTime, *spec.ExportToTime
	s.view = viewNewAndOld
	if spec.ExportViewType != nil {
		s.view = *spec.ExportViewType
	}
	if !s.from.Before(s.to) {
		return nil, validation(msgIncrementalOrder)
	}
	if d := s.to.Sub(s.from); d < minIncrementalWindow || d > maxIncrementalWindow {
		return nil, validation(msgIncrementalSpan)
	}
	return s, nil
}

// checkExportTimes checks the export's times against the table's PITR
// window at now.
func checkExportTimes(s *exportSpec, rec *tableRecord, in *dynamodbapi.ExportTableToPointInTimeInput, now time.Time) error {
	earliest, latest := rec.PITR.window(now)
	if s.kind == exportFull {
		s.at = now
		if in.ExportTime != nil {
			s.at = *in.ExportTime
		}
		if s.at.After(latest) {
			return awserr.New(codeInvalidExportTime, http.StatusBadRequest, msgExportTimeFuture)
		}
		if s.at.Before(earliest) {
			return awserr.New(codeInvalidExportTime, http.StatusBadRequest, msgExportTimeOutside)
		}
		return nil
	}
	if s.from.Before(earliest) || s.to.After(latest) {
		return awserr.New(codeInvalidExportTime, http.StatusBadRequest, msgExportTimeOutside)
	}
	return nil
}

func (p *Provider) exportTableToPointInTime(ctx context.Context, in *dynamodbapi.ExportTableToPointInTimeInput) (*dynamodbapi.ExportTableToPointInTimeOutput, error) {
	t, _, err := resolveResource(scope.From(ctx), "ExportTableToPointInTime", deref(in.TableArn), false)
	if err != nil {
		return nil, err
	}
	spec, err := checkExportInput(in)
	if err != nil {
		return nil, err
	}
	sc, table := t.sc, t.name
	now := p.clock.Now().UTC()
	params := *in
	params.ClientToken = nil
	fp := fingerprint(&params)
	var out *dynamodbapi.ExportDescription
	var id string
	fresh := false
	err = p.store.Update(ctx, func(tx storage.Txn) error {
		if in.ClientToken != nil {
			prev, err := p.exportByToken(ctx, tx, sc, *in.ClientToken, now)
			if err != nil || prev != nil {
				if prev != nil && prev.Params != fp {
					return awserr.New(codeExportConflict, http.StatusBadRequest, msgExportConflict, *in.ClientToken)
				}
				if prev != nil {
					out = &prev.Desc
				}
				return err
			}
		}
		rec, err := loadPITRSource(ctx, tx, sc, table) // pitr_restore.go
		if err != nil {
			return err
		}
		if err := checkExportTimes(spec, rec, in, now); err != nil {
			return err
		}
		id = p.taskID(now)
		d := dynamodbapi.ExportDescription{
			ExportArn: ptr(exportARN(sc, table, id)), ExportStatus: ptr(exportInProgress),
			StartTime: ptr(now.Truncate(time.Millisecond)), TableArn: rec.Desc.TableArn, TableId: rec.Desc.TableId,
			ClientToken: in.ClientToken, S3Bucket: in.S3Bucket, S3BucketOwner: in.S3BucketOwner, S3Prefix: in.S3Prefix,
			S3SseAlgorithm: in.S3SseAlgorithm, S3SseKmsKeyId: in.S3SseKmsKeyId,
			ExportFormat: ptr(spec.format), ExportType: ptr(spec.kind),
		}
		if d.S3SseAlgorithm == nil {
			d.S3SseAlgorithm = ptr("AES256")
		}
		if spec.kind == exportFull {
			d.ExportTime = ptr(spec.at.UTC())
		} else {
			d.IncrementalExportSpecification = &dynamodbapi.IncrementalExportSpecification{
				ExportFromTime: ptr(spec.from.UTC()), ExportToTime: ptr(spec.to.UTC()), ExportViewType: ptr(spec.view),
			}
		}
		if err := saveExport(tx, sc, id, &exportRecord{Desc: d, Table: table, Params: fp}); err != nil {
			return err
		}
		if in.ClientToken != nil {
			if err := tx.Put(exportTokenKey(sc, *in.ClientToken), []byte(id)); err != nil {
				return awserr.Internal(err)
			}
		}
		out, fresh = &d, true
		return wrapInternal(tx.Put(jobKey(jobExport, sc, id), nil))
	})
	if err != nil {
		return nil, err
	}
	if fresh {
		p.startExport(sc, id)
	}
	return &dynamodbapi.ExportTableToPointInTimeOutput{ExportDescription: out}, nil
}

// exportByToken returns the export a ClientToken made within the last
// eight hours, or nil.
func (p *Provider) exportByToken(ctx context.Context, tx storage.Txn, sc scope.Scope, token string, now time.Time) (*exportRecord, error) {
	return byClientToken(ctx, tx, exportTokenKey(sc, token), codeExportNotFound, now,
		func(id string) (*exportRecord, error) { return loadExport(ctx, tx, sc, id, id) },
		func(r *exportRecord) *time.Time { return r.Desc.StartTime })
}

// byClientToken returns the export or import task a ClientToken (stored
// at key) made within tokenWindow of now, or nil: load reads a task by id
// (a missing one answers notFound), started tells when it began.
func byClientToken[R any](ctx context.Context, tx storage.Txn, key []byte, notFound string, now time.Time,
	load func(id string) (*R, error), started func(*R) *time.Time) (*R, error) {
	raw, err := tx.Get(ctx, key)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, awserr.Internal(err)
	}
	rec, err := load(string(raw))
	if hasCode(err, notFound) {
		return nil, nil
	}
	if err != nil || now.Sub(deref0(started(rec))) > tokenWindow {
		return nil, err
	}
	return rec, nil
}

func (p *Provider) describeExport(ctx context.Context, in *dynamodbapi.DescribeExportInput) (*dynamodbapi.DescribeExportOutput, error) {
	sc := scope.From(ctx)
	s := deref(in.ExportArn)
	id, ok := parseTaskARN(sc, s, "export")
	if !ok {
		return nil, awserr.New(codeExportNotFound, http.StatusBadRequest, msgExportNotFound, s)
	}
	rec, err := loadExport(ctx, p.store, sc, id, s)
	if err != nil {
		return nil, err
	}
	if deref(rec.Desc.ExportArn) != s {
		return nil, awserr.New(codeExportNotFound, http.StatusBadRequest, msgExportNotFound, s)
	}
	return &dynamodbapi.DescribeExportOutput{ExportDescription: &rec.Desc}, nil
}

func (p *Provider) listExports(ctx context.Context, in *dynamodbapi.ListExportsInput) (*dynamodbapi.ListExportsOutput, error) {
	sc := scope.From(ctx)
	limit := maxListExports
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	prefix := exportsPrefix(sc)
	start := prefix
	if in.NextToken != nil {
		start = storage.KeyAfter(exportKey(sc, *in.NextToken))
	}
	page, next, err := pageJSON(ctx, p.store, start, storage.PrefixEnd(prefix), "export", limit,
		func(rec *exportRecord) bool { return in.TableArn == nil || deref(rec.Desc.TableArn) == *in.TableArn },
		exportIDOf)
	if err != nil {
		return nil, err
	}
	out := &dynamodbapi.ListExportsOutput{ExportSummaries: []dynamodbapi.ExportSummary{}}
	if next != "" {
		out.NextToken = ptr(next)
	}
	for _, rec := range page {
		out.ExportSummaries = append(out.ExportSummaries, dynamodbapi.ExportSummary{
			ExportArn: rec.Desc.ExportArn, ExportStatus: rec.Desc.ExportStatus, ExportType: rec.Desc.ExportType,
		})
	}
	return out, nil
}

// exportIDOf is the id at the end of an export's ARN.
func exportIDOf(rec *exportRecord) string {
	s := deref(rec.Desc.ExportArn)
	return s[strings.LastIndexByte(s, '/')+1:]
}
