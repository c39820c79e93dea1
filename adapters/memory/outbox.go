package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"supportal/ports"
)

// Outbox is the mail outbox in memory, for service tests: notices go through
// JSON as they do in PostgreSQL, and Deliver hands them out in order, one at
// a time, with the same retry bookkeeping.
type Outbox struct {
	mu   sync.Mutex
	rows []outboxRow
}

type outboxRow struct {
	id       int64
	notice   ports.Notice
	data     []byte
	created  time.Time
	next     time.Time
	attempts int
	lastErr  string
	sent     bool
	failed   bool
}

var _ ports.Outbox = (*Outbox)(nil)

// NewOutbox returns an empty outbox.
func NewOutbox() *Outbox { return &Outbox{} }

// Enqueue keeps the notices to be sent, all or none.
func (o *Outbox) Enqueue(ctx context.Context, ns ...ports.Notice) error {
	rows := make([]outboxRow, 0, len(ns))
	for _, n := range ns {
		data, err := json.Marshal(n.Data)
		if err != nil {
			return fmt.Errorf("outbox: enqueue %s: %w", n.Template, err)
		}
		if n.RequestID == "" {
			n.RequestID = ports.RequestID(ctx)
		}
		n.Data = nil
		rows = append(rows, outboxRow{notice: n, data: data})
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, r := range rows {
		r.id = int64(len(o.rows) + 1)
		o.rows = append(o.rows, r)
	}
	return nil
}

// Deliver hands the oldest due notice to send and records the outcome, as
// the PostgreSQL outbox does. Deliveries are serialised.
func (o *Outbox) Deliver(ctx context.Context, now time.Time, retry func(int) (time.Duration, bool), send func(context.Context, ports.Delivery) error) (bool, error, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var r *outboxRow
	for i := range o.rows {
		c := &o.rows[i]
		if c.sent || c.failed || c.next.After(now) {
			continue
		}
		if r == nil || c.next.Before(r.next) {
			r = c
		}
	}
	if r == nil {
		return false, nil, nil
	}
	d := ports.Delivery{ID: r.id, Notice: r.notice, Attempts: r.attempts, Created: r.created}
	if string(r.data) != "null" {
		if err := json.Unmarshal(r.data, &d.Notice.Data); err != nil {
			return true, nil, err
		}
	}
	sendErr := send(ctx, d)
	r.attempts++
	if sendErr == nil {
		r.sent, r.lastErr = true, ""
		return true, nil, nil
	}
	r.lastErr = sendErr.Error()
	if delay, again := retry(r.attempts); again {
		r.next = now.Add(delay)
	} else {
		r.failed = true
	}
	return true, sendErr, nil
}

// Notices returns every notice enqueued so far, sent or not, in order, with
// its data as Deliver would hand it out.
func (o *Outbox) Notices() []ports.Notice {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]ports.Notice, len(o.rows))
	for i, r := range o.rows {
		out[i] = r.notice
		_ = json.Unmarshal(r.data, &out[i].Data)
	}
	return out
}
