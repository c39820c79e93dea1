package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"supportal/ports"
)

// AuditStore appends to and reads the audit log.
type AuditStore struct {
	db sqlx.ExtContext
}

var _ ports.Audit = (*AuditStore)(nil)

// NewAudit returns the audit log over db: a *sqlx.DB, or the *sqlx.Tx of the
// unit of work whose events it records.
func NewAudit(db sqlx.ExtContext) *AuditStore { return &AuditStore{db: db} }

// Record appends e; an ActorID of 0 is stored as NULL.
func (s *AuditStore) Record(ctx context.Context, e ports.AuditEvent) error {
	const q = `
INSERT INTO audit_log (at, type, account_id, email, ip, user_agent, detail)
VALUES ($1, $2, NULLIF($3::bigint, 0), $4, $5, $6, $7)`
	if _, err := s.db.ExecContext(ctx, q, e.At, e.Type, e.ActorID, e.Email, e.IP, e.UserAgent, e.Detail); err != nil {
		return fmt.Errorf("audit store: record %s: %w", e.Type, err)
	}
	return nil
}

// Events returns the events at or after since, oldest first, at most limit.
func (s *AuditStore) Events(ctx context.Context, since time.Time, limit int) ([]ports.AuditEvent, error) {
	const q = `
SELECT at, type, COALESCE(account_id, 0), email, ip, user_agent, detail
FROM audit_log WHERE at >= $1 ORDER BY at, id LIMIT $2`
	rows, err := s.db.QueryxContext(ctx, q, since, limit)
	if err != nil {
		return nil, fmt.Errorf("audit store: events: %w", err)
	}
	defer rows.Close()
	var out []ports.AuditEvent
	for rows.Next() {
		var e ports.AuditEvent
		if err := rows.Scan(&e.At, &e.Type, &e.ActorID, &e.Email, &e.IP, &e.UserAgent, &e.Detail); err != nil {
			return nil, fmt.Errorf("audit store: events: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit store: events: %w", err)
	}
	return out, nil
}
