package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"supportal/domain"
	"supportal/domain/ticket"
)

// TicketStore keeps the tickets and the daily sequences of their numbers.
type TicketStore struct {
	db sqlx.ExtContext
}

var _ ticket.Tickets = (*TicketStore)(nil)

// NewTicketStore returns the ticket store over db: a *sqlx.DB, or the
// *sqlx.Tx of a unit of work (see NewTicketTx).
func NewTicketStore(db sqlx.ExtContext) *TicketStore { return &TicketStore{db: db} }

// NewTicketTx returns the ticket module's unit-of-work runner over db: its
// tickets, threads, the mail outbox and the audit log are written in one
// transaction.
func NewTicketTx(db *sqlx.DB) *TxRunner[ticket.Stores] {
	return NewTxRunner(db, func(tx *sqlx.Tx) ticket.Stores {
		return ticket.Stores{Tickets: NewTicketStore(tx), Threads: NewTicketThreads(tx),
			Outbox: NewOutbox(tx), Audit: NewAudit(tx), Timers: NewTicketStore(tx),
			Ratings: NewTicketStore(tx), Inbound: NewTicketStore(tx)}
	})
}

// The message ids of the errors the ticket stores return.
const (
	keyTicketNotFound  = "error.ticket.not_found"
	keyTicketDuplicate = "error.ticket.duplicate"
)

// ticketErr returns nil and a *domain.Error unchanged and wraps anything
// else with the operation's name.
func ticketErr(op string, err error) error {
	var de *domain.Error
	if err == nil || errors.As(err, &de) {
		return err
	}
	return fmt.Errorf("ticket store: %s: %w", op, err)
}

// ticketRow is a row of tickets.
type ticketRow struct {
	ID               int64         `db:"id"`
	Number           string        `db:"number"`
	CompanyID        int64         `db:"company_id"`
	CompanyName      string        `db:"company_name"`
	OpenedBy         int64         `db:"opened_by"`
	OpenedByName     string        `db:"opened_by_name"`
	Title            string        `db:"title"`
	Category         string        `db:"category"`
	Priority         int           `db:"priority"`
	Status           string        `db:"status"`
	Phone            string        `db:"phone"`
	Snapshot         []byte        `db:"snapshot"`
	Covered          bool          `db:"covered"`
	Tier             string        `db:"tier"`
	FollowUpOf       sql.NullInt64 `db:"follow_up_of"`
	AssigneeID       sql.NullInt64 `db:"assignee_id"`
	AssigneeName     string        `db:"assignee_name"`
	Version          int           `db:"version"`
	CreatedAt        time.Time     `db:"created_at"`
	UpdatedAt        time.Time     `db:"updated_at"`
	ResolvedAt       sql.NullTime  `db:"resolved_at"`
	ClosedAt         sql.NullTime  `db:"closed_at"`
	FirstResponseAt  sql.NullTime  `db:"first_response_at"`
	FirstResponseDue sql.NullTime  `db:"first_response_due"`
	NextDue          sql.NullTime  `db:"next_due"`
	FirstBreached    bool          `db:"first_response_breached"`
	ResolutionDue    sql.NullTime  `db:"resolution_due"`
	ResBreached      sql.NullBool  `db:"resolution_breached"` // NULL: not computed yet (00024)
	RatingScore      sql.NullInt64 `db:"rating_score"`
	RatingComment    string        `db:"rating_comment"`
	RatedBy          sql.NullInt64 `db:"rated_by"`
	RatedByName      string        `db:"rated_by_name"`
	RatedFirstAt     sql.NullTime  `db:"rated_first_at"`
	RatedAt          sql.NullTime  `db:"rated_at"`
}

// ticketColumns lists the columns ticketRow scans, qualified by the alias t.
const ticketColumns = `t.id, t.number, t.company_id, t.company_name, t.opened_by, t.opened_by_name,
	t.title, t.category, t.priority, t.status, t.phone, t.snapshot, t.covered, t.tier, t.follow_up_of,
	t.assignee_id, t.assignee_name, t.version, t.created_at, t.updated_at, t.resolved_at, t.closed_at,
	t.first_response_at, t.first_response_due, t.next_due,
	t.first_response_breached, t.resolution_due, t.resolution_breached,
	t.rating_score, t.rating_comment, t.rated_by, t.rated_by_name, t.rated_first_at, t.rated_at`

