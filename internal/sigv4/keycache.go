package sigv4

import "sync"

// scopeKey identifies a derived signing key.
type scopeKey struct {
	akid, date, region, service string
}

type cachedKey struct {
	secret string
	key    [32]byte
}

// keyCache is a small bounded cache of derived signing keys. It keeps two
// generations: when the current one fills up it becomes the previous one and
// the older is dropped, so it holds at most 2*size keys and recently used
// keys survive.
type keyCache struct {
	mu   sync.Mutex
	size int
	cur  map[scopeKey]cachedKey
	prev map[scopeKey]cachedKey
}

func newKeyCache(size int) *keyCache {
	return &keyCache{size: size, cur: make(map[scopeKey]cachedKey, size)}
}

// get returns the signing key for the scope and secret, deriving it on a miss
// or when the secret of the access key changed.
func (c *keyCache) get(k scopeKey, secret string) [32]byte {
	c.mu.Lock()
	e, ok := c.cur[k]
	if !ok {
		if e, ok = c.prev[k]; ok && e.secret == secret {
			c.put(k, e)
		}
	}
	c.mu.Unlock()
	if ok && e.secret == secret {
		return e.key
	}
	key := DeriveKey(secret, k.date, k.region, k.service)
	c.mu.Lock()
	c.put(k, cachedKey{secret: secret, key: key})
	c.mu.Unlock()
	return key
}

func (c *keyCache) put(k scopeKey, e cachedKey) {
	if _, ok := c.cur[k]; !ok && len(c.cur) >= c.size {
		c.prev = c.cur
		c.cur = make(map[scopeKey]cachedKey, c.size)
	}
	c.cur[k] = e
}

// len reports how many keys the cache holds, for tests.
func (c *keyCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.cur) + len(c.prev)
}
