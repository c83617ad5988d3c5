package hopsworks

import (
	"context"
	"sync"
	"time"
)

// cache holds values by key for a time to live, and lets concurrent callers
// that miss share one fetch: the first starts it, the others wait for it.
// Failed fetches are not kept.
//
// A fetch runs under the cache's own context (the client's lifetime), not
// under the caller's: a caller whose context ends stops waiting at once,
// while the fetch goes on for the others and for the cache, bounded by the
// client's request timeouts and retries, and stops when the client closes.
type cache[V any] struct {
	life context.Context
	ttl  time.Duration // <= 0: values are shared by concurrent callers only
	now  func() time.Time

	mu      sync.Mutex
	entries map[string]*cacheEntry[V]
}

// cacheEntry is a value being fetched (done open) or fetched.
type cacheEntry[V any] struct {
	done    chan struct{}
	val     V
	err     error
	expires time.Time
}

func newCache[V any](life context.Context, ttl time.Duration) *cache[V] {
	return &cache[V]{life: life, ttl: ttl, now: time.Now, entries: make(map[string]*cacheEntry[V])}
}

// get returns the value of key, fetching it if it is missing or expired.
// It returns ctx.Err() as soon as ctx ends.
func (c *cache[V]) get(ctx context.Context, key string, fetch func(context.Context) (V, error)) (V, error) {
	if err := ctx.Err(); err != nil {
		var zero V
		return zero, err
	}
	c.mu.Lock()
	e := c.entries[key]
	if e != nil {
		select {
		case <-e.done:
			if !c.now().Before(e.expires) {
				e = nil
			}
		default: // being fetched: wait for it
		}
	}
	if e == nil {
		e = &cacheEntry[V]{done: make(chan struct{})}
		c.entries[key] = e
		go c.fill(key, e, fetch)
	}
	c.mu.Unlock()
	select {
	case <-e.done:
		return e.val, e.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// fill runs fetch for e and publishes the result.
func (c *cache[V]) fill(key string, e *cacheEntry[V], fetch func(context.Context) (V, error)) {
	val, err := fetch(c.life)
	c.mu.Lock()
	defer c.mu.Unlock()
	e.val, e.err = val, err
	e.expires = c.now().Add(c.ttl)
	if (err != nil || c.ttl <= 0) && c.entries[key] == e {
		delete(c.entries, key)
	}
	close(e.done)
}

// reset forgets every value; fetches under way complete for their waiters.
func (c *cache[V]) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
}
