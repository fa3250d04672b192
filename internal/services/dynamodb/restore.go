package dynamodb

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Restores.
//
// RestoreTableFromBackup creates the target table CREATING, with a
// RestoreSummary, and copies the backup's items into it in batches
// through writeItem, which builds its indexes and counters; the table
// turns ACTIVE (RestoreInProgress false) after the last batch. Until then
// item requests on it answer ResourceNotFoundException and DeleteTable
// ResourceInUseException, as on AWS. Backups up to syncCopyBytes are
// restored within the request, larger ones in the background; a restore a
// crash interrupted is restarted by Start (each batch writes items over
// what an earlier attempt wrote, so restarting is safe). The backup counts
// its restores in progress and cannot be deleted meanwhile.
//
// As on AWS the restored table has the backup's key schema, indexes,
// billing, throughput and encryption, but no TTL, stream, tags, deletion
// protection or table class (DDB-TABLE-215), and its RestoreSummary is
// gone once it is ACTIVE (DDB-TABLE-216). Index overrides replace the
// backup's index lists (an empty list drops them all, DDB-TABLE-279);
// each override must match one of the backup's indexes by key schema and
// projection, under any name (DDB-TABLE-273). Choice where AWS is silent:
// a restore to provisioned billing from an on-demand backup gives indexes
// without an override the table's throughput.

// restoreJob is the value of a restore's job key.
type restoreJob struct {
	BackupArn string `json:"backup"`
	// PITR is set instead of BackupArn for a point-in-time restore (pitr_restore.go).
	PITR *pitrRestoreJob `json:"pitr,omitempty"`
}

func (p *Provider) restoreTableFromBackup(ctx context.Context, in *dynamodbapi.RestoreTableFromBackupInput) (*dynamodbapi.RestoreTableFromBackupOutput, error) {
	sc := scope.From(ctx)
	target := deref(in.TargetTableName)
	backupArn := deref(in.BackupArn)
	now := p.clock.Now().UTC().Truncate(time.Millisecond)
	var rec *tableRecord
	var size int64
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		b, err := loadBackup(ctx, tx, sc, backupArn)
		if err != nil {
			return err
		}
		switch deref(b.Details.BackupStatus) {
		case backupDeleted:
			return awserr.New(codeBackupNotFound, http.StatusBadRequest, msgBackupNotFound, backupArn)
		case backupCreating:
			return backupInUse()
		}
		if err := targetFree(ctx, tx, sc, target); err != nil {
			return err
		}
		d, err := p.restoredDesc(sc, b, in, target, now)
		if err != nil {
			return err
		}
		rec = &tableRecord{Desc: *d}
		size = derefInt(b.Details.BackupSizeBytes)
		b.Restores++
		if err := saveBackup(tx, sc, b); err != nil {
			return err
		}
		return createRestoreTarget(ctx, tx, sc, rec, restoreJob{BackupArn: backupArn})
	})
	if err != nil {
		return nil, err
	}
	out := describe(rec, &tableStats{})
	if err := p.runRestore(ctx, sc, target, size); err != nil {
		return nil, err
	}
	return &dynamodbapi.RestoreTableFromBackupOutput{TableDescription: out}, nil
}

// targetFree refuses a restore into a table name already in use: one
// being restored is in use, any other exists (DDB-TABLE-219).
func targetFree(ctx context.Context, tx storage.Txn, sc scope.Scope, target string) error {
	raw, err := tx.Get(ctx, TableKey(sc, target))
	switch {
	case err == nil:
		rec, derr := decodeTable(target, raw)
		if derr != nil {
			return derr
		}
		if rs := rec.Desc.RestoreSummary; rs != nil && deref(rec.Desc.TableStatus) == statusCreating {
			from := deref(rs.SourceBackupArn)
			if from == "" {
				from = deref(rs.SourceTableArn)
			}
			return awserr.New(codeTableInUse, http.StatusBadRequest, msgTargetRestoring, target, from)
		}
		return awserr.New(codeTableExists, http.StatusBadRequest, msgTargetTableExists, target)
	case !errors.Is(err, storage.ErrNotFound):
		return awserr.Internal(err)
	}
	return nil
}

