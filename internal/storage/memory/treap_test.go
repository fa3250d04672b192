package memory

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/unkai-cloud/unkai/internal/storage/internal/occ"
)

// depth returns the height of n.
func depth(n *node) int {
	if n == nil {
		return 0
	}
	return 1 + max(depth(n.left), depth(n.right))
}

// check verifies the search-tree and heap orders of n.
func check(t *testing.T, n *node) {
	t.Helper()
	if n == nil {
		return
	}
	if n.left != nil && (bytes.Compare(n.left.key, n.key) >= 0 || n.left.prio > n.prio) {
		t.Fatalf("left child of %q out of order", n.key)
	}
	if n.right != nil && (bytes.Compare(n.right.key, n.key) <= 0 || n.right.prio > n.prio) {
		t.Fatalf("right child of %q out of order", n.key)
	}
	check(t, n.left)
	check(t, n.right)
}

func TestTreapBalance(t *testing.T) {
	const n = 20000
	orders := []struct {
		name string
		key  func(i int) []byte
	}{
		{"ascending", func(i int) []byte { return fmt.Appendf(nil, "key%08d", i) }},
		{"descending", func(i int) []byte { return fmt.Appendf(nil, "key%08d", n-i) }},
		{"random", func(i int) []byte { return fmt.Appendf(nil, "key%08d", rand.IntN(n)) }},
	}
	for _, o := range orders {
		t.Run(o.name, func(t *testing.T) {
			b := &backend{seed: maphash.MakeSeed()}
			b.root.Store(&version{})
			for i := range n {
				if err := b.Apply([]occ.Write{{Key: o.key(i), Value: []byte("v")}}); err != nil {
					t.Fatal(err)
				}
			}
			root := b.root.Load().root
			check(t, root)
			if d := depth(root); d > 60 {
				t.Errorf("depth %d after %d inserts", d, n)
			}
			for i := 0; i < n; i += 2 {
				if err := b.Apply([]occ.Write{{Key: o.key(i), Delete: true}}); err != nil {
					t.Fatal(err)
				}
			}
			root = b.root.Load().root
			check(t, root)
			if d := depth(root); d > 60 {
				t.Errorf("depth %d after deletes", d)
			}
		})
	}
}

func TestTreapIter(t *testing.T) {
	b := &backend{seed: maphash.MakeSeed()}
	b.root.Store(&version{})
	var keys []string
	for i := range 300 {
		k := fmt.Sprintf("%03d", i*3)
		keys = append(keys, k)
		if err := b.Apply([]occ.Write{{Key: []byte(k), Value: []byte(k)}}); err != nil {
			t.Fatal(err)
		}
	}
	for range 200 {
		lo, hi := fmt.Sprintf("%03d", rand.IntN(1000)), fmt.Sprintf("%03d", rand.IntN(1000))
		for _, reverse := range []bool{false, true} {
			var want []string
			for _, k := range keys {
				if k >= lo && k < hi {
					want = append(want, k)
				}
			}
			if reverse {
				slices.Reverse(want)
			}
			it, _ := b.Current().NewIter([]byte(lo), []byte(hi), reverse)
			var got []string
			for it.Next() {
				got = append(got, string(it.Key()))
			}
			if !slices.Equal(got, want) {
				t.Fatalf("[%s,%s) reverse=%v: got %v, want %v", lo, hi, reverse, got, want)
			}
		}
	}
}
