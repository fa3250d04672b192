package dynamodb

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/unkai-cloud/unkai/internal/api/dynamodbapi"
	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/services/dynamodb/attr"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Point-in-time recovery.
//
// While PITR is on, every item write (writeItem) appends, in the write's
// own transaction, one history entry
//
//	"pitr", table, write time (Unix ns, uint64), commit stamp → key attributes and old image
//
// where the write time is the provider clock's reading when the request
// was received and the stamp (storage.Txn.PutStamped) orders commits. A
// restore to time T reads, in one storage snapshot, the table's items and
// the entries written after T; for each key they name, the key's state at
// T is the old image of the earliest committed of those entries (absent
// when nil), and the other items are as they are now. The work is thus
// proportional to the writes since T, not to the table's history.
//
// Per key, the entry committed first among those after T decides: a write
// that read the clock at or before T but committed after a later-stamped
// write of the same key (a retried conflicting transaction) counts as
// made after T, because its effect follows that write's.
//
// Enabling PITR starts the window (EarliestRestorableDateTime is the time
// it was enabled); disabling it drops the history, and enabling it again
// starts a new window. The PITR sweeper (pitr_sweep.go) trims entries
// older than the recovery period. DeleteTable drops the history with the
// table (AWS keeps a system backup of a PITR table for 35 days; unkai
// does not).
//
// Choices where AWS differs or is silent:
//   - LatestRestorableDateTime is the current time, where AWS trails by
//     about five minutes, so that tests can restore what they just wrote.
//     A write still in flight at the restore time may or may not be in
//     the restored table.
//   - Restore times keep the precision they arrive with (milliseconds on
//     the wire); writes at or before the restore time are included.
//   - UpdateContinuousBackups takes effect at once (no ENABLING state);
//     RecoveryPeriodInDays without PointInTimeRecoveryEnabled true is a
//     ValidationException; enabling an enabled table with a new period
//     changes the period but keeps the window; enabling a disabled table
//     without a period gives the default, 35 days.

// PITR statuses and the continuous backups status.
const (
	pitrEnabled       = "ENABLED"
	pitrDisabled      = "DISABLED"
	continuousEnabled = "ENABLED"
)

// pitrDefaultDays is the recovery period when none is given.
const pitrDefaultDays = 35

// Codes and messages of PITR errors.
const (
	codePITRUnavailable   = "PointInTimeRecoveryUnavailableException"
	codeInvalidRestore    = "InvalidRestoreTimeException"
	msgPITRUnavailable    = "Point in time recovery is not enabled for table '%s'"
	msgInvalidRestoreTime = "RestoreDateTime '%s' must be within EarliestRestorableDateTime '%s' and LatestRestorableDateTime '%s'"
	msgPeriodNeedsEnable  = "Invalid Request: Cannot specify RecoveryPeriodInDays when disabling point-in-time recovery."
)

// pitrState is a table's PITR setting, kept in the table's record.
type pitrState struct {
	// Enabled tells whether writes are recorded.
	Enabled bool `json:"e,omitempty"`
	// Since is when PITR was last enabled: the start of the window.
	Since time.Time `json:"s"`
	// Days is the recovery period.
	Days int `json:"d,omitempty"`
}

// window returns the restorable range [earliest, latest] at now.
func (s *pitrState) window(now time.Time) (earliest, latest time.Time) {
	earliest = s.Since
	if p := now.AddDate(0, 0, -s.Days); p.After(earliest) {
		earliest = p
	}
	return earliest, now
}

// livePITR tells whether writes to rec's table are recorded for PITR.
func livePITR(rec *tableRecord) bool { return rec.PITR != nil && rec.PITR.Enabled }

// pitrPrefix is the key prefix of a table's PITR history.
func pitrPrefix(sc scope.Scope, table string) []byte {
	return storage.Key(Name, sc.Account, sc.Region, "pitr", table)
}

// pitrTimeKey is the history key prefix of writes made at t: entries of
// writes made after t sort at or after pitrTimeKey(t+1ns).
func pitrTimeKey(sc scope.Scope, table string, t time.Time) []byte {
	return storage.AppendUint64(pitrPrefix(sc, table), pitrNanos(t))
}

