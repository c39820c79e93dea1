package memory

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"supportal/domain"
	"supportal/domain/attachment"
	"supportal/domain/ticket"
)

// TicketStore keeps tickets, their threads, histories and followers in
// memory, for service tests. It satisfies ticket.Tickets, ticket.Threads and
// the attachment index of the tickets' files.
type TicketStore struct {
	upd sync.Mutex // held by Update while its function runs
	mu  sync.Mutex
	st  ticketState
}

// ticketState is everything a unit of work may change.
type ticketState struct {
	lastID, lastMsg, lastAtt, lastEvent int64
	tickets                             []ticket.Ticket // by id order
	tokens                              map[tokenKey]int64
	numbers                             map[string]int
	messages                            []ticket.Message // without attachments
	attachments                         []ticket.Attachment
	events                              []ticket.Event
	followers                           map[int64][]int64
	// reminded and warned are when each ticket's waiting reminder and
	// breach warning were sent (ticket_timers.go).
	reminded, warned map[int64]time.Time
	// inbound are the handled email replies (ticket_inbound.go).
	inbound map[inboundKey]ticket.InboundRecord
}

type tokenKey struct {
	account int64
	token   string
}

var (
	_ ticket.Tickets   = (*TicketStore)(nil)
	_ ticket.Threads   = (*TicketStore)(nil)
	_ attachment.Index = (*TicketStore)(nil)
	_ ticket.Timers    = (*TicketStore)(nil)
	_ ticket.Ratings   = (*TicketStore)(nil)
)

var errTicketNotFound = domain.E(domain.NotFound, "error.ticket.not_found")

// NewTicketStore returns an empty store.
func NewTicketStore() *TicketStore {
	return &TicketStore{st: ticketState{tokens: map[tokenKey]int64{}, numbers: map[string]int{}, followers: map[int64][]int64{},
		reminded: map[int64]time.Time{}, warned: map[int64]time.Time{}, inbound: map[inboundKey]ticket.InboundRecord{}}}
}

// clone copies the state deeply enough that changes to the copy leave the
// original as it was.
func (s ticketState) clone() ticketState {
	c := s
	c.tickets = slices.Clone(s.tickets)
	for i := range c.tickets {
		c.tickets[i].Snapshot.Lines = slices.Clone(c.tickets[i].Snapshot.Lines)
	}
	c.tokens = make(map[tokenKey]int64, len(s.tokens))
	for k, v := range s.tokens {
		c.tokens[k] = v
	}
	c.numbers = make(map[string]int, len(s.numbers))
	for k, v := range s.numbers {
		c.numbers[k] = v
	}
	c.messages = slices.Clone(s.messages)
	c.attachments = slices.Clone(s.attachments)
	c.events = slices.Clone(s.events)
	c.followers = make(map[int64][]int64, len(s.followers))
	for k, v := range s.followers {
		c.followers[k] = slices.Clone(v)
	}
	c.reminded, c.warned = maps.Clone(s.reminded), maps.Clone(s.warned)
	c.inbound = maps.Clone(s.inbound)
	return c
}

// snapshot saves the state and returns the function that puts it back.
func (s *TicketStore) snapshot() func() {
	s.mu.Lock()
	saved := s.st.clone()
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		s.st = saved
		s.mu.Unlock()
	}
}

// NextNumber returns the next sequence number of day.
func (s *TicketStore) NextNumber(_ context.Context, day string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.numbers[day]++
	return s.st.numbers[day], nil
}

// Create stores a new ticket with version 1; Conflict
// (error.ticket.duplicate) for a token the opener used already.
func (s *TicketStore) Create(_ context.Context, t *ticket.Ticket, token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := tokenKey{t.OpenedBy, token}
	if token != "" {
		if _, ok := s.st.tokens[k]; ok {
			return domain.E(domain.Conflict, "error.ticket.duplicate")
		}
	}
	for _, o := range s.st.tickets {
		if o.Number == t.Number {
			return domain.E(domain.Conflict, "error.ticket.duplicate")
		}
	}
	s.st.lastID++
	t.ID, t.Version = s.st.lastID, 1
	c := *t
	c.Snapshot.Lines = slices.Clone(t.Snapshot.Lines)
	s.st.tickets = append(s.st.tickets, c)
	if token != "" {
		s.st.tokens[k] = t.ID
	}
	return nil
}

// ByToken returns the ticket the account created with token.
func (s *TicketStore) ByToken(_ context.Context, accountID int64, token string) (ticket.Ticket, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.st.tokens[tokenKey{accountID, token}]
	if !ok || token == "" {
		return ticket.Ticket{}, errTicketNotFound
	}
	return s.byID(id)
}

