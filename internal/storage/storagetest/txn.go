package storagetest

import (
	"context"
	"encoding/binary"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/unkai-cloud/unkai/internal/storage"
)

func testScanInTxn(t *testing.T, s storage.Store) {
	for _, k := range []string{"a", "c", "e", "g"} {
		put(t, s, k, "old")
	}
	cases := []struct {
		name       string
		start, end string
		opts       storage.ScanOptions
		want       []string
	}{
		{"forward", "", "", storage.ScanOptions{}, []string{"a=old", "b=new", "e=new", "f=new", "g=old"}},
		{"reverse", "", "", storage.ScanOptions{Reverse: true}, []string{"g=old", "f=new", "e=new", "b=new", "a=old"}},
		{"bounded", "b", "f", storage.ScanOptions{}, []string{"b=new", "e=new"}},
		{"bounded reverse", "b", "f", storage.ScanOptions{Reverse: true}, []string{"e=new", "b=new"}},
		{"limit", "", "", storage.ScanOptions{Limit: 3}, []string{"a=old", "b=new", "e=new"}},
		{"limit reverse", "", "", storage.ScanOptions{Reverse: true, Limit: 2}, []string{"g=old", "f=new"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			errDiscard := errors.New("discard")
			err := s.Update(context.Background(), func(tx storage.Txn) error {
				for _, k := range []string{"b", "e", "f"} {
					if err := tx.Put([]byte(k), []byte("new")); err != nil {
						return err
					}
				}
				if err := tx.Delete([]byte("c")); err != nil {
					return err
				}
				var start, end []byte
				if c.start != "" {
					start = []byte(c.start)
				}
				if c.end != "" {
					end = []byte(c.end)
				}
				if got := scan(t, tx, start, end, c.opts); !slices.Equal(got, c.want) {
					t.Errorf("got %q\nwant %q", got, c.want)
				}
				return errDiscard
			})
			if !errors.Is(err, errDiscard) {
				t.Fatalf("Update = %v, want the function's error", err)
			}
		})
	}
	if got := scan(t, s, nil, nil, storage.ScanOptions{}); !slices.Equal(got, []string{"a=old", "c=old", "e=old", "g=old"}) {
		t.Errorf("after discarded transactions: %q", got)
	}
}

