package memory

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"supportal/domain/ticket"
)

// matchTicket tells whether f selects t.
func matchTicket(f ticket.Filter, t ticket.Ticket) bool {
	switch {
	case f.CompanyID != 0 && t.CompanyID != f.CompanyID,
		f.OpenedBy != 0 && t.OpenedBy != f.OpenedBy,
		len(f.Statuses) > 0 && !slices.Contains(f.Statuses, t.Status),
		f.Priority != 0 && t.Priority != f.Priority,
		f.Category != "" && t.Category != f.Category,
		f.AssigneeID != 0 && t.AssigneeID != f.AssigneeID,
		f.Unassigned && t.AssigneeID != 0,
		f.Covered != nil && t.Covered != *f.Covered,
		!f.DueBefore.IsZero() && (t.NextDue.IsZero() || !t.NextDue.Before(f.DueBefore)),
		!f.DueFrom.IsZero() && (t.NextDue.IsZero() || t.NextDue.Before(f.DueFrom)):
		return false
	}
	q := strings.TrimSpace(f.Search)
	if q == "" {
		return true
	}
	if strings.EqualFold(t.Number, q) {
		return true
	}
	lq := strings.ToLower(q)
	return strings.Contains(strings.ToLower(t.Title), lq) ||
		strings.Contains(strings.ToLower(t.Snapshot.SN), lq) ||
		(f.CompanyID == 0 && strings.Contains(strings.ToLower(t.CompanyName), lq))
}

// selected returns the tickets f selects in its order.
func (s *TicketStore) selected(f ticket.Filter) []ticket.Ticket {
	var out []ticket.Ticket
	for _, t := range s.st.tickets {
		if matchTicket(f, t) {
			out = append(out, copyTicket(t))
		}
	}
	if f.Sort == ticket.SortDue {
		slices.SortStableFunc(out, func(a, b ticket.Ticket) int {
			switch {
			case a.NextDue.IsZero() != b.NextDue.IsZero():
				if a.NextDue.IsZero() {
					return 1
				}
				return -1
			case !a.NextDue.Equal(b.NextDue):
				return a.NextDue.Compare(b.NextDue)
			case !a.CreatedAt.Equal(b.CreatedAt):
				return a.CreatedAt.Compare(b.CreatedAt)
			}
			return cmp.Compare(a.ID, b.ID)
		})
	} else {
		slices.SortStableFunc(out, func(a, b ticket.Ticket) int {
			if !a.UpdatedAt.Equal(b.UpdatedAt) {
				return b.UpdatedAt.Compare(a.UpdatedAt)
			}
			return cmp.Compare(b.ID, a.ID)
		})
	}
	return out
}

func capCount(n, countCap int) int {
	if countCap > 0 && n > countCap {
		return countCap + 1
	}
	return n
}

// List returns the page of tickets f selects and their count up to countCap.
func (s *TicketStore) List(_ context.Context, f ticket.Filter, countCap int) ([]ticket.Ticket, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := s.selected(f)
	n := capCount(len(all), countCap)
	from := min(max(f.Offset, 0), len(all))
	to := len(all)
	if f.Limit > 0 {
		to = min(from+f.Limit, len(all))
	}
	return all[from:to], n, nil
}

// Count counts the tickets f selects up to countCap.
func (s *TicketStore) Count(_ context.Context, f ticket.Filter, countCap int) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, t := range s.st.tickets {
		if matchTicket(f, t) {
			n++
		}
	}
	return capCount(n, countCap), nil
}

var _ ticket.Counter = (*TicketStore)(nil)

// CountEach counts each filter of fs up to countCap.
func (s *TicketStore) CountEach(ctx context.Context, fs []ticket.Filter, countCap int) ([]int, error) {
	out := make([]int, len(fs))
	for i, f := range fs {
		n, err := s.Count(ctx, f, countCap)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}
