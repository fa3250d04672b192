package dynamodb

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/arn"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/region"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// On-demand backups.
//
// A backup is a record and a copy of the table's items:
//
//	"backups", id, table     → backupRecord (JSON)
//	"backupdata", id, pk [, sk] → the item, as stored in the table
//
// where id is "<creation millis, zero-padded to 14 digits>-<8 hex>", the
// last part of the backup's ARN as AWS forms it (e.g.
// "01678793340962-cc4bfb86"), so backups list in creation order. The copy is taken from
// one storage snapshot (a View transaction) and written in bounded
// batches; the backup is CREATING until the last batch is written, then
// AVAILABLE. Tables up to syncCopyBytes are copied within the request
// (CreateBackup then answers AVAILABLE); larger ones in the background
// (it answers CREATING). Backups outlive their table. Indexes are not
// copied: a restore rebuilds them.
//
// As on AWS, CreateBackup always answers CREATING (the copy of a small
// table is finished by the time the next DescribeBackup asks), a table
// still CREATING (a restore target, a new replica) is TableNotFoundException
// like a missing one, and an UPDATING table accepts the backup.
//
// Choices where AWS is silent: ListBackups lists in creation order; a
// backup being deleted shows status DELETED until its data is gone.

// Backup statuses and types.
const (
	backupCreating  = "CREATING"
	backupAvailable = "AVAILABLE"
	backupDeleted   = "DELETED"
	backupUser      = "USER"
	backupAll       = "ALL"
)

// Error codes and messages of backups and restores.
const (
	codeBackupNotFound   = "BackupNotFoundException"
	codeBackupInUse      = "BackupInUseException"
	codeTableExists      = "TableAlreadyExistsException"
	codeTableNotFound    = "TableNotFoundException"
	codeTableInUse       = "TableInUseException"
	msgBackupNotFound    = "Backup not found: %s"
	msgBackupInUse       = "There is another ongoing conflicting backup control plane operation on the table. The backup is either being created, deleted or restored to a table."
	msgTargetTableExists = "Table already exists: %s"
	msgSourceNotFound    = "Table not found: %s"
	msgSourceInUse       = "Table is being created: %s"
	msgTableBeingCreated = "Attempt to change a resource which is still in use: Table is being created: %s"
	msgBadStartArn       = "Invalid ExclusiveStartBackupArn: %s"
	// Texts observed on AWS (ack-api-quirks DDB-BACKUP-012, DDB-BACKUP-014).
	msgInvalidBackupARN   = "Invalid Backup ARN"
	msgBackupARNNotValid  = "Invalid Request: BackupArn is not valid"
	msgBackupAccessDenied = "Access is denied"
	msgStartArnRegion     = "Invalid Request: The supplied ExclusiveStartBackupArn does not match the region"
	msgTimeRangeInverted  = msgInvalid + "Time range lower bound must be less than or equal to upper bound"
)

// syncCopyBytes is the largest table (or backup) copied within the
// request; larger ones are copied in the background.
const syncCopyBytes = 4 << 20

// copyBatchItems and copyBatchBytes bound one copy transaction.
const (
	copyBatchItems = 256
	copyBatchBytes = 1 << 20
)

// backupRecord is what is stored under a backup's key.
type backupRecord struct {
	Details  dynamodbapi.BackupDetails             `json:"details"`
	Source   dynamodbapi.SourceTableDetails        `json:"source"`
	Features dynamodbapi.SourceTableFeatureDetails `json:"features"`
	// Table is the source table's description when the copy was taken,
	// which a restore starts from.
	Table dynamodbapi.TableDescription `json:"table"`
	// Restores counts the restores in progress from this backup.
	Restores int `json:"restores,omitempty"`
}

// backupID is a backup's id: the last part of its ARN.
func backupID(created time.Time, suffix string) string {
	return fmt.Sprintf("%014d-%s", created.UnixMilli(), suffix)
}

// backupARN is the ARN of a table's backup.
func backupARN(sc scope.Scope, table, id string) string {
	return arn.New(Name, sc.Region, sc.Account, "table/"+table+"/backup/"+id).String()
}

