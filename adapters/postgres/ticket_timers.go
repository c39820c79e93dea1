package postgres

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"supportal/domain"
	"supportal/domain/ticket"
)

var _ ticket.Timers = (*TicketStore)(nil)

// The claims of the timed rules lock the one ticket they return with FOR
// UPDATE SKIP LOCKED: a ticket another transaction holds (another
// scheduler handling it) is passed over, and a ticket that transaction
// changed and committed meanwhile is checked again against the conditions
// on its new row, so two schedulers never handle one ticket twice. Outside
// a unit of work the lock ends with the statement.

// waitingSinceSQL is when the ticket t last moved to waiting.
const waitingSinceSQL = `(SELECT max(e.at) FROM ticket_events e
	WHERE e.ticket_id = t.id AND e.kind = 'status' AND e.to_value = 'waiting')`

// ClaimToClose picks the resolved ticket resolved longest ago, at or before
// before.
func (s *TicketStore) ClaimToClose(ctx context.Context, before time.Time, skip []int64) (ticket.Ticket, bool, error) {
	const q = `SELECT ` + ticketColumns + ` FROM tickets t
WHERE t.status = 'resolved' AND t.resolved_at <= $1 AND NOT t.id = ANY($2)
ORDER BY t.resolved_at, t.id
LIMIT 1
FOR UPDATE SKIP LOCKED`
	return s.claim(ctx, "claim to close", q, before, skipArray(skip))
}

// ClaimToResolve picks a ticket waiting since at or before before.
func (s *TicketStore) ClaimToResolve(ctx context.Context, before time.Time, skip []int64) (ticket.Ticket, bool, error) {
	const q = `SELECT ` + ticketColumns + ` FROM tickets t
WHERE t.status = 'waiting' AND ` + waitingSinceSQL + ` <= $1 AND NOT t.id = ANY($2)
ORDER BY t.id
LIMIT 1
FOR UPDATE SKIP LOCKED`
	return s.claim(ctx, "claim to resolve", q, before, skipArray(skip))
}

// ClaimToRemind picks a ticket waiting since at or before before whose
// last reminder, if any, is older than its move to waiting.
func (s *TicketStore) ClaimToRemind(ctx context.Context, before time.Time, skip []int64) (ticket.Ticket, bool, error) {
	const q = `SELECT ` + ticketColumns + ` FROM tickets t
WHERE t.status = 'waiting' AND ` + waitingSinceSQL + ` <= $1
	AND (t.reminded_at IS NULL OR t.reminded_at < ` + waitingSinceSQL + `) AND NOT t.id = ANY($2)
ORDER BY t.id
LIMIT 1
FOR UPDATE SKIP LOCKED`
	return s.claim(ctx, "claim to remind", q, before, skipArray(skip))
}

// ClaimToWarn picks the open covered ticket without a first response nor a
// warning whose first response is due soonest, after now and at or before
// until.
func (s *TicketStore) ClaimToWarn(ctx context.Context, now, until time.Time, skip []int64) (ticket.Ticket, bool, error) {
	const q = `SELECT ` + ticketColumns + ` FROM tickets t
WHERE t.status IN ('new', 'in_progress', 'waiting') AND t.covered AND t.first_response_at IS NULL
	AND t.breach_warned_at IS NULL AND t.first_response_due > $1 AND t.first_response_due <= $2
	AND NOT t.id = ANY($3)
ORDER BY t.first_response_due, t.id
LIMIT 1
FOR UPDATE SKIP LOCKED`
	return s.claim(ctx, "claim to warn", q, now, until, skipArray(skip))
}

// Reminded records the ticket's waiting reminder.
func (s *TicketStore) Reminded(ctx context.Context, id int64, at time.Time) error {
	const q = `UPDATE tickets SET reminded_at = $2 WHERE id = $1`
	return s.mark(ctx, "reminded", q, id, at)
}

// Warned records the ticket's breach warning.
func (s *TicketStore) Warned(ctx context.Context, id int64, at time.Time) error {
	const q = `UPDATE tickets SET breach_warned_at = $2 WHERE id = $1`
	return s.mark(ctx, "warned", q, id, at)
}

// claim returns the ticket q selects, if any.
func (s *TicketStore) claim(ctx context.Context, op, q string, args ...any) (ticket.Ticket, bool, error) {
	var rows []ticketRow
	if err := sqlx.SelectContext(ctx, s.db, &rows, q, args...); err != nil {
		return ticket.Ticket{}, false, ticketErr(op, err)
	}
	if len(rows) == 0 {
		return ticket.Ticket{}, false, nil
	}
	t, err := rows[0].ticket()
	if err != nil {
		return ticket.Ticket{}, false, ticketErr(op, err)
	}
	return t, true, nil
}

// mark runs the update q of one ticket: NotFound when there is none.
func (s *TicketStore) mark(ctx context.Context, op, q string, id int64, at time.Time) error {
	res, err := s.db.ExecContext(ctx, q, id, at.UTC())
	if err != nil {
		return ticketErr(op, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return ticketErr(op, err)
		}
		return domain.E(domain.NotFound, keyTicketNotFound)
	}
	return nil
}

// skipArray is the claims' list of tickets to pass over, never NULL (which
// "NOT id = ANY" would turn into no ticket at all).
func skipArray(skip []int64) any {
	if skip == nil {
		skip = []int64{}
	}
	return pq.Array(skip)
}
