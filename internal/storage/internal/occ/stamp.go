package occ

import (
	"fmt"
	"time"
)

// leaseAhead is how far past the last stamp a saved lease reaches. The
// lease is saved (two fsyncs under the commit lock) at most about once per
// second of stamped commits, and after a restart stamps run at most this
// far ahead of the wall clock until it catches up.
const leaseAhead = uint64(time.Second)

// stamper hands out commit stamps: the wall clock in nanoseconds, raised
// to stay strictly increasing. With a lease, every stamp stays below the
// saved bound, and the first stamp after a restart is above it. It is
// guarded by Store.commitMu.
type stamper struct {
	lease  Lease
	now    func() int64
	last   uint64
	bound  uint64 // stamps must stay below; 0 until loaded
	loaded bool
}

// next returns a new stamp.
func (s *stamper) next() (uint64, error) {
	if !s.loaded && s.lease != nil {
		b, err := s.lease.Load()
		if err != nil {
			return 0, fmt.Errorf("storage: load stamp lease: %w", err)
		}
		s.last = max(s.last, b)
		s.bound = b
	}
	s.loaded = true
	now := s.now
	if now == nil {
		now = func() int64 { return time.Now().UnixNano() }
	}
	st := max(s.last+1, uint64(max(now(), 0)))
	if s.lease != nil && st >= s.bound {
		b := st + leaseAhead
		if err := s.lease.Save(b); err != nil {
			return 0, fmt.Errorf("storage: save stamp lease: %w", err)
		}
		s.bound = b
	}
	s.last = st
	return st, nil
}