// ticket returns the row as the domain's ticket, its times in UTC.
func (r ticketRow) ticket() (ticket.Ticket, error) {
	var snap ticket.Snapshot
	if err := json.Unmarshal(r.Snapshot, &snap); err != nil {
		return ticket.Ticket{}, fmt.Errorf("snapshot of ticket %d: %w", r.ID, err)
	}
	for i := range snap.Lines {
		snap.Lines[i].Start, snap.Lines[i].End = snap.Lines[i].Start.UTC(), snap.Lines[i].End.UTC()
	}
	return ticket.Ticket{
		ID: r.ID, Number: r.Number, CompanyID: r.CompanyID, CompanyName: r.CompanyName,
		OpenedBy: r.OpenedBy, OpenedByName: r.OpenedByName, Title: r.Title,
		Category: ticket.Category(r.Category), Priority: ticket.Priority(r.Priority),
		Status: ticket.Status(r.Status), Phone: r.Phone, Snapshot: snap, Covered: r.Covered,
		Tier: r.Tier, FollowUpOf: r.FollowUpOf.Int64, AssigneeID: r.AssigneeID.Int64,
		AssigneeName: r.AssigneeName, Version: r.Version,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		ResolvedAt: utcOrZero(r.ResolvedAt), ClosedAt: utcOrZero(r.ClosedAt),
		FirstResponseAt:  utcOrZero(r.FirstResponseAt),
		FirstResponseDue: utcOrZero(r.FirstResponseDue), NextDue: utcOrZero(r.NextDue),
		FirstResponseBreached: r.FirstBreached, ResolutionDue: utcOrZero(r.ResolutionDue),
		ResolutionBreached: r.ResBreached.Bool,
		Rating: ticket.Rating{Score: int(r.RatingScore.Int64), Comment: r.RatingComment, ByID: r.RatedBy.Int64,
			ByName: r.RatedByName, FirstAt: utcOrZero(r.RatedFirstAt), At: utcOrZero(r.RatedAt)},
	}, nil
}