func testReadYourWrites(t *testing.T, s storage.Store) {
	put(t, s, "k", "committed")
	err := s.Update(context.Background(), func(tx storage.Txn) error {
		steps := []struct {
			op, value string
			want      string
			found     bool
		}{
			{"get", "", "committed", true},
			{"put", "one", "one", true},
			{"put", "two", "two", true},
			{"delete", "", "", false},
			{"put", "three", "three", true},
		}
		for i, st := range steps {
			switch st.op {
			case "put":
				if err := tx.Put([]byte("k"), []byte(st.value)); err != nil {
					return err
				}
			case "delete":
				if err := tx.Delete([]byte("k")); err != nil {
					return err
				}
			}
			if got, found := get(t, tx, "k"); got != st.want || found != st.found {
				t.Errorf("step %d %s: get = %q, %v; want %q, %v", i, st.op, got, found, st.want, st.found)
			}
			if got, _ := get(t, s, "k"); got != "committed" {
				t.Errorf("step %d: uncommitted write visible outside: %q", i, got)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := get(t, s, "k"); got != "three" {
		t.Errorf("after commit: %q", got)
	}
}

func testAllOrNothing(t *testing.T, s storage.Store) {
	put(t, s, "keep", "1")
	errStop := errors.New("stop")
	err := s.Update(context.Background(), func(tx storage.Txn) error {
		for _, k := range []string{"x", "y", "z"} {
			if err := tx.Put([]byte(k), []byte("v")); err != nil {
				return err
			}
		}
		if err := tx.Delete([]byte("keep")); err != nil {
			return err
		}
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("Update = %v, want %v", err, errStop)
	}
	if got := scan(t, s, nil, nil, storage.ScanOptions{}); !slices.Equal(got, []string{"keep=1"}) {
		t.Fatalf("failed transaction left %q", got)
	}
	err = s.Update(context.Background(), func(tx storage.Txn) error {
		for _, k := range []string{"x", "y", "z"} {
			if err := tx.Put([]byte(k), []byte("v")); err != nil {
				return err
			}
		}
		return tx.Delete([]byte("keep"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := scan(t, s, nil, nil, storage.ScanOptions{}); !slices.Equal(got, []string{"x=v", "y=v", "z=v"}) {
		t.Fatalf("committed transaction left %q", got)
	}
}

func testReadOnlyAndDone(t *testing.T, s storage.Store) {
	ctx := context.Background()
	put(t, s, "k", "v")
	var kept storage.Txn
	var keptIt storage.Iterator
	err := s.View(ctx, func(tx storage.Txn) error {
		kept = tx
		keptIt = tx.Scan(ctx, nil, nil, storage.ScanOptions{})
		if err := tx.Put([]byte("k"), []byte("w")); !errors.Is(err, storage.ErrReadOnly) {
			t.Errorf("Put in View = %v, want ErrReadOnly", err)
		}
		if err := tx.Delete([]byte("k")); !errors.Is(err, storage.ErrReadOnly) {
			t.Errorf("Delete in View = %v, want ErrReadOnly", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kept.Get(ctx, []byte("k")); !errors.Is(err, storage.ErrTxnDone) {
		t.Errorf("Get after View = %v, want ErrTxnDone", err)
	}
	if keptIt.Next() || !errors.Is(keptIt.Err(), storage.ErrTxnDone) {
		t.Errorf("iterator after View: Err = %v, want ErrTxnDone", keptIt.Err())
	}
	if err := keptIt.Close(); !errors.Is(err, storage.ErrTxnDone) {
		t.Errorf("iterator Close after View = %v, want ErrTxnDone", err)
	}
	err = s.Update(ctx, func(tx storage.Txn) error { kept = tx; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if err := kept.Put([]byte("k"), []byte("w")); !errors.Is(err, storage.ErrTxnDone) {
		t.Errorf("Put after Update = %v, want ErrTxnDone", err)
	}
	if it := kept.Scan(ctx, nil, nil, storage.ScanOptions{}); it.Next() || !errors.Is(it.Err(), storage.ErrTxnDone) {
		t.Errorf("Scan after Update: Err = %v, want ErrTxnDone", it.Err())
	}
	if got, _ := get(t, s, "k"); got != "v" {
		t.Errorf("k = %q after rejected writes", got)
	}
}

func testContext(t *testing.T, s storage.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	cases := []struct {
		name string
		err  error
	}{
		{"Get", func() error { _, err := s.Get(ctx, []byte("k")); return err }()},
		{"Update", s.Update(ctx, func(storage.Txn) error { ran = true; return nil })},
		{"View", s.View(ctx, func(storage.Txn) error { ran = true; return nil })},
		{"Scan", s.Scan(ctx, nil, nil, storage.ScanOptions{}).Err()},
	}
	for _, c := range cases {
		if !errors.Is(c.err, context.Canceled) {
			t.Errorf("%s with canceled context = %v", c.name, c.err)
		}
	}
	if ran {
		t.Error("transaction function ran with a canceled context")
	}
}

// counter reads a uint64 value, or 0 when absent.
func counter(ctx context.Context, r storage.Reader, key []byte) (uint64, error) {
	v, err := r.Get(ctx, key)
	if errors.Is(err, storage.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if len(v) != 8 {
		return 0, errors.New("counter value is not 8 bytes")
	}
	return binary.BigEndian.Uint64(v), nil
}

// add adds d to the counter at key within tx.
func add(ctx context.Context, tx storage.Txn, key []byte, d int64) error {
	n, err := counter(ctx, tx, key)
	if err != nil {
		return err
	}
	return tx.Put(key, binary.BigEndian.AppendUint64(nil, uint64(int64(n)+d)))
}

func testConcurrentCounter(t *testing.T, s storage.Store) {
	const workers, increments = 8, 200
	ctx := context.Background()
	key := []byte("counter")
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for range increments {
				if err := s.Update(ctx, func(tx storage.Txn) error { return add(ctx, tx, key, 1) }); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	n, err := counter(ctx, s, key)
	if err != nil || n != workers*increments {
		t.Fatalf("counter = %d, %v; want %d", n, err, workers*increments)
	}
}

func testConcurrentTransfers(t *testing.T, s storage.Store) {
	const accounts, workers, transfers, initial = 5, 6, 100, 1_000_000
	ctx := context.Background()
	acct := func(i int) []byte { return storage.AppendUint64(storage.Key("acct"), uint64(i)) }
	err := s.Update(ctx, func(tx storage.Txn) error {
		for i := range accounts {
			if err := add(ctx, tx, acct(i), initial); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var bad atomic.Int64
	for w := range workers {
		wg.Go(func() {
			for i := range transfers {
				from, to := acct((w+i)%accounts), acct((w+2*i+1)%accounts)
				err := s.Update(ctx, func(tx storage.Txn) error {
					if err := add(ctx, tx, from, -7); err != nil {
						return err
					}
					return add(ctx, tx, to, 7)
				})
				if err != nil {
					t.Error(err)
					return
				}
				// Every snapshot must see the invariant.
				err = s.View(ctx, func(tx storage.Txn) error {
					start, end := storage.PrefixRange(storage.Key("acct"))
					kvs, err := storage.Collect(tx.Scan(ctx, start, end, storage.ScanOptions{}))
					if err != nil {
						return err
					}
					var sum uint64
					for _, kv := range kvs {
						sum += binary.BigEndian.Uint64(kv.Value)
					}
					if sum != accounts*initial {
						bad.Add(1)
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if n := bad.Load(); n > 0 {
		t.Fatalf("%d snapshots saw a partial transfer", n)
	}
}

// interfere commits fn in another goroutine while a transaction runs and
// reports whether that commit finished within a grace period; a backend
// that serializes transactions holds it back until the running one ends.
// wait blocks until it has finished either way.
func interfere(t *testing.T, s storage.Store, fn func(storage.Txn) error) (done bool, wait func()) {
	t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- s.Update(context.Background(), fn) }()
	wait = func() {
		if err := <-errc; err != nil {
			t.Errorf("interfering Update: %v", err)
		}
	}
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("interfering Update: %v", err)
		}
		return true, func() {}
	case <-time.After(2 * time.Second):
		return false, wait
	}
}

func testConflictRerun(t *testing.T, s storage.Store) {
	ctx := context.Background()
	key := []byte("k")
	put(t, s, "k", "\x00\x00\x00\x00\x00\x00\x00\x01")
	attempts := 0
	var otherFirst bool
	wait := func() {}
	err := s.Update(ctx, func(tx storage.Txn) error {
		attempts++
		n, err := counter(ctx, tx, key)
		if err != nil {
			return err
		}
		if attempts == 1 {
			// Another transaction changes what this one read before it
			// commits: this one must not commit on the stale read.
			otherFirst, wait = interfere(t, s, func(tx2 storage.Txn) error { return add(ctx, tx2, key, 10) })
		}
		return tx.Put(key, binary.BigEndian.AppendUint64(nil, n*2))
	})
	if err != nil {
		t.Fatal(err)
	}
	wait()
	// Serial orders: other then this gives (1+10)*2; this then other 1*2+10.
	want := uint64(12)
	if otherFirst {
		want = 22
	}
	if n, _ := counter(ctx, s, key); n != want {
		t.Errorf("k = %d after %d attempts, want %d: a transaction committed on a stale read", n, attempts, want)
	}
}

func testPhantomRerun(t *testing.T, s storage.Store) {
	ctx := context.Background()
	prefix := storage.Key("items")
	put(t, s, string(storage.AppendString(prefix, "a")), "x")
	attempts := 0
	var otherFirst bool
	wait := func() {}
	err := s.Update(ctx, func(tx storage.Txn) error {
		attempts++
		start, end := storage.PrefixRange(prefix)
		kvs, err := storage.Collect(tx.Scan(ctx, start, end, storage.ScanOptions{}))
		if err != nil {
			return err
		}
		if attempts == 1 {
			otherFirst, wait = interfere(t, s, func(tx2 storage.Txn) error {
				return tx2.Put(storage.AppendString(prefix, "b"), []byte("x"))
			})
		}
		return tx.Put([]byte("count"), []byte{byte(len(kvs))})
	})
	if err != nil {
		t.Fatal(err)
	}
	wait()
	want := "\x01"
	if otherFirst {
		want = "\x02"
	}
	if v, _ := get(t, s, "count"); v != want {
		t.Errorf("count = %q after %d attempts, want %q: an insert into a scanned range went unnoticed", v, attempts, want)
	}
}

func testIsolation(t *testing.T, s storage.Store) {
	ctx := context.Background()
	keys := [][]byte{[]byte("iso/a"), []byte("iso/b"), []byte("iso/c")}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := uint64(0); ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			err := s.Update(ctx, func(tx storage.Txn) error {
				for _, k := range keys {
					if err := tx.Put(k, binary.BigEndian.AppendUint64(nil, i)); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Error(err)
				return
			}
		}
	})
	check := func(vals [][]byte) {
		for _, v := range vals[1:] {
			if string(v) != string(vals[0]) {
				t.Errorf("partial read: %x", vals)
				return
			}
		}
	}
	for range 300 {
		kvs, err := storage.Collect(s.Scan(ctx, []byte("iso/"), []byte("iso0"), storage.ScanOptions{}))
		if err != nil {
			t.Fatal(err)
		}
		if len(kvs) > 0 {
			vals := make([][]byte, len(kvs))
			for i, kv := range kvs {
				vals[i] = kv.Value
			}
			check(vals)
		}
		err = s.View(ctx, func(tx storage.Txn) error {
			var vals [][]byte
			for _, k := range keys {
				v, err := tx.Get(ctx, k)
				if errors.Is(err, storage.ErrNotFound) {
					v = nil
				} else if err != nil {
					return err
				}
				vals = append(vals, v)
			}
			check(vals)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
}

func testClosed(t *testing.T, s storage.Store) {
	ctx := context.Background()
	put(t, s, "a", "1")
	put(t, s, "b", "2")
	open := s.Scan(ctx, nil, nil, storage.ScanOptions{})
	if !open.Next() {
		t.Fatalf("scan before Close: %v", open.Err())
	}
	started, closed := make(chan struct{}), make(chan struct{})
	txnErr := make(chan error, 1)
	go func() {
		txnErr <- s.Update(ctx, func(tx storage.Txn) error {
			close(started)
			<-closed
			return tx.Put([]byte("c"), []byte("3"))
		})
	}()
	<-started
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	close(closed)
	if err := <-txnErr; !errors.Is(err, storage.ErrClosed) {
		t.Errorf("Update spanning Close = %v, want ErrClosed", err)
	}
	if open.Next() || !errors.Is(open.Err(), storage.ErrClosed) {
		t.Errorf("iterator after Close: Err = %v, want ErrClosed", open.Err())
	}
	_ = open.Close()
	cases := []struct {
		name string
		err  error
	}{
		{"Get", func() error { _, err := s.Get(ctx, []byte("a")); return err }()},
		{"Update", s.Update(ctx, func(tx storage.Txn) error { return tx.Put([]byte("a"), nil) })},
		{"View", s.View(ctx, func(storage.Txn) error { return nil })},
		{"Scan", s.Scan(ctx, nil, nil, storage.ScanOptions{}).Err()},
	}
	for _, c := range cases {
		if !errors.Is(c.err, storage.ErrClosed) {
			t.Errorf("%s after Close = %v, want ErrClosed", c.name, c.err)
		}
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func testCloseUnderLoad(t *testing.T, s storage.Store) {
	ctx := context.Background()
	for i := range 50 {
		put(t, s, string(storage.AppendUint64(nil, uint64(i))), "v")
	}
	ok := func(err error) bool { return err == nil || errors.Is(err, storage.ErrClosed) }
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var err error
				switch (w + i) % 4 {
				case 0:
					err = s.Update(ctx, func(tx storage.Txn) error { return add(ctx, tx, []byte("n"), 1) })
				case 1:
					_, err = s.Get(ctx, []byte("n"))
					if errors.Is(err, storage.ErrNotFound) {
						err = nil
					}
				case 2:
					it := s.Scan(ctx, nil, nil, storage.ScanOptions{Limit: 20})
					for it.Next() {
					}
					err = it.Close()
				case 3:
					err = s.View(ctx, func(tx storage.Txn) error {
						_, err := storage.Collect(tx.Scan(ctx, nil, nil, storage.ScanOptions{Reverse: true}))
						return err
					})
				}
				if !ok(err) {
					t.Errorf("operation %d during Close: %v", (w+i)%4, err)
					return
				}
			}
		})
	}
	time.Sleep(20 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Errorf("Close under load: %v", err)
	}
	time.Sleep(5 * time.Millisecond)
	close(stop)
	wg.Wait()
}
