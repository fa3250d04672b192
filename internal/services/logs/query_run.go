package logs

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/unkai-cloud/unkai/internal/clock"
	"github.com/unkai-cloud/unkai/internal/scope"
	"github.com/unkai-cloud/unkai/internal/service"
	"github.com/unkai-cloud/unkai/internal/storage"
)

// Limits and lifetimes of Logs Insights queries, as AWS documents them.
const (
	queryTimeout     = 60 * time.Minute
	queryRetention   = 7 * 24 * time.Hour
	maxConcurrent    = 30
	defaultQueryRows = 1000
	maxQueryGroups   = 50
	sweepEvery       = time.Minute
	sweepBatch       = 1000
)

// queryRunner runs queries in the background (service.Background): they
// may start before Start, as requests arrive; Stop ends them, and Start
// runs again the ones left unfinished. running lets StopQuery and Reset
// cancel a query.
type queryRunner struct {
	bg *service.Background

	mu      sync.Mutex
	running map[string]runningQuery // by account/region/id
}

type runningQuery struct {
	sc     scope.Scope
	cancel context.CancelFunc
}

func newQueryRunner(log *slog.Logger, c clock.Clock) *queryRunner {
	return &queryRunner{bg: service.NewBackground(log, c), running: map[string]runningQuery{}}
}

func runKey(sc scope.Scope, id string) string { return sc.Account + "/" + sc.Region + "/" + id }

// activeIn counts the running queries of an account.
func (r *queryRunner) activeIn(account string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, q := range r.running {
		if q.sc.Account == account {
			n++
		}
	}
	return n
}

// stop cancels a running query; false when it is not running here.
func (r *queryRunner) stop(sc scope.Scope, id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	q, ok := r.running[runKey(sc, id)]
	if ok {
		q.cancel()
	}
	return ok
}

// stopAll cancels every running query (reset).
func (r *queryRunner) stopAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, q := range r.running {
		q.cancel()
	}
}

// launch runs query id of sc in the background.
func (p *Provider) launch(sc scope.Scope, id string, rec *queryRecord, q *query) {
	r := p.runner
	key := runKey(sc, id)
	stopped, stop := context.WithCancel(context.Background()) // StopQuery and Reset
	r.mu.Lock()
	r.running[key] = runningQuery{sc: sc, cancel: stop}
	r.mu.Unlock()
	r.bg.Go(func(bctx context.Context) {
		ctx, end := context.WithTimeout(bctx, queryTimeout)
		defer end()
		defer context.AfterFunc(stopped, end)() // a stopped query ends now
		defer func() {
			r.mu.Lock()
			delete(r.running, key)
			r.mu.Unlock()
			stop()
		}()
		if err := p.runQuery(scope.With(ctx, sc), bctx, sc, id, rec, q); err != nil && bctx.Err() == nil {
			p.log.Error("logs insights query", "query", id, "error", err)
		}
	})
}

// runQuery runs a query and stores its outcome; provider is the context
// the provider's Stop ends, which leaves the query for Start to run again.
func (p *Provider) runQuery(ctx, provider context.Context, sc scope.Scope, id string, rec *queryRecord, q *query) error {
	ks := newKeyspace(sc.Account, sc.Region)
	// Work on a copy: the caller's record may be read concurrently.
	cp := *rec
	rec = &cp
	if err := p.setQueryStatus(ctx, ks, id, qRunning); err != nil {
		return err
	}
	res, err := p.execute(ctx, sc, rec, q)
	// The provider stopping leaves the query for Start to run again.
	if provider.Err() != nil {
		return nil
	}
	bg := context.WithoutCancel(ctx)
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		rec.Status = qTimeout
		res = nil
	case ctx.Err() != nil:
		rec.Status = qCancelled
		res = nil
	case err != nil:
		rec.Status = qFailed
		res = nil
		p.log.Error("logs insights query failed", "query", id, "error", err)
	default:
		rec.Status = qComplete
	}
	if res != nil {
		rec.Matched, rec.Scanned, rec.Bytes, rec.Rows = res.matched, res.scanned, res.bytes, len(res.rows)
	}
	rec.Expires = p.clock.Now().Add(queryRetention).UnixMilli()
	return p.store.Update(bg, func(tx storage.Txn) error {
		cur, err := getQuery(bg, tx, ks, id)
		if err != nil {
			return err
		}
		if !cur.running() {
			return nil // stopped while it finished
		}
		if rec.Status == qComplete {
			prefix := ks.queryRows(id)
			for i, row := range res.rows {
				b, err := json.Marshal(row)
				if err != nil {
					return err
				}
				if err := tx.Put(rowKey(prefix, i), b); err != nil {
					return fmt.Errorf("logs: put query row: %w", err)
				}
			}
		}
		if err := tx.Delete(queryJobKey(sc, id)); err != nil {
			return fmt.Errorf("logs: delete query job: %w", err)
		}
		if err := tx.Put(queryExpiryKey(rec.Expires, sc, id), []byte{}); err != nil {
			return fmt.Errorf("logs: put query expiry: %w", err)
		}
		return putQuery(tx, ks, id, rec)
	})
}

