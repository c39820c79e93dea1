// Package memo keeps values read from a store for a short while, so that the
// requests of one page view, or a burst of them, do not read the same rows
// again and again.
//
// A Cache is safe for concurrent use. A nil *Cache, or one made with a
// lifetime of zero or less, keeps nothing: every Get misses, so callers need
// no second code path when caching is off.
package memo

import (
	"sync"
	"time"
)

// Cache maps keys to values for a fixed lifetime, holding at most a fixed
// number of them.
//
// Gen and PutIf close the race between a read from the store and an
// invalidation: a caller takes Gen before it reads, and PutIf stores the
// value only when no Delete, DeleteFunc or Clear happened in between, so a
// value read before a change is never kept after it.
type Cache[K comparable, V any] struct {
	mu   sync.Mutex
	ttl  time.Duration
	max  int
	gen  uint64
	vals map[K]entry[V]
}

type entry[V any] struct {
	v     V
	until time.Time
}

// New returns a cache whose values live for ttl, holding at most size of them
// (at least 1).
func New[K comparable, V any](ttl time.Duration, size int) *Cache[K, V] {
	return &Cache[K, V]{ttl: ttl, max: max(size, 1), vals: map[K]entry[V]{}}
}

func (c *Cache[K, V]) off() bool { return c == nil || c.ttl <= 0 }

// Get returns the value of k if it was stored less than the lifetime before now.
func (c *Cache[K, V]) Get(k K, now time.Time) (V, bool) {
	var zero V
	if c.off() {
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.vals[k]
	if !ok || !now.Before(e.until) {
		return zero, false
	}
	return e.v, true
}

// Gen returns the current generation, which every invalidation advances.
func (c *Cache[K, V]) Gen() uint64 {
	if c.off() {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// PutIf stores v for k from now on, unless an invalidation happened since
// Gen returned gen. A full cache first forgets its expired values, and all
// of them when none has expired.
func (c *Cache[K, V]) PutIf(k K, v V, now time.Time, gen uint64) {
	if c.off() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if _, ok := c.vals[k]; !ok && len(c.vals) >= c.max {
		for k, e := range c.vals {
			if !now.Before(e.until) {
				delete(c.vals, k)
			}
		}
		if len(c.vals) >= c.max {
			clear(c.vals)
		}
	}
	c.vals[k] = entry[V]{v: v, until: now.Add(c.ttl)}
}

// Delete forgets k.
func (c *Cache[K, V]) Delete(k K) {
	c.DeleteFunc(func(key K, _ V) bool { return key == k })
}

// DeleteFunc forgets every value for which del returns true.
func (c *Cache[K, V]) DeleteFunc(del func(K, V) bool) {
	if c.off() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for k, e := range c.vals {
		if del(k, e.v) {
			delete(c.vals, k)
		}
	}
}

// Clear forgets everything.
func (c *Cache[K, V]) Clear() { c.DeleteFunc(func(K, V) bool { return true }) }
