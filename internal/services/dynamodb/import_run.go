package dynamodb

import (
	"context"
	"errors"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// The import job (see import.go).

// errImportGone stops an import whose table or record went away.
var errImportGone = errors.New("import target gone")

// startImport runs an import in the background.
func (p *Provider) startImport(sc scope.Scope, id string) {
	p.bg.run(func(ctx context.Context) {
		if err := p.runImport(ctx, sc, id); err != nil && ctx.Err() == nil {
			p.bg.log.Error("import", "import", id, "error", err)
		}
	})
}

// resumeImports restarts the imports a crash or shutdown interrupted.
func (p *Provider) resumeImports(ctx context.Context) error {
	jobs, err := p.listJobs(ctx, jobImport)
	if err != nil {
		return err
	}
	for _, j := range jobs {
		if len(j.names) == 1 {
			p.startImport(j.sc, j.names[0])
		}
	}
	return nil
}

// importCounts are an import's progress counters.
type importCounts struct {
	processed, imported, errors, bytes int64
}

// importer writes one import's items in batches.
type importer struct {
	p     *Provider
	sc    scope.Scope
	id    string
	table string
	sch   *schema
	shard uint64
	batch []attr.Item
	size  int
	n     importCounts
}

// runImport reads an import's objects into its table and settles it.
// When ctx ends first the job stays registered for Start.
func (p *Provider) runImport(ctx context.Context, sc scope.Scope, id string) error {
	rec, err := loadImport(ctx, p.store, sc, id, id)
	var tbl *tableRecord
	if err == nil && deref(rec.Desc.ImportStatus) == importInProgress {
		tbl, err = loadTable(ctx, p.store, sc, deref(rec.Desc.TableCreationParameters.TableName))
		if err == nil && (deref(tbl.Desc.TableId) != deref(rec.Desc.TableId) || deref(tbl.Desc.TableStatus) != statusCreating) {
			err = errImportGone
		}
	} else if err == nil {
		err = errImportGone
	}
	if errors.Is(err, errImportGone) || hasCode(err, codeImportNotFound) || hasCode(err, codeNotFound) {
		return p.store.Update(ctx, func(tx storage.Txn) error { return wrapInternal(tx.Delete(jobKey(jobImport, sc, id))) })
	}
	if err != nil {
		return err
	}
	im := &importer{p: p, sc: sc, id: id, table: deref(tbl.Desc.TableName), sch: schemaOf(&tbl.Desc), shard: p.statsShard()}
	err = im.read(ctx, &rec.Desc)
	if err == nil {
		err = im.flush(ctx)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, errImportGone) {
		err = tableNotFound(im.table) // the table went away meanwhile
	}
	return p.settleImport(ctx, im, err)
}

// read parses every object under the import's prefix.
func (im *importer) read(ctx context.Context, d *dynamodbapi.ImportTableDescription) error {
	src := d.S3BucketSource
	c, err := im.p.s3For(ctx, im.sc, deref(src.S3Bucket), src.S3BucketOwner)
	if err != nil {
		return err
	}
	types := im.sch.Types
	var csvOpts csvOptions
	if d.InputFormatOptions != nil {
		csvOpts = newCSVOptions(d.InputFormatOptions.Csv, types)
	} else {
		csvOpts = newCSVOptions(nil, types)
	}
	var stop error // a failure to write, which ends the import
	sink := func(item attr.Item, bad error) error {
		im.n.processed++
		if bad == nil {
			bad = checkItem(im.sch, item)
		}
		if bad != nil {
			im.n.errors++
			return nil
		}
		stop = im.add(ctx, item)
		return stop
	}
	return c.list(deref(src.S3KeyPrefix), func(o s3Object) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		body, err := c.open(o.key)
		if err != nil {
			return err
		}
		defer body.Close()
		im.n.bytes += o.size
		r, done, err := decompressed(body, deref(d.InputCompressionType))
		if err == nil {
			defer done()
			if deref(d.InputFormat) == inputCSV {
				err = parseCSV(r, csvOpts, sink)
			} else {
				err = parseDynamoDBJSON(r, sink)
			}
		}
		switch {
		case stop != nil:
			return stop
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		}
		// The object itself does not decode (a corrupt or truncated
		// compressed stream): its unread rest counts as one error.
		im.n.errors++
		return nil
	})
}

