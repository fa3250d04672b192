package dynamodb

import (
	"context"
	"log/slog"
	"sync"
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

// background runs the provider's goroutines and stops them on Stop.
type background struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	nudge  chan struct{}
	log    *slog.Logger
	loops  *service.Loops
}

// newBackground prepares background work; nothing runs until run is called.
func newBackground(log *slog.Logger, c clock.Clock) *background {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &background{ctx: ctx, cancel: cancel, nudge: make(chan struct{}, 1), log: log, loops: service.NewLoops(log, c)}
}

// run runs fn in a goroutine that Stop waits for.
func (b *background) run(fn func(ctx context.Context)) {
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		fn(b.ctx)
	}()
}

// every returns a loop for run that calls pass every interval (and, with
// wakeable, whenever wake is called) until the background work ends; its
// passes are counted, and failures logged, under name (see Loops).
func (b *background) every(name string, interval time.Duration, wakeable bool, pass func(context.Context) error) func(context.Context) {
	var wake <-chan struct{}
	if wakeable {
		wake = b.nudge
	}
	return b.loops.Loop(name, interval, wake, pass)
}

// Loops implements service.LoopReporter: the sweepers' records.
func (p *Provider) Loops() []service.LoopStatus { return p.bg.loops.Status() }

// wake asks the TTL sweeper for a pass now.
func (b *background) wake() {
	select {
	case b.nudge <- struct{}{}:
	default:
	}
}

// wait blocks until every goroutine started by run has returned.
func (b *background) wait() { b.wg.Wait() }

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
	p.bg.run(p.bg.every("ttl sweep", sweepInterval, true, p.sweepTTL))
	p.bg.run(p.bg.every("stream retention sweep", streamSweepInterval, false, p.sweepStreams))
	p.bg.run(p.bg.every("pitr sweep", pitrSweepInterval, false, p.sweepPITR))
	return nil
}

// Stop implements service.Stopper: it cancels background work and waits
// for it (or for ctx).
func (p *Provider) Stop(ctx context.Context) error {
	p.bg.cancel()
	done := make(chan struct{})
	go func() {
		p.bg.wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

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
