package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"supportal/domain/verification"
	"supportal/ports"
)

// VerificationTx runs the verification module's units of work in memory,
// one at a time. The store's submissions and history are saved before the
// function runs and put back when it fails; the company names, notices and
// audit events it writes are kept aside and handed to the real ports only
// once it succeeded (nothing in a unit of work reads them back), so a failed
// unit of work leaves nothing behind.
type VerificationTx struct {
	mu        sync.Mutex
	store     *VerificationStore
	companies verification.CompanyNames
	outbox    ports.Outbox
	audit     ports.Audit
}

var _ verification.TxRunner = (*VerificationTx)(nil)

// NewVerificationTx returns the runner over the store, the company names, the
// outbox and the audit log.
func NewVerificationTx(store *VerificationStore, companies verification.CompanyNames, outbox ports.Outbox, audit ports.Audit) *VerificationTx {
	if store == nil || companies == nil || outbox == nil || audit == nil {
		panic("memory: NewVerificationTx needs a store, company names, an outbox and an audit log")
	}
	return &VerificationTx{store: store, companies: companies, outbox: outbox, audit: audit}
}

// InTx calls fn with the stores of one unit of work and keeps its writes when
// fn returns nil; otherwise it restores the store and returns fn's error. An
// unknown company is reported when the writes are kept, and nothing is kept
// then either.
func (r *VerificationTx) InTx(ctx context.Context, fn func(verification.Stores) error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	saved := r.store.save()
	w := &pendingWrites{}
	if err := fn(verification.Stores{Submissions: r.store, Companies: w, Outbox: w, Audit: w}); err != nil {
		r.store.restore(saved)
		return err
	}
	for _, n := range w.names {
		if err := r.companies.SetVerifiedName(ctx, n.id, n.name); err != nil {
			r.store.restore(saved)
			return err
		}
	}
	// The memory audit log and outbox do not fail; the notices' data was
	// checked when they were enqueued.
	for _, e := range w.events {
		if err := r.audit.Record(ctx, e); err != nil {
			return err
		}
	}
	for _, n := range w.notices {
		if err := r.outbox.Enqueue(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

// pendingWrites keeps the company names, audit events and notices of a unit
// of work until it ends.
type pendingWrites struct {
	names []struct {
		id   int64
		name string
	}
	events  []ports.AuditEvent
	notices []ports.Notice
}

func (w *pendingWrites) SetVerifiedName(_ context.Context, companyID int64, name string) error {
	w.names = append(w.names, struct {
		id   int64
		name string
	}{companyID, name})
	return nil
}

func (w *pendingWrites) Record(_ context.Context, e ports.AuditEvent) error {
	w.events = append(w.events, e)
	return nil
}

// Enqueue checks that the notice's data goes through JSON, as the outbox
// will store it, and takes the request id from ctx.
func (w *pendingWrites) Enqueue(ctx context.Context, ns ...ports.Notice) error {
	for _, n := range ns {
		if _, err := json.Marshal(n.Data); err != nil {
			return fmt.Errorf("outbox: enqueue %s: %w", n.Template, err)
		}
	}
	for _, n := range ns {
		if n.RequestID == "" {
			n.RequestID = ports.RequestID(ctx)
		}
		w.notices = append(w.notices, n)
	}
	return nil
}

// verificationState is what a unit of work may change in the store.
type verificationState struct {
	lastID  int64
	subs    []verification.Submission
	history []companyEntry
}

// save returns a copy of the store's submissions and history.
func (s *VerificationStore) save() verificationState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return verificationState{lastID: s.lastID, subs: slices.Clone(s.subs), history: slices.Clone(s.history)}
}

// restore puts back what save returned.
func (s *VerificationStore) restore(st verificationState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastID, s.subs, s.history = st.lastID, st.subs, st.history
}

// CompanyNames sets the names of the companies in an identity store, as the
// PostgreSQL verification unit of work updates the companies table.
type CompanyNames struct{ Store *IdentityStore }

var _ verification.CompanyNames = CompanyNames{}

// SetVerifiedName sets the company's name; NotFound (error.company.not_found)
// for an unknown company.
func (c CompanyNames) SetVerifiedName(ctx context.Context, companyID int64, name string) error {
	co, err := c.Store.CompanyByID(ctx, companyID)
	if err != nil {
		return err
	}
	co.Name = name
	return c.Store.UpdateCompany(ctx, co)
}
