package ticket

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"supportal/domain"
	"supportal/domain/attachment"
	"supportal/domain/page"
	"supportal/ports"
)

// Limits are the configurable bounds of the ticket use cases.
type Limits struct {
	PerAccountHour int // new tickets an account may open per hour (20)
	PerCompanyDay  int // new tickets a company may open per day (100)
	MaxFiles       int // attachments per message (5)
	MaxFileBytes   int64
	List           page.Limits // 我的工单 and the queue
	CountCap       int         // lists count up to it ("200+")
}

// DefaultLimits are the limits of SPEC §4.1.
var DefaultLimits = Limits{PerAccountHour: 20, PerCompanyDay: 100, MaxFiles: 5, MaxFileBytes: 20 << 20,
	List: page.Limits{DefaultSize: 20, MaxSize: 100, MaxNumber: 500}, CountCap: 200}

// Deps are the driven ports of the ticket service. Reads go to Tickets and
// Threads; every use case that writes runs as one unit of work of Tx.
type Deps struct {
	Tickets Tickets
	// Counter counts the queue's views in one read; nil takes Tickets when
	// it is a Counter, else one Count per view.
	Counter  Counter
	Threads  Threads
	Tx       TxRunner
	People   People
	Verified Verified
	Devices  Devices
	Clocks   Clocks
	Files    ports.FileStore
	Sniffer  attachment.Sniffer
	Now      func() time.Time
	// Log receives what a request cannot report, such as an object left
	// for the sweeper; nil discards it.
	Log    *slog.Logger
	Limits Limits // zero fields take DefaultLimits'
	// Timing are the intervals of the timed rules; zero fields take
	// DefaultTiming's.
	Timing Timing
	// Mail are the reply addresses and thread ids of the ticket emails
	// (zero: none) and the inbound replies' checks (inbound.go).
	Mail MailSettings
}

// Service holds the ticket use cases.
type Service struct{ d Deps }

// NewService returns the ticket service over its ports. It panics when a
// port is missing, a mistake of the wiring.
func NewService(d Deps) *Service {
	for name, missing := range map[string]bool{"Tickets": d.Tickets == nil, "Threads": d.Threads == nil, "Tx": d.Tx == nil,
		"People": d.People == nil, "Verified": d.Verified == nil, "Devices": d.Devices == nil, "Clocks": d.Clocks == nil,
		"Files": d.Files == nil, "Sniffer": d.Sniffer == nil} {
		if missing {
			panic("ticket: NewService: no " + name)
		}
	}
	if d.Counter == nil {
		if c, ok := d.Tickets.(Counter); ok {
			d.Counter = c
		} else {
			d.Counter = oneByOne{d.Tickets}
		}
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	l, def := &d.Limits, DefaultLimits
	if l.PerAccountHour <= 0 {
		l.PerAccountHour = def.PerAccountHour
	}
	if l.PerCompanyDay <= 0 {
		l.PerCompanyDay = def.PerCompanyDay
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = def.MaxFiles
	}
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = def.MaxFileBytes
	}
	if l.List.DefaultSize <= 0 {
		l.List = def.List
	}
	if l.CountCap <= 0 {
		l.CountCap = def.CountCap
	}
	d.Timing = d.Timing.withDefaults()
	return &Service{d: d}
}

func (s *Service) now() time.Time { return s.d.Now().UTC() }

// Actor is the caller of a use case, as the session knows it: the account,
// its company (0 for staff) and its staff role ("" for customers).
type Actor struct {
	AccountID int64
	CompanyID int64
	StaffRole string
}

// The staff roles that handle tickets; reviewers have no ticket access.
const (
	StaffAgent    = "agent"
	StaffAdmin    = "admin"
	StaffReviewer = "reviewer"
)

// Staff tells whether the actor is a staff member.
func (a Actor) Staff() bool { return a.StaffRole != "" }

// Agent tells whether the actor handles tickets (an agent or an admin).
func (a Actor) Agent() bool { return a.StaffRole == StaffAgent || a.StaffRole == StaffAdmin }

var (
	errNotFound   = domain.E(domain.NotFound, "error.ticket.not_found")
	errForbidden  = domain.E(domain.Forbidden, "error.ticket.forbidden")
	errStale      = domain.E(domain.Conflict, "error.ticket.stale")
	errDuplicate  = domain.E(domain.Conflict, "error.ticket.duplicate")
	errNoAttach   = domain.E(domain.NotFound, "error.ticket.attachment_not_found")
	errNotAgent   = domain.FieldError("assignee", "error.ticket.assignee_unknown")
	errNotClosed  = domain.E(domain.Invalid, "error.ticket.follow_up_open")
	errUnverified = domain.E(domain.Forbidden, "error.verification.required")
)

// customer checks that the actor is a customer of a verified company and
// returns its account.
func (s *Service) customer(ctx context.Context, a Actor) (Person, error) {
	if a.Staff() || a.AccountID == 0 {
		return Person{}, errForbidden
	}
	if a.CompanyID == 0 {
		return Person{}, errUnverified
	}
	if _, err := s.d.Verified.VerifiedCreditCode(ctx, a.CompanyID); err != nil {
		return Person{}, err
	}
	p, err := s.d.People.Person(ctx, a.AccountID)
	if err != nil {
		return Person{}, err
	}
	if p.Staff || p.CompanyID != a.CompanyID {
		return Person{}, errForbidden
	}
	return p, nil
}