// parseBackupARN returns the table and backup id an ARN names in the
// caller's scope, as DynamoDB checks it (DDB-BACKUP-012): another
// account's ARN is AccessDeniedException; another partition or service,
// or a region that does not exist, is "BackupArn is not valid"; an ARN
// that names no backup (a table ARN, say) or is no ARN at all is "Invalid
// Backup ARN". The region part is otherwise ignored: the backup is looked
// up in the caller's region, as AWS does.
func parseBackupARN(sc scope.Scope, s string) (table, id string, err error) {
	a, perr := arn.Parse(s)
	if perr != nil {
		return "", "", validation(msgInvalidBackupARN)
	}
	if a.Account != sc.Account {
		return "", "", awserr.New(codeAccessDenied, http.StatusBadRequest, msgBackupAccessDenied)
	}
	if a.Region == "" {
		return "", "", awserr.New(codeAccessDenied, http.StatusBadRequest, msgBackupAccessDenied)
	}
	if _, ok := region.Lookup(a.Region); !ok || a.Partition != arn.PartitionOf(sc.Region) || a.Service != Name ||
		arn.PartitionOf(a.Region) != a.Partition {
		return "", "", validation(msgBackupARNNotValid)
	}
	rest, ok := strings.CutPrefix(a.Resource, "table/")
	if !ok {
		return "", "", validation(msgInvalidBackupARN)
	}
	table, id, ok = strings.Cut(rest, "/backup/")
	if !ok || table == "" || id == "" || strings.Contains(id, "/") {
		return "", "", validation(msgInvalidBackupARN)
	}
	return table, id, nil
}

// backupsPrefix is the key prefix of a scope's backup records.
func backupsPrefix(sc scope.Scope) []byte {
	return storage.Key(Name, sc.Account, sc.Region, "backups")
}

// backupKey is the key of one backup record.
func backupKey(sc scope.Scope, id, table string) []byte {
	return storage.AppendString(storage.AppendString(backupsPrefix(sc), id), table)
}

// backupDataPrefix is the key prefix of a backup's items.
func backupDataPrefix(sc scope.Scope, id string) []byte {
	return storage.Key(Name, sc.Account, sc.Region, "backupdata", id)
}

// loadBackup reads the backup an ARN names.
func loadBackup(ctx context.Context, r storage.Reader, sc scope.Scope, backupArn string) (*backupRecord, error) {
	table, id, err := parseBackupARN(sc, backupArn)
	if err != nil {
		return nil, err
	}
	b, found, err := readJSON[backupRecord](ctx, r, backupKey(sc, id, table), "backup")
	if err == nil && !found {
		err = awserr.New(codeBackupNotFound, http.StatusBadRequest, msgBackupNotFound, backupArn)
	}
	return b, err
}

// saveBackup writes a backup record.
func saveBackup(tx storage.Txn, sc scope.Scope, b *backupRecord) error {
	table, id, err := parseBackupARN(sc, deref(b.Details.BackupArn))
	if err != nil {
		return internalf("backup arn: %w", err)
	}
	return putJSON(tx, backupKey(sc, id, table), "backup", b)
}

// backupInUse is the BackupInUseException.
func backupInUse() error {
	return awserr.New(codeBackupInUse, http.StatusBadRequest, msgBackupInUse)
}

// describeSource fills a backup's source table details and features from
// a table's record and counters.
func describeSource(b *backupRecord, rec *tableRecord, items, size int64) {
	d := &rec.Desc
	billing := billProvisioned
	if d.BillingModeSummary != nil && d.BillingModeSummary.BillingMode != nil {
		billing = *d.BillingModeSummary.BillingMode
	}
	b.Source = dynamodbapi.SourceTableDetails{
		TableName: d.TableName, TableId: d.TableId, TableArn: d.TableArn, TableSizeBytes: ptr(size),
		KeySchema: d.KeySchema, TableCreationDateTime: d.CreationDateTime,
		ProvisionedThroughput: throughputOf(d.ProvisionedThroughput), OnDemandThroughput: d.OnDemandThroughput,
		ItemCount: ptr(items), BillingMode: ptr(billing),
	}
	// Only the features the table has are recorded: a plain table's
	// SourceTableFeatureDetails is {} (DDB-BACKUP-009).
	f := dynamodbapi.SourceTableFeatureDetails{SSEDescription: d.SSEDescription}
	if s := d.StreamSpecification; s != nil && s.StreamEnabled != nil && *s.StreamEnabled {
		f.StreamDescription = s
	}
	if rec.TTL != nil && rec.TTL.Enabled {
		f.TimeToLiveDescription = ttlDescription(rec.TTL)
	}
	for _, l := range d.LocalSecondaryIndexes {
		f.LocalSecondaryIndexes = append(f.LocalSecondaryIndexes, dynamodbapi.LocalSecondaryIndexInfo{
			IndexName: l.IndexName, KeySchema: l.KeySchema, Projection: l.Projection,
		})
	}
	for _, g := range d.GlobalSecondaryIndexes {
		f.GlobalSecondaryIndexes = append(f.GlobalSecondaryIndexes, dynamodbapi.GlobalSecondaryIndexInfo{
			IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection,
			ProvisionedThroughput: throughputOf(g.ProvisionedThroughput), OnDemandThroughput: g.OnDemandThroughput,
		})
	}
	b.Features = f
	b.Table = rec.Desc
	b.Details.BackupSizeBytes = ptr(size)
}

