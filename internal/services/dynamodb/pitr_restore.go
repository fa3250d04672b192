package dynamodb

import (
	"bytes"
	"context"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/arn"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Point-in-time restores.
//
// RestoreTableToPointInTime creates the target table CREATING, with the
// source's current key schema, indexes, billing, throughput and encryption
// (or the request's overrides, as RestoreTableFromBackup takes them) and a
// RestoreSummary naming the source table and the restore time, and
// registers a restore job (restore.go) carrying the source and the time.
// The copy (copyPointInTime) builds the table as of that time from one
// storage snapshot of the source's items and history (pitr.go) and writes
// it through writeItem in batches; the table then turns ACTIVE. Sources up
// to syncCopyBytes are restored within the request, larger ones in the
// background; a crash restarts the copy, which rebuilds the same image as
// long as the source keeps its history. If it no longer can (the source
// was deleted, or its PITR disabled, meanwhile) the target is deleted.

// Messages of RestoreTableToPointInTime's validation.
const (
	msgNoSource        = "The parameter 'TableName' is required but was not present in the request"
	msgTwoSources      = "Must provide exactly one of: sourceTableArn, sourceTableName"
	msgNoRestoreTime   = "Invalid Request: Either one of RestoreDateTime or UseLatestRestorableTime must be specified, but not both"
	msgTwoRestoreTimes = "Invalid Request: Both RestoreDateTime and UseLatestRestorableTime cannot be set for point-in-time restore request. Please specify either RestoreDateTime time or UseLatestRestorableTime"
	msgBadTableArn     = "sourceTableArn is not a valid ARN"
	msgOtherAccount    = "This action is only supported by accounts that match the resource owner’s account."
	msgCrossRegionSSE  = "Invalid Request: sseSpecificationOverride must be provided for cross-region restores"
)

// pitrRestoreJob is what a point-in-time restore job records.
type pitrRestoreJob struct {
	// Source is the source table's name.
	Source string `json:"source"`
	// Time is the restore time.
	Time time.Time `json:"time"`
}

// pitrSourceName resolves the request's source table to a name.
func pitrSourceName(sc scope.Scope, in *dynamodbapi.RestoreTableToPointInTimeInput) (string, error) {
	switch {
	case in.SourceTableName == nil && in.SourceTableArn == nil:
		return "", validation(msgNoSource)
	case in.SourceTableName != nil && in.SourceTableArn != nil:
		return "", validation(msgTwoSources)
	case in.SourceTableName != nil:
		return *in.SourceTableName, nil
	}
	s := *in.SourceTableArn
	a, err := arn.Parse(s)
	name, ok := strings.CutPrefix(a.Resource, "table/")
	if err != nil || a.Service != Name || !ok || name == "" || strings.Contains(name, "/") {
		return "", validation(msgBadTableArn)
	}
	switch {
	case a.Account != sc.Account:
		return "", validation(msgOtherAccount)
	case a.Region != sc.Region && in.SSESpecificationOverride == nil:
		return "", validation(msgCrossRegionSSE)
	case a.Partition != arn.PartitionOf(sc.Region) || a.Region != sc.Region:
		// unkai restores within a region only (choice: AWS restores across
		// regions when an SSESpecificationOverride is given).
		return "", awserr.New(codeTableNotFound, http.StatusBadRequest, msgSourceNotFound, s)
	}
	return name, nil
}

// loadPITRSource reads a table whose history a point-in-time restore or
// an export reads: refused while it is being created (a restore target)
// or when point-in-time recovery is off.
func loadPITRSource(ctx context.Context, r storage.Reader, sc scope.Scope, table string) (*tableRecord, error) {
	rec, err := loadPITRTable(ctx, r, sc, table)
	if err != nil {
		return nil, err
	}
	if deref(rec.Desc.TableStatus) == statusCreating {
		return nil, awserr.New(codeTableInUse, http.StatusBadRequest, msgSourceInUse, table)
	}
	if !livePITR(rec) {
		return nil, awserr.New(codePITRUnavailable, http.StatusBadRequest, msgPITRUnavailable, table)
	}
	return rec, nil
}

func (p *Provider) restoreTableToPointInTime(ctx context.Context, in *dynamodbapi.RestoreTableToPointInTimeInput) (*dynamodbapi.RestoreTableToPointInTimeOutput, error) {
	sc := scope.From(ctx)
	source, err := pitrSourceName(sc, in)
	if err != nil {
		return nil, err
	}
	latestWanted := in.UseLatestRestorableTime != nil && *in.UseLatestRestorableTime
	switch {
	case latestWanted && in.RestoreDateTime != nil:
		return nil, validation(msgTwoRestoreTimes)
	case !latestWanted && in.RestoreDateTime == nil:
		return nil, validation(msgNoRestoreTime)
	}
	target := deref(in.TargetTableName)
	now := p.clock.Now()
	created := now.UTC().Truncate(time.Millisecond)
	var rec *tableRecord
	var size int64
	err = p.store.Update(ctx, func(tx storage.Txn) error {
		src, err := loadPITRSource(ctx, tx, sc, source)
		if err != nil {
			return err
		}
		earliest, latest := src.PITR.window(now)
		at := latest
		if !latestWanted {
			at = *in.RestoreDateTime
		}
		if at.Before(earliest) || at.After(latest) {
			const layout = "2006-01-02T15:04:05Z"
			return awserr.New(codeInvalidRestore, http.StatusBadRequest, msgInvalidRestoreTime,
				at.UTC().Format(layout), earliest.UTC().Format(layout), latest.UTC().Format(layout))
		}
		if err := targetFree(ctx, tx, sc, target); err != nil {
			return err
		}
		b := &backupRecord{Table: src.Desc, Source: dynamodbapi.SourceTableDetails{TableArn: src.Desc.TableArn}}
		d, err := p.restoredDesc(sc, b, &dynamodbapi.RestoreTableFromBackupInput{
			BillingModeOverride: in.BillingModeOverride, GlobalSecondaryIndexOverride: in.GlobalSecondaryIndexOverride,
			LocalSecondaryIndexOverride: in.LocalSecondaryIndexOverride, ProvisionedThroughputOverride: in.ProvisionedThroughputOverride,
			OnDemandThroughputOverride: in.OnDemandThroughputOverride, SSESpecificationOverride: in.SSESpecificationOverride,
		}, target, created)
		if err != nil {
			return err
		}
		d.RestoreSummary.RestoreDateTime = ptr(at.UTC())
		st, err := loadStats(ctx, tx, sc, source)
		if err != nil {
			return err
		}
		size = st.Table.Bytes
		rec = &tableRecord{Desc: *d}
		return createRestoreTarget(ctx, tx, sc, rec, restoreJob{PITR: &pitrRestoreJob{Source: source, Time: at}})
	})
	if err != nil {
		return nil, err
	}
	out := describe(rec, &tableStats{})
	if err := p.runRestore(ctx, sc, target, size); err != nil {
		return nil, err
	}
	return &dynamodbapi.RestoreTableToPointInTimeOutput{TableDescription: out}, nil
}

// pitrPick is the earliest committed history entry of one key after the
// restore time: its stamp and the key's state at the restore time.
type pitrPick struct {
	stamp []byte
	old   attr.Item
}

// changesSince reads, in snap, the history entries of source's writes made
// after at and returns for each key they name (its encoding, as in the
// item's storage key) the key's state at that time.
func changesSince(ctx context.Context, snap storage.Txn, sc scope.Scope, sch *schema, at time.Time) (map[string]pitrPick, error) {
	picks := map[string]pitrPick{}
	start := pitrTimeKey(sc, sch.Name, at.Add(time.Nanosecond))
	end := storage.PrefixEnd(pitrPrefix(sc, sch.Name))
	it := snap.Scan(ctx, start, end, storage.ScanOptions{})
	defer it.Close()
	for it.Next() {
		k := it.Key()
		if len(k) < storage.StampSuffixLen {
			return nil, internalf("pitr entry key of %d bytes", len(k))
		}
		stamp := k[len(k)-storage.StampSuffixLen:]
		e, err := decodePITREntry(it.Value())
		if err != nil {
			return nil, internalf("decode %w", err)
		}
		mk := string(appendKeyOf(nil, sch.Key, e.keys))
		if cur, ok := picks[mk]; ok && bytes.Compare(cur.stamp, stamp) <= 0 {
			continue
		}
		picks[mk] = pitrPick{stamp: stamp, old: e.old}
	}
	if err := it.Err(); err != nil {
		return nil, awserr.Internal(err)
	}
	return picks, nil
}

// copyPointInTime builds the CREATING table target as the job's source
// held it at the job's time, from one snapshot of the source's items and
// history, and writes it in batches.
func (p *Provider) copyPointInTime(ctx context.Context, sc scope.Scope, target string, job *pitrRestoreJob) error {
	shard := p.statsShard()
	gone := false
	err := p.store.View(ctx, func(snap storage.Txn) error {
		src, err := loadTable(ctx, snap, sc, job.Source)
		if hasCode(err, codeNotFound) {
			gone = true
			return nil
		}
		if err != nil {
			return err
		}
		if !livePITR(src) || src.PITR.Since.After(job.Time) {
			gone = true
			return nil
		}
		var batch []attr.Item
		size := 0
		flush := func(force bool) error {
			if len(batch) == 0 || (!force && len(batch) < copyBatchItems && size < copyBatchBytes) {
				return nil
			}
			err := p.store.Update(ctx, func(tx storage.Txn) error {
				rec, err := loadTable(ctx, tx, sc, target)
				if err != nil || deref(rec.Desc.TableStatus) != statusCreating {
					return err
				}
				st, err := loadStatsShard(ctx, tx, sc, target, shard)
				if err != nil {
					return err
				}
				if err := p.writeRestored(ctx, tx, sc, schemaOf(&rec.Desc), st, batch); err != nil {
					return err
				}
				return saveStatsShard(tx, sc, target, shard, st)
			})
			batch, size = batch[:0], 0
			return err
		}
		err = itemsAt(ctx, snap, sc, src, job.Time, func(item attr.Item) error {
			batch = append(batch, item)
			size += attr.ItemSize(item)
			return flush(false)
		})
		if err != nil {
			return err
		}
		return flush(true)
	})
	if err != nil || !gone {
		return err
	}
	p.bg.log.Error("point-in-time restore: source history gone, dropping the target", "table", target, "source", job.Source)
	return p.abandonRestore(ctx, sc, target, job.Source)
}

// itemsAt calls fn with each item of the table src as it was at time at,
// read from snap: the items as they are now, except those the history
// (pitr.go) shows written after at, which take their state at that time
// (absent when they did not exist). Items come in key order, then the keys
// that held an item at that time but hold none now, in encoded key order.
// The caller checks that src's PITR window covers at.
func itemsAt(ctx context.Context, snap storage.Txn, sc scope.Scope, src *tableRecord, at time.Time, fn func(attr.Item) error) error {
	name := deref(src.Desc.TableName)
	picks, err := changesSince(ctx, snap, sc, schemaOf(&src.Desc), at)
	if err != nil {
		return err
	}
	prefix := itemsPrefix(sc, name)
	start, end := storage.PrefixRange(prefix)
	it := snap.Scan(ctx, start, end, storage.ScanOptions{})
	defer it.Close()
	for it.Next() {
		k := it.Key()
		item := attr.Item(nil)
		if pick, ok := picks[string(k[len(prefix):])]; ok {
			delete(picks, string(k[len(prefix):]))
			item = pick.old
		} else if item, err = attr.UnmarshalItem(it.Value()); err != nil {
			return internalf("decode item: %w", err)
		}
		if item == nil {
			continue
		}
		if err := fn(item); err != nil {
			return err
		}
	}
	if err := it.Err(); err != nil {
		return awserr.Internal(err)
	}
	// Keys that held an item at that time but hold none now.
	rest := make([]string, 0, len(picks))
	for mk, pick := range picks {
		if pick.old != nil {
			rest = append(rest, mk)
		}
	}
	sort.Strings(rest)
	for _, mk := range rest {
		if err := fn(picks[mk].old); err != nil {
			return err
		}
	}
	return nil
}

// abandonRestore deletes a CREATING target whose restore cannot finish,
// and its job.
func (p *Provider) abandonRestore(ctx context.Context, sc scope.Scope, target, source string) error {
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		for _, prefix := range [][]byte{itemsPrefix(sc, target), indexesPrefix(sc, target), statsKey(sc, target)} {
			start, end := storage.PrefixRange(prefix)
			if err := deleteRange(ctx, tx, start, end); err != nil {
				return awserr.Internal(err)
			}
		}
		if err := tx.Delete(TableKey(sc, target)); err != nil {
			return awserr.Internal(err)
		}
		return wrapInternal(tx.Delete(jobKey(jobRestore, sc, target)))
	})
	if err != nil {
		return err
	}
	return awserr.New(codePITRUnavailable, http.StatusBadRequest, msgPITRUnavailable, source)
}
