package dynamodb

import (
	"context"
	"time"

	"github.com/unkai-cloud/unkai/internal/storage"
)

// pitrSweepInterval is how often the PITR sweeper trims history.
const pitrSweepInterval = time.Minute

// sweepPITR deletes, for every table with PITR on, the history entries of
// writes made before its EarliestRestorableDateTime, which no restore
// needs; it unregisters tables that are gone or have PITR off.
func (p *Provider) sweepPITR(ctx context.Context) error {
	jobs, err := p.listJobs(ctx, jobPITR)
	if err != nil {
		return err
	}
	for _, j := range jobs {
		if len(j.names) != 1 {
			continue
		}
		sc, table := j.sc, j.names[0]
		rec, err := loadTable(ctx, p.store, sc, table)
		if err != nil && !hasCode(err, codeNotFound) {
			return err
		}
		if err != nil || !livePITR(rec) {
			if err := p.store.Update(ctx, func(tx storage.Txn) error {
				return wrapInternal(tx.Delete(pitrJobKey(sc, table)))
			}); err != nil {
				return err
			}
			continue
		}
		earliest, _ := rec.PITR.window(p.clock.Now())
		start := pitrPrefix(sc, table)
		end := pitrTimeKey(sc, table, earliest)
		if err := p.purgeRange(ctx, start, end, copyBatchItems); err != nil {
			return err
		}
	}
	return nil
}
