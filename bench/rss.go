package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

// rssRun is the memory of one started server.
type rssRun struct {
	RSSMiB float64 `json:"rss_mib"`
	HWMMiB float64 `json:"hwm_mib"`
	// AnonMiB is the heap and stacks; FileMiB the mapped pages of the
	// binary (and other files) that RSS also counts.
	AnonMiB float64 `json:"anon_mib"`
	FileMiB float64 `json:"file_mib"`
}

// rssResult is the -json output of rss.
type rssResult struct {
	Command  []string `json:"command"`
	Requests int      `json:"requests"`
	Op       string   `json:"op,omitempty"`
	SettleS  float64  `json:"settle_s"`
	Runs     []rssRun `json:"runs"`
	Median   float64  `json:"rss_median_mib"`
	HWMMed   float64  `json:"hwm_median_mib"`
	AnonMed  float64  `json:"anon_median_mib"`
	FileMed  float64  `json:"file_median_mib"`
}

func runRSS(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench rss", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: bench rss [flags] -- command [args...]   ({data} in args: a fresh data directory)")
		fs.PrintDefaults()
	}
	var sf startFlags
	sf.register(fs)
	runs := fs.Int("runs", 3, "servers to start; the median is reported")
	settle := fs.Duration("settle", 2*time.Second, "wait this long after ready (and requests) before reading memory")
	requests := fs.Int("requests", 0, "requests of -op to send once ready")
	opName := fs.String("op", "dynamodb.ListTables", "operation for -requests")
	endpoint := fs.String("endpoint", "", "endpoint for -requests (default: http:// and the server's address)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	argv := fs.Args()
	if len(argv) == 0 {
		return fmt.Errorf("%w: no command given (put it after --)", errUsage)
	}
	if *runs < 1 || *requests < 0 {
		return fmt.Errorf("%w: -runs must be at least 1 and -requests not negative", errUsage)
	}
	res := rssResult{Command: argv, Requests: *requests, SettleS: settle.Seconds()}
	if *requests > 0 {
		res.Op = *opName
	}
	var rss, hwm, anon, file []float64
	for i := range *runs {
		run, err := rssOnce(ctx, &sf, argv, *settle, *requests, *opName, *endpoint)
		if err != nil {
			return fmt.Errorf("run %d: %w", i+1, err)
		}
		res.Runs = append(res.Runs, run)
		rss = append(rss, run.RSSMiB)
		hwm = append(hwm, run.HWMMiB)
		anon = append(anon, run.AnonMiB)
		file = append(file, run.FileMiB)
	}
	res.Median, res.HWMMed = median(rss), median(hwm)
	res.AnonMed, res.FileMed = median(anon), median(file)
	if sf.asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(stdout, "RSS of %v after %d requests and %s: median %.1f MiB (anon %.1f, file %.1f; peak %.1f) over %d runs\n",
		argv, res.Requests, settle, res.Median, res.AnonMed, res.FileMed, res.HWMMed, len(res.Runs))
	return nil
}

func rssOnce(ctx context.Context, sf *startFlags, argv []string, settle time.Duration, requests int, opName, endpoint string) (rssRun, error) {
	if usesData(argv) {
		dir, err := os.MkdirTemp(sf.tmpDir, "bench-rss-")
		if err != nil {
			return rssRun{}, fmt.Errorf("data directory: %w", err)
		}
		defer os.RemoveAll(dir)
		argv = substitute(argv, dir)
	}
	spec := sf.spec(argv)
	p, err := launch(ctx, spec)
	if err != nil {
		return rssRun{}, err
	}
	defer p.stop(10 * time.Second)
	if requests > 0 {
		if endpoint == "" {
			endpoint = "http://" + spec.addr
		}
		res, err := load(ctx, loadConfig{
			endpoint: endpoint, op: opName, concurrency: 1, requests: uint64(requests), timeout: 10 * time.Second,
			region: "us-east-1", accessKey: "test", secretKey: "test",
			params: params{region: "us-east-1", resource: "unkai-bench", keys: 100, size: 1024},
		}, io.Discard)
		if err != nil {
			return rssRun{}, fmt.Errorf("requests: %w", err)
		}
		if res.Errors > 0 {
			return rssRun{}, fmt.Errorf("requests: %d of %d failed: %s", res.Errors, res.Requests, res.FirstError)
		}
	}
	select {
	case <-time.After(settle):
	case <-ctx.Done():
		return rssRun{}, ctx.Err()
	case <-p.done:
		return rssRun{}, fmt.Errorf("server exited: %v", p.waitErr)
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(p.cmd.Process.Pid) + "/status")
	if err != nil {
		return rssRun{}, fmt.Errorf("read memory: %w", err)
	}
	st, err := parseStatus(b)
	if err != nil {
		return rssRun{}, err
	}
	mib := func(kib int64) float64 { return float64(kib) / 1024 }
	return rssRun{RSSMiB: mib(st.rssKiB), HWMMiB: mib(st.hwmKiB), AnonMiB: mib(st.anonKiB), FileMiB: mib(st.fileKiB)}, nil
}

// procStatus holds the fields of /proc/<pid>/status that rss reads.
type procStatus struct {
	rssKiB  int64 // VmRSS
	hwmKiB  int64 // VmHWM, the peak RSS
	anonKiB int64 // RssAnon
	fileKiB int64 // RssFile
}

// parseStatus reads VmRSS, VmHWM, RssAnon and RssFile ("VmRSS:\t  12345
// kB") from the text of /proc/<pid>/status.
func parseStatus(b []byte) (procStatus, error) {
	var st procStatus
	found := false
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		name, rest, ok := bytes.Cut(sc.Bytes(), []byte(":"))
		if !ok {
			continue
		}
		var dst *int64
		switch string(name) {
		case "VmRSS":
			dst, found = &st.rssKiB, true
		case "VmHWM":
			dst = &st.hwmKiB
		case "RssAnon":
			dst = &st.anonKiB
		case "RssFile":
			dst = &st.fileKiB
		default:
			continue
		}
		f := bytes.Fields(rest)
		if len(f) != 2 || string(f[1]) != "kB" {
			return procStatus{}, fmt.Errorf("status: malformed %s line", name)
		}
		v, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil || v < 0 {
			return procStatus{}, fmt.Errorf("status: malformed %s value %q", name, f[0])
		}
		*dst = v
	}
	if err := sc.Err(); err != nil {
		return procStatus{}, fmt.Errorf("status: %w", err)
	}
	if !found {
		return procStatus{}, fmt.Errorf("status: no VmRSS line (is the process a zombie?)")
	}
	return st, nil
}

// sampleRSS reads the resident memory of process pid every interval until
// the returned function is called, which reports the largest value seen in
// MiB (0 when none could be read).
func sampleRSS(ctx context.Context, pid int, every time.Duration) func() float64 {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan int64, 1)
	path := "/proc/" + strconv.Itoa(pid) + "/status"
	go func() {
		var peak int64
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if b, err := os.ReadFile(path); err == nil {
				if st, err := parseStatus(b); err == nil {
					peak = max(peak, st.rssKiB)
				}
			}
			select {
			case <-ctx.Done():
				done <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 {
		cancel()
		return float64(<-done) / 1024
	}
}
