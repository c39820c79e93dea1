package postgres

import (
	"context"
	"time"

	"supportal/domain"
	"supportal/domain/identity"
)

// The message ids of the service token store's errors.
const (
	keyTokenNotFound  = "error.token.not_found"
	keyTokenNameTaken = "error.token.name_taken"
)

var _ identity.Tokens = (*IdentityStore)(nil)

// tokenColumns lists the columns scanToken reads, in order.
const tokenColumns = `id, name, hash, created_at, last_used_at, revoked_at`

type tokenRowScanner interface{ Scan(dest ...any) error }

func scanToken(r tokenRowScanner) (identity.ServiceToken, error) {
	var t identity.ServiceToken
	if err := r.Scan(&t.ID, &t.Name, &t.Hash, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt); err != nil {
		return identity.ServiceToken{}, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	t.LastUsedAt, t.RevokedAt = utcTimePtr(t.LastUsedAt), utcTimePtr(t.RevokedAt)
	return t, nil
}

func utcTimePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// CreateToken stores t and fills t.ID. A name already used by an active
// token, compared without regard to case, returns Conflict
// (error.token.name_taken).
func (s *IdentityStore) CreateToken(ctx context.Context, t *identity.ServiceToken) error {
	const q = `
INSERT INTO service_tokens (name, hash, created_at)
VALUES ($1, $2, $3)
RETURNING id`
	if err := s.db.QueryRowxContext(ctx, q, t.Name, t.Hash, t.CreatedAt).Scan(&t.ID); err != nil {
		if isUniqueViolation(err) {
			return domain.E(domain.Conflict, keyTokenNameTaken)
		}
		return identityErr("create token", err)
	}
	return nil
}

// ListTokens returns every token, revoked ones included, oldest first.
func (s *IdentityStore) ListTokens(ctx context.Context) ([]identity.ServiceToken, error) {
	const q = `SELECT ` + tokenColumns + ` FROM service_tokens ORDER BY id`
	rows, err := s.db.QueryxContext(ctx, q)
	if err != nil {
		return nil, identityErr("list tokens", err)
	}
	defer rows.Close()
	var out []identity.ServiceToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, identityErr("list tokens", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, identityErr("list tokens", err)
	}
	return out, nil
}

// RevokeToken marks the active token with the given id revoked at at. It
// returns NotFound (error.token.not_found) when the token is absent or
// already revoked.
func (s *IdentityStore) RevokeToken(ctx context.Context, id int64, at time.Time) error {
	const q = `
UPDATE service_tokens SET revoked_at = $2
WHERE id = $1 AND revoked_at IS NULL
RETURNING id`
	var got int64
	if err := s.db.QueryRowxContext(ctx, q, id, at).Scan(&got); err != nil {
		return identityErr("revoke token", notFound(err, keyTokenNotFound))
	}
	return nil
}

// TokenByHash returns the token with the given hash, revoked or not. It
// returns NotFound (error.token.not_found).
func (s *IdentityStore) TokenByHash(ctx context.Context, hash []byte) (identity.ServiceToken, error) {
	const q = `SELECT ` + tokenColumns + ` FROM service_tokens WHERE hash = $1`
	t, err := scanToken(s.db.QueryRowxContext(ctx, q, hash))
	if err != nil {
		return identity.ServiceToken{}, identityErr("token by hash", notFound(err, keyTokenNotFound))
	}
	return t, nil
}

// TouchToken records that the token was used at at. An unknown id is not an
// error.
func (s *IdentityStore) TouchToken(ctx context.Context, id int64, at time.Time) error {
	const q = `UPDATE service_tokens SET last_used_at = $2 WHERE id = $1`
	if _, err := s.db.ExecContext(ctx, q, id, at); err != nil {
		return identityErr("touch token", err)
	}
	return nil
}
