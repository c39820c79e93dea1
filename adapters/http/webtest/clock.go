package webtest

import (
	"sync"
	"time"
)

// Clock is the fake time of one test server; it is safe for concurrent use.
// A Clock that was never set reads the real time.
type Clock struct {
	mu sync.Mutex
	at time.Time
}

// NewClock returns a clock that stands at start.
func NewClock(start time.Time) *Clock { return &Clock{at: start} }

// Now returns the clock's time, or the real time while it is unset.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() {
		return time.Now()
	}
	return c.at
}

// Set fixes the clock at t; the zero time goes back to the real time.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = t
}

// Advance moves the clock's fixed time on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(d)
}
