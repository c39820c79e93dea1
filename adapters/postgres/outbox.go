package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"supportal/ports"
)

// OutboxStore keeps the notices of the mail outbox. Over a transaction (see
// NewOutbox) Enqueue writes a notice as part of that unit of work; over the
// database, Deliver hands due notices to a sender one at a time.
type OutboxStore struct {
	db sqlx.ExtContext
}

var _ ports.Outbox = (*OutboxStore)(nil)

// NewOutbox returns the outbox over db: a *sqlx.DB, or the *sqlx.Tx of a
// unit of work whose notices must be kept exactly when it commits.
func NewOutbox(db sqlx.ExtContext) *OutboxStore { return &OutboxStore{db: db} }

// Enqueue stores the notices to be sent, in one statement; a request id
// defaults to ctx's.
func (o *OutboxStore) Enqueue(ctx context.Context, ns ...ports.Notice) error {
	if len(ns) == 0 {
		return nil
	}
	cols := make([][]string, 5) // recipient, lang, template, data, request_id
	for _, n := range ns {
		data, err := json.Marshal(n.Data)
		if err != nil {
			return fmt.Errorf("outbox: enqueue %s: %w", n.Template, err)
		}
		if n.Data == nil {
			data = []byte("{}")
		}
		if n.RequestID == "" {
			n.RequestID = ports.RequestID(ctx)
		}
		for i, v := range []string{n.To, n.Lang, n.Template, string(data), n.RequestID} {
			cols[i] = append(cols[i], v)
		}
	}
	const q = `INSERT INTO outbox (recipient, lang, template, data, request_id)
SELECT r, l, t, d::jsonb, q FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(r, l, t, d, q)`
	if _, err := o.db.ExecContext(ctx, q, pq.Array(cols[0]), pq.Array(cols[1]), pq.Array(cols[2]), pq.Array(cols[3]), pq.Array(cols[4])); err != nil {
		return fmt.Errorf("outbox: enqueue %s (%d notices): %w", ns[0].Template, len(ns), err)
	}
	return nil
}

// Deliver claims the oldest notice due at now that no other worker holds
// (FOR UPDATE SKIP LOCKED), calls send with it and, in the same transaction,
// marks it sent, or, when send fails, records the error and schedules the
// next attempt after the delay retry gives for the attempts made so far (or
// gives the notice up when retry says no). The row stays locked
// while send runs, so no two workers send the same notice. It reports whether
// there was a notice to deliver, and send's error.
func (o *OutboxStore) Deliver(ctx context.Context, now time.Time, retry func(attempts int) (time.Duration, bool), send func(context.Context, ports.Delivery) error) (found bool, sendErr error, err error) {
	db, ok := o.db.(*sqlx.DB)
	if !ok {
		return false, nil, errors.New("outbox: deliver needs the database, not a transaction")
	}
	err = inTx(ctx, db, nil, func(tx *sqlx.Tx) error {
		const claim = `SELECT id, recipient, lang, template, data, request_id, attempts, created_at FROM outbox
			WHERE sent_at IS NULL AND failed_at IS NULL AND next_at <= $1
			ORDER BY next_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`
		var (
			d    ports.Delivery
			data []byte
		)
		row := tx.QueryRowxContext(ctx, claim, now)
		if err := row.Scan(&d.ID, &d.Notice.To, &d.Notice.Lang, &d.Notice.Template, &data, &d.Notice.RequestID, &d.Attempts, &d.Created); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			return fmt.Errorf("outbox: claim: %w", err)
		}
		found = true
		if err := json.Unmarshal(data, &d.Notice.Data); err != nil {
			sendErr = fmt.Errorf("outbox: notice %d: data: %w", d.ID, err)
		} else {
			sendErr = send(ctx, d)
		}
		if sendErr == nil {
			const sent = `UPDATE outbox SET sent_at = $2, attempts = attempts + 1, last_error = '' WHERE id = $1`
			_, err := tx.ExecContext(ctx, sent, d.ID, now)
			return wrapOutbox("mark sent", err)
		}
		delay, again := retry(d.Attempts + 1)
		if again {
			const later = `UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_at = $3 WHERE id = $1`
			_, err := tx.ExecContext(ctx, later, d.ID, sendErr.Error(), now.Add(delay))
			return wrapOutbox("schedule retry", err)
		}
		const giveUp = `UPDATE outbox SET attempts = attempts + 1, last_error = $2, failed_at = $3 WHERE id = $1`
		_, err := tx.ExecContext(ctx, giveUp, d.ID, sendErr.Error(), now)
		return wrapOutbox("give up", err)
	})
	return found, sendErr, err
}

func wrapOutbox(op string, err error) error {
	if err != nil {
		return fmt.Errorf("outbox: %s: %w", op, err)
	}
	return nil
}
