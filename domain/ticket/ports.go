package ticket

import (
	"context"
	"time"

	"supportal/ports"
)

// Filter selects tickets: a customer's list (CompanyID set) or the agents'
// queue (CompanyID 0: every company). Zero fields do not filter.
type Filter struct {
	CompanyID  int64
	OpenedBy   int64
	Statuses   []Status // any of them; none: every status
	Priority   Priority
	Category   Category
	AssigneeID int64
	Unassigned bool
	Covered    *bool
	// Search matches the number exactly, or a substring of the title or
	// the device SN, or (in the queue) of the company name.
	// Substrings match in any case, and % and _ are text, not wildcards.
	Search string
	// DueBefore keeps the tickets whose next SLA target falls before it.
	DueBefore time.Time
	// DueFrom keeps the tickets whose next SLA target falls at or after it.
	DueFrom time.Time
	// Sort is SortActivity (newest activity first) or SortDue (soonest
	// next target first, tickets without one last, then oldest first).
	Sort   string
	Offset int
	Limit  int
}

// The orders of a list.
const (
	SortActivity = "activity"
	SortDue      = "due"
)

// Tickets stores tickets, their threads and histories. Lookups return
// NotFound (error.ticket.not_found) when nothing matches.
type Tickets interface {
	// NextNumber returns the next sequence number of day ("20261127"),
	// from 1; a number once returned is never returned again, whatever
	// races the callers run.
	NextNumber(ctx context.Context, day string) (int, error)
	// Create stores a new ticket, filling t.ID and t.Version (1). A ticket
	// with the same opener and a non-empty token exists already: Conflict
	// (error.ticket.duplicate).
	Create(ctx context.Context, t *Ticket, token string) error
	// ByToken returns the ticket the account created with token.
	ByToken(ctx context.Context, accountID int64, token string) (Ticket, error)
	Ticket(ctx context.Context, id int64) (Ticket, error)
	ByNumber(ctx context.Context, number string) (Ticket, error)
	// Update locks the ticket, calls fn and, when fn returns nil, stores
	// the changed ticket with its version increased by one; it returns the
	// stored ticket, or fn's error with the ticket as it was.
	// The number, company, opener, follow-up link, creation time and
	// rating are kept whatever fn sets.
	Update(ctx context.Context, id int64, fn func(*Ticket) error) (Ticket, error)
	// Retime locks the ticket, calls fn and, when fn returns nil, stores
	// only the SLA targets and results fn set (FirstResponseDue, NextDue,
	// FirstResponseBreached, ResolutionDue, ResolutionBreached), keeping
	// the version and the activity time: the clocks recomputed after a
	// change of the settings are no edit that a page loaded before must
	// give way to.
	Retime(ctx context.Context, id int64, fn func(*Ticket) error) (Ticket, error)
	// List returns a page of the tickets the filter selects and their
	// count, up to countCap (0: exact).
	// A Limit of 0 or less lists no ticket, only the count.
	List(ctx context.Context, f Filter, countCap int) ([]Ticket, int, error)
	// Count returns how many tickets the filter selects, up to countCap.
	// With countCap > 0 counting stops after countCap+1 tickets, so that a
	// count above countCap tells "more than countCap" (page.Request.Page).
	Count(ctx context.Context, f Filter, countCap int) (int, error)
	// OpenOnDevice returns the company's open tickets on the device,
	// newest first.
	OpenOnDevice(ctx context.Context, companyID, deviceID int64) ([]Ticket, error)
	// CreatedSince counts the tickets an account (accountID > 0) or a
	// company (companyID > 0) created at or after since.
	CreatedSince(ctx context.Context, accountID, companyID int64, since time.Time) (int, error)
}

// Threads stores the messages, attachments, events and followers of
// tickets.
type Threads interface {
	// AddMessage stores m, filling m.ID; its attachments are stored by
	// AddAttachment.
	AddMessage(ctx context.Context, m *Message) error
	// AddAttachment stores a's row and the attachment index row that keeps
	// its object from the sweeper, filling a.ID.
	AddAttachment(ctx context.Context, a *Attachment) error
	// Messages returns the thread of a ticket, oldest first, with the
	// attachments; internal notes only when withNotes.
	Messages(ctx context.Context, ticketID int64, withNotes bool) ([]Message, error)
	// Attachment returns one attachment and whether its message is an
	// internal note.
	Attachment(ctx context.Context, id int64) (Attachment, bool, error)
	AddEvent(ctx context.Context, e Event) error
	// Events returns a ticket's history, oldest first.
	Events(ctx context.Context, ticketID int64) ([]Event, error)
	// Follow adds an account to the ticket's followers (no error when it
	// follows already).
	Follow(ctx context.Context, ticketID, accountID int64) error
	// Followers returns the ids of the accounts following the ticket.
	Followers(ctx context.Context, ticketID int64) ([]int64, error)
}

// Stores are the stores of one unit of work: what they write is kept
// together when the unit of work commits, or not at all. Notices and audit
// events are written through them.
type Stores struct {
	Tickets Tickets
	Threads Threads
	Outbox  ports.Outbox
	Audit   ports.Audit
	// Timers claims the tickets the timed rules are due for (timers.go).
	Timers Timers
	// Ratings stores the customers' ratings (rating.go).
	Ratings Ratings
	// Inbound remembers the handled email replies (inbound.go).
	Inbound Inbound
}

