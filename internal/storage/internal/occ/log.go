package occ

import "bytes"

// maxLog bounds the commit history kept for validation. A transaction whose
// snapshot is older than the history is treated as conflicting and re-run.
const maxLog = 1024

// record is the write set of one commit.
type record struct {
	keys [][]byte
}

// history holds the write sets of recent commits. Record i has commit
// sequence number base+1+i. It is guarded by Store.commitMu.
type history struct {
	base    uint64
	records []record
}

// add appends the write set of commit seq (which must be base+len+1).
func (h *history) add(keys [][]byte) {
	h.records = append(h.records, record{keys: keys})
	if len(h.records) > 2*maxLog {
		drop := len(h.records) - maxLog
		h.base += uint64(drop)
		h.records = append([]record(nil), h.records[drop:]...)
	}
}

// since returns the records of commits after start, and false when some of
// them are no longer kept.
func (h *history) since(start uint64) ([]record, bool) {
	if start < h.base {
		return nil, false
	}
	i := start - h.base
	if i > uint64(len(h.records)) {
		return nil, true
	}
	return h.records[i:], true
}

// span is a key range a transaction observed: lo <= k < hi, hi unbounded
// when hiInf. An empty span observed nothing yet.
type span struct {
	empty bool
	lo    []byte
	hi    []byte
	hiInf bool
}

// contains reports whether k lies in s.
func (s *span) contains(k []byte) bool {
	if s.empty || bytes.Compare(k, s.lo) < 0 {
		return false
	}
	return s.hiInf || bytes.Compare(k, s.hi) < 0
}