// createRestoreTarget stores a restore's new table (CREATING, empty) and
// the job that fills it, inside tx.
func createRestoreTarget(ctx context.Context, tx storage.Txn, sc scope.Scope, rec *tableRecord, job restoreJob) error {
	target := deref(rec.Desc.TableName)
	if err := saveTable(tx, sc, rec); err != nil {
		return err
	}
	if err := saveStats(ctx, tx, sc, target, &tableStats{}); err != nil {
		return err
	}
	raw, err := json.Marshal(job)
	if err != nil {
		return internalf("encode restore job: %w", err)
	}
	return wrapInternal(tx.Put(jobKey(jobRestore, sc, target), raw))
}

// runRestore fills a restore's target: within the request when the source
// holds at most syncCopyBytes, else in the background.
func (p *Provider) runRestore(ctx context.Context, sc scope.Scope, target string, size int64) error {
	if size <= syncCopyBytes {
		return p.finishRestore(context.WithoutCancel(ctx), sc, target)
	}
	p.bg.run(func(bctx context.Context) {
		if err := p.finishRestore(bctx, sc, target); err != nil && bctx.Err() == nil {
			p.bg.log.Error("restore", "table", target, "error", err)
		}
	})
	return nil
}

// restoredDesc builds the description of a table restored from b with the
// request's overrides.
func (p *Provider) restoredDesc(sc scope.Scope, b *backupRecord, in *dynamodbapi.RestoreTableFromBackupInput,
	target string, now time.Time) (*dynamodbapi.TableDescription, error) {
	src := &b.Table
	tArn := tableARN(sc, target)
	d := &dynamodbapi.TableDescription{
		TableName: ptr(target), KeySchema: src.KeySchema, TableStatus: ptr(statusCreating),
		CreationDateTime: &now, TableArn: ptr(tArn), TableId: ptr(p.ids.UUID()),
		SSEDescription:            src.SSEDescription,
		DeletionProtectionEnabled: ptr(false), OnDemandThroughput: src.OnDemandThroughput,
		RestoreSummary: &dynamodbapi.RestoreSummary{
			SourceBackupArn: b.Details.BackupArn, SourceTableArn: b.Source.TableArn,
			RestoreDateTime: &now, RestoreInProgress: ptr(true),
		},
	}
	if o := in.OnDemandThroughputOverride; o != nil {
		if derefInt(o.MaxReadRequestUnits) < 0 || o.MaxReadRequestUnits != nil && *o.MaxReadRequestUnits == 0 {
			return nil, validation(msgRestoreODTRange, "MaxReadRequestUnits")
		}
		if derefInt(o.MaxWriteRequestUnits) < 0 || o.MaxWriteRequestUnits != nil && *o.MaxWriteRequestUnits == 0 {
			return nil, validation(msgRestoreODTRange, "MaxWriteRequestUnits")
		}
		d.OnDemandThroughput = o
	}
	defs := map[string]string{}
	for _, a := range src.AttributeDefinitions {
		defs[deref(a.AttributeName)] = deref(a.AttributeType)
	}
	srcBilling := billProvisioned
	if src.BillingModeSummary != nil && src.BillingModeSummary.BillingMode != nil {
		srcBilling = *src.BillingModeSummary.BillingMode
	}
	billing := srcBilling
	if in.BillingModeOverride != nil {
		billing = *in.BillingModeOverride
	}
	var pt *dynamodbapi.ProvisionedThroughput
	switch billing {
	case billPerRequest:
		if in.ProvisionedThroughputOverride != nil && in.BillingModeOverride != nil {
			return nil, validation(msgRestorePTOnDemand)
		}
		if in.ProvisionedThroughputOverride != nil {
			return nil, validation(msgRestorePTNeedsProv)
		}
		d.BillingModeSummary = &dynamodbapi.BillingModeSummary{BillingMode: ptr(billPerRequest), LastUpdateToPayPerRequestDateTime: &now}
	default:
		pt = in.ProvisionedThroughputOverride
		if pt == nil && in.BillingModeOverride != nil {
			return nil, validation(msgRestoreProvNeedsPT)
		}
		if in.OnDemandThroughputOverride != nil {
			return nil, validation(msgRestoreODTProv)
		}
		if pt == nil && srcBilling == billProvisioned {
			pt = throughputOf(src.ProvisionedThroughput)
		}
		if pt == nil {
			return nil, validation(msgThroughputRequired)
		}
		if src.BillingModeSummary != nil || in.BillingModeOverride != nil {
			d.BillingModeSummary = &dynamodbapi.BillingModeSummary{BillingMode: ptr(billProvisioned)}
		}
	}
	d.ProvisionedThroughput = throughputDesc(pt)
	if err := restoredIndexes(d, src, in, defs, billing, pt); err != nil {
		return nil, err
	}
	if s := in.SSESpecificationOverride; s != nil {
		want, err := checkSSESpec(s) // table_settings.go
		if err != nil {
			return nil, err
		}
		d.SSEDescription = nil
		if want {
			d.SSEDescription = sseDescription(sseKeyARN(sc, deref(s.KMSMasterKeyId)))
		}
	}
	d.AttributeDefinitions = usedDefinitions(d, defs)
	return d, nil
}