// pitrNanos is t in Unix nanoseconds, clamped at zero.
func pitrNanos(t time.Time) uint64 {
	if n := t.UnixNano(); n > 0 {
		return uint64(n)
	}
	return 0
}

// A history entry's value is
//
//	version (1) | key attributes (uvarint length, attr.MarshalItem) | old image
//
// where the old image is a uvarint of its length plus one (0 when the item
// did not exist) and its attr.MarshalItem encoding.
const pitrEntryVersion = 1

// pitrRecord appends the history entry of one item write (old or nw nil
// for an insert or a delete) when the table has PITR on. writeItem calls
// it. A delete of a missing item records nothing.
func pitrRecord(tx storage.Txn, sc scope.Scope, sch *schema, chg change, old, nw attr.Item) error {
	if !sch.pitr || (old == nil && nw == nil) {
		return nil
	}
	src := nw
	if src == nil {
		src = old
	}
	keys := attr.MarshalItem(keyAttrs(sch.Key, src))
	var oldRaw []byte
	if old != nil {
		oldRaw = attr.MarshalItem(old)
	}
	buf := make([]byte, 0, 1+len(keys)+len(oldRaw)+2*binary.MaxVarintLen32)
	buf = append(buf, pitrEntryVersion)
	buf = binary.AppendUvarint(buf, uint64(len(keys)))
	buf = append(buf, keys...)
	buf = appendImage(buf, oldRaw)
	if err := tx.PutStamped(pitrTimeKey(sc, sch.Name, chg.at), buf); err != nil {
		return awserr.Internal(err)
	}
	return nil
}

// pitrEntry is a decoded history entry.
type pitrEntry struct {
	keys attr.Item
	old  attr.Item // nil when the write created the item
}

// decodePITREntry decodes a history entry's value.
func decodePITREntry(v []byte) (pitrEntry, error) {
	var e pitrEntry
	if len(v) == 0 || v[0] != pitrEntryVersion {
		return e, errors.New("pitr entry: unknown version")
	}
	rest := v[1:]
	n, w := binary.Uvarint(rest)
	if w <= 0 || n > uint64(len(rest)-w) {
		return e, errors.New("pitr entry: bad key length")
	}
	rest = rest[w:]
	keys, err := attr.UnmarshalItem(rest[:n])
	if err != nil {
		return e, fmt.Errorf("pitr entry keys: %w", err)
	}
	e.keys = keys
	rest = rest[n:]
	m, w := binary.Uvarint(rest)
	if w <= 0 || m > uint64(len(rest)-w)+1 {
		return e, errors.New("pitr entry: bad image length")
	}
	rest = rest[w:]
	if m > 0 {
		if uint64(len(rest)) != m-1 {
			return e, errors.New("pitr entry: trailing bytes")
		}
		if e.old, err = attr.UnmarshalItem(rest); err != nil {
			return e, fmt.Errorf("pitr entry image: %w", err)
		}
	} else if len(rest) != 0 {
		return e, errors.New("pitr entry: trailing bytes")
	}
	return e, nil
}

// dropPITR deletes a table's PITR history inside tx.
func dropPITR(ctx context.Context, tx storage.Txn, sc scope.Scope, table string) error {
	start, end := storage.PrefixRange(pitrPrefix(sc, table))
	return wrapInternal(deleteRange(ctx, tx, start, end))
}

// pitrJobKey registers a table with PITR on for the sweeper.
func pitrJobKey(sc scope.Scope, table string) []byte { return jobKey(jobPITR, sc, table) }

// jobPITR is the job kind of tables whose history the sweeper trims.
const jobPITR = "pitr"

