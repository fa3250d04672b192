package app

import (
	"io"
	"sync"
	"time"
)

// logWriter batches log lines into few writes: lines collect in a buffer
// that is written out every flushEvery, or at once when it passes
// flushBytes. A request then never waits on a slow terminal or disk for its
// own log line, and the log costs one write per batch instead of one per
// request. At most flushEvery of lines is lost if the process is killed.
type logWriter struct {
	mu   sync.Mutex
	out  io.Writer
	buf  []byte
	stop chan struct{}
	done chan struct{}
}

const (
	flushEvery = 100 * time.Millisecond
	flushBytes = 64 << 10
)

func newLogWriter(out io.Writer) *logWriter {
	w := &logWriter{out: out, buf: make([]byte, 0, flushBytes), stop: make(chan struct{}), done: make(chan struct{})}
	go w.loop()
	return w
}

// Write queues p (one log record). It writes through only when the buffer is full.
func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if len(w.buf) >= flushBytes {
		w.flushLocked()
	}
	return len(p), nil
}

func (w *logWriter) flushLocked() {
	if len(w.buf) == 0 {
		return
	}
	// A failed write of log lines has nowhere better to be reported.
	_, _ = w.out.Write(w.buf)
	w.buf = w.buf[:0]
}

func (w *logWriter) loop() {
	defer close(w.done)
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			w.mu.Lock()
			w.flushLocked()
			w.mu.Unlock()
		case <-w.stop:
			return
		}
	}
}

// Close writes out what is buffered and stops the flusher.
func (w *logWriter) Close() error {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	w.flushLocked()
	return nil
}
