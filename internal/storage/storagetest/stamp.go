package storagetest

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"strconv"
	"sync"
	"testing"

	"github.com/unkai-cloud/unkai/internal/storage"
)

// stampedRecords lists the stamped keys under prefix: stamps, ordinals and
// values in key order.
type stampedRecord struct {
	stamp uint64
	n     uint32
	value string
}

func stampedRecords(t *testing.T, r storage.Reader, prefix []byte) []stampedRecord {
	t.Helper()
	it := r.Scan(context.Background(), prefix, storage.PrefixEnd(prefix), storage.ScanOptions{})
	defer it.Close()
	var out []stampedRecord
	for it.Next() {
		st, n, err := storage.ParseStamped(it.Key(), len(prefix))
		if err != nil {
			t.Fatalf("ParseStamped(%x): %v", it.Key(), err)
		}
		out = append(out, stampedRecord{st, n, string(it.Value())})
	}
	if err := it.Err(); err != nil {
		t.Fatalf("scan: %v", err)
	}
	return out
}

// testStamped: stamped keys appear at commit, in call order within a
// transaction, with stamps that grow from one commit to the next; the
// transaction does not see its own, and a failed one writes none.
func testStamped(t *testing.T, s storage.Store) {
	ctx := context.Background()
	prefix := []byte("log/")
	for i := range 3 {
		err := s.Update(ctx, func(tx storage.Txn) error {
			for j := range 2 {
				if err := tx.PutStamped(prefix, []byte(strconv.Itoa(i)+"."+strconv.Itoa(j))); err != nil {
					return err
				}
			}
			if got := scan(t, tx, prefix, storage.PrefixEnd(prefix), storage.ScanOptions{}); len(got) != 2*i {
				t.Errorf("commit %d sees %d stamped keys inside its transaction, want %d", i, len(got), 2*i)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
	}
	errAbort := errors.New("abort")
	if err := s.Update(ctx, func(tx storage.Txn) error {
		if err := tx.PutStamped(prefix, []byte("aborted")); err != nil {
			return err
		}
		return errAbort
	}); !errors.Is(err, errAbort) {
		t.Fatalf("Update = %v", err)
	}
	recs := stampedRecords(t, s, prefix)
	if len(recs) != 6 {
		t.Fatalf("got %d stamped records, want 6: %v", len(recs), recs)
	}
	for i, r := range recs {
		want := strconv.Itoa(i/2) + "." + strconv.Itoa(i%2)
		if r.value != want || r.n != uint32(i%2) {
			t.Errorf("record %d = %+v, want value %s ordinal %d", i, r, want, i%2)
		}
		if i%2 == 1 && r.stamp != recs[i-1].stamp {
			t.Errorf("one commit's records have stamps %d and %d", recs[i-1].stamp, r.stamp)
		}
		if i%2 == 0 && i > 0 && r.stamp <= recs[i-1].stamp {
			t.Errorf("commit %d has stamp %d, not above %d", i/2, r.stamp, recs[i-1].stamp)
		}
	}
	if err := s.View(ctx, func(tx storage.Txn) error { return tx.PutStamped(prefix, nil) }); !errors.Is(err, storage.ErrReadOnly) {
		t.Errorf("PutStamped in View = %v, want ErrReadOnly", err)
	}
}

// testStampedCommitOrder: concurrent transactions that serialize on a
// counter log their counter values; stamp order must be counter order.
func testStampedCommitOrder(t *testing.T, s storage.Store) {
	ctx := context.Background()
	prefix, counter := []byte("order/"), []byte("counter")
	const workers, each = 8, 25
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				err := s.Update(ctx, func(tx storage.Txn) error {
					var n uint64
					v, err := tx.Get(ctx, counter)
					switch {
					case err == nil:
						n = binary.BigEndian.Uint64(v)
					case !errors.Is(err, storage.ErrNotFound):
						return err
					}
					n++
					if err := tx.Put(counter, binary.BigEndian.AppendUint64(nil, n)); err != nil {
						return err
					}
					return tx.PutStamped(prefix, binary.BigEndian.AppendUint64(nil, n))
				})
				if err != nil {
					t.Errorf("Update: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	recs := stampedRecords(t, s, prefix)
	if len(recs) != workers*each {
		t.Fatalf("got %d records, want %d", len(recs), workers*each)
	}
	for i, r := range recs {
		if got := binary.BigEndian.Uint64([]byte(r.value)); got != uint64(i+1) {
			t.Fatalf("record %d in stamp order holds counter %d", i, got)
		}
	}
}

// testStampedConflict: a transaction that scanned a log's range conflicts
// with a stamped write committed into it meanwhile, so a reader that
// records the last stamp it saw cannot miss a record.
func testStampedConflict(t *testing.T, s storage.Store) {
	ctx := context.Background()
	prefix := []byte("watch/")
	runs := 0
	err := s.Update(ctx, func(tx storage.Txn) error {
		runs++
		n := len(scan(t, tx, prefix, storage.PrefixEnd(prefix), storage.ScanOptions{}))
		if runs == 1 {
			if err := s.Update(ctx, func(tx2 storage.Txn) error { return tx2.PutStamped(prefix, []byte("x")) }); err != nil {
				return err
			}
		}
		return tx.Put([]byte("seen"), []byte(strconv.Itoa(n)))
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if runs != 2 {
		t.Errorf("the scanning transaction ran %d times, want 2 (a conflict)", runs)
	}
	if v, _ := get(t, s, "seen"); v != "1" {
		t.Errorf("seen = %q, want 1", v)
	}
	if recs := stampedRecords(t, s, prefix); len(recs) != 1 || !bytes.Equal([]byte(recs[0].value), []byte("x")) {
		t.Errorf("records = %v", recs)
	}
}
