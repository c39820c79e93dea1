package postgres

import (
	"context"

	"supportal/domain"
	"supportal/domain/ticket"
)

var _ ticket.Inbound = (*TicketStore)(nil)

// Seen tells whether an email with key was handled on the ticket.
func (s *TicketStore) Seen(ctx context.Context, ticketID int64, key string) (bool, error) {
	const q = `SELECT EXISTS (SELECT 1 FROM ticket_inbound WHERE ticket_id = $1 AND key = $2)`
	var ok bool
	if err := s.db.QueryRowxContext(ctx, q, ticketID, key).Scan(&ok); err != nil {
		return false, ticketErr("inbound seen", err)
	}
	return ok, nil
}

// Record remembers a handled email; the same ticket and key again is a
// Conflict (error.ticket.mail_replay), also when another transaction
// records it at the same time (it waits for that one to end).
func (s *TicketStore) Record(ctx context.Context, r ticket.InboundRecord) error {
	const q = `
INSERT INTO ticket_inbound (ticket_id, key, account_id, message_id, outcome, received_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (ticket_id, key) DO NOTHING`
	res, err := s.db.ExecContext(ctx, q, r.TicketID, r.Key, r.AccountID, nullID(r.MessageID), r.Outcome, r.At)
	if err != nil {
		return ticketErr("inbound record", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return ticketErr("inbound record", err)
	} else if n == 0 {
		return domain.E(domain.Conflict, "error.ticket.mail_replay")
	}
	return nil
}
