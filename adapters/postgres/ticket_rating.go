package postgres

import (
	"context"
	"database/sql"

	"github.com/jmoiron/sqlx"

	"supportal/domain/ticket"
)

var _ ticket.Ratings = (*TicketStore)(nil)

// Rate locks the ticket's row, calls fn with the ticket and stores the
// rating fn returns, leaving the version and activity time as they are.
func (s *TicketStore) Rate(ctx context.Context, id int64, fn func(ticket.Ticket) (ticket.Rating, error)) (ticket.Ticket, error) {
	const lock = `SELECT ` + ticketColumns + ` FROM tickets t WHERE t.id = $1 FOR UPDATE`
	const q = `
UPDATE tickets t SET rating_score = $2, rating_comment = $3, rated_by = $4, rated_by_name = $5,
	rated_first_at = $6, rated_at = $7
WHERE t.id = $1
RETURNING ` + ticketColumns
	var out ticket.Ticket
	err := withTx(ctx, s.db, func(tx sqlx.ExtContext) error {
		was, err := s.getTicket(ctx, tx, "rate", lock, id)
		if err != nil {
			return err
		}
		r, err := fn(was)
		if err != nil {
			out = was
			return err
		}
		score := sql.NullInt64{Int64: int64(r.Score), Valid: r.Score > 0}
		out, err = s.getTicket(ctx, tx, "rate", q, id, score, r.Comment, nullID(r.ByID), r.ByName,
			zeroNull(r.FirstAt), zeroNull(r.At))
		return err
	})
	return out, err
}
