package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestBucketRoundTrip(t *testing.T) {
	tests := []uint64{0, 1, 63, 127, 128, 129, 255, 256, 1000, 1 << 20, 123456789, math.MaxUint64 >> 1, math.MaxUint64}
	for _, v := range tests {
		i := bucketOf(v)
		if i < 0 || i >= histBuckets {
			t.Fatalf("bucketOf(%d) = %d, out of range", v, i)
		}
		lo, hi := bucketRange(i)
		if v < lo || v > hi {
			t.Errorf("bucketOf(%d) = %d holding [%d, %d]", v, i, lo, hi)
		}
		if v >= histSub && float64(hi-lo) > float64(lo)/histHalf {
			t.Errorf("bucket of %d is [%d, %d]: wider than 1/%d", v, lo, hi, histHalf)
		}
	}
}

func TestBucketsContiguous(t *testing.T) {
	var next uint64
	for i := range histBuckets {
		lo, hi := bucketRange(i)
		if lo != next {
			t.Fatalf("bucket %d starts at %d, want %d", i, lo, next)
		}
		if hi == math.MaxUint64 {
			if i != histBuckets-1 {
				t.Fatalf("bucket %d reaches the top but is not the last", i)
			}
			return
		}
		next = hi + 1
	}
	t.Fatalf("buckets end at %d, before the top of uint64", next)
}

// exactQuantile is the nearest-rank quantile of sorted values.
func exactQuantile(sorted []time.Duration, q float64) time.Duration {
	rank := int(math.Ceil(q * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

func TestHistogramQuantiles(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name   string
		values func(i int) time.Duration
		n      int
	}{
		{"one", func(int) time.Duration { return 5 * time.Millisecond }, 1},
		{"small exact", func(i int) time.Duration { return time.Duration(i % 100) }, 1000},
		{"uniform ms", func(int) time.Duration { return time.Duration(r.Int64N(int64(10 * time.Millisecond))) }, 50000},
		{"long tail", func(int) time.Duration {
			return time.Duration(math.Exp(r.NormFloat64()*1.5) * float64(time.Millisecond))
		}, 50000},
		{"bimodal", func(i int) time.Duration {
			if i%10 == 0 {
				return 80 * time.Millisecond
			}
			return 300 * time.Microsecond
		}, 10000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h histogram
			vals := make([]time.Duration, tt.n)
			for i := range vals {
				vals[i] = tt.values(i)
				h.record(vals[i])
			}
			slices.Sort(vals)
			for _, q := range []float64{0, 0.5, 0.9, 0.99, 0.999, 1} {
				got, want := h.quantile(q), exactQuantile(vals, q)
				if got < want || float64(got-want) > float64(want)/histHalf {
					t.Errorf("quantile(%v) = %v, want %v within 1/%d above", q, got, want, histHalf)
				}
			}
			if time.Duration(h.min) != vals[0] || time.Duration(h.max) != vals[len(vals)-1] {
				t.Errorf("min, max = %v, %v; want %v, %v", h.min, h.max, vals[0], vals[len(vals)-1])
			}
		})
	}
}

func TestHistogramMerge(t *testing.T) {
	var a, b, all histogram
	for i := range 1000 {
		d := time.Duration(i) * time.Microsecond
		all.record(d)
		if i%3 == 0 {
			a.record(d)
		} else {
			b.record(d)
		}
	}
	var m histogram
	m.merge(&a)
	m.merge(&b)
	m.merge(&histogram{})
	if m.counts != all.counts || m.total != all.total || m.min != all.min || m.max != all.max || m.mean() != all.mean() {
		t.Errorf("merged histogram differs from the one that saw everything")
	}
	var empty histogram
	if empty.quantile(0.5) != 0 || empty.mean() != 0 {
		t.Errorf("empty histogram: quantile %v mean %v, want 0", empty.quantile(0.5), empty.mean())
	}
}

func TestPercentile(t *testing.T) {
	tests := []struct {
		xs   []float64
		q    float64
		want float64
	}{
		{nil, 0.5, 0},
		{[]float64{7}, 0.9, 7},
		{[]float64{3, 1, 2}, 0.5, 2},
		{[]float64{4, 1, 3, 2}, 0.5, 2.5},
		{[]float64{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 0.9, 91},
		{[]float64{5, 1, 9}, 0, 1},
		{[]float64{5, 1, 9}, 1, 9},
	}
	for _, tt := range tests {
		in := slices.Clone(tt.xs)
		if got := percentile(tt.xs, tt.q); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("percentile(%v, %v) = %v, want %v", tt.xs, tt.q, got, tt.want)
		}
		if !slices.Equal(in, tt.xs) {
			t.Errorf("percentile modified its input")
		}
	}
	if got := median([]float64{3, 1, 2}); got != 2 {
		t.Errorf("median = %v, want 2", got)
	}
}

func TestPick(t *testing.T) {
	tests := []struct{ n, draws int }{{1, 10}, {2, 1000}, {16, 16000}, {1000, 100000}}
	for _, tt := range tests {
		seen := make([]int, tt.n)
		for s := range tt.draws {
			i := pick(uint64(s+1), tt.n)
			if i < 0 || i >= tt.n {
				t.Fatalf("pick(%d, %d) = %d", s, tt.n, i)
			}
			seen[i]++
		}
		// Every index is used, none more than thrice its share.
		for i, c := range seen {
			if c == 0 || c > 3*tt.draws/tt.n {
				t.Errorf("n=%d: index %d picked %d times of %d", tt.n, i, c, tt.draws)
			}
		}
	}
}

func FuzzHistogram(f *testing.F) {
	f.Add(uint64(0), uint64(1), uint64(2), 0.5)
	f.Add(uint64(1500000), uint64(250000), uint64(90000000), 0.99)
	f.Add(uint64(math.MaxUint64), uint64(127), uint64(128), 1.0)
	f.Fuzz(func(t *testing.T, a, b, c uint64, q float64) {
		if math.IsNaN(q) || q < 0 || q > 1 {
			return
		}
		vals := []time.Duration{time.Duration(a >> 1), time.Duration(b >> 1), time.Duration(c >> 1)}
		var h histogram
		for _, v := range vals {
			h.record(v)
		}
		slices.Sort(vals)
		got, want := h.quantile(q), exactQuantile(vals, q)
		if got < want || float64(got-want) > float64(want)/histHalf {
			t.Fatalf("quantile(%v) of %v = %v, want %v", q, vals, got, want)
		}
	})
}