// continuousDesc describes rec's continuous backups at now.
func continuousDesc(rec *tableRecord, now time.Time) *dynamodbapi.ContinuousBackupsDescription {
	pd := &dynamodbapi.PointInTimeRecoveryDescription{PointInTimeRecoveryStatus: ptr(pitrDisabled)}
	if s := rec.PITR; s != nil && s.Enabled {
		earliest, latest := s.window(now)
		pd.PointInTimeRecoveryStatus = ptr(pitrEnabled)
		pd.EarliestRestorableDateTime = ptr(earliest.UTC())
		pd.LatestRestorableDateTime = ptr(latest.UTC())
		pd.RecoveryPeriodInDays = ptr(int64(s.Days))
	}
	return &dynamodbapi.ContinuousBackupsDescription{
		ContinuousBackupsStatus: ptr(continuousEnabled), PointInTimeRecoveryDescription: pd,
	}
}

// loadPITRTable reads a table for the PITR APIs, whose missing table is
// the TableNotFoundException.
func loadPITRTable(ctx context.Context, r storage.Reader, sc scope.Scope, name string) (*tableRecord, error) {
	rec, err := loadTable(ctx, r, sc, name)
	if hasCode(err, codeNotFound) {
		return nil, awserr.New(codeTableNotFound, http.StatusBadRequest, msgSourceNotFound, name)
	}
	return rec, err
}

func (p *Provider) describeContinuousBackups(ctx context.Context, in *dynamodbapi.DescribeContinuousBackupsInput) (*dynamodbapi.DescribeContinuousBackupsOutput, error) {
	rec, err := loadPITRTable(ctx, p.store, scope.From(ctx), deref(in.TableName))
	if err != nil {
		return nil, err
	}
	if deref(rec.Desc.TableStatus) == statusCreating {
		// A restore target is not there for the PITR APIs until ACTIVE (DDB-TABLE-217).
		return nil, awserr.New(codeTableNotFound, http.StatusBadRequest, msgSourceNotFound, deref(in.TableName))
	}
	return &dynamodbapi.DescribeContinuousBackupsOutput{ContinuousBackupsDescription: continuousDesc(rec, p.clock.Now())}, nil
}

func (p *Provider) updateContinuousBackups(ctx context.Context, in *dynamodbapi.UpdateContinuousBackupsInput) (*dynamodbapi.UpdateContinuousBackupsOutput, error) {
	spec := in.PointInTimeRecoverySpecification
	enable := spec.PointInTimeRecoveryEnabled != nil && *spec.PointInTimeRecoveryEnabled
	if !enable && spec.RecoveryPeriodInDays != nil {
		return nil, validation(msgPeriodNeedsEnable)
	}
	sc := scope.From(ctx)
	name := deref(in.TableName)
	now := p.clock.Now()
	var out *dynamodbapi.ContinuousBackupsDescription
	err := p.store.Update(ctx, func(tx storage.Txn) error {
		rec, err := loadPITRTable(ctx, tx, sc, name)
		if err != nil {
			return err
		}
		if deref(rec.Desc.TableStatus) == statusCreating {
			// A restore target is not there for the PITR APIs until ACTIVE (DDB-TABLE-217).
			return awserr.New(codeTableNotFound, http.StatusBadRequest, msgSourceNotFound, name)
		}
		switch {
		case enable:
			days := pitrDefaultDays
			if spec.RecoveryPeriodInDays != nil {
				days = int(*spec.RecoveryPeriodInDays)
			}
			if !livePITR(rec) {
				rec.PITR = &pitrState{Enabled: true, Since: now.UTC()}
			} else if spec.RecoveryPeriodInDays == nil {
				days = rec.PITR.Days
			}
			rec.PITR.Days = days
			if err := tx.Put(pitrJobKey(sc, name), nil); err != nil {
				return awserr.Internal(err)
			}
		case livePITR(rec):
			rec.PITR = nil
			if err := dropPITR(ctx, tx, sc, name); err != nil {
				return err
			}
			if err := tx.Delete(pitrJobKey(sc, name)); err != nil {
				return awserr.Internal(err)
			}
		}
		if err := saveTable(tx, sc, rec); err != nil {
			return err
		}
		out = continuousDesc(rec, now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &dynamodbapi.UpdateContinuousBackupsOutput{ContinuousBackupsDescription: out}, nil
}
