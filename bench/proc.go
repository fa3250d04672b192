package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Ways launch tells that a server is ready.
const (
	waitLine    = "line"    // a line of its output contains the ready text
	waitConnect = "connect" // a TCP connection to its address succeeds
)

// launchSpec says how to start a server and know it listens.
type launchSpec struct {
	argv      []string
	wait      string // waitLine or waitConnect
	readyText string
	addr      string // host:port, for waitConnect
	timeout   time.Duration
}

// proc is a started server.
type proc struct {
	cmd     *exec.Cmd
	ready   time.Duration // process start → ready
	done    chan struct{} // closed when the process has exited
	waitErr error         // set before done closes
	out     *outputWatch
}

// launch starts spec's command and waits until it is ready, the process
// exits, or the timeout passes.
func launch(ctx context.Context, spec launchSpec) (*proc, error) {
	if len(spec.argv) == 0 {
		return nil, fmt.Errorf("%w: no command given (put it after --)", errUsage)
	}
	if spec.wait == waitConnect {
		if c, err := net.DialTimeout("tcp", spec.addr, 200*time.Millisecond); err == nil {
			c.Close()
			return nil, fmt.Errorf("something already listens on %s", spec.addr)
		}
	}
	out := newOutputWatch(spec.readyText)
	cmd := exec.Command(spec.argv[0], spec.argv[1:]...)
	cmd.Stdout = out.writer()
	cmd.Stderr = out.writer()
	cmd.WaitDelay = 2 * time.Second
	p := &proc{cmd: cmd, done: make(chan struct{}), out: out}

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", spec.argv[0], err)
	}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()

	timer := time.NewTimer(spec.timeout)
	defer timer.Stop()
	fail := func(err error) (*proc, error) {
		p.kill()
		return nil, err
	}
	switch spec.wait {
	case waitLine:
		select {
		case <-out.ready:
			p.ready = out.readyAt.Sub(start)
		case <-p.done:
			return nil, fmt.Errorf("%s exited before it was ready (%v); last output:\n%s", spec.argv[0], p.waitErr, out.tail())
		case <-timer.C:
			return fail(fmt.Errorf("%s not ready after %s; last output:\n%s", spec.argv[0], spec.timeout, out.tail()))
		case <-ctx.Done():
			return fail(ctx.Err())
		}
	case waitConnect:
		for {
			c, err := net.DialTimeout("tcp", spec.addr, 100*time.Millisecond)
			if err == nil {
				p.ready = time.Since(start)
				c.Close()
				break
			}
			select {
			case <-p.done:
				return nil, fmt.Errorf("%s exited before it listened (%v); last output:\n%s", spec.argv[0], p.waitErr, out.tail())
			case <-timer.C:
				return fail(fmt.Errorf("%s not listening on %s after %s", spec.argv[0], spec.addr, spec.timeout))
			case <-ctx.Done():
				return fail(ctx.Err())
			case <-time.After(500 * time.Microsecond):
			}
		}
	default:
		return fail(fmt.Errorf("%w: -wait must be %q or %q", errUsage, waitLine, waitConnect))
	}
	return p, nil
}

// stop interrupts the server (as Ctrl-C does, so it shuts down cleanly),
// kills it if it has not exited after grace, and returns how long it took
// to exit.
func (p *proc) stop(grace time.Duration) (time.Duration, error) {
	start := time.Now()
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil && !errors.Is(err, os.ErrProcessDone) {
		p.kill()
		return 0, fmt.Errorf("interrupt: %w", err)
	}
	select {
	case <-p.done:
		return time.Since(start), nil
	case <-time.After(grace):
		p.kill()
		return time.Since(start), fmt.Errorf("did not exit %s after an interrupt; killed", grace)
	}
}

// kill ends the process and waits for it.
func (p *proc) kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
}

// outputWatch reads a server's output: it notes when a line containing the
// ready text appears, and keeps the last lines for error messages.
type outputWatch struct {
	text    string
	ready   chan struct{}
	readyAt time.Time // set before ready closes
	once    sync.Once

	mu    sync.Mutex
	lines []string
}

const tailLines = 20

func newOutputWatch(text string) *outputWatch {
	return &outputWatch{text: text, ready: make(chan struct{})}
}

// writer returns a writer for one output stream.
func (o *outputWatch) writer() *lineWriter { return &lineWriter{watch: o} }

func (o *outputWatch) line(l []byte) {
	if o.text != "" && bytes.Contains(l, []byte(o.text)) {
		o.once.Do(func() {
			o.readyAt = time.Now()
			close(o.ready)
		})
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.lines = append(o.lines, string(l))
	if len(o.lines) > tailLines {
		o.lines = o.lines[len(o.lines)-tailLines:]
	}
}

func (o *outputWatch) tail() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return "  " + strings.Join(o.lines, "\n  ")
}

// lineWriter splits one stream into lines for an outputWatch. Lines longer
// than maxLine are passed on in maxLine pieces.
type lineWriter struct {
	watch *outputWatch
	buf   []byte
	cut   bool // the last line was cut at maxLine: a newline right after ends nothing
}

const maxLine = 64 << 10

func (w *lineWriter) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		if w.cut && b[0] == '\n' {
			b = b[1:]
			w.cut = false
			continue
		}
		w.cut = false
		i := bytes.IndexByte(b, '\n')
		seg := b
		if i >= 0 {
			seg = b[:i]
		}
		take := min(len(seg), maxLine-len(w.buf))
		w.buf = append(w.buf, seg[:take]...)
		b = b[take:]
		switch {
		case len(w.buf) == maxLine:
			w.watch.line(w.buf)
			w.buf, w.cut = w.buf[:0], true
		case i >= 0:
			w.watch.line(bytes.TrimSuffix(w.buf, []byte("\r")))
			w.buf = w.buf[:0]
			b = b[1:]
		}
	}
	return n, nil
}

// substitute returns argv with every "{data}" replaced by dir.
func substitute(argv []string, dir string) []string {
	out := make([]string, len(argv))
	for i, a := range argv {
		out[i] = strings.ReplaceAll(a, "{data}", dir)
	}
	return out
}

// usesData reports whether argv has a {data} placeholder.
func usesData(argv []string) bool {
	for _, a := range argv {
		if strings.Contains(a, "{data}") {
			return true
		}
	}
	return false
}

// addrFromArgs finds a listen address given as "--addr X", "-addr X" or
// "--addr=X" in argv.
func addrFromArgs(argv []string) (string, bool) {
	for i, a := range argv {
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "addr" {
			continue
		}
		if hasVal {
			return val, true
		}
		if i+1 < len(argv) {
			return argv[i+1], true
		}
	}
	return "", false
}