// tickets converts rows.
func tickets(rows []ticketRow) ([]ticket.Ticket, error) {
	out := make([]ticket.Ticket, 0, len(rows))
	for _, r := range rows {
		t, err := r.ticket()
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// ticketArgs returns the values of t's changeable columns, in the order of
// the placeholders $1…$23 of Create and $2…$24 of Update.
func ticketArgs(t *ticket.Ticket) ([]any, error) {
	snap, err := json.Marshal(t.Snapshot)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	return []any{t.CompanyName, t.OpenedByName, t.Title, string(t.Category), int(t.Priority),
		string(t.Status), t.Phone, nullID(t.Snapshot.DeviceID), t.Snapshot.SN, snap, t.Covered, t.Tier,
		nullID(t.AssigneeID), t.AssigneeName, t.UpdatedAt, zeroNull(t.ResolvedAt), zeroNull(t.ClosedAt),
		zeroNull(t.FirstResponseAt), zeroNull(t.FirstResponseDue), zeroNull(t.NextDue),
		t.FirstResponseBreached, zeroNull(t.ResolutionDue), t.ResolutionBreached}, nil
}

// NextNumber returns the next sequence number of day, from 1. The upsert
// takes the day's row lock, so concurrent callers get distinct numbers; a
// number drawn by a unit of work that rolls back is drawn again by the next
// caller, and one that commits is never drawn again.
func (s *TicketStore) NextNumber(ctx context.Context, day string) (int, error) {
	const q = `
INSERT INTO ticket_numbers (day, last) VALUES ($1, 1)
ON CONFLICT (day) DO UPDATE SET last = ticket_numbers.last + 1
RETURNING last`
	var n int
	if err := s.db.QueryRowxContext(ctx, q, day).Scan(&n); err != nil {
		return 0, ticketErr("next number", err)
	}
	return n, nil
}

// Create stores a new ticket with its creation token (none when empty) and
// fills t.ID and t.Version. A second ticket of the same opener and token is
// not stored: Conflict (error.ticket.duplicate). The conflict is detected
// without an error of the database, so a unit of work may go on (to read
// the ticket the token created, for example).
func (s *TicketStore) Create(ctx context.Context, t *ticket.Ticket, token string) error {
	const q = `
INSERT INTO tickets (company_name, opened_by_name, title, category, priority, status, phone,
	device_id, device_sn, snapshot, covered, tier, assignee_id, assignee_name, updated_at,
	resolved_at, closed_at, first_response_at, first_response_due, next_due,
	first_response_breached, resolution_due, resolution_breached,
	number, company_id, opened_by, follow_up_of, create_token, created_at, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
	$21, $22, $23, $24, $25, $26, $27, $28, $29, 1)
ON CONFLICT (opened_by, create_token) WHERE create_token IS NOT NULL DO NOTHING
RETURNING id`
	args, err := ticketArgs(t)
	if err != nil {
		return ticketErr("create", err)
	}
	tok := sql.NullString{String: token, Valid: token != ""}
	args = append(args, t.Number, t.CompanyID, t.OpenedBy, nullID(t.FollowUpOf), tok, t.CreatedAt)
	var id int64
	err = s.db.QueryRowxContext(ctx, q, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.E(domain.Conflict, keyTicketDuplicate)
	}
	if err != nil {
		return ticketErr("create", err)
	}
	t.ID, t.Version = id, 1
	return nil
}

// getTicket returns the one ticket q (over the alias t) selects with args.
func (s *TicketStore) getTicket(ctx context.Context, db sqlx.ExtContext, op, q string, args ...any) (ticket.Ticket, error) {
	var r ticketRow
	if err := sqlx.GetContext(ctx, db, &r, q, args...); err != nil {
		return ticket.Ticket{}, ticketErr(op, notFound(err, keyTicketNotFound))
	}
	t, err := r.ticket()
	if err != nil {
		return ticket.Ticket{}, ticketErr(op, err)
	}
	return t, nil
}

// ByToken returns the ticket the account created with token; an empty
// token finds none.
func (s *TicketStore) ByToken(ctx context.Context, accountID int64, token string) (ticket.Ticket, error) {
	const q = `SELECT ` + ticketColumns + ` FROM tickets t WHERE t.opened_by = $1 AND t.create_token = $2`
	if token == "" {
		return ticket.Ticket{}, domain.E(domain.NotFound, keyTicketNotFound)
	}
	return s.getTicket(ctx, s.db, "by token", q, accountID, token)
}

// Ticket returns the ticket with id.
func (s *TicketStore) Ticket(ctx context.Context, id int64) (ticket.Ticket, error) {
	const q = `SELECT ` + ticketColumns + ` FROM tickets t WHERE t.id = $1`
	return s.getTicket(ctx, s.db, "ticket", q, id)
}

// ByNumber returns the ticket with number ("T20261127-000123").
func (s *TicketStore) ByNumber(ctx context.Context, number string) (ticket.Ticket, error) {
	const q = `SELECT ` + ticketColumns + ` FROM tickets t WHERE t.number = $1`
	return s.getTicket(ctx, s.db, "by number", q, number)
}

// Retime locks the ticket's row, calls fn with it and, when fn returns
// nil, stores only the SLA targets and results fn set, in one transaction
// (the unit of work's, or its own), keeping the version.
func (s *TicketStore) Retime(ctx context.Context, id int64, fn func(*ticket.Ticket) error) (ticket.Ticket, error) {
	const lock = `SELECT ` + ticketColumns + ` FROM tickets t WHERE t.id = $1 FOR UPDATE`
	const q = `
UPDATE tickets t SET first_response_due = $2, next_due = $3, first_response_breached = $4,
	resolution_due = $5, resolution_breached = $6
WHERE t.id = $1
RETURNING ` + ticketColumns
	var out ticket.Ticket
	err := withTx(ctx, s.db, func(tx sqlx.ExtContext) error {
		was, err := s.getTicket(ctx, tx, "retime", lock, id)
		if err != nil {
			return err
		}
		t := was
		if err := fn(&t); err != nil {
			out = was
			return err
		}
		out, err = s.getTicket(ctx, tx, "retime", q, id, zeroNull(t.FirstResponseDue), zeroNull(t.NextDue),
			t.FirstResponseBreached, zeroNull(t.ResolutionDue), t.ResolutionBreached)
		return err
	})
	return out, err
}

// Update locks the ticket's row, calls fn with it and, when fn returns nil,
// stores what fn changed with the version increased by one, in one
// transaction (the unit of work's, or its own). The number, company,
// opener, follow-up link and creation time never change.
func (s *TicketStore) Update(ctx context.Context, id int64, fn func(*ticket.Ticket) error) (ticket.Ticket, error) {
	const lock = `SELECT ` + ticketColumns + ` FROM tickets t WHERE t.id = $1 FOR UPDATE`
	const q = `
UPDATE tickets t SET company_name = $2, opened_by_name = $3, title = $4, category = $5, priority = $6,
	status = $7, phone = $8, device_id = $9, device_sn = $10, snapshot = $11, covered = $12, tier = $13,
	assignee_id = $14, assignee_name = $15, updated_at = $16, resolved_at = $17, closed_at = $18,
	first_response_at = $19, first_response_due = $20, next_due = $21,
	first_response_breached = $22, resolution_due = $23, resolution_breached = $24, version = t.version + 1
WHERE t.id = $1
RETURNING ` + ticketColumns
	var out ticket.Ticket
	err := withTx(ctx, s.db, func(tx sqlx.ExtContext) error {
		was, err := s.getTicket(ctx, tx, "update", lock, id)
		if err != nil {
			return err
		}
		t := was
		t.Snapshot.Lines = append([]ticket.Line(nil), was.Snapshot.Lines...)
		if err := fn(&t); err != nil {
			out = was
			return err
		}
		args, err := ticketArgs(&t)
		if err != nil {
			return ticketErr("update", err)
		}
		out, err = s.getTicket(ctx, tx, "update", q, append([]any{id}, args...)...)
		return err
	})
	return out, err
}