// restoredIndexes sets the restored table's indexes: the backup's, or the
// overrides, with throughput fitting the billing mode.
func restoredIndexes(d, src *dynamodbapi.TableDescription, in *dynamodbapi.RestoreTableFromBackupInput,
	defs map[string]string, billing string, pt *dynamodbapi.ProvisionedThroughput) error {
	tArn := deref(d.TableArn)
	tableKey := keyDefOf(src.KeySchema)
	var missing []string
	checkDefined := func(ks []dynamodbapi.KeySchemaElement) {
		for _, e := range ks {
			if _, ok := defs[deref(e.AttributeName)]; !ok {
				missing = append(missing, deref(e.AttributeName))
			}
		}
	}
	if in.LocalSecondaryIndexOverride != nil {
		for _, l := range in.LocalSecondaryIndexOverride {
			name := deref(l.IndexName)
			if err := checkKeySchema(l.KeySchema); err != nil {
				return err
			}
			if _, err := checkProjection(l.Projection); err != nil {
				return err
			}
			if !matchesLSI(src.LocalSecondaryIndexes, l.KeySchema, l.Projection) {
				return validation(msgRestoreNewIndex, name)
			}
			k := keyDefOf(l.KeySchema)
			if k.Hash != tableKey.Hash {
				return validation(msgLSIHash, name, k.Hash, tableKey.Hash)
			}
			if k.Range == "" {
				return validation(msgLSINeedsRange, name)
			}
			checkDefined(l.KeySchema)
			d.LocalSecondaryIndexes = append(d.LocalSecondaryIndexes, dynamodbapi.LocalSecondaryIndexDescription{
				IndexName: l.IndexName, KeySchema: l.KeySchema, Projection: projectionOrAll(l.Projection),
				IndexArn: ptr(tArn + "/index/" + name),
			})
		}
	} else {
		for _, l := range src.LocalSecondaryIndexes {
			l.IndexArn = ptr(tArn + "/index/" + deref(l.IndexName))
			l.ItemCount, l.IndexSizeBytes = nil, nil
			d.LocalSecondaryIndexes = append(d.LocalSecondaryIndexes, l)
		}
	}
	if in.GlobalSecondaryIndexOverride != nil {
		for _, g := range in.GlobalSecondaryIndexOverride {
			name := deref(g.IndexName)
			if err := checkKeySchema(g.KeySchema); err != nil {
				return err
			}
			if _, err := checkProjection(g.Projection); err != nil {
				return err
			}
			if !matchesGSI(src.GlobalSecondaryIndexes, g.KeySchema, g.Projection) {
				return validation(msgRestoreNewIndex, name)
			}
			if err := checkIndexThroughput(billing, name, g.ProvisionedThroughput); err != nil {
				return err
			}
			checkDefined(g.KeySchema)
			d.GlobalSecondaryIndexes = append(d.GlobalSecondaryIndexes,
				gsiDesc(tArn, name, g.KeySchema, g.Projection, g.ProvisionedThroughput, g.OnDemandThroughput))
		}
	} else {
		for _, g := range src.GlobalSecondaryIndexes {
			gpt := throughputOf(g.ProvisionedThroughput)
			switch {
			case billing == billPerRequest:
				gpt = nil
			case derefInt(gpt.ReadCapacityUnits) == 0:
				gpt = pt
			}
			d.GlobalSecondaryIndexes = append(d.GlobalSecondaryIndexes,
				gsiDesc(tArn, deref(g.IndexName), g.KeySchema, g.Projection, gpt, g.OnDemandThroughput))
		}
	}
	if len(missing) > 0 {
		var names []string
		for _, a := range src.AttributeDefinitions {
			names = append(names, deref(a.AttributeName))
		}
		return validation(msgKeysNotDefined, joinComma(missing), joinComma(names))
	}
	return nil
}

