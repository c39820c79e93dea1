package memory

import (
	"context"

	"supportal/domain"
	"supportal/domain/ticket"
)

var _ ticket.Inbound = (*TicketStore)(nil)

// inboundKey names a handled email on a ticket.
type inboundKey struct {
	ticketID int64
	key      string
}

// Seen tells whether an email with key was handled on the ticket.
func (s *TicketStore) Seen(_ context.Context, ticketID int64, key string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.st.inbound[inboundKey{ticketID, key}]
	return ok, nil
}

// Record remembers a handled email; the same ticket and key again is a
// Conflict.
func (s *TicketStore) Record(_ context.Context, r ticket.InboundRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.index(r.TicketID) < 0 {
		return errTicketNotFound
	}
	k := inboundKey{r.TicketID, r.Key}
	if _, ok := s.st.inbound[k]; ok {
		return domain.E(domain.Conflict, "error.ticket.mail_replay")
	}
	s.st.inbound[k] = r
	return nil
}