// add queues an item, writing the batch when it is full.
func (im *importer) add(ctx context.Context, item attr.Item) error {
	im.batch = append(im.batch, item)
	im.size += attr.ItemSize(item)
	if len(im.batch) < copyBatchItems && im.size < copyBatchBytes {
		return nil
	}
	return im.flush(ctx)
}

// flush writes the queued items and the import's counters in one
// transaction.
func (im *importer) flush(ctx context.Context) error {
	err := im.p.store.Update(ctx, func(tx storage.Txn) error {
		rec, err := loadImport(ctx, tx, im.sc, im.id, im.id)
		if err != nil {
			return err
		}
		tbl, err := loadTable(ctx, tx, im.sc, im.table)
		if hasCode(err, codeNotFound) || err == nil && (deref(tbl.Desc.TableStatus) != statusCreating || deref(tbl.Desc.TableId) != deref(rec.Desc.TableId)) {
			return errImportGone
		}
		if err != nil {
			return err
		}
		if len(im.batch) > 0 {
			st, err := loadStatsShard(ctx, tx, im.sc, im.table, im.shard)
			if err != nil {
				return err
			}
			if err := im.p.writeRestored(ctx, tx, im.sc, im.sch, st, im.batch); err != nil {
				return err
			}
			if err := saveStatsShard(tx, im.sc, im.table, im.shard, st); err != nil {
				return err
			}
		}
		n := im.n
		n.imported += int64(len(im.batch))
		n.record(&rec.Desc)
		return saveImport(tx, im.sc, im.id, rec)
	})
	if err != nil {
		return err
	}
	im.n.imported += int64(len(im.batch))
	im.batch, im.size = im.batch[:0], 0
	return nil
}

// record copies the counters into an import's description.
func (n importCounts) record(d *dynamodbapi.ImportTableDescription) {
	d.ProcessedItemCount, d.ImportedItemCount = ptr(n.processed), ptr(n.imported)
	d.ErrorCount, d.ProcessedSizeBytes = ptr(n.errors), ptr(n.bytes)
}

// settleImport ends an import: COMPLETED with its table ACTIVE, or FAILED
// with its table deleted.
func (p *Provider) settleImport(ctx context.Context, im *importer, failure error) error {
	end := p.clock.Now().UTC().Truncate(time.Millisecond)
	return p.store.Update(ctx, func(tx storage.Txn) error {
		rec, err := loadImport(ctx, tx, im.sc, im.id, im.id)
		if err != nil {
			return err
		}
		d := &rec.Desc
		d.EndTime = &end
		im.n.record(d)
		tbl, terr := loadTable(ctx, tx, im.sc, im.table)
		if terr != nil && !hasCode(terr, codeNotFound) {
			return terr
		}
		mine := terr == nil && deref(tbl.Desc.TableId) == deref(d.TableId)
		if failure != nil {
			code, msg, ok := s3Failure(failure)
			if !ok {
				e := awserr.From(failure)
				code, msg = e.Code, e.Message
				p.bg.log.Error("import failed", "import", im.id, "error", failure)
			}
			d.ImportStatus, d.FailureCode, d.FailureMessage = ptr(importFailed), ptr(code), ptr(msg)
			if mine {
				if err := p.dropTable(ctx, tx, im.sc, tbl); err != nil {
					return err
				}
			}
		} else {
			d.ImportStatus = ptr(importCompleted)
			if mine {
				tbl.Desc.TableStatus = ptr(statusActive)
				if err := saveTable(tx, im.sc, tbl); err != nil {
					return err
				}
			}
		}
		if err := saveImport(tx, im.sc, im.id, rec); err != nil {
			return err
		}
		return wrapInternal(tx.Delete(jobKey(jobImport, im.sc, im.id)))
	})
}
