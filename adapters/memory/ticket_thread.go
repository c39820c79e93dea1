package memory

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"supportal/domain"
	"supportal/domain/ticket"
	"supportal/ports"
)

// AddMessage stores m, filling m.ID; its attachments are stored by
// AddAttachment.
func (s *TicketStore) AddMessage(_ context.Context, m *ticket.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.index(m.TicketID) < 0 {
		return errTicketNotFound
	}
	s.st.lastMsg++
	m.ID = s.st.lastMsg
	c := *m
	c.Attachments = nil
	s.st.messages = append(s.st.messages, c)
	return nil
}

// AddAttachment stores a's row, filling a.ID; its key is then named for the
// sweeper.
func (s *TicketStore) AddAttachment(_ context.Context, a *ticket.Attachment) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.ContainsFunc(s.st.messages, func(m ticket.Message) bool { return m.ID == a.MessageID && m.TicketID == a.TicketID }) {
		return domain.E(domain.NotFound, "error.ticket.not_found")
	}
	if slices.ContainsFunc(s.st.attachments, func(o ticket.Attachment) bool { return o.Key == a.Key }) {
		return domain.E(domain.Conflict, "error.ticket.duplicate")
	}
	s.st.lastAtt++
	a.ID = s.st.lastAtt
	s.st.attachments = append(s.st.attachments, *a)
	return nil
}

// Messages returns the ticket's thread, oldest first, with attachments;
// internal notes only when withNotes.
func (s *TicketStore) Messages(_ context.Context, ticketID int64, withNotes bool) ([]ticket.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []ticket.Message
	for _, m := range s.st.messages {
		if m.TicketID != ticketID || (m.Internal && !withNotes) {
			continue
		}
		for _, a := range s.st.attachments {
			if a.MessageID == m.ID {
				m.Attachments = append(m.Attachments, a)
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// Attachment returns one attachment and whether its message is an internal
// note.
func (s *TicketStore) Attachment(_ context.Context, id int64) (ticket.Attachment, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.st.attachments {
		if a.ID != id {
			continue
		}
		for _, m := range s.st.messages {
			if m.ID == a.MessageID {
				return a, m.Internal, nil
			}
		}
	}
	return ticket.Attachment{}, false, errTicketNotFound
}

// AddEvent appends e to its ticket's history.
func (s *TicketStore) AddEvent(_ context.Context, e ticket.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.index(e.TicketID) < 0 {
		return errTicketNotFound
	}
	s.st.lastEvent++
	e.ID = s.st.lastEvent
	s.st.events = append(s.st.events, e)
	return nil
}

// Events returns a ticket's history, oldest first.
func (s *TicketStore) Events(_ context.Context, ticketID int64) ([]ticket.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []ticket.Event
	for _, e := range s.st.events {
		if e.TicketID == ticketID {
			out = append(out, e)
		}
	}
	return out, nil
}

// Follow adds the account to the ticket's followers.
func (s *TicketStore) Follow(_ context.Context, ticketID, accountID int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.index(ticketID) < 0 {
		return errTicketNotFound
	}
	if !slices.Contains(s.st.followers[ticketID], accountID) {
		s.st.followers[ticketID] = append(s.st.followers[ticketID], accountID)
	}
	return nil
}

// Followers returns the ids of the ticket's followers.
func (s *TicketStore) Followers(_ context.Context, ticketID int64) ([]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.st.followers[ticketID]), nil
}

// UnnamedKeys returns those of keys no ticket attachment names.
func (s *TicketStore) UnnamedKeys(_ context.Context, keys []string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, k := range keys {
		if !slices.ContainsFunc(s.st.attachments, func(a ticket.Attachment) bool { return a.Key == k }) {
			out = append(out, k)
		}
	}
	return out, nil
}

// ForgetDeleted does nothing: ticket attachments are not deleted.
func (s *TicketStore) ForgetDeleted(context.Context, []string) error { return nil }

// TicketTx runs the ticket module's units of work in memory, one at a time:
// the store is saved before the function runs and put back when it fails;
// the notices and audit events it writes are handed to the outbox and the
// audit log only once it succeeded.
type TicketTx struct {
	mu     sync.Mutex
	store  *TicketStore
	outbox ports.Outbox
	audit  ports.Audit
}

var _ ticket.TxRunner = (*TicketTx)(nil)

// NewTicketTx returns the runner over the store, the outbox and the audit
// log.
func NewTicketTx(store *TicketStore, outbox ports.Outbox, audit ports.Audit) *TicketTx {
	if store == nil || outbox == nil || audit == nil {
		panic("memory: NewTicketTx needs a store, an outbox and an audit log")
	}
	return &TicketTx{store: store, outbox: outbox, audit: audit}
}

// InTx calls fn with the stores of one unit of work and keeps its writes
// when fn returns nil and the context is live; otherwise it restores the
// store and returns the error.
func (r *TicketTx) InTx(ctx context.Context, fn func(ticket.Stores) error) (err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	restore := r.store.snapshot()
	kept := false
	defer func() {
		if !kept {
			restore()
		}
	}()
	w := &pendingWrites{}
	if err := fn(ticket.Stores{Tickets: r.store, Threads: r.store, Outbox: w, Audit: w, Timers: r.store, Ratings: r.store, Inbound: r.store}); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memory: commit: %w", err)
	}
	kept = true
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
