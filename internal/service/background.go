package service

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/unkai-cloud/unkai/internal/clock"
)

// Loops runs a provider's periodic background passes (sweepers, pollers)
// and records how each one is doing, so /_unkai/health can show them.
// The zero value is not usable; make one with NewLoops.
type Loops struct {
	log   *slog.Logger
	clock clock.Clock

	mu    sync.Mutex
	loops []*loopState
}

// loopState is one loop's record, guarded by Loops.mu.
type loopState struct {
	status LoopStatus
}

// LoopStatus is how one background loop is doing.
type LoopStatus struct {
	// Name says what the loop does, e.g. "ttl sweep".
	Name string `json:"name"`
	// Interval is the time between passes, e.g. "1s".
	Interval string `json:"interval"`
	// Runs and Failures count finished passes, and the failed ones among them.
	Runs     int64 `json:"runs"`
	Failures int64 `json:"failures"`
	// LastRun and LastFailure are when the latest pass, and the latest
	// failed one, ended.
	LastRun     *time.Time `json:"last_run,omitempty"`
	LastFailure *time.Time `json:"last_failure,omitempty"`
}

// LoopReporter is implemented by providers with background loops; health
// lists what it returns.
type LoopReporter interface {
	Loops() []LoopStatus
}

// NewLoops returns an empty set of loops that logs failed passes to log and
// stamps them with c.
func NewLoops(log *slog.Logger, c clock.Clock) *Loops {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Loops{log: log, clock: c}
}

// Loop registers a loop and returns its body, to be run in a goroutine: it
// calls pass every interval, and whenever wake receives (wake may be nil),
// until ctx ends. A failed pass is logged and counted; the loop goes on.
func (l *Loops) Loop(name string, interval time.Duration, wake <-chan struct{}, pass func(context.Context) error) func(context.Context) {
	st := &loopState{status: LoopStatus{Name: name, Interval: interval.String()}}
	l.mu.Lock()
	l.loops = append(l.loops, st)
	l.mu.Unlock()
	return func(ctx context.Context) {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			case <-wake:
			}
			err := pass(ctx)
			if ctx.Err() != nil {
				return
			}
			l.record(st, err)
			if err != nil {
				l.log.Error(name, "error", err)
			}
		}
	}
}

// record notes one finished pass of st.
func (l *Loops) record(st *loopState, err error) {
	now := l.clock.Now().UTC()
	l.mu.Lock()
	defer l.mu.Unlock()
	st.status.Runs++
	st.status.LastRun = &now
	if err != nil {
		st.status.Failures++
		st.status.LastFailure = &now
	}
}

// Status returns each registered loop's record, in registration order.
func (l *Loops) Status() []LoopStatus {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]LoopStatus, len(l.loops))
	for i, st := range l.loops {
		out[i] = st.status
	}
	return out
}

// Background runs a provider's goroutines: its loops (Every) and one-off
// jobs (Go). Jobs may start as soon as it is made; the loops run between
// Start and Stop. Stop cancels everything and waits; a later Start runs
// again under a fresh context.
type Background struct {
	*Loops

	mu     sync.Mutex
	bodies []func(context.Context) // registered loops
	ctx    context.Context
	cancel context.CancelFunc
	wg     *sync.WaitGroup
	loopOn bool // the loops are running
}

// NewBackground returns a Background whose loops log failed passes to log
// and stamp them with c.
func NewBackground(log *slog.Logger, c clock.Clock) *Background {
	b := &Background{Loops: NewLoops(log, c)}
	b.renew()
	return b
}

// renew makes a fresh context for the goroutines to come; b.mu is held
// (or b is new).
func (b *Background) renew() {
	b.ctx, b.cancel = context.WithCancel(context.Background())
	b.wg = &sync.WaitGroup{}
}

// Every registers a loop (see Loops.Loop) that runs between Start and Stop.
// Register loops before Start.
func (b *Background) Every(name string, interval time.Duration, wake <-chan struct{}, pass func(context.Context) error) {
	body := b.Loop(name, interval, wake, pass)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bodies = append(b.bodies, body)
}

// Start runs the registered loops; it does nothing while they run.
func (b *Background) Start() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.loopOn {
		return
	}
	if b.ctx.Err() != nil {
		b.renew()
	}
	b.loopOn = true
	ctx := b.ctx
	for _, body := range b.bodies {
		b.wg.Go(func() { body(ctx) })
	}
}

// Go runs fn in a goroutine that Stop cancels and waits for. After Stop,
// and until the next Start, fn gets a cancelled context: a stopped
// provider starts no work (durable jobs resume on the next Start).
func (b *Background) Go(fn func(ctx context.Context)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ctx := b.ctx
	b.wg.Go(func() { fn(ctx) })
}

// Stop cancels the loops and jobs and waits for them to return, or for ctx.
func (b *Background) Stop(ctx context.Context) error {
	b.mu.Lock()
	cancel, wg := b.cancel, b.wg
	b.loopOn = false
	b.mu.Unlock()
	cancel()
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Wait blocks until the goroutines started so far have returned. Loops
// return only once stopped, so Wait is for letting jobs finish (tests).
func (b *Background) Wait() {
	b.mu.Lock()
	wg := b.wg
	b.mu.Unlock()
	wg.Wait()
}
