package memo

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestGetExpires(t *testing.T) {
	c := New[string, int](5*time.Second, 10)
	c.PutIf("a", 1, t0, c.Gen())
	if v, ok := c.Get("a", t0.Add(4*time.Second)); !ok || v != 1 {
		t.Fatalf("within the lifetime: got %d, %v; want 1, true", v, ok)
	}
	if _, ok := c.Get("a", t0.Add(5*time.Second)); ok {
		t.Fatal("at the end of the lifetime the value is still there")
	}
	if _, ok := c.Get("b", t0); ok {
		t.Fatal("a key never stored was found")
	}
}

func TestInvalidationBeatsAnOlderRead(t *testing.T) {
	c := New[string, int](time.Minute, 10)
	gen := c.Gen() // a reader starts reading the store
	c.Delete("a")  // meanwhile the value changes
	c.PutIf("a", 1, t0, gen)
	if _, ok := c.Get("a", t0); ok {
		t.Fatal("a value read before an invalidation was kept after it")
	}
	c.PutIf("a", 2, t0, c.Gen())
	if v, ok := c.Get("a", t0); !ok || v != 2 {
		t.Fatalf("got %d, %v; want 2, true", v, ok)
	}
}

func TestDeleteFuncAndClear(t *testing.T) {
	c := New[int, string](time.Minute, 10)
	for i := range 4 {
		c.PutIf(i, "v", t0, c.Gen())
	}
	c.DeleteFunc(func(k int, _ string) bool { return k%2 == 0 })
	for i := range 4 {
		if _, ok := c.Get(i, t0); ok != (i%2 == 1) {
			t.Errorf("key %d: present %v after deleting the even keys", i, ok)
		}
	}
	c.Clear()
	if _, ok := c.Get(1, t0); ok {
		t.Error("Clear kept a value")
	}
}

func TestBounded(t *testing.T) {
	c := New[int, int](time.Minute, 3)
	for i := range 3 {
		c.PutIf(i, i, t0, c.Gen())
	}
	c.PutIf(9, 9, t0.Add(2*time.Minute), c.Gen()) // the three others have expired by then
	if len(c.vals) != 1 {
		t.Fatalf("expired values kept when full: %d values", len(c.vals))
	}
	for i := range 3 {
		c.PutIf(i, i, t0.Add(2*time.Minute), c.Gen())
	}
	if n := len(c.vals); n > 3 {
		t.Fatalf("holds %d values, more than its maximum of 3", n)
	}
	if v, ok := c.Get(2, t0.Add(2*time.Minute)); !ok || v != 2 {
		t.Fatalf("the newest value is missing: %d, %v", v, ok)
	}
}

func TestOff(t *testing.T) {
	var nilCache *Cache[int, int]
	nilCache.PutIf(1, 1, t0, nilCache.Gen())
	nilCache.Delete(1)
	if _, ok := nilCache.Get(1, t0); ok {
		t.Error("a nil cache returned a value")
	}
	zero := New[int, int](0, 10)
	zero.PutIf(1, 1, t0, zero.Gen())
	if _, ok := zero.Get(1, t0); ok {
		t.Error("a cache with no lifetime returned a value")
	}
}