// Ratings stores the 满意度评价 of tickets.
type Ratings interface {
	// Rate locks the ticket (as Update does), calls fn with it and, when fn
	// returns nil, stores the rating fn returns as the ticket's, leaving
	// the ticket's version and activity time as they are; it returns the
	// ticket with its stored rating, or fn's error. An unknown ticket is
	// NotFound.
	Rate(ctx context.Context, id int64, fn func(Ticket) (Rating, error)) (Ticket, error)
}

// Timers finds the tickets a timed rule is due for and records the notices
// the rules sent. Each Claim returns the one due ticket it picked (ok false:
// none), locked until the unit of work ends; a ticket another unit of work
// holds is skipped, not waited for, so that several schedulers on one
// database share the due tickets and handle each once.
type Timers interface {
	// Each claim passes over the tickets of skip (those a rule failed on
	// earlier in the same run).

	// ClaimToClose picks a resolved ticket resolved at or before before.
	ClaimToClose(ctx context.Context, before time.Time, skip []int64) (t Ticket, ok bool, err error)
	// ClaimToResolve picks a ticket waiting for the customer (待客户反馈)
	// since at or before before: the time of its last move to waiting.
	ClaimToResolve(ctx context.Context, before time.Time, skip []int64) (t Ticket, ok bool, err error)
	// ClaimToRemind picks a ticket waiting since at or before before that
	// has had no reminder since it last moved to waiting.
	ClaimToRemind(ctx context.Context, before time.Time, skip []int64) (t Ticket, ok bool, err error)
	// ClaimToWarn picks an open covered ticket without a first response nor
	// a breach warning whose first response is due after now and at or
	// before until.
	ClaimToWarn(ctx context.Context, now, until time.Time, skip []int64) (t Ticket, ok bool, err error)
	// Reminded records that the ticket's waiting reminder was sent at at.
	Reminded(ctx context.Context, ticketID int64, at time.Time) error
	// Warned records that the ticket's breach warning was sent at at.
	Warned(ctx context.Context, ticketID int64, at time.Time) error
}

// TxRunner runs units of work. InTx calls fn with the stores of one unit of
// work, keeps its writes when fn returns nil and discards them otherwise; it
// returns fn's error, or the error of keeping the writes.
type TxRunner interface {
	InTx(ctx context.Context, fn func(Stores) error) error
}

// Person is an account as tickets know it: a customer or a staff member.
type Person struct {
	ID          int64
	CompanyID   int64 // 0 for staff
	CompanyName string
	Name        string
	Email       string
	Phone       string
	Lang        string
	TimeZone    string // IANA name
	Staff       bool
	Role        string // the staff role ("agent", "admin", "reviewer"); "" for customers
}

// People looks up accounts (the identity module, wired by main). Person
// returns NotFound for an unknown account.
type People interface {
	Person(ctx context.Context, accountID int64) (Person, error)
	// Agents returns the staff who handle tickets (agents and admins).
	Agents(ctx context.Context) ([]Person, error)
}

// Verified tells whether a company is verified (the verification module):
// VerifiedCreditCode returns Forbidden (error.verification.required) when
// it is not.
type Verified interface {
	VerifiedCreditCode(ctx context.Context, companyID int64) (string, error)
}

// Device is a device of a company with its service lines (the warranty
// module).
type Device struct {
	ID    int64
	SN    string
	Name  string
	Lines []Line
}

// Devices finds a company's devices (the warranty module, wired by main).
// A device of another company is NotFound, as an unknown one.
type Devices interface {
	DeviceBySN(ctx context.Context, companyID int64, sn string) (Device, error)
	DeviceByID(ctx context.Context, companyID, id int64) (Device, error)
	// Suggest returns up to limit devices of the company whose SN or name
	// contains q, for the type-ahead.
	Suggest(ctx context.Context, companyID int64, q string, limit int) ([]Device, error)
	// CompanyLines returns the service lines of all the company's devices
	// that are active at at.
	CompanyLines(ctx context.Context, companyID int64, at time.Time) ([]Line, error)
}

// Entitlement is what a ticket's service lines give it.
type Entitlement struct {
	Covered  bool
	Tier     string    // tier code; "" uncovered
	LastEnd  time.Time // the end of the device's last line (for the warning)
	TierName string    // message id of the tier's name
}

// Target is one SLA metric of a ticket: first response, next response or
// resolution.
type Target struct {
	Running   bool      // the clock runs (not met, not paused, not stopped)
	Paused    bool      // paused while 待客户反馈
	Due       time.Time // zero when the metric has no target now
	Met       bool
	MetAt     time.Time
	Breached  bool
	Remaining time.Duration // business time left (negative once breached)
}

// SLAState is where a ticket's clocks stand.
type SLAState struct {
	FirstResponse, NextResponse, Resolution Target
	// NextDue is the soonest due time of the running targets (zero: none).
	NextDue time.Time
}

// Clocks compute entitlement and SLA from a ticket's lines and history,
// under the configured tiers and business calendars.
type Clocks interface {
	// Entitle returns what lines active at at give a ticket (the best tier
	// of them).
	Entitle(ctx context.Context, lines []Line, at time.Time) (Entitlement, error)
	// State returns t's clocks at now from its history, oldest first.
	State(ctx context.Context, t Ticket, history []Event, now time.Time) (SLAState, error)
	// Remaining returns the working time of tier's calendar from now to
	// due (negative once due has passed); the wall-clock time when the
	// tier is unknown.
	Remaining(ctx context.Context, tier string, now, due time.Time) (time.Duration, error)
}
