package memory

import (
	"context"

	"supportal/domain/ticket"
)

// Rate calls fn on the ticket, one Update or Rate at a time, and keeps the
// rating fn returns when fn returns nil; the ticket's version and activity
// time stay as they are.
func (s *TicketStore) Rate(_ context.Context, id int64, fn func(ticket.Ticket) (ticket.Rating, error)) (ticket.Ticket, error) {
	s.upd.Lock()
	defer s.upd.Unlock()
	s.mu.Lock()
	t, err := s.byID(id)
	s.mu.Unlock()
	if err != nil {
		return ticket.Ticket{}, err
	}
	r, err := fn(copyTicket(t))
	if err != nil {
		return t, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.index(id)
	if i < 0 {
		return ticket.Ticket{}, errTicketNotFound
	}
	s.st.tickets[i].Rating = r
	return copyTicket(s.st.tickets[i]), nil
}
