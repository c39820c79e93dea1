package postgres

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"supportal/domain/identity"
)

// AddCode stores a new emailed code; the address is stored lower-case.
func (s *IdentityStore) AddCode(ctx context.Context, c identity.Code) error {
	const q = `
INSERT INTO codes (email, purpose, hash, created_at, expires_at, tries, used_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id`
	var id int64
	err := s.db.QueryRowxContext(ctx, q,
		strings.ToLower(c.Email), c.Purpose, c.Hash, c.CreatedAt, c.ExpiresAt, c.Tries, nullTime(c.UsedAt),
	).Scan(&id)
	if err != nil {
		return identityErr("add code", err)
	}
	return nil
}

// UpdateLatestCode locks the newest code for email and purpose, calls fn
// with it, stores the code's Tries and UsedAt whatever fn returns, and
// returns fn's error; an error of the store itself takes precedence. It
// runs in a transaction of its own, or in the unit of work the store was
// built over (whose commit then keeps the tries). It returns NotFound
// (error.code.invalid) when there is no code. fn must not use the store.
func (s *IdentityStore) UpdateLatestCode(ctx context.Context, email string, p identity.Purpose, fn func(*identity.Code) error) error {
	var fnErr error
	err := withTx(ctx, s.db, func(tx sqlx.ExtContext) error {
		const q = `
SELECT id, email, purpose, hash, created_at, expires_at, tries, used_at
FROM codes
WHERE email = $1 AND purpose = $2
ORDER BY id DESC
LIMIT 1
FOR UPDATE`
		var (
			c       identity.Code
			purpose string
			usedAt  sql.NullTime
		)
		err := tx.QueryRowxContext(ctx, q, strings.ToLower(email), p).
			Scan(&c.ID, &c.Email, &purpose, &c.Hash, &c.CreatedAt, &c.ExpiresAt, &c.Tries, &usedAt)
		if err != nil {
			return identityErr("update code: lock", notFound(err, keyCodeInvalid))
		}
		c.Purpose = identity.Purpose(purpose)
		c.CreatedAt, c.ExpiresAt = c.CreatedAt.UTC(), c.ExpiresAt.UTC()
		if usedAt.Valid {
			t := usedAt.Time.UTC()
			c.UsedAt = &t
		}

		fnErr = fn(&c)

		const u = `UPDATE codes SET tries = $2, used_at = $3 WHERE id = $1`
		if _, err := tx.ExecContext(ctx, u, c.ID, c.Tries, nullTime(c.UsedAt)); err != nil {
			return identityErr("update code", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return fnErr
}

// nullTime returns t as a nullable time, NULL when t is nil.
func nullTime(t *time.Time) sql.NullTime {
	if t == nil {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: *t, Valid: true}
}
