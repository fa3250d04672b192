package service

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/clock"
)

func TestLoopsRecordPasses(t *testing.T) {
	tests := []struct {
		name       string
		results    []error
		wantRuns   int64
		wantFailed int64
	}{
		{"none", nil, 0, 0},
		{"ok", []error{nil, nil}, 2, 0},
		{"failures", []error{errors.New("disk"), nil, errors.New("disk")}, 3, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
			loops := NewLoops(nil, clock.NewFake(at))
			wake := make(chan struct{})
			started := make(chan int)
			release := make(chan struct{})
			n := 0
			body := loops.Loop("sweep", time.Hour, wake, func(ctx context.Context) error {
				i := n
				n++
				started <- i
				if i == len(tt.results) {
					<-release // the probe pass: earlier ones are recorded
					return nil
				}
				return tt.results[i]
			})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { defer close(done); body(ctx) }()
			for range len(tt.results) + 1 {
				wake <- struct{}{}
				<-started
			}
			st := loops.Status()
			cancel()
			close(release)
			<-done
			if len(st) != 1 || st[0].Name != "sweep" || st[0].Interval != "1h0m0s" {
				t.Fatalf("status = %+v", st)
			}
			if st[0].Runs != tt.wantRuns || st[0].Failures != tt.wantFailed {
				t.Errorf("runs %d failures %d, want %d %d", st[0].Runs, st[0].Failures, tt.wantRuns, tt.wantFailed)
			}
			if (st[0].LastRun != nil) != (tt.wantRuns > 0) || (st[0].LastFailure != nil) != (tt.wantFailed > 0) {
				t.Errorf("last run %v, last failure %v", st[0].LastRun, st[0].LastFailure)
			}
			if st[0].LastRun != nil && !st[0].LastRun.Equal(at) {
				t.Errorf("last run %v, want the clock's %v", st[0].LastRun, at)
			}
			if got := loops.Status(); got[0].Runs != tt.wantRuns {
				t.Errorf("a pass cut short by the end of ctx was recorded: %+v", got[0])
			}
		})
	}
}

// TestBackgroundLifecycle checks that loops run between Start and Stop,
// jobs are cancelled by Stop, and a later Start runs the loops again.
func TestBackgroundLifecycle(t *testing.T) {
	b := NewBackground(nil, clock.NewFake(time.Unix(0, 0)))
	wake := make(chan struct{})
	passes := make(chan struct{}, 10)
	b.Every("sweep", time.Hour, wake, func(context.Context) error {
		passes <- struct{}{}
		return nil
	})
	ctx := context.Background()
	for round := range 2 {
		b.Start()
		jobDone := make(chan error, 1)
		b.Go(func(ctx context.Context) {
			<-ctx.Done()
			jobDone <- ctx.Err()
		})
		b.Start() // a second Start while running changes nothing
		wake <- struct{}{}
		<-passes
		if err := b.Stop(ctx); err != nil {
			t.Fatalf("round %d: stop: %v", round, err)
		}
		if err := <-jobDone; err == nil {
			t.Fatalf("round %d: job not cancelled", round)
		}
		if err := b.Stop(ctx); err != nil {
			t.Fatalf("round %d: second stop: %v", round, err)
		}
	}
	// (A pass cut short by Stop is not recorded, so the run count is not
	// checked here; TestLoopsRecordPasses covers it.)
	// A stopped background starts no work.
	ran := make(chan bool, 1)
	b.Go(func(ctx context.Context) { ran <- ctx.Err() == nil })
	if <-ran {
		t.Error("a job after Stop got a live context")
	}
	if st := b.Status(); len(st) != 1 || st[0].Name != "sweep" {
		t.Errorf("status = %+v, want the one loop", st)
	}
}
