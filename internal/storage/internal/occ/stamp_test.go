package occ

import (
	"errors"
	"testing"
)

// memLease is a Lease in memory that counts saves.
type memLease struct {
	bound uint64
	saves int
	fail  bool
}

func (l *memLease) Load() (uint64, error) { return l.bound, nil }

func (l *memLease) Save(b uint64) error {
	if l.fail {
		return errors.New("disk full")
	}
	l.bound, l.saves = b, l.saves+1
	return nil
}

func TestStamper(t *testing.T) {
	cases := []struct {
		name  string
		lease *memLease
		clock []int64 // wall clock at each call
		want  []uint64
		saves int
	}{
		{"follows the clock", nil, []int64{100, 200, 300}, []uint64{100, 200, 300}, 0},
		{"clock stands still", nil, []int64{100, 100, 100}, []uint64{100, 101, 102}, 0},
		{"clock goes back", nil, []int64{100, 50, 150}, []uint64{100, 101, 150}, 0},
		{"negative clock", nil, []int64{-5}, []uint64{1}, 0},
		{"first stamp saves a lease", &memLease{}, []int64{100, 200}, []uint64{100, 200}, 1},
		{"restart above a lease from the future", &memLease{bound: 5000}, []int64{100, 200}, []uint64{5001, 5002}, 1},
		{"lease renewed when passed", &memLease{}, []int64{100, 100 + int64(leaseAhead), 200 + int64(leaseAhead)}, []uint64{100, 100 + leaseAhead, 200 + leaseAhead}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			i := 0
			s := stamper{now: func() int64 { return c.clock[i] }}
			if c.lease != nil {
				s.lease = c.lease
			}
			for ; i < len(c.clock); i++ {
				got, err := s.next()
				if err != nil {
					t.Fatal(err)
				}
				if got != c.want[i] {
					t.Errorf("stamp %d = %d, want %d", i, got, c.want[i])
				}
				if c.lease != nil && got >= c.lease.bound {
					t.Errorf("stamp %d = %d is not below the saved lease %d", i, got, c.lease.bound)
				}
			}
			if c.lease != nil && c.lease.saves != c.saves {
				t.Errorf("lease saved %d times, want %d", c.lease.saves, c.saves)
			}
		})
	}
}

func TestStamperLeaseError(t *testing.T) {
	s := stamper{lease: &memLease{fail: true}, now: func() int64 { return 1 }}
	if _, err := s.next(); err == nil {
		t.Fatal("next succeeded although the lease could not be saved")
	}
}
