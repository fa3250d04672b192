package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"strconv"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's CPU times. It is
// 100 on every Linux architecture Go supports.
const clockTicks = 100

// readCPU returns the user+system CPU time process pid has used so far
// ("self" for this process).
func readCPU(pid string) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, fmt.Errorf("read cpu time: %w", err)
	}
	return parseStatCPU(b)
}

// parseStatCPU reads utime and stime (fields 14 and 15) from the text of
// /proc/<pid>/stat. The command name (field 2) is in parentheses and may
// hold spaces and parentheses itself, so fields are counted after the last
// ')'.
func parseStatCPU(b []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("stat: no command name")
	}
	f := bytes.Fields(b[i+1:])
	// f[0] is field 3 (state), so utime (14) is f[11] and stime (15) f[12].
	if len(f) < 13 {
		return 0, fmt.Errorf("stat: %d fields after the command name, want at least 13", len(f))
	}
	const perTick = time.Second / clockTicks
	// Each of the two values may be up to half the ticks a Duration holds.
	const maxTicks = int64(math.MaxInt64/perTick) / 2
	var ticks int64
	for _, s := range f[11:13] {
		v, err := strconv.ParseInt(string(s), 10, 64)
		if err != nil || v < 0 || v > maxTicks {
			return 0, fmt.Errorf("stat: malformed cpu time %q", s)
		}
		ticks += v
	}
	return time.Duration(ticks) * perTick, nil
}

// cpuMeter measures the CPU time processes use over a span.
type cpuMeter struct {
	pid         string
	server, own time.Duration
	ok          bool
}

// startCPU notes the CPU times of this process and, if pid > 0, of pid.
func startCPU(pid int) *cpuMeter {
	m := &cpuMeter{}
	if own, err := readCPU("self"); err == nil {
		m.own, m.ok = own, true
	}
	if pid > 0 {
		m.pid = strconv.Itoa(pid)
		if s, err := readCPU(m.pid); err == nil {
			m.server = s
		} else {
			m.pid = ""
		}
	}
	return m
}

// stop returns the CPU time used since start by this process and by the
// server (-1 when not measured).
func (m *cpuMeter) stop() (own, server time.Duration) {
	own, server = -1, -1
	if m.ok {
		if t, err := readCPU("self"); err == nil {
			own = t - m.own
		}
	}
	if m.pid != "" {
		if t, err := readCPU(m.pid); err == nil {
			server = t - m.server
		}
	}
	return own, server
}
