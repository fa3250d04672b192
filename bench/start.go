package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

// startFlags are the flags start and rss share: how to launch the server
// and know it is ready.
type startFlags struct {
	wait      string
	readyText string
	addr      string
	timeout   time.Duration
	tmpDir    string
	asJSON    bool
}

func (f *startFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.wait, "wait", waitLine, `ready when: "line" (a line of output contains -ready) or "connect" (a TCP connect to -addr succeeds)`)
	fs.StringVar(&f.readyText, "ready", " ready on ", "text of the ready line, for -wait line")
	fs.StringVar(&f.addr, "addr", "", "address to connect to, for -wait connect (default: the command's --addr, else 127.0.0.1:4566)")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "give up on a start after this long")
	fs.StringVar(&f.tmpDir, "tmp", "", "parent of the {data} directories (default: the system temp dir)")
	fs.BoolVar(&f.asJSON, "json", false, "print the result as JSON")
}

// spec returns the launch spec for argv.
func (f *startFlags) spec(argv []string) launchSpec {
	addr := f.addr
	if addr == "" {
		if a, ok := addrFromArgs(argv); ok {
			addr = a
		} else {
			addr = "127.0.0.1:4566"
		}
	}
	return launchSpec{argv: argv, wait: f.wait, readyText: f.readyText, addr: addr, timeout: f.timeout}
}

// startSeries is the timing of one way of starting (fresh or reused data).
type startSeries struct {
	Name     string    `json:"name"`
	Runs     int       `json:"runs"`
	ReadyMS  []float64 `json:"ready_ms"`
	Median   float64   `json:"ready_median_ms"`
	P90      float64   `json:"ready_p90_ms"`
	Min      float64   `json:"ready_min_ms"`
	Max      float64   `json:"ready_max_ms"`
	StopMed  float64   `json:"stop_median_ms"`
	StopMax  float64   `json:"stop_max_ms"`
	stopTime []float64
}

// startResult is the -json output of start.
type startResult struct {
	Command []string      `json:"command"`
	Wait    string        `json:"wait"`
	LoadAvg string        `json:"loadavg_before,omitempty"`
	Series  []startSeries `json:"series"`
}

func runStart(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench start", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: bench start [flags] -- command [args...]   ({data} in args: a data directory)")
		fs.PrintDefaults()
	}
	var sf startFlags
	sf.register(fs)
	runs := fs.Int("n", 20, "measured runs per series")
	warm := fs.Int("warmup", 1, "unmeasured runs before each series")
	if err := fs.Parse(args); err != nil {
		return err
	}
	argv := fs.Args()
	if len(argv) == 0 {
		return fmt.Errorf("%w: no command given (put it after --)", errUsage)
	}
	if *runs < 1 || *warm < 0 {
		return fmt.Errorf("%w: -n must be at least 1 and -warmup not negative", errUsage)
	}
	res := startResult{Command: argv, Wait: sf.wait, LoadAvg: readLoadAvg()}
	if !usesData(argv) {
		s, err := startRuns(ctx, &sf, "as given", *runs, *warm, func() ([]string, func(), error) {
			return argv, func() {}, nil
		})
		if err != nil {
			return err
		}
		res.Series = append(res.Series, s)
	} else {
		fresh, err := startRuns(ctx, &sf, "fresh data dir", *runs, *warm, func() ([]string, func(), error) {
			dir, err := os.MkdirTemp(sf.tmpDir, "bench-start-")
			if err != nil {
				return nil, nil, fmt.Errorf("data directory: %w", err)
			}
			return substitute(argv, dir), func() { os.RemoveAll(dir) }, nil
		})
		if err != nil {
			return err
		}
		dir, err := os.MkdirTemp(sf.tmpDir, "bench-start-")
		if err != nil {
			return fmt.Errorf("data directory: %w", err)
		}
		defer os.RemoveAll(dir)
		// The reused series' warm-up runs also create the directory's data.
		reused, err := startRuns(ctx, &sf, "reused data dir", *runs, max(*warm, 1), func() ([]string, func(), error) {
			return substitute(argv, dir), func() {}, nil
		})
		if err != nil {
			return err
		}
		res.Series = append(res.Series, fresh, reused)
	}
	if sf.asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(stdout, "start → ready (%s) of %v (load average before: %s)\n", res.Wait, res.Command, res.LoadAvg)
	for _, s := range res.Series {
		fmt.Fprintf(stdout, "  %-16s %2d runs  median %6.1fms  p90 %6.1fms  min %6.1fms  max %6.1fms   stop median %6.1fms\n",
			s.Name, s.Runs, s.Median, s.P90, s.Min, s.Max, s.StopMed)
	}
	return nil
}

// startRuns starts and stops the server warm+runs times, each time with
// the argv prepare returns, and times the measured runs.
func startRuns(ctx context.Context, sf *startFlags, name string, runs, warm int, prepare func() ([]string, func(), error)) (startSeries, error) {
	s := startSeries{Name: name}
	for i := range warm + runs {
		argv, cleanup, err := prepare()
		if err != nil {
			return s, err
		}
		ready, stopped, err := startOnce(ctx, sf.spec(argv))
		cleanup()
		if err != nil {
			return s, fmt.Errorf("%s, run %d: %w", name, i+1, err)
		}
		if i < warm {
			continue
		}
		s.ReadyMS = append(s.ReadyMS, ms(ready))
		s.stopTime = append(s.stopTime, ms(stopped))
	}
	s.Runs = len(s.ReadyMS)
	s.Median = median(s.ReadyMS)
	s.P90 = percentile(s.ReadyMS, 0.9)
	s.Min = percentile(s.ReadyMS, 0)
	s.Max = percentile(s.ReadyMS, 1)
	s.StopMed = median(s.stopTime)
	s.StopMax = percentile(s.stopTime, 1)
	return s, nil
}

// startOnce launches the server, then stops it; it returns both times.
func startOnce(ctx context.Context, spec launchSpec) (ready, stopped time.Duration, err error) {
	p, err := launch(ctx, spec)
	if err != nil {
		return 0, 0, err
	}
	stopped, err = p.stop(10 * time.Second)
	if err != nil {
		return 0, 0, err
	}
	return p.ready, stopped, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
