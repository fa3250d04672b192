package memory

import "bytes"

// node is an immutable treap node: a binary search tree by key and a
// max-heap by prio, a hash of the key under a per-store random seed, which
// keeps the tree balanced in expectation whatever keys clients choose.
type node struct {
	key, value  []byte
	prio        uint64
	left, right *node
}

// insert returns n with nn's key set to nn's value, copying the path.
func insert(n, nn *node) *node {
	if n == nil {
		return nn
	}
	c := bytes.Compare(nn.key, n.key)
	if c == 0 {
		cp := *n
		cp.value = nn.value
		return &cp
	}
	if nn.prio > n.prio {
		// A node with nn's key would have nn's priority, so it cannot be
		// below n: split n around the new key.
		cp := *nn
		cp.left, cp.right = split(n, nn.key)
		return &cp
	}
	cp := *n
	if c < 0 {
		cp.left = insert(n.left, nn)
	} else {
		cp.right = insert(n.right, nn)
	}
	return &cp
}

// split divides n into the keys below key and the keys above it; key must
// not be in n.
func split(n *node, key []byte) (lo, hi *node) {
	if n == nil {
		return nil, nil
	}
	cp := *n
	if bytes.Compare(n.key, key) < 0 {
		cp.right, hi = split(n.right, key)
		return &cp, hi
	}
	lo, cp.left = split(n.left, key)
	return lo, &cp
}

// remove returns n without key, copying the path.
func remove(n *node, key []byte) *node {
	if n == nil {
		return nil
	}
	c := bytes.Compare(key, n.key)
	if c == 0 {
		return merge(n.left, n.right)
	}
	cp := *n
	if c < 0 {
		cp.left = remove(n.left, key)
		if cp.left == n.left {
			return n
		}
	} else {
		cp.right = remove(n.right, key)
		if cp.right == n.right {
			return n
		}
	}
	return &cp
}

// merge joins two treaps whose keys are all below, respectively above,
// each other's.
func merge(lo, hi *node) *node {
	switch {
	case lo == nil:
		return hi
	case hi == nil:
		return lo
	case lo.prio >= hi.prio:
		cp := *lo
		cp.right = merge(lo.right, hi)
		return &cp
	default:
		cp := *hi
		cp.left = merge(lo, hi.left)
		return &cp
	}
}

// iter walks a treap version between bounds with an explicit stack.
type iter struct {
	start, end []byte
	reverse    bool
	stack      []*node
	cur        *node
}

// seek stacks the path to the first node in iteration order.
func (it *iter) seek(n *node) {
	for n != nil {
		if it.reverse {
			if it.end == nil || bytes.Compare(n.key, it.end) < 0 {
				it.stack = append(it.stack, n)
				n = n.right
			} else {
				n = n.left
			}
			continue
		}
		if bytes.Compare(n.key, it.start) >= 0 {
			it.stack = append(it.stack, n)
			n = n.left
		} else {
			n = n.right
		}
	}
}

// descend stacks n and its chain of nodes toward the iteration start.
func (it *iter) descend(n *node) {
	for n != nil {
		it.stack = append(it.stack, n)
		if it.reverse {
			n = n.right
		} else {
			n = n.left
		}
	}
}

// Next implements occ.RawIter.
func (it *iter) Next() bool {
	if len(it.stack) == 0 {
		it.cur = nil
		return false
	}
	n := it.stack[len(it.stack)-1]
	it.stack = it.stack[:len(it.stack)-1]
	if it.reverse {
		if bytes.Compare(n.key, it.start) < 0 {
			it.stack, it.cur = nil, nil
			return false
		}
		it.descend(n.left)
	} else {
		if it.end != nil && bytes.Compare(n.key, it.end) >= 0 {
			it.stack, it.cur = nil, nil
			return false
		}
		it.descend(n.right)
	}
	it.cur = n
	return true
}

// Key implements occ.RawIter.
func (it *iter) Key() []byte { return it.cur.key }

// Value implements occ.RawIter.
func (it *iter) Value() ([]byte, error) { return it.cur.value, nil }

// Err implements occ.RawIter.
func (it *iter) Err() error { return nil }

// Close implements occ.RawIter.
func (it *iter) Close() error {
	it.stack, it.cur = nil, nil
	return nil
}
