package main

import (
	"context"
	"encoding/json"

	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// loadConfig is what one load run does.
type loadConfig struct {
	endpoint    string
	op          string
	concurrency int
	duration    time.Duration // 0: bounded by requests only
	requests    uint64        // 0: bounded by duration only
	warmup      time.Duration
	timeout     time.Duration
	region      string
	accessKey   string
	secretKey   string
	unsigned    bool
	allowRemote bool
	insecureTLS bool
	skipSetup   bool
	serverPID   int // when set, the server's CPU time is measured too
	params      params
}

// loadResult is the outcome of a load run (the -json output).
type loadResult struct {
	Op          string  `json:"op"`
	Endpoint    string  `json:"endpoint"`
	Concurrency int     `json:"concurrency"`
	Signed      bool    `json:"signed"`
	Seconds     float64 `json:"duration_s"`
	Requests    uint64  `json:"requests"`
	Errors      uint64  `json:"errors"`
	RPS         float64 `json:"requests_per_s"`
	// MBps is payload megabytes (10^6) per second moved by successful
	// requests, for ops that move bodies; a multipart upload counts as one
	// request.
	MBps       float64          `json:"mb_per_s,omitempty"`
	Latency    latencySummary   `json:"latency_ms"`
	Status     map[string]int64 `json:"status"`
	FirstError string           `json:"first_error,omitempty"`
	LoadAvg    string           `json:"loadavg_before,omitempty"`
	// ClientCPUus and ServerCPUus are CPU microseconds per request used by
	// bench itself and by the server (-pid); 0 when not measured.
	ClientCPUus float64 `json:"client_cpu_us_per_request,omitempty"`
	ServerCPUus float64 `json:"server_cpu_us_per_request,omitempty"`
	// ServerMaxRSSMiB is the largest resident memory of the server (-pid)
	// sampled every 20 ms while measuring.
	ServerMaxRSSMiB float64 `json:"server_max_rss_mib,omitempty"`
}

// seedWorkers is how many clients send a plan's seed requests.
const seedWorkers = 16

// latencySummary is a latency distribution in milliseconds.
type latencySummary struct {
	Min  float64 `json:"min"`
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p99_9"`
	Max  float64 `json:"max"`
}

func summarize(h *histogram) latencySummary {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	return latencySummary{
		Min:  ms(time.Duration(h.min)),
		Mean: ms(h.mean()),
		P50:  ms(h.quantile(0.50)),
		P90:  ms(h.quantile(0.90)),
		P99:  ms(h.quantile(0.99)),
		P999: ms(h.quantile(0.999)),
		Max:  ms(time.Duration(h.max)),
	}
}

func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg loadConfig
	var asJSON bool
	var n int64
	fs.StringVar(&cfg.endpoint, "endpoint", "http://127.0.0.1:4566", "endpoint URL (loopback unless -allow-remote)")
	fs.StringVar(&cfg.op, "op", "dynamodb.ListTables", "operation to drive (see `bench ops`)")
	fs.IntVar(&cfg.concurrency, "c", 32, "concurrent clients (and keep-alive connections)")
	fs.DurationVar(&cfg.duration, "d", 10*time.Second, "measured duration (unbounded when only -n is given)")
	fs.Int64Var(&n, "n", 0, "stop after this many measured requests (0: no limit)")
	fs.DurationVar(&cfg.warmup, "warmup", 0, "run this long before measuring")
	fs.DurationVar(&cfg.timeout, "timeout", 10*time.Second, "per-request timeout")
	fs.StringVar(&cfg.region, "region", "us-east-1", "region requests are signed for")
	fs.StringVar(&cfg.accessKey, "access-key", "test", "access key id to sign with")
	fs.StringVar(&cfg.secretKey, "secret-key", "test", "secret access key to sign with")
	fs.BoolVar(&cfg.unsigned, "unsigned", false, "send requests without SigV4 signatures")
	fs.BoolVar(&cfg.allowRemote, "allow-remote", false, "allow endpoints that are not loopback")
	fs.BoolVar(&cfg.insecureTLS, "insecure", false, "do not verify https certificates")
	fs.BoolVar(&cfg.skipSetup, "skip-setup", false, "do not issue the op's setup requests")
	fs.StringVar(&cfg.params.resource, "resource", "unkai-bench", "table or bucket that data ops create and use")
	fs.IntVar(&cfg.params.keys, "keys", 1000, "key space of data ops")
	cfg.params.size, cfg.params.part = 1024, 8<<20
	fs.Var(sizeFlag{&cfg.params.size}, "size", "value or object size of data ops, in bytes (K, M, G suffixes: binary)")
	fs.Var(sizeFlag{&cfg.params.part}, "part", "part size of s3.Multipart")
	fs.StringVar(&cfg.params.payload, "payload", payloadUnsigned, "how S3 bodies are sent: unsigned, sha256, sdk-http or sdk-https (aws-sdk-go-v2's defaults)")
	fs.IntVar(&cfg.serverPID, "pid", 0, "server process id: report its CPU time per request and peak memory (Linux)")
	fs.BoolVar(&asJSON, "json", false, "print the result as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if n < 0 {
		return fmt.Errorf("%w: -n must not be negative", errUsage)
	}
	cfg.requests = uint64(n)
	if n > 0 && !flagSet(fs, "d") {
		cfg.duration = 0
	}
	cfg.params.region = cfg.region
	res, err := load(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printLoad(stdout, res)
	return nil
}

// flagSet reports whether the named flag was given.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// workerStats is what one load worker saw.
type workerStats struct {
	hist       histogram
	status     map[int]int64
	transport  int64
	firstError string
}

// load runs the setup and then the load of cfg.
func load(ctx context.Context, cfg loadConfig, progress io.Writer) (*loadResult, error) {
	if cfg.concurrency < 1 {
		return nil, fmt.Errorf("%w: -c must be at least 1", errUsage)
	}
	if cfg.duration < 0 || cfg.warmup < 0 {
		return nil, fmt.Errorf("%w: durations must not be negative", errUsage)
	}
	if cfg.duration == 0 && cfg.requests == 0 {
		return nil, fmt.Errorf("%w: give -d or -n", errUsage)
	}
	u, err := checkEndpoint(ctx, cfg.endpoint, cfg.allowRemote, systemLookup)
	if err != nil {
		return nil, err
	}
	o, err := lookupOp(cfg.op)
	if err != nil {
		return nil, err
	}
	cfg.params.parallel = cfg.concurrency
	p, err := o.build(cfg.params)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.name, err)
	}
	if len(p.requests) == 0 && p.run == nil {
		return nil, fmt.Errorf("%s: the plan has no requests", o.name)
	}
	finishPlan(&p)
	workers := cfg.concurrency
	if p.workers > 0 {
		workers = p.workers
	}
	conns := max(cfg.concurrency, workers)
	if len(p.seed) > 0 && !cfg.skipSetup {
		conns = max(conns, seedWorkers)
	}
	c := newClient(clientOptions{
		endpoint: u, conns: conns, timeout: cfg.timeout, region: cfg.region, service: o.service,
		accessKey: cfg.accessKey, secretKey: cfg.secretKey, unsigned: cfg.unsigned, insecureTLS: cfg.insecureTLS,
	})
	defer c.close()
	if !cfg.skipSetup && len(p.setup)+len(p.seed) > 0 {
		fmt.Fprintf(progress, "bench: setup of %s: %d requests", o.name, len(p.setup))
		if len(p.seed) > 0 {
			fmt.Fprintf(progress, ", then %d from %d clients", len(p.seed), seedWorkers)
		}
		fmt.Fprintln(progress)
		if err := c.runSetup(ctx, p.setup, 30*time.Second); err != nil {
			return nil, err
		}
		if err := c.runSeed(ctx, p.seed, seedWorkers); err != nil {
			return nil, err
		}
	}

	res := &loadResult{
		Op: o.name, Endpoint: u.String(), Concurrency: cfg.concurrency, Signed: !cfg.unsigned,
		LoadAvg: readLoadAvg(), Status: map[string]int64{},
	}
	var counter atomic.Uint64
	measureFrom := time.Now().Add(cfg.warmup)
	cpuCh := make(chan *cpuMeter, 1)
	rssCh := make(chan func() float64, 1)
	go func() {
		t := time.NewTimer(time.Until(measureFrom))
		defer t.Stop()
		select {
		case <-t.C:
			cpuCh <- startCPU(cfg.serverPID)
			if cfg.serverPID > 0 {
				rssCh <- sampleRSS(ctx, cfg.serverPID, 20*time.Millisecond)
			}
		case <-ctx.Done():
			cpuCh <- nil
		}
	}()
	var until time.Time
	if cfg.duration > 0 {
		until = measureFrom.Add(cfg.duration)
	}
	stats := make([]*workerStats, workers)
	var wg sync.WaitGroup
	for w := range stats {
		ws := &workerStats{status: map[int]int64{}}
		stats[w] = ws
		wg.Go(func() { loadWorker(ctx, c, &p, ws, &counter, cfg.requests, measureFrom, until) })
	}
	wg.Wait()
	elapsed := time.Since(measureFrom)
	var ownCPU, serverCPU time.Duration = -1, -1
	if m := <-cpuCh; m != nil {
		ownCPU, serverCPU = m.stop()
		if cfg.serverPID > 0 {
			res.ServerMaxRSSMiB = (<-rssCh)()
		}
	}

	var total histogram
	for _, ws := range stats {
		total.merge(&ws.hist)
		for code, k := range ws.status {
			res.Status[strconv.Itoa(code)] += k
			if code/100 != 2 {
				res.Errors += uint64(k)
			}
		}
		if ws.transport > 0 {
			res.Status["transport_error"] += ws.transport
			res.Errors += uint64(ws.transport)
		}
		if res.FirstError == "" {
			res.FirstError = ws.firstError
		}
	}
	res.Requests = total.total
	res.Seconds = elapsed.Seconds()
	if res.Seconds > 0 {
		res.RPS = float64(res.Requests) / res.Seconds
		res.MBps = float64(res.Requests-res.Errors) * float64(p.bytesPer) / 1e6 / res.Seconds
	}
	res.Latency = summarize(&total)
	if res.Requests > 0 {
		perReq := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) / float64(res.Requests) }
		if ownCPU >= 0 {
			res.ClientCPUus = perReq(ownCPU)
		}
		if serverCPU >= 0 {
			res.ServerCPUus = perReq(serverCPU)
		}
	}
	if res.Requests == 0 && ctx.Err() != nil {
		return nil, fmt.Errorf("interrupted: %w", ctx.Err())
	}
	return res, nil
}

