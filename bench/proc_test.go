package main

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLineWriter(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		lines  []string
		ready  bool
	}{
		{"whole lines", []string{"a\nunkai ready on http://x\n"}, []string{"a", "unkai ready on http://x"}, true},
		{"split line", []string{"unkai rea", "dy on http://x", "\r\nnext\n"}, []string{"unkai ready on http://x", "next"}, true},
		{"no ready", []string{"starting\n", "partial"}, []string{"starting"}, false},
		{"long line cut", []string{strings.Repeat("x", maxLine+10) + "\n"}, []string{strings.Repeat("x", maxLine), strings.Repeat("x", 10)}, false},
		{"line of max length", []string{strings.Repeat("y", maxLine), "\nz\n"}, []string{strings.Repeat("y", maxLine), "z"}, false},
		{"empty lines", []string{"\n\n"}, []string{"", ""}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOutputWatch(" ready on ")
			w := o.writer()
			for _, s := range tt.writes {
				if n, err := w.Write([]byte(s)); n != len(s) || err != nil {
					t.Fatalf("Write = %d, %v", n, err)
				}
			}
			if !slices.Equal(o.lines, tt.lines) {
				t.Errorf("%d lines (%v), want %d", len(o.lines), lineLens(o.lines), len(tt.lines))
			}
			select {
			case <-o.ready:
				if !tt.ready {
					t.Error("ready without a ready line")
				}
			default:
				if tt.ready {
					t.Error("not ready after the ready line")
				}
			}
		})
	}
}

func lineLens(lines []string) []int {
	n := make([]int, len(lines))
	for i, l := range lines {
		n[i] = len(l)
	}
	return n
}

func TestAddrFromArgs(t *testing.T) {
	tests := []struct {
		argv []string
		want string
		ok   bool
	}{
		{[]string{"/tmp/unkai", "--addr", "127.0.0.1:1"}, "127.0.0.1:1", true},
		{[]string{"/tmp/unkai", "-addr=127.0.0.1:2"}, "127.0.0.1:2", true},
		{[]string{"moto_server", "-p", "5000"}, "", false},
		{[]string{"x", "--addr"}, "", false},
		{[]string{"x", "addr", "y"}, "", false},
		{[]string{"x", "--address", "y"}, "", false},
	}
	for _, tt := range tests {
		got, ok := addrFromArgs(tt.argv)
		if got != tt.want || ok != tt.ok {
			t.Errorf("addrFromArgs(%q) = %q, %v; want %q, %v", tt.argv, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSubstitute(t *testing.T) {
	argv := []string{"unkai", "--data-dir", "{data}", "--x={data}/y"}
	if !usesData(argv) || usesData([]string{"unkai", "--ephemeral"}) {
		t.Error("usesData is wrong")
	}
	got := substitute(argv, "/d")
	if want := []string{"unkai", "--data-dir", "/d", "--x=/d/y"}; !slices.Equal(got, want) || argv[2] != "{data}" {
		t.Errorf("substitute = %q, want %q (and argv untouched)", got, want)
	}
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		rss     int64
		hwm     int64
		wantErr bool
	}{
		{"linux", "Name:\tunkai\nVmPeak:\t 1300000 kB\nVmHWM:\t   34000 kB\nVmRSS:\t   33000 kB\nRssAnon:\t 5000 kB\nRssFile:\t 28000 kB\nThreads:\t8\n", 33000, 34000, false},
		{"no hwm", "VmRSS: 12 kB\n", 12, 0, false},
		{"zombie", "Name:\tx\nState:\tZ (zombie)\n", 0, 0, true},
		{"bad unit", "VmRSS:\t12 MB\n", 0, 0, true},
		{"bad number", "VmRSS:\t-1 kB\n", 0, 0, true},
		{"empty", "", 0, 0, true},
	}
	for _, tt := range tests {
		st, err := parseStatus([]byte(tt.in))
		if (err != nil) != tt.wantErr || st.rssKiB != tt.rss || st.hwmKiB != tt.hwm {
			t.Errorf("%s: parseStatus = %+v, %v", tt.name, st, err)
		}
	}
	// This process's own status parses.
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc")
	}
	if st, err := parseStatus(b); err != nil || st.rssKiB <= 0 || st.anonKiB <= 0 {
		t.Errorf("own status: %+v, %v", st, err)
	}
}

func FuzzParseStatus(f *testing.F) {
	f.Add([]byte("Name:\tunkai\nVmHWM:\t   34000 kB\nVmRSS:\t   33000 kB\n"))
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := parseStatus(b)
		if err == nil && (st.rssKiB < 0 || st.hwmKiB < 0) {
			t.Fatalf("negative memory %+v", st)
		}
	})
}

func FuzzLineWriter(f *testing.F) {
	f.Add([]byte("unkai ready on http://127.0.0.1:4566 (data: memory)\n"), 7)
	f.Add([]byte("a\r\nb\n\nc"), 1)
	f.Fuzz(func(t *testing.T, b []byte, chunk int) {
		if chunk <= 0 {
			chunk = 1
		}
		o := newOutputWatch("ready")
		w := o.writer()
		for len(b) > 0 {
			n := min(chunk, len(b))
			if k, err := w.Write(b[:n]); k != n || err != nil {
				t.Fatalf("Write = %d, %v", k, err)
			}
			b = b[n:]
		}
		for _, l := range o.lines {
			if len(l) > maxLine || strings.Contains(l, "\n") {
				t.Fatalf("bad line %q", l)
			}
		}
	})
}

// TestStartAndRSS starts the real server binary, built once for the test.
func TestStartAndRSS(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the server")
	}
	bin := t.TempDir() + "/unkai"
	build := exec.Command("go", "build", "-o", bin, "../cmd/unkai")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	addr := freeAddr(t)
	ctx := context.Background()
	sf := startFlags{wait: waitLine, readyText: " ready on ", timeout: 20 * time.Second, tmpDir: t.TempDir()}
	argv := []string{bin, "--data-dir", "{data}", "--addr", addr, "--log-level", "warn"}
	s, err := startRuns(ctx, &sf, "fresh", 2, 0, func() ([]string, func(), error) {
		return substitute(argv, t.TempDir()), func() {}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.Runs != 2 || s.Median <= 0 || s.Max < s.Median {
		t.Errorf("series %+v", s)
	}
	sf.wait = waitConnect
	run, err := rssOnce(ctx, &sf, []string{bin, "--ephemeral", "--addr", addr}, 100*time.Millisecond, 20, "sts.GetCallerIdentity", "")
	if err != nil {
		t.Fatal(err)
	}
	if run.RSSMiB < 1 || run.HWMMiB < run.RSSMiB || run.AnonMiB <= 0 || run.FileMiB <= 0 {
		t.Errorf("rss %+v", run)
	}
	// A command that exits at once is reported, with its output.
	_, err = launch(ctx, launchSpec{argv: []string{bin, "--bogus-flag"}, wait: waitLine, readyText: "ready", timeout: 10 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("launch of a failing command: %v", err)
	}
}