func (p *Provider) setQueryStatus(ctx context.Context, ks keyspace, id, status string) error {
	return p.store.Update(ctx, func(tx storage.Txn) error {
		cur, err := getQuery(ctx, tx, ks, id)
		if err != nil || !cur.running() {
			return err
		}
		cur.Status = status
		return putQuery(tx, ks, id, cur)
	})
}

// queryResult is what a finished query found.
type queryResult struct {
	rows                    []resultRow
	matched, scanned, bytes int64
}

// execute scans the query's groups over its time range, newest events
// first, and pushes each event through the query's stages.
func (p *Provider) execute(ctx context.Context, sc scope.Scope, rec *queryRecord, q *query) (*queryResult, error) {
	ks := newKeyspace(sc.Account, sc.Region)
	res := &queryResult{}
	sink := &sinkStage{cap: rec.Limit}
	head, cols := plan(q, sink, &res.matched)
	now := p.clock.Now().UnixMilli()
	lo := rec.Start * 1000
	hi := (rec.End + 1) * 1000 // the end second is included
	err := p.store.View(ctx, func(tx storage.Txn) error {
		m := &mergeHeap{newestFirst: true}
		defer m.close()
		for _, g := range rec.Groups {
			gr, err := getGroup(ctx, tx, ks, g)
			if err != nil {
				continue // deleted since the query started
			}
			start := max(lo, retentionCutoff(gr, now))
			streams, err := groupStreams(ctx, tx, ks, g)
			if err != nil {
				return err
			}
			for _, s := range streams {
				prefix := ks.events(g, s)
				if start >= hi {
					continue
				}
				it := tx.Scan(ctx, eventKey(prefix, start, 0), eventKey(prefix, hi, 0), storage.ScanOptions{Reverse: true})
				if err := m.add(&cursor{group: g, stream: s, it: it}); err != nil {
					return err
				}
			}
		}
		for {
			c, e, err := m.next()
			if err != nil || c == nil {
				return err
			}
			ev := &queryEvent{account: sc.Account, group: c.group, stream: c.stream, ts: e.ts, ingest: e.ingest, seq: e.seq, msg: e.msg}
			res.scanned++
			res.bytes += int64(len(ev.msg))
			if res.scanned%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			if !head.push(&row{ev: ev}) {
				return nil
			}
		}
	})
	if err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	head.finish()
	for _, r := range sink.rows {
		res.rows = append(res.rows, resultFields(r, cols))
	}
	return res, nil
}

// groupStreams lists a group's stream names.
func groupStreams(ctx context.Context, r storage.Reader, ks keyspace, group string) ([]string, error) {
	return streamNames(ctx, r, ks.streams(group))
}

