package main

import (
	"math"
	"math/bits"
	"time"
)

// histogram records latencies in log-linear buckets, HDR style: values are
// kept exactly below 128 ns and to within 1/64 (about 1.6%) above, in a
// fixed 30 KiB whatever the run's length. It is not safe for concurrent
// use; each load worker has its own and they are merged at the end.
type histogram struct {
	counts [histBuckets]uint64
	total  uint64
	sum    float64
	min    uint64
	max    uint64
}

const (
	histSubBits = 7
	histSub     = 1 << histSubBits // exact values below this
	histHalf    = histSub / 2      // sub-buckets per power of two above it
	// histBuckets covers every uint64: shifts 1..57, 64 sub-buckets each.
	histBuckets = histSub + (64-histSubBits)*histHalf
)

// bucketOf returns the bucket index of v.
func bucketOf(v uint64) int {
	if v < histSub {
		return int(v)
	}
	shift := bits.Len64(v) - histSubBits // ≥ 1
	top := v >> shift                    // in [histHalf, histSub)
	return histSub + (shift-1)*histHalf + int(top-histHalf)
}

// bucketRange returns the smallest and largest value bucket i holds.
func bucketRange(i int) (lo, hi uint64) {
	if i < histSub {
		return uint64(i), uint64(i)
	}
	shift := (i-histSub)/histHalf + 1
	top := uint64((i-histSub)%histHalf + histHalf)
	lo = top << shift
	return lo, lo + (uint64(1) << shift) - 1
}

// record adds one latency.
func (h *histogram) record(d time.Duration) {
	v := uint64(max(d, 0))
	h.counts[bucketOf(v)]++
	if h.total == 0 || v < h.min {
		h.min = v
	}
	h.max = max(h.max, v)
	h.total++
	h.sum += float64(v)
}

// merge adds o's values to h.
func (h *histogram) merge(o *histogram) {
	if o.total == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.total == 0 || o.min < h.min {
		h.min = o.min
	}
	h.max = max(h.max, o.max)
	h.total += o.total
	h.sum += o.sum
}

// quantile returns the value below or at which a fraction q (0..1) of the
// recorded values lie: the highest value of the bucket holding the
// ceil(q·n)-th smallest, clamped to the observed min and max.
func (h *histogram) quantile(q float64) time.Duration {
	if h.total == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.total)))
	rank = min(max(rank, 1), h.total)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			_, hi := bucketRange(i)
			return time.Duration(min(max(hi, h.min), h.max))
		}
	}
	return time.Duration(h.max)
}

// mean returns the average recorded value.
func (h *histogram) mean() time.Duration {
	if h.total == 0 {
		return 0
	}
	return time.Duration(h.sum / float64(h.total))
}

// median returns the median of xs (the mean of the middle two for even
// lengths), or 0 for none. xs is not modified.
func median(xs []float64) float64 { return percentile(xs, 0.5) }

// percentile returns the q-quantile of xs by linear interpolation between
// closest ranks, or 0 for none. xs is not modified.
func percentile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := sortedCopy(xs)
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	return s[lo] + (s[hi]-s[lo])*(pos-float64(lo))
}

func sortedCopy(xs []float64) []float64 {
	s := append([]float64(nil), xs...)
	// insertion sort: the samples here are a few dozen run times
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}
