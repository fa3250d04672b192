package dynamodb

import (
	"context"
	"log/slog"
	"time"

	"github.com/unkai-cloud/unkai/internal/awserr"
	"github.com/unkai-cloud/unkai/internal/clock"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Background work: the TTL sweeper, and backup and restore copies too
// large to finish within their request.
//
// Work that must survive a restart is registered under
//
//	storage.Key("dynamodb", "jobs", kind, account, region, name...)
//
// (outside any account, so Start finds it across accounts):
//   - jobTTL, table: a table whose TTL needs the sweeper (enabled, or an
//     old index generation to drop);
//   - jobBackup, backup id, table: a backup that is CREATING or DELETED.
//     A copy cut short by a crash cannot resume (its snapshot is gone), so
//     Start deletes the partial backup: it is never reported AVAILABLE.
//     A deletion cut short is finished;
//   - jobRestore, table: a table being restored; Start restarts the copy
//     (it is idempotent) and the table turns ACTIVE when it ends;
//   - jobReplica, table: a new global table replica being filled from its
//     source region (replica.go); Start restarts the copy;
//   - jobPITR, table: a table with point-in-time recovery on, whose
//     history the PITR sweeper trims (pitr_sweep.go);
//   - jobExport, id and jobImport, id: an export to or import from S3 in
//     progress (export.go, import.go); Start runs it again from the start.
const (
	jobTTL     = "ttl"
	jobBackup  = "backup"
	jobRestore = "restore"
)

// sweepInterval is how often the TTL sweeper runs.
const sweepInterval = time.Second

// jobKey is the key registering background work on one resource.
func jobKey(kind string, sc scope.Scope, names ...string) []byte {
	k := storage.Key(Name, "jobs", kind, sc.Account, sc.Region)
	for _, n := range names {
		k = storage.AppendString(k, n)
	}
	return k
}

// job is one registered piece of work: its scope and resource names.
type job struct {
	sc    scope.Scope
	names []string
	value []byte
}

// listJobs returns the registered jobs of a kind.
func (p *Provider) listJobs(ctx context.Context, kind string) ([]job, error) {
	start, end := storage.PrefixRange(storage.Key(Name, "jobs", kind))
	it := p.store.Scan(ctx, start, end, storage.ScanOptions{})
	defer it.Close()
	var out []job
	for it.Next() {
		parts, err := storage.Decode(it.Key())
		if err != nil || len(parts) < 6 {
			return nil, internalf("decode job key: %v", err)
		}
		j := job{value: it.Value()}
		j.sc.Account, _ = parts[3].(string)
		j.sc.Region, _ = parts[4].(string)
		for _, x := range parts[5:] {
			s, _ := x.(string)
			j.names = append(j.names, s)
		}
		out = append(out, j)
	}
	if err := it.Err(); err != nil {
		return nil, awserr.Internal(err)
	}
	return out, nil
}

// background runs the provider's goroutines (service.Background): the
// sweepers, registered by registerLoops, and the jobs run starts. nudge
// wakes the TTL sweeper.
type background struct {
	*service.Background
	nudge chan struct{}
	log   *slog.Logger
}

// newBackground prepares background work; the sweepers run from Start.
func newBackground(log *slog.Logger, c clock.Clock) *background {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &background{Background: service.NewBackground(log, c), nudge: make(chan struct{}, 1), log: log}
}

// run runs fn in a goroutine that Stop cancels and waits for.
func (b *background) run(fn func(ctx context.Context)) { b.Go(fn) }

// registerLoops registers the TTL, stream retention and PITR sweepers.
func (p *Provider) registerLoops() {
	p.bg.Every("ttl sweep", sweepInterval, p.bg.nudge, p.sweepTTL)
	p.bg.Every("stream retention sweep", streamSweepInterval, nil, p.sweepStreams)
	p.bg.Every("pitr sweep", pitrSweepInterval, nil, p.sweepPITR)
}

// Loops implements service.LoopReporter: the sweepers' records.
func (p *Provider) Loops() []service.LoopStatus { return p.bg.Status() }

// wake asks the TTL sweeper for a pass now.
func (b *background) wake() {
	select {
	case b.nudge <- struct{}{}:
	default:
	}
}

// Start implements service.Starter: it settles the backups and restores a
// crash interrupted and starts the TTL and stream retention sweepers.
func (p *Provider) Start(ctx context.Context) error {
	if err := p.recoverBackups(ctx); err != nil {
		return err
	}
	restores, err := p.listJobs(ctx, jobRestore)
	if err != nil {
		return err
	}
	for _, j := range restores {
		if len(j.names) == 1 {
			sc, target := j.sc, j.names[0]
			p.bg.run(func(ctx context.Context) {
				if err := p.finishRestore(ctx, sc, target); err != nil && ctx.Err() == nil {
					p.bg.log.Error("resume restore", "table", target, "error", err)
				}
			})
		}
	}
	// --- global tables: replica copies a crash interrupted (replica.go) ---
	if err := p.resumeReplicas(ctx); err != nil {
		return err
	}
	// --- end global tables ---
	if err := p.resumeExports(ctx); err != nil { // export_run.go
		return err
	}
	if err := p.resumeImports(ctx); err != nil { // import_run.go
		return err
	}
	p.bg.Start()
	return nil
}

// Stop implements service.Stopper: it cancels background work and waits
// for it (or for ctx).
func (p *Provider) Stop(ctx context.Context) error { return p.bg.Stop(ctx) }

// hasCode reports whether err is an AWS error with the given code.
func hasCode(err error, code string) bool {
	e := awserr.From(err)
	return e != nil && e.Code == code
}

// wrapInternal turns a storage failure into an internal error (nil stays nil).
func wrapInternal(err error) error {
	if err == nil {
		return nil
	}
	return awserr.Internal(err)
}

var (
	_ service.Starter      = (*Provider)(nil)
	_ service.Stopper      = (*Provider)(nil)
	_ service.LoopReporter = (*Provider)(nil)
)