// throughputOf turns a throughput description back into a setting.
func throughputOf(d *dynamodbapi.ProvisionedThroughputDescription) *dynamodbapi.ProvisionedThroughput {
	if d == nil {
		return &dynamodbapi.ProvisionedThroughput{ReadCapacityUnits: ptr(int64(0)), WriteCapacityUnits: ptr(int64(0))}
	}
	return &dynamodbapi.ProvisionedThroughput{
		ReadCapacityUnits: ptr(derefInt(d.ReadCapacityUnits)), WriteCapacityUnits: ptr(derefInt(d.WriteCapacityUnits)),
	}
}

// description is a backup's BackupDescription.
func (b *backupRecord) description() *dynamodbapi.BackupDescription {
	details, source, features := b.Details, b.Source, b.Features
	return &dynamodbapi.BackupDescription{BackupDetails: &details, SourceTableDetails: &source, SourceTableFeatureDetails: &features}
}

func (p *Provider) createBackup(ctx context.Context, in *dynamodbapi.CreateBackupInput) (*dynamodbapi.CreateBackupOutput, error) {
	sc := scope.From(ctx)
	table := deref(in.TableName)
	now := p.clock.Now().UTC().Truncate(time.Millisecond)
	id := backupID(now, p.ids.Hex(4))
	b := &backupRecord{Details: dynamodbapi.BackupDetails{
		BackupArn: ptr(backupARN(sc, table, id)), BackupName: in.BackupName, BackupStatus: ptr(backupCreating),
		BackupType: ptr(backupUser), BackupCreationDateTime: &now,
	}}
	var size int64
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		rec, err := loadTable(ctx, tx, sc, table)
		if hasCode(err, codeNotFound) {
			return awserr.New(codeTableNotFound, http.StatusBadRequest, msgSourceNotFound, table)
		}
		if err != nil {
			return err
		}
		if deref(rec.Desc.TableStatus) == statusCreating {
			return awserr.New(codeTableNotFound, http.StatusBadRequest, msgSourceNotFound, table)
		}
		st, err := loadStats(ctx, tx, sc, table)
		if err != nil {
			return err
		}
		size = st.Table.Bytes
		describeSource(b, rec, st.Table.Items, st.Table.Bytes)
		if err := saveBackup(tx, sc, b); err != nil {
			return err
		}
		return wrapInternal(tx.Put(jobKey(jobBackup, sc, id, table), []byte{}))
	})
	if err != nil {
		return nil, err
	}
	if size > syncCopyBytes {
		p.bg.run(func(bctx context.Context) {
			if _, err := p.copyBackup(bctx, sc, table, id); err != nil && bctx.Err() == nil {
				p.bg.log.Error("backup copy", "table", table, "backup", id, "error", err)
			}
		})
		return &dynamodbapi.CreateBackupOutput{BackupDetails: &b.Details}, nil
	}
	// A client that goes away must not leave the backup half made.
	done, err := p.copyBackup(context.WithoutCancel(ctx), sc, table, id)
	if err != nil {
		return nil, err
	}
	// The answer is the backup as it was when the request arrived.
	details := done.Details
	details.BackupStatus = ptr(backupCreating)
	return &dynamodbapi.CreateBackupOutput{BackupDetails: &details}, nil
}

func (p *Provider) describeBackup(ctx context.Context, in *dynamodbapi.DescribeBackupInput) (*dynamodbapi.DescribeBackupOutput, error) {
	b, err := loadBackup(ctx, p.store, scope.From(ctx), deref(in.BackupArn))
	if err != nil {
		return nil, err
	}
	// AWS echoes the ARN as the caller wrote it (its region part may differ).
	b.Details.BackupArn = in.BackupArn
	return &dynamodbapi.DescribeBackupOutput{BackupDescription: b.description()}, nil
}

// maxListBackups is ListBackups' default and largest page.
const maxListBackups = 100