// finishRestore copies a restore's backup (or, for a point-in-time
// restore, its source as of the restore time) into its table in batches
// and makes the table ACTIVE. It is idempotent: Start calls it again for a
// restore a crash interrupted.
func (p *Provider) finishRestore(ctx context.Context, sc scope.Scope, target string) error {
	raw, err := p.store.Get(ctx, jobKey(jobRestore, sc, target))
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return awserr.Internal(err)
	}
	var job restoreJob
	if err := json.Unmarshal(raw, &job); err != nil {
		return internalf("decode restore job: %w", err)
	}
	if job.PITR != nil {
		err = p.copyPointInTime(ctx, sc, target, job.PITR)
	} else {
		err = p.copyFromBackup(ctx, sc, target, job.BackupArn)
	}
	if err != nil {
		return err
	}
	return p.store.Update(ctx, func(tx storage.Txn) error {
		rec, err := loadTable(ctx, tx, sc, target)
		if err == nil && deref(rec.Desc.TableStatus) == statusCreating {
			rec.Desc.TableStatus = ptr(statusActive)
			rec.Desc.RestoreSummary = nil // AWS drops it once ACTIVE (DDB-TABLE-216)
			if err := saveTable(tx, sc, rec); err != nil {
				return err
			}
		}
		if b, err := loadBackup(ctx, tx, sc, job.BackupArn); job.PITR == nil && err == nil && b.Restores > 0 {
			b.Restores--
			if err := saveBackup(tx, sc, b); err != nil {
				return err
			}
		}
		return wrapInternal(tx.Delete(jobKey(jobRestore, sc, target)))
	})
}

// copyFromBackup copies a backup's items into the CREATING table target
// in batches.
func (p *Provider) copyFromBackup(ctx context.Context, sc scope.Scope, target, backupArn string) error {
	_, id, err := parseBackupARN(sc, backupArn)
	if err != nil {
		return internalf("restore job: %w", err)
	}
	start, end := storage.PrefixRange(backupDataPrefix(sc, id))
	return p.copyItems(ctx, sc, target, start, end, false, func(rec *tableRecord) *schema { return schemaOf(&rec.Desc) })
}

