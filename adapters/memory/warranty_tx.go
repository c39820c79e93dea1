package memory

import (
	"context"
	"errors"
	"slices"
	"sync"

	"supportal/domain/warranty"
)

// WarrantyTx runs the warranty module's units of work over a WarrantyStore
// and an Audit: one at a time, and when fn fails the runs and the audit log
// are put back as they were before it.
type WarrantyTx struct {
	mu    sync.Mutex
	store *WarrantyStore
	audit *Audit
}

var _ warranty.TxRunner = (*WarrantyTx)(nil)

// NewWarrantyTx returns the runner over store and audit. The store's import
// batches commit through it from then on, as the PostgreSQL batches write
// the run's record and its audit event in their own transaction.
func NewWarrantyTx(store *WarrantyStore, audit *Audit) *WarrantyTx {
	t := &WarrantyTx{store: store, audit: audit}
	store.mu.Lock()
	store.tx = t
	store.mu.Unlock()
	return t
}

// InTx calls fn with the stores and undoes what it wrote when it returns an
// error, which InTx then returns.
func (t *WarrantyTx) InTx(ctx context.Context, fn func(warranty.Stores) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.store.mu.Lock()
	runs := slices.Clone(t.store.runs)
	t.store.mu.Unlock()
	t.audit.mu.Lock()
	events := len(t.audit.events)
	t.audit.mu.Unlock()
	if err := fn(warranty.Stores{Runs: t.store, Audit: t.audit}); err != nil {
		// FinishRun replaces a run's entry with new values, so the entries
		// saved are the state before fn; the audit log only grows.
		t.store.mu.Lock()
		t.store.runs = runs
		t.store.mu.Unlock()
		t.audit.mu.Lock()
		t.audit.events = t.audit.events[:events]
		t.audit.mu.Unlock()
		return err
	}
	return nil
}

var errNoTx = errors.New("memory warranty store: no unit of work to commit in (NewWarrantyTx)")
