package dynamodb

import (
	"context"
	"encoding/hex"
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

// Imports from S3.
//
// ImportTable validates TableCreationParameters as CreateTable does,
// creates the table CREATING, records the import IN_PROGRESS under
// "imports", id and registers it as a job (jobImport, id), all in one
// transaction, and returns. The import runs in the background
// (import_run.go): it lists every object under S3KeyPrefix through S3's
// ListObjectsV2, reads each one as a stream through GetObject, parses its
// records (import_parse.go) and writes the items in batches through
// writeItem, which builds the indexes and counters; each batch updates the
// import's counters in the same transaction. At the end the table turns
// ACTIVE and the import COMPLETED.
//
// Records that are not valid items for the table (unparsable lines,
// missing or mistyped key attributes, items over 400 KB) count in
// ErrorCount and are skipped. AWS also logs them to CloudWatch Logs
// (CloudWatchLogGroupArn); unkai only counts them and leaves
// CloudWatchLogGroupArn out. ProcessedItemCount counts every record read,
// ImportedItemCount the items written, ProcessedSizeBytes the bytes of the
// objects read. An S3 failure (NoSuchBucket, AccessDenied, ...) fails the
// import with "S3" and S3's code as FailureCode and S3's message, and
// deletes the table, as AWS creates no table for a failed import.
//
// A crash or shutdown mid-import leaves the job registered: Start runs the
// import again from the first object with its counters reset; items are
// written over what the interrupted attempt wrote, so the table ends the
// same.
//
// Choices where AWS is silent or differs:
//   - InputFormat ION is refused with a ValidationException (not
//     implemented); ZSTD is read with github.com/klauspost/compress;
//   - InputFormatOptions are ignored for formats other than CSV;
//   - a ClientToken reused with other parameters within eight hours is an
//     ImportConflictException; reused with the same ones, it returns the
//     first import.

// Import statuses.
const (
	importInProgress = "IN_PROGRESS"
	importCompleted  = "COMPLETED"
	importFailed     = "FAILED"
)

// jobImport is the job kind of imports in progress.
const jobImport = "import"

// maxListImports is ListImports' default and largest page.
const maxListImports = 25

// importTokenBytes is the length of a ListImports NextToken before its
// hex encoding: the model wants at least 112 hex digits.
const importTokenBytes = 64

// Codes and messages of import errors.
const (
	codeImportNotFound     = "ImportNotFoundException"
	codeImportConflict     = "ImportConflictException"
	msgImportNotFound      = "Import not found: %s"
	msgImportConflict      = "Import with the same client token %s already exists with different parameters"
	msgInputIONUnsupported = "InputFormat ION is not supported by unkai; use DYNAMODB_JSON or CSV"
)

// importRecord is an import as stored.
type importRecord struct {
	Desc dynamodbapi.ImportTableDescription `json:"desc"`
	// Params fingerprints the request, for ClientToken checks.
	Params string `json:"params"`
}

// importsPrefix is the key prefix of a scope's imports.
func importsPrefix(sc scope.Scope) []byte { return storage.Key(Name, sc.Account, sc.Region, "imports") }

// importKey is the key of one import.
func importKey(sc scope.Scope, id string) []byte { return storage.AppendString(importsPrefix(sc), id) }

// importTokenKey is the key of an ImportTable ClientToken.
func importTokenKey(sc scope.Scope, token string) []byte {
	return storage.Key(Name, sc.Account, sc.Region, "importtokens", token)
}

// importARN is an import's ARN.
func importARN(sc scope.Scope, table, id string) string {
	return arn.New(Name, sc.Region, sc.Account, "table/"+table+"/import/"+id).String()
}

// loadImport reads an import by id; missing is ImportNotFoundException
// naming what the caller asked for.
func loadImport(ctx context.Context, r storage.Reader, sc scope.Scope, id, asked string) (*importRecord, error) {
	rec, found, err := readJSON[importRecord](ctx, r, importKey(sc, id), "import")
	if err == nil && !found {
		err = awserr.New(codeImportNotFound, http.StatusBadRequest, msgImportNotFound, asked)
	}
	return rec, err
}

// saveImport stores an import inside tx.
func saveImport(tx storage.Txn, sc scope.Scope, id string, rec *importRecord) error {
	return putJSON(tx, importKey(sc, id), "import", rec)
}

// creationInput is the CreateTableInput of an import's table.
func creationInput(t *dynamodbapi.TableCreationParameters) *dynamodbapi.CreateTableInput {
	return &dynamodbapi.CreateTableInput{
		TableName: t.TableName, AttributeDefinitions: t.AttributeDefinitions, KeySchema: t.KeySchema,
		BillingMode: t.BillingMode, ProvisionedThroughput: t.ProvisionedThroughput,
		OnDemandThroughput: t.OnDemandThroughput, SSESpecification: t.SSESpecification,
		GlobalSecondaryIndexes: t.GlobalSecondaryIndexes,
	}
}

func (p *Provider) importTable(ctx context.Context, in *dynamodbapi.ImportTableInput) (*dynamodbapi.ImportTableOutput, error) {
	if deref(in.InputFormat) == formatION {
		return nil, validation(msgInputIONUnsupported)
	}
	if in.TableCreationParameters == nil || in.S3BucketSource == nil {
		return nil, validation("TableCreationParameters and S3BucketSource are required")
	}
	ci := creationInput(in.TableCreationParameters)
	if err := checkNewTableName("tableName", deref(ci.TableName)); err != nil {
		return nil, err
	}
	spec, err := validateCreate(ci)
	if err != nil {
		return nil, err
	}
	sc := scope.From(ctx)
	name := deref(ci.TableName)
	now := p.clock.Now().UTC().Truncate(time.Millisecond)
	params := *in
	params.ClientToken = nil
	fp := fingerprint(&params)
	var out *dynamodbapi.ImportTableDescription
	var id string
	fresh := false
	err = p.store.Update(ctx, func(tx storage.Txn) error {
		if in.ClientToken != nil {
			prev, err := p.importByToken(ctx, tx, sc, *in.ClientToken, now)
			if err != nil {
				return err
			}
			if prev != nil && prev.Params != fp {
				return awserr.New(codeImportConflict, http.StatusBadRequest, msgImportConflict, *in.ClientToken)
			}
			if prev != nil {
				out = &prev.Desc
				return nil
			}
		}
		if _, err := tx.Get(ctx, TableKey(sc, name)); err == nil {
			return tableInUse(msgTableExists, name)
		} else if !errors.Is(err, storage.ErrNotFound) {
			return awserr.Internal(err)
		}
		d := p.newTableDesc(sc, ci, spec, now)
		d.TableStatus = ptr(statusCreating)
		if err := saveTable(tx, sc, &tableRecord{Desc: d}); err != nil {
			return err
		}
		if err := saveStats(ctx, tx, sc, name, &tableStats{}); err != nil {
			return err
		}
		id = p.taskID(now)
		compression := compressNone
		if in.InputCompressionType != nil {
			compression = *in.InputCompressionType
		}
		desc := dynamodbapi.ImportTableDescription{
			ImportArn: ptr(importARN(sc, name, id)), ImportStatus: ptr(importInProgress),
			TableArn: d.TableArn, TableId: d.TableId, ClientToken: in.ClientToken,
			S3BucketSource: in.S3BucketSource, ErrorCount: ptr(int64(0)),
			InputFormat: in.InputFormat, InputFormatOptions: in.InputFormatOptions,
			InputCompressionType: ptr(compression), TableCreationParameters: in.TableCreationParameters,
			StartTime: &now, ProcessedSizeBytes: ptr(int64(0)), ProcessedItemCount: ptr(int64(0)),
			ImportedItemCount: ptr(int64(0)),
		}
		if err := saveImport(tx, sc, id, &importRecord{Desc: desc, Params: fp}); err != nil {
			return err
		}
		if in.ClientToken != nil {
			if err := tx.Put(importTokenKey(sc, *in.ClientToken), []byte(id)); err != nil {
				return awserr.Internal(err)
			}
		}
		out, fresh = &desc, true
		return wrapInternal(tx.Put(jobKey(jobImport, sc, id), nil))
	})
	if err != nil {
		return nil, err
	}
	if fresh {
		p.startImport(sc, id)
	}
	return &dynamodbapi.ImportTableOutput{ImportTableDescription: out}, nil
}

// importByToken returns the import a ClientToken made within the last
// eight hours, or nil.
func (p *Provider) importByToken(ctx context.Context, tx storage.Txn, sc scope.Scope, token string, now time.Time) (*importRecord, error) {
	return byClientToken(ctx, tx, importTokenKey(sc, token), codeImportNotFound, now,
		func(id string) (*importRecord, error) { return loadImport(ctx, tx, sc, id, id) },
		func(r *importRecord) *time.Time { return r.Desc.StartTime })
}

func (p *Provider) describeImport(ctx context.Context, in *dynamodbapi.DescribeImportInput) (*dynamodbapi.DescribeImportOutput, error) {
	sc := scope.From(ctx)
	s := deref(in.ImportArn)
	id, ok := parseTaskARN(sc, s, "import")
	if !ok {
		return nil, awserr.New(codeImportNotFound, http.StatusBadRequest, msgImportNotFound, s)
	}
	rec, err := loadImport(ctx, p.store, sc, id, s)
	if err != nil {
		return nil, err
	}
	if deref(rec.Desc.ImportArn) != s {
		return nil, awserr.New(codeImportNotFound, http.StatusBadRequest, msgImportNotFound, s)
	}
	return &dynamodbapi.DescribeImportOutput{ImportTableDescription: &rec.Desc}, nil
}

// importNextToken encodes the id of the last import of a page as a
// ListImports NextToken: hex digits, padded as the model requires.
func importNextToken(id string) string {
	b := make([]byte, importTokenBytes)
	copy(b, id)
	return hex.EncodeToString(b)
}

// parseImportNextToken decodes importNextToken.
func parseImportNextToken(s string) (string, bool) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != importTokenBytes {
		return "", false
	}
	return strings.TrimRight(string(b), "\x00"), true
}

