package memory

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// snapshotter is a store whose state a unit of work can put back: snapshot
// copies the state and returns the function that restores that copy.
type snapshotter interface {
	snapshot() (restore func())
}

// TxRunner runs units of work over in-memory stores, of type S, one at a
// time: when fn fails (or panics), every store is put back as it was before
// fn, as a rolled-back transaction leaves PostgreSQL. Writes made to the
// same stores outside a unit of work while one runs are put back too, which
// service tests do not do.
type TxRunner[S any] struct {
	mu     sync.Mutex
	stores S
	parts  []snapshotter
}

func newTxRunner[S any](stores S, parts ...snapshotter) *TxRunner[S] {
	return &TxRunner[S]{stores: stores, parts: parts}
}

// InTx calls fn with the stores and keeps what it wrote when it returns nil
// and the context is still live (as a commit needs); otherwise it restores
// the stores and returns fn's error or the context's.
func (r *TxRunner[S]) InTx(ctx context.Context, fn func(S) error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	restore := make([]func(), len(r.parts))
	for i, p := range r.parts {
		restore[i] = p.snapshot()
	}
	kept := false
	defer func() {
		if !kept {
			for _, f := range restore {
				f()
			}
		}
	}()
	if err := fn(r.stores); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memory: commit: %w", err)
	}
	kept = true
	return nil
}

// snapshot copies the outbox's notices; a notice is not changed once
// enqueued but for its delivery bookkeeping, which the copy holds by value.
func (o *Outbox) snapshot() func() {
	o.mu.Lock()
	defer o.mu.Unlock()
	rows := slices.Clone(o.rows)
	return func() {
		o.mu.Lock()
		defer o.mu.Unlock()
		o.rows = rows
	}
}

// snapshot copies the audit log.
func (a *Audit) snapshot() func() {
	a.mu.Lock()
	defer a.mu.Unlock()
	events := slices.Clone(a.events)
	return func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.events = events
	}
}