// agent checks that the actor is an agent or an admin and returns its
// account.
func (s *Service) agent(ctx context.Context, a Actor) (Person, error) {
	if !a.Agent() {
		return Person{}, errForbidden
	}
	p, err := s.d.People.Person(ctx, a.AccountID)
	if err != nil {
		return Person{}, err
	}
	if !p.Staff || (p.Role != StaffAgent && p.Role != StaffAdmin) {
		return Person{}, errForbidden
	}
	return p, nil
}

// own returns a ticket of the customer's company; any other is NotFound,
// whether or not it exists.
func (s *Service) own(ctx context.Context, companyID, id int64) (Ticket, error) {
	t, err := s.d.Tickets.Ticket(ctx, id)
	if err != nil || t.CompanyID != companyID {
		if err != nil && domain.KindOf(err) != domain.NotFound {
			return Ticket{}, err
		}
		return Ticket{}, errNotFound
	}
	return t, nil
}

// Loaded is the state of the ticket an agent's page showed: its version and
// last activity. A change made on it is refused when the ticket moved on.
type Loaded struct {
	Version   int
	UpdatedAt time.Time
}

// StaleError refuses a change made on an older version of the ticket
// (Conflict, error.ticket.stale): Current is the ticket as it is now,
// Changes the history entries after the loaded version's last activity.
type StaleError struct {
	Current Ticket
	Changes []Event
}

// Error describes the conflict for logs.
func (e *StaleError) Error() string { return errStale.Error() }

// Unwrap returns the domain error, so that KindOf and As see a Conflict.
func (e *StaleError) Unwrap() error { return errStale }

// change applies fn to the ticket in the unit of work: the ticket is locked,
// its version checked against loaded (version 0: no check), fn changes it
// and returns the events it records; the ticket's activity time and SLA
// targets are then recomputed over its whole history and the events
// stored.
func (s *Service) change(ctx context.Context, st Stores, id int64, loaded Loaded, now time.Time,
	fn func(t *Ticket) ([]Event, error)) (before, after Ticket, err error) {
	var added []Event
	after, err = st.Tickets.Update(ctx, id, func(t *Ticket) error {
		if loaded.Version != 0 && t.Version != loaded.Version {
			return errStale
		}
		before = *t
		evs, err := fn(t)
		if err != nil {
			return err
		}
		hist, err := st.Threads.Events(ctx, id)
		if err != nil {
			return err
		}
		for i := range evs {
			evs[i].TicketID, evs[i].At = id, now
		}
		t.UpdatedAt = now
		if err := s.clocks(ctx, t, append(hist, evs...), now); err != nil {
			return err
		}
		added = evs
		return nil
	})
	if errors.Is(err, errStale) {
		return Ticket{}, Ticket{}, s.stale(ctx, st, after, loaded)
	}
	if err != nil {
		return Ticket{}, Ticket{}, err
	}
	for _, e := range added {
		if err := st.Threads.AddEvent(ctx, e); err != nil {
			return Ticket{}, Ticket{}, err
		}
	}
	return before, after, nil
}

// stale builds the conflict of a change made on loaded.
func (s *Service) stale(ctx context.Context, st Stores, cur Ticket, loaded Loaded) error {
	hist, err := st.Threads.Events(ctx, cur.ID)
	if err != nil {
		return err
	}
	e := &StaleError{Current: cur}
	for _, ev := range hist {
		if !loaded.UpdatedAt.IsZero() && ev.At.After(loaded.UpdatedAt) {
			e.Changes = append(e.Changes, ev)
		}
	}
	return e
}

// clocks stores the SLA targets of t over its history.
func (s *Service) clocks(ctx context.Context, t *Ticket, hist []Event, now time.Time) error {
	if !t.Covered {
		t.FirstResponseDue, t.NextDue = time.Time{}, time.Time{}
		t.FirstResponseBreached, t.ResolutionDue, t.ResolutionBreached = false, time.Time{}, false
		return nil
	}
	sla, err := s.d.Clocks.State(ctx, *t, hist, now)
	if err != nil {
		return err
	}
	t.FirstResponseDue, t.NextDue = sla.FirstResponse.Due, sla.NextDue
	t.FirstResponseBreached = sla.FirstResponse.Breached
	t.ResolutionBreached, t.ResolutionDue = sla.Resolution.Breached, sla.Resolution.Due
	return nil
}

// SLA returns the clocks of the ticket now (zero for an uncovered ticket).
func (s *Service) SLA(ctx context.Context, t Ticket) (SLAState, error) {
	if !t.Covered {
		return SLAState{}, nil
	}
	hist, err := s.d.Threads.Events(ctx, t.ID)
	if err != nil {
		return SLAState{}, err
	}
	return s.d.Clocks.State(ctx, t, hist, s.now())
}

// audit records an event of the ticket in the unit of work.
func audit(ctx context.Context, st Stores, typ string, actor int64, now time.Time, detail string) error {
	return st.Audit.Record(ctx, ports.AuditEvent{At: now, Type: typ, ActorID: actor, Detail: detail})
}