// copyItems copies the items stored in [start, end) into the CREATING
// table target, in transactions of copyBatchItems items, each writing
// through writeItem with the schema schemaFor gives (indexes rebuilt,
// counters kept). It stops when target is no longer CREATING, or, with
// missingOK, when target is gone.
func (p *Provider) copyItems(ctx context.Context, sc scope.Scope, target string, start, end []byte, missingOK bool, schemaFor func(*tableRecord) *schema) error {
	shard := p.statsShard()
	for cursor := start; ; {
		var next []byte
		done := true
		err := p.store.Update(ctx, func(tx storage.Txn) error {
			next, done = nil, true
			rec, err := loadTable(ctx, tx, sc, target)
			if missingOK && hasCode(err, codeNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			if deref(rec.Desc.TableStatus) != statusCreating {
				return nil
			}
			sch := schemaFor(rec)
			st, err := loadStatsShard(ctx, tx, sc, target, shard)
			if err != nil {
				return err
			}
			var items []attr.Item
			if items, next, done, err = scanItems(ctx, tx, cursor, end, copyBatchItems); err != nil {
				return err
			}
			if err := p.writeRestored(ctx, tx, sc, sch, st, items); err != nil {
				return err
			}
			return saveStatsShard(tx, sc, target, shard, st)
		})
		if err != nil || done {
			return err
		}
		cursor = next
	}
}

// writeRestored writes one batch of restored items into the table of sch
// (over what an interrupted attempt wrote), with its indexes and counters.
func (p *Provider) writeRestored(ctx context.Context, tx storage.Txn, sc scope.Scope, sch *schema, st *tableStats, items []attr.Item) error {
	for _, item := range items {
		old, err := loadItem(ctx, tx, sc, sch, item)
		if err != nil {
			return err
		}
		if _, err := writeItem(ctx, tx, sc, indexableBy(sch, item), st, old, item, p.userChange()); err != nil {
			return err
		}
	}
	return nil
}

// scanItems reads up to limit items from [start, end) inside tx. next is
// where the following batch starts; done reports that the range ended.
func scanItems(ctx context.Context, tx storage.Txn, start, end []byte, limit int) (items []attr.Item, next []byte, done bool, err error) {
	it := tx.Scan(ctx, start, end, storage.ScanOptions{Limit: limit})
	for it.Next() {
		next = storage.KeyAfter(it.Key())
		item, err := attr.UnmarshalItem(it.Value())
		if err != nil {
			it.Close()
			return nil, nil, false, internalf("decode item: %w", err)
		}
		items = append(items, item)
	}
	if err := it.Close(); err != nil {
		return nil, nil, false, awserr.Internal(err)
	}
	return items, next, len(items) < limit, nil
}

// indexableBy returns sch without the indexes whose key attributes it
// holds with the wrong type (possible with index overrides); DynamoDB
// leaves such items out of those indexes, as a backfill does.
func indexableBy(sch *schema, it attr.Item) *schema {
	if checkIndexKeys(sch, it, false) == nil {
		return sch
	}
	out := *sch
	out.Indexes = nil
	for _, idx := range sch.Indexes {
		if checkIndexKeys(&schema{Types: sch.Types, Indexes: []indexDef{idx}}, it, false) == nil {
			out.Indexes = append(out.Indexes, idx)
		}
	}
	return &out
}

// Messages of restore override validation, as DynamoDB words them.
const (
	msgTargetRestoring    = "Table: %s is already being restored from backup: %s"
	msgRestorePTOnDemand  = "Invalid Request: Cannot override ProvisionedThroughput if BillingMode is overridden to PAY_PER_REQUEST"
	msgRestorePTNeedsProv = "Invalid Request: Cannot override ProvisionedThroughput unless BillingMode is PROVISIONED"
	msgRestoreProvNeedsPT = "Invalid Request: Must override ProvisionedThroughput if BillingMode is overridden to PROVISIONED"
	msgRestoreODTProv     = "Invalid Request: Cannot override MaxReadRequestUnits for OnDemandThroughput unless BillingModeOverride is PAY_PER_REQUEST"
	msgRestoreODTRange    = "Invalid Request: Requested %s for OnDemandThroughput is outside of valid range"
	msgRestoreNewIndex    = "Invalid Request: Index %s does not match a secondary index that existed in the source table and cannot be created during the restore operation"
)

// matchesGSI tells whether an index override matches one of the source's
// GSIs by key schema and projection.
func matchesGSI(src []dynamodbapi.GlobalSecondaryIndexDescription, ks []dynamodbapi.KeySchemaElement, p *dynamodbapi.Projection) bool {
	for _, g := range src {
		if sameIndexShape(g.KeySchema, g.Projection, ks, p) {
			return true
		}
	}
	return false
}

// matchesLSI tells whether an index override matches one of the source's
// LSIs by key schema and projection.
func matchesLSI(src []dynamodbapi.LocalSecondaryIndexDescription, ks []dynamodbapi.KeySchemaElement, p *dynamodbapi.Projection) bool {
	for _, l := range src {
		if sameIndexShape(l.KeySchema, l.Projection, ks, p) {
			return true
		}
	}
	return false
}

// sameIndexShape compares two indexes' key schemas and projections (the
// projection's non-key attributes in any order).
func sameIndexShape(aks []dynamodbapi.KeySchemaElement, ap *dynamodbapi.Projection, bks []dynamodbapi.KeySchemaElement, bp *dynamodbapi.Projection) bool {
	if len(aks) != len(bks) {
		return false
	}
	for i := range aks {
		if deref(aks[i].AttributeName) != deref(bks[i].AttributeName) || deref(aks[i].KeyType) != deref(bks[i].KeyType) {
			return false
		}
	}
	pa, pb := projectionOrAll(ap), projectionOrAll(bp)
	if deref(pa.ProjectionType) != deref(pb.ProjectionType) || len(pa.NonKeyAttributes) != len(pb.NonKeyAttributes) {
		return false
	}
	set := map[string]bool{}
	for _, n := range pa.NonKeyAttributes {
		set[n] = true
	}
	for _, n := range pb.NonKeyAttributes {
		if !set[n] {
			return false
		}
	}
	return true
}
