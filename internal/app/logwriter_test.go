package app

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	return s.b.Write(p)
}

func (s *syncBuffer) snapshot() (string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String(), s.writes
}

func TestLogWriterBatchesAndFlushes(t *testing.T) {
	out := &syncBuffer{}
	w := newLogWriter(out)
	for i := 0; i < 100; i++ {
		w.Write([]byte("line\n"))
	}
	if got, _ := out.snapshot(); got != "" {
		// A flush may have happened already if the machine is slow; the
		// batching is what matters.
		t.Logf("flushed early: %d bytes", len(got))
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, writes := out.snapshot()
		if strings.Count(got, "line\n") == 100 {
			if writes > 2 {
				t.Errorf("100 lines took %d writes", writes)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("lines not flushed: %q", got)
		}
		time.Sleep(10 * time.Millisecond)
	}
	w.Write([]byte("last\n"))
	w.Close()
	if got, _ := out.snapshot(); !strings.HasSuffix(got, "last\n") {
		t.Errorf("Close did not flush: %q", got)
	}
}

func TestLogWriterFlushesWhenFull(t *testing.T) {
	out := &syncBuffer{}
	w := newLogWriter(out)
	defer w.Close()
	w.Write(bytes.Repeat([]byte("x"), flushBytes+1))
	if got, _ := out.snapshot(); len(got) != flushBytes+1 {
		t.Errorf("a full buffer was not written through: %d bytes", len(got))
	}
}