// loadWorker sends requests one after another until the run ends.
func loadWorker(ctx context.Context, c *client, p *plan, ws *workerStats, counter *atomic.Uint64, limit uint64, measureFrom, until time.Time) {
	var warm uint64
	for ctx.Err() == nil {
		now := time.Now()
		if !until.IsZero() && !now.Before(until) {
			return
		}
		measured := !now.Before(measureFrom)
		var seq uint64
		if measured {
			seq = counter.Add(1)
			if limit > 0 && seq > limit {
				return
			}
		} else {
			warm++
			seq = warm
		}
		var (
			status  int
			errBody []byte
			err     error
			start   time.Time
		)
		if p.run != nil {
			start = time.Now()
			status, errBody, err = p.run(ctx, c, seq)
		} else {
			r := &p.requests[pick(seq, len(p.requests))]
			req, rerr := c.newRequest(ctx, r)
			if rerr != nil {
				ws.fail(rerr)
				return
			}
			start = time.Now()
			status, errBody, err = send(c, req, ws.firstError == "")
		}
		lat := time.Since(start)
		if ctx.Err() != nil {
			return // interrupted: the cut-off request is not counted
		}
		if !measured {
			continue
		}
		ws.hist.record(lat)
		if err != nil {
			ws.transport++
			ws.fail(err)
			continue
		}
		ws.status[status]++
		if status/100 != 2 && ws.firstError == "" {
			ws.firstError = fmt.Sprintf("status %d: %s", status, snippet(errBody))
		}
	}
}