// resultFields renders a row as its columns' (field, value) pairs,
// leaving out absent fields, with @ptr last for rows of events.
func resultFields(r *row, cols columns) resultRow {
	var out resultRow
	add := func(name string) {
		if v := r.get(name); v.k != vNull {
			out = append(out, [2]string{name, v.str()})
		}
	}
	if cols.all {
		seen := map[string]bool{}
		names := append([]string(nil), defaultColumns...)
		if r.ev != nil {
			r.ev.discover()
			names = append(names, r.ev.order...)
		}
		names = append(names, r.order...)
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				add(n)
			}
		}
	} else {
		for _, n := range cols.list {
			add(n)
		}
	}
	if cols.ptr && r.ev != nil {
		out = append(out, [2]string{fPtr, recordPointer(r.ev)})
	}
	if out == nil {
		out = resultRow{}
	}
	return out
}

// recordPointer makes an event's @ptr: its group, stream and position,
// opaque to clients.
func recordPointer(e *queryEvent) string {
	b := binary.AppendVarint(nil, e.ts)
	b = binary.AppendUvarint(b, e.seq)
	b = binary.AppendUvarint(b, uint64(len(e.group)))
	b = append(b, e.group...)
	b = append(b, e.stream...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Start implements service.Starter: it runs again the queries a restart
// interrupted and starts the sweeper of expired query results.
func (p *Provider) Start(ctx context.Context) error {
	// The loops and a fresh context first: the queries below run under it.
	p.runner.bg.Start()
	start, end := storage.PrefixRange(storage.Key(Name, "qjob"))
	it := p.store.Scan(ctx, start, end, storage.ScanOptions{})
	type job struct {
		sc scope.Scope
		id string
	}
	var jobs []job
	for it.Next() {
		parts, err := storage.Decode(it.Key())
		if err != nil || len(parts) != 5 {
			it.Close()
			return fmt.Errorf("%w: query job key", errCorrupt)
		}
		var j job
		j.sc.Account, _ = parts[2].(string)
		j.sc.Region, _ = parts[3].(string)
		j.id, _ = parts[4].(string)
		jobs = append(jobs, j)
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("logs: scan query jobs: %w", err)
	}
	for _, j := range jobs {
		rec, err := getQuery(ctx, p.store, newKeyspace(j.sc.Account, j.sc.Region), j.id)
		if err != nil {
			return err
		}
		q, err := parseQuery(rec.Query)
		if err != nil {
			return fmt.Errorf("logs: stored query %s: %w", j.id, err)
		}
		p.launch(j.sc, j.id, rec, q)
	}
	return nil
}

// Stop implements service.Stopper: it stops running queries (Start runs
// them again) and the sweeper, and waits for them or for ctx.
func (p *Provider) Stop(ctx context.Context) error { return p.runner.bg.Stop(ctx) }

// Reset implements service.Resetter: the queries running over the wiped
// state are cancelled.
func (p *Provider) Reset(context.Context) error {
	p.runner.stopAll()
	return nil
}

// Loops implements service.LoopReporter.
func (p *Provider) Loops() []service.LoopStatus { return p.runner.bg.Status() }

// sweepQueries deletes the records and rows of queries past retention.
func (p *Provider) sweepQueries(ctx context.Context) error {
	prefix := storage.Key(Name, "qexp")
	end := storage.AppendInt64(append([]byte(nil), prefix...), p.clock.Now().UnixMilli())
	return p.store.Update(ctx, func(tx storage.Txn) error {
		it := tx.Scan(ctx, prefix, end, storage.ScanOptions{Limit: sweepBatch})
		defer it.Close()
		for it.Next() {
			parts, err := storage.Decode(it.Key())
			if err != nil || len(parts) != 6 {
				return fmt.Errorf("%w: query expiry key", errCorrupt)
			}
			account, _ := parts[3].(string)
			region, _ := parts[4].(string)
			id, _ := parts[5].(string)
			ks := newKeyspace(account, region)
			if err := tx.Delete(ks.query(id)); err != nil {
				return fmt.Errorf("logs: delete query: %w", err)
			}
			if _, err := deletePrefix(ctx, tx, ks.queryRows(id), 0); err != nil {
				return err
			}
			if err := tx.Delete(it.Key()); err != nil {
				return fmt.Errorf("logs: delete query expiry: %w", err)
			}
		}
		if err := it.Err(); err != nil {
			return fmt.Errorf("logs: scan query expiry: %w", err)
		}
		return nil
	})
}
