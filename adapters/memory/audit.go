package memory

import (
	"context"
	"slices"
	"sync"
	"time"

	"supportal/ports"
)

// Audit is the audit log in memory.
type Audit struct {
	mu     sync.Mutex
	events []ports.AuditEvent
}

var _ ports.Audit = (*Audit)(nil)

// NewAudit returns an empty audit log.
func NewAudit() *Audit { return &Audit{} }

// Record appends e.
func (a *Audit) Record(_ context.Context, e ports.AuditEvent) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	e.At = e.At.UTC() // as PostgreSQL gives it back
	a.events = append(a.events, e)
	return nil
}

// Events returns the events at or after since, oldest first, at most limit.
func (a *Audit) Events(_ context.Context, since time.Time, limit int) ([]ports.AuditEvent, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []ports.AuditEvent
	for _, e := range a.events {
		if !e.At.Before(since) {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(x, y ports.AuditEvent) int { return x.At.Compare(y.At) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