func (ws *workerStats) fail(err error) {
	if ws.firstError == "" {
		ws.firstError = err.Error()
	}
}

// send does req and drains its answer. When keepError is set, it returns
// the start of a non-2xx answer's body.
func send(c *client, req *http.Request, keepError bool) (int, []byte, error) {
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var body []byte
	if keepError && resp.StatusCode/100 != 2 {
		if body, err = io.ReadAll(io.LimitReader(resp.Body, 1024)); err != nil {
			return resp.StatusCode, body, fmt.Errorf("read answer: %w", err)
		}
	}
	if _, err = io.Copy(io.Discard, resp.Body); err != nil {
		return resp.StatusCode, body, fmt.Errorf("read answer: %w", err)
	}
	return resp.StatusCode, body, nil
}

// pick spreads sequence numbers over n requests (splitmix64 finalizer), so
// concurrent clients do not walk the key space in lockstep.
func pick(seq uint64, n int) int {
	if n <= 1 {
		return 0
	}
	z := seq + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	z ^= z >> 31
	return int(z % uint64(n))
}

// readLoadAvg returns the first three fields of /proc/loadavg, or "".
func readLoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func printLoad(w io.Writer, r *loadResult) {
	signed := "signed"
	if !r.Signed {
		signed = "unsigned"
	}
	fmt.Fprintf(w, "%s at %s, %d clients, %s, %.2fs (load average before: %s)\n",
		r.Op, r.Endpoint, r.Concurrency, signed, r.Seconds, r.LoadAvg)
	rate := fmt.Sprintf("%.0f", r.RPS)
	if r.RPS < 100 {
		rate = fmt.Sprintf("%.3g", r.RPS)
	}
	fmt.Fprintf(w, "  requests  %d  (%s req/s)  errors %d\n", r.Requests, rate, r.Errors)
	if r.MBps > 0 {
		fmt.Fprintf(w, "  payload   %.1f MB/s\n", r.MBps)
	}
	l := r.Latency
	fmt.Fprintf(w, "  latency   p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (mean %s, min %s)\n",
		fmtMS(l.P50), fmtMS(l.P90), fmtMS(l.P99), fmtMS(l.P999), fmtMS(l.Max), fmtMS(l.Mean), fmtMS(l.Min))
	codes := make([]string, 0, len(r.Status))
	for code := range r.Status {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	parts := make([]string, len(codes))
	for i, code := range codes {
		parts[i] = fmt.Sprintf("%s×%d", code, r.Status[code])
	}
	fmt.Fprintf(w, "  status    %s\n", strings.Join(parts, "  "))
	if r.ClientCPUus > 0 || r.ServerCPUus > 0 {
		fmt.Fprintf(w, "  cpu       client %.1fµs/request", r.ClientCPUus)
		if r.ServerCPUus > 0 {
			fmt.Fprintf(w, "  server %.1fµs/request", r.ServerCPUus)
		}
		fmt.Fprintln(w)
	}
	if r.ServerMaxRSSMiB > 0 {
		fmt.Fprintf(w, "  memory    server peak %.1f MiB resident (sampled every 20 ms)\n", r.ServerMaxRSSMiB)
	}
	if r.FirstError != "" {
		fmt.Fprintf(w, "  first error: %s\n", r.FirstError)
	}
}

// fmtMS formats milliseconds with 3 significant-ish digits.
func fmtMS(ms float64) string {
	switch {
	case ms >= 100:
		return fmt.Sprintf("%.0fms", ms)
	case ms >= 10:
		return fmt.Sprintf("%.1fms", ms)
	default:
		return fmt.Sprintf("%.2fms", ms)
	}
}
