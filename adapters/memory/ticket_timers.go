package memory

import (
	"context"
	"slices"
	"time"

	"supportal/domain/ticket"
)

// The timed rules' claims. The memory runner runs one unit of work at a
// time, so a claimed ticket needs no lock: the first due ticket in id order
// is the one picked.

// ClaimToClose picks a resolved ticket resolved at or before before.
func (s *TicketStore) ClaimToClose(_ context.Context, before time.Time, skip []int64) (ticket.Ticket, bool, error) {
	return s.claim(skip, func(t ticket.Ticket) bool {
		return t.Status == ticket.StatusResolved && !t.ResolvedAt.IsZero() && !t.ResolvedAt.After(before)
	})
}

// ClaimToResolve picks a ticket waiting since at or before before.
func (s *TicketStore) ClaimToResolve(_ context.Context, before time.Time, skip []int64) (ticket.Ticket, bool, error) {
	return s.claim(skip, func(t ticket.Ticket) bool {
		since := s.waitingSince(t)
		return t.Status == ticket.StatusWaiting && !since.IsZero() && !since.After(before)
	})
}

// ClaimToRemind picks a ticket waiting since at or before before without a
// reminder since then.
func (s *TicketStore) ClaimToRemind(_ context.Context, before time.Time, skip []int64) (ticket.Ticket, bool, error) {
	return s.claim(skip, func(t ticket.Ticket) bool {
		since := s.waitingSince(t)
		r, sent := s.st.reminded[t.ID]
		return t.Status == ticket.StatusWaiting && !since.IsZero() && !since.After(before) && (!sent || r.Before(since))
	})
}

// ClaimToWarn picks an open covered ticket without a first response nor a
// warning, its first response due after now and at or before until.
func (s *TicketStore) ClaimToWarn(_ context.Context, now, until time.Time, skip []int64) (ticket.Ticket, bool, error) {
	return s.claim(skip, func(t ticket.Ticket) bool {
		_, sent := s.st.warned[t.ID]
		due := t.FirstResponseDue
		return t.Open() && t.Covered && t.FirstResponseAt.IsZero() && !sent && !due.IsZero() && due.After(now) && !due.After(until)
	})
}

// Reminded records the reminder of the ticket.
func (s *TicketStore) Reminded(_ context.Context, id int64, at time.Time) error {
	return s.mark(false, id, at)
}

// Warned records the breach warning of the ticket.
func (s *TicketStore) Warned(_ context.Context, id int64, at time.Time) error {
	return s.mark(true, id, at)
}

// mark records the warning (warned) or the reminder of the ticket.
func (s *TicketStore) mark(warned bool, id int64, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.index(id) < 0 {
		return errTicketNotFound
	}
	if warned {
		s.st.warned[id] = at.UTC()
	} else {
		s.st.reminded[id] = at.UTC()
	}
	return nil
}

// claim returns the first ticket due selects; due runs under the lock.
func (s *TicketStore) claim(skip []int64, due func(ticket.Ticket) bool) (ticket.Ticket, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.st.tickets {
		if !slices.Contains(skip, t.ID) && due(t) {
			return copyTicket(t), true, nil
		}
	}
	return ticket.Ticket{}, false, nil
}

// waitingSince returns when t last moved to waiting; s.mu is held.
func (s *TicketStore) waitingSince(t ticket.Ticket) time.Time {
	var hist []ticket.Event
	for _, e := range s.st.events {
		if e.TicketID == t.ID {
			hist = append(hist, e)
		}
	}
	return ticket.WaitingSince(hist)
}
