package main

import (
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"plain", "1234 (unkai) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 100 0 0", 3 * time.Second, false},
		{"name with spaces and parens", "7 (a b) (c)) R 1 7 7 0 -1 0 0 0 0 0 1 2 0 0", 30 * time.Millisecond, false},
		{"too short", "7 (x) S 1 2 3", 0, true},
		{"no name", "7 x S 1 2 3 4 5 6 7 8 9 10 11 12", 0, true},
		{"negative", "7 (x) S 1 7 7 0 -1 0 0 0 0 0 -1 2 0 0", 0, true},
		{"huge", "7 (x) S 1 7 7 0 -1 0 0 0 0 0 10000000000000 0 0 0", 0, true},
		{"large but valid", "7 (x) S 1 7 7 0 -1 0 0 0 0 0 10000000000 0 0 0", 100000000 * time.Second, false},
		{"not a number", "7 (x) S 1 7 7 0 -1 0 0 0 0 0 x 2 0 0", 0, true},
	}
	for _, tt := range tests {
		got, err := parseStatCPU([]byte(tt.in))
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("%s: parseStatCPU = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	if _, err := readCPU("self"); err != nil {
		t.Skipf("no /proc: %v", err)
	}
	m := startCPU(0)
	deadline := time.Now().Add(30 * time.Millisecond)
	for time.Now().Before(deadline) {
	}
	if own, server := m.stop(); own < 0 || server != -1 {
		t.Errorf("cpu meter: own %v server %v", own, server)
	}
}

func FuzzParseStatCPU(f *testing.F) {
	f.Add([]byte("1234 (unkai) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 100 0 0"))
	f.Add([]byte("7 (a b) (c)) R 1 7 7 0 -1 0 0 0 0 0 1 2 0 0"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if d, err := parseStatCPU(b); err == nil && d < 0 {
			t.Fatalf("negative cpu time %v", d)
		}
	})
}