// Ticket returns the ticket with the id.
func (s *TicketStore) Ticket(_ context.Context, id int64) (ticket.Ticket, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byID(id)
}

func (s *TicketStore) index(id int64) int {
	i, ok := slices.BinarySearchFunc(s.st.tickets, id, func(t ticket.Ticket, id int64) int { return cmp.Compare(t.ID, id) })
	if !ok {
		return -1
	}
	return i
}

func (s *TicketStore) byID(id int64) (ticket.Ticket, error) {
	i := s.index(id)
	if i < 0 {
		return ticket.Ticket{}, errTicketNotFound
	}
	return copyTicket(s.st.tickets[i]), nil
}

func copyTicket(t ticket.Ticket) ticket.Ticket {
	t.Snapshot.Lines = slices.Clone(t.Snapshot.Lines)
	return t
}

// ByNumber returns the ticket with the number.
func (s *TicketStore) ByNumber(_ context.Context, number string) (ticket.Ticket, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.st.tickets {
		if t.Number == number {
			return copyTicket(t), nil
		}
	}
	return ticket.Ticket{}, errTicketNotFound
}

// Update calls fn on a copy of the ticket, one Update at a time (as the
// row lock of PostgreSQL), and keeps the copy, its version increased, when
// fn returns nil. fn may read the store.
func (s *TicketStore) Update(_ context.Context, id int64, fn func(*ticket.Ticket) error) (ticket.Ticket, error) {
	return s.change(id, fn, func(old, t ticket.Ticket) ticket.Ticket {
		// What identifies a ticket and its origin never changes.
		t.ID, t.Version = old.ID, old.Version+1
		t.Number, t.CompanyID, t.OpenedBy, t.FollowUpOf, t.CreatedAt = old.Number, old.CompanyID, old.OpenedBy, old.FollowUpOf, old.CreatedAt
		t.Rating = old.Rating
		return t
	})
}

// Retime calls fn with the ticket and keeps only its SLA targets and
// results, with the version as it was.
func (s *TicketStore) Retime(_ context.Context, id int64, fn func(*ticket.Ticket) error) (ticket.Ticket, error) {
	return s.change(id, fn, func(old, t ticket.Ticket) ticket.Ticket {
		out := copyTicket(old)
		out.FirstResponseDue, out.NextDue, out.FirstResponseBreached = t.FirstResponseDue, t.NextDue, t.FirstResponseBreached
		out.ResolutionDue, out.ResolutionBreached = t.ResolutionDue, t.ResolutionBreached
		return out
	})
}

// change calls fn with a copy of the ticket, one change at a time, and
// stores what keep makes of the ticket as it was and as fn left it; fn's
// error stores nothing.
func (s *TicketStore) change(id int64, fn func(*ticket.Ticket) error, keep func(old, t ticket.Ticket) ticket.Ticket) (ticket.Ticket, error) {
	s.upd.Lock()
	defer s.upd.Unlock()
	s.mu.Lock()
	old, err := s.byID(id)
	s.mu.Unlock()
	if err != nil {
		return ticket.Ticket{}, err
	}
	t := copyTicket(old)
	if err := fn(&t); err != nil {
		return old, err
	}
	t = keep(old, t)
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.index(id)
	if i < 0 {
		return ticket.Ticket{}, errTicketNotFound
	}
	s.st.tickets[i] = copyTicket(t)
	return t, nil
}

// OpenOnDevice returns the company's open tickets on the device, newest
// first.
func (s *TicketStore) OpenOnDevice(_ context.Context, companyID, deviceID int64) ([]ticket.Ticket, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []ticket.Ticket
	for i := len(s.st.tickets) - 1; i >= 0; i-- {
		t := s.st.tickets[i]
		if t.CompanyID == companyID && deviceID != 0 && t.Snapshot.DeviceID == deviceID && t.Open() {
			out = append(out, copyTicket(t))
		}
	}
	slices.SortStableFunc(out, func(a, b ticket.Ticket) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, nil
}

// CreatedSince counts the tickets an account or a company created at or
// after since.
func (s *TicketStore) CreatedSince(_ context.Context, accountID, companyID int64, since time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, t := range s.st.tickets {
		if (accountID > 0 && t.OpenedBy != accountID) || (companyID > 0 && t.CompanyID != companyID) {
			continue
		}
		if !t.CreatedAt.Before(since) {
			n++
		}
	}
	return n, nil
}