func (p *Provider) listImports(ctx context.Context, in *dynamodbapi.ListImportsInput) (*dynamodbapi.ListImportsOutput, error) {
	sc := scope.From(ctx)
	limit := maxListImports
	if in.PageSize != nil {
		limit = int(*in.PageSize)
	}
	prefix := importsPrefix(sc)
	start := prefix
	if in.NextToken != nil {
		id, ok := parseImportNextToken(*in.NextToken)
		if !ok {
			return nil, validation(msgBadNextToken)
		}
		start = storage.KeyAfter(importKey(sc, id))
	}
	page, next, err := pageJSON(ctx, p.store, start, storage.PrefixEnd(prefix), "import", limit,
		func(rec *importRecord) bool { return in.TableArn == nil || deref(rec.Desc.TableArn) == *in.TableArn },
		func(rec *importRecord) string {
			s := deref(rec.Desc.ImportArn)
			return s[strings.LastIndexByte(s, '/')+1:]
		})
	if err != nil {
		return nil, err
	}
	out := &dynamodbapi.ListImportsOutput{ImportSummaryList: []dynamodbapi.ImportSummary{}}
	if next != "" {
		out.NextToken = ptr(importNextToken(next))
	}
	for _, rec := range page {
		d := &rec.Desc
		out.ImportSummaryList = append(out.ImportSummaryList, dynamodbapi.ImportSummary{
			ImportArn: d.ImportArn, ImportStatus: d.ImportStatus, TableArn: d.TableArn,
			S3BucketSource: d.S3BucketSource, InputFormat: d.InputFormat, StartTime: d.StartTime, EndTime: d.EndTime,
		})
	}
	return out, nil
}