func (p *Provider) listBackups(ctx context.Context, in *dynamodbapi.ListBackupsInput) (*dynamodbapi.ListBackupsOutput, error) {
	sc := scope.From(ctx)
	limit := maxListBackups
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	kind := backupUser
	if in.BackupType != nil {
		kind = *in.BackupType
	}
	prefix := backupsPrefix(sc)
	start := prefix
	if lo, hi := in.TimeRangeLowerBound, in.TimeRangeUpperBound; lo != nil && hi != nil && lo.After(*hi) {
		return nil, validation(msgTimeRangeInverted)
	}
	if in.ExclusiveStartBackupArn != nil {
		table, id, err := parseBackupARN(sc, *in.ExclusiveStartBackupArn)
		if err != nil {
			return nil, validation(msgBadStartArn, *in.ExclusiveStartBackupArn)
		}
		if a, _ := arn.Parse(*in.ExclusiveStartBackupArn); a.Region != sc.Region {
			return nil, validation(msgStartArnRegion)
		}
		start = storage.KeyAfter(backupKey(sc, id, table))
	}
	if lo := in.TimeRangeLowerBound; lo != nil {
		// Ids begin with the creation millis: start at the lower bound.
		if from := storage.AppendString(prefix, fmt.Sprintf("%014d", max(lo.UnixMilli(), 0))); string(from) > string(start) {
			start = from
		}
	}
	out := &dynamodbapi.ListBackupsOutput{BackupSummaries: []dynamodbapi.BackupSummary{}}
	it := p.store.Scan(ctx, start, storage.PrefixEnd(prefix), storage.ScanOptions{})
	defer it.Close()
	for it.Next() {
		var b backupRecord
		if err := json.Unmarshal(it.Value(), &b); err != nil {
			return nil, internalf("decode backup: %w", err)
		}
		d := &b.Details
		created := deref0(d.BackupCreationDateTime)
		switch {
		case in.TableName != nil && deref(b.Source.TableName) != *in.TableName,
			kind != backupAll && kind != deref(d.BackupType),
			in.TimeRangeLowerBound != nil && created.Before(*in.TimeRangeLowerBound):
			continue
		case in.TimeRangeUpperBound != nil && !created.Before(*in.TimeRangeUpperBound):
			continue
		}
		if len(out.BackupSummaries) == limit {
			last := deref(out.BackupSummaries[limit-1].BackupArn)
			out.LastEvaluatedBackupArn = &last
			break
		}
		out.BackupSummaries = append(out.BackupSummaries, dynamodbapi.BackupSummary{
			TableName: b.Source.TableName, TableId: b.Source.TableId, TableArn: b.Source.TableArn,
			BackupArn: d.BackupArn, BackupName: d.BackupName, BackupCreationDateTime: d.BackupCreationDateTime,
			BackupExpiryDateTime: d.BackupExpiryDateTime, BackupStatus: d.BackupStatus, BackupType: d.BackupType,
			BackupSizeBytes: d.BackupSizeBytes,
		})
	}
	if err := it.Err(); err != nil {
		return nil, awserr.Internal(err)
	}
	return out, nil
}

// deref0 returns *t, or the zero time for nil.
func deref0(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func (p *Provider) deleteBackup(ctx context.Context, in *dynamodbapi.DeleteBackupInput) (*dynamodbapi.DeleteBackupOutput, error) {
	sc := scope.From(ctx)
	backupArn := deref(in.BackupArn)
	var b *backupRecord
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		var err error
		if b, err = loadBackup(ctx, tx, sc, backupArn); err != nil {
			return err
		}
		switch deref(b.Details.BackupStatus) {
		case backupDeleted:
			return awserr.New(codeBackupNotFound, http.StatusBadRequest, msgBackupNotFound, backupArn)
		case backupCreating:
			return backupInUse()
		}
		if b.Restores > 0 {
			return backupInUse()
		}
		b.Details.BackupStatus = ptr(backupDeleted)
		if err := saveBackup(tx, sc, b); err != nil {
			return err
		}
		table, id, _ := parseBackupARN(sc, backupArn)
		return wrapInternal(tx.Put(jobKey(jobBackup, sc, id, table), []byte{}))
	})
	if err != nil {
		return nil, err
	}
	b.Details.BackupArn = in.BackupArn // echoed as the caller wrote it
	table, id, _ := parseBackupARN(sc, backupArn)
	if derefInt(b.Details.BackupSizeBytes) > syncCopyBytes {
		p.bg.run(func(bctx context.Context) {
			if err := p.purgeBackup(bctx, sc, id, table); err != nil && bctx.Err() == nil {
				p.bg.log.Error("backup delete", "backup", id, "error", err)
			}
		})
	} else if err := p.purgeBackup(context.WithoutCancel(ctx), sc, id, table); err != nil {
		return nil, err
	}
	return &dynamodbapi.DeleteBackupOutput{BackupDescription: b.description()}, nil
}
