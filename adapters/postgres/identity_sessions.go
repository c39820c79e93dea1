package postgres

import (
	"context"
	"time"

	"supportal/domain/identity"
)

// CreateSession stores a new session. The account must exist.
func (s *IdentityStore) CreateSession(ctx context.Context, sess identity.Session) error {
	const q = `
INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, ip, user_agent, second_factor_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING account_id`
	var id int64
	err := s.db.QueryRowxContext(ctx, q,
		sess.TokenHash, sess.AccountID, sess.CreatedAt, sess.LastSeenAt, sess.IP, sess.UserAgent, nullTime(sess.SecondFactorAt),
	).Scan(&id)
	if err != nil {
		return identityErr("create session", err)
	}
	return nil
}

// SessionByHash returns the session whose token has the given hash, whether
// or not it is still valid. It returns NotFound (error.session.expired).
func (s *IdentityStore) SessionByHash(ctx context.Context, hash []byte) (identity.Session, error) {
	const q = `
SELECT token_hash, account_id, created_at, last_seen_at, ip, user_agent, second_factor_at
FROM sessions
WHERE token_hash = $1`
	var sess identity.Session
	err := s.db.QueryRowxContext(ctx, q, hash).
		Scan(&sess.TokenHash, &sess.AccountID, &sess.CreatedAt, &sess.LastSeenAt, &sess.IP, &sess.UserAgent, &sess.SecondFactorAt)
	if err != nil {
		return identity.Session{}, identityErr("session by hash", notFound(err, keySessionExpired))
	}
	sess.CreatedAt, sess.LastSeenAt = sess.CreatedAt.UTC(), sess.LastSeenAt.UTC()
	sess.SecondFactorAt = utcTimePtr(sess.SecondFactorAt)
	return sess, nil
}

// TouchSession records that the session was seen at at. An unknown hash is
// not an error.
func (s *IdentityStore) TouchSession(ctx context.Context, hash []byte, at time.Time) error {
	const q = `UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1`
	if _, err := s.db.ExecContext(ctx, q, hash, at); err != nil {
		return identityErr("touch session", err)
	}
	return nil
}

// DeleteSession ends the session. An unknown hash is not an error.
func (s *IdentityStore) DeleteSession(ctx context.Context, hash []byte) error {
	const q = `DELETE FROM sessions WHERE token_hash = $1`
	if _, err := s.db.ExecContext(ctx, q, hash); err != nil {
		return identityErr("delete session", err)
	}
	return nil
}

// DeleteAccountSessions ends every session of the account except the one
// whose hash is except; an empty except ends all.
func (s *IdentityStore) DeleteAccountSessions(ctx context.Context, accountID int64, except []byte) error {
	if len(except) == 0 {
		const q = `DELETE FROM sessions WHERE account_id = $1`
		if _, err := s.db.ExecContext(ctx, q, accountID); err != nil {
			return identityErr("delete account sessions", err)
		}
		return nil
	}
	const q = `DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2`
	if _, err := s.db.ExecContext(ctx, q, accountID, except); err != nil {
		return identityErr("delete account sessions", err)
	}
	return nil
}

// AddAttempt records one throttled event for scope and subject at at.
func (s *IdentityStore) AddAttempt(ctx context.Context, scope, subject string, at time.Time) error {
	const q = `INSERT INTO attempts (scope, subject, at) VALUES ($1, $2, $3)`
	if _, err := s.db.ExecContext(ctx, q, scope, subject, at); err != nil {
		return identityErr("add attempt", err)
	}
	return nil
}

// CountAttempts returns how many attempts for scope and subject happened at or
// after since, and the time of the oldest of them (zero when there are none).
func (s *IdentityStore) CountAttempts(ctx context.Context, scope, subject string, since time.Time) (int, time.Time, error) {
	const q = `
SELECT count(*), min(at)
FROM attempts
WHERE scope = $1 AND subject = $2 AND at >= $3`
	var (
		n      int
		oldest *time.Time
	)
	if err := s.db.QueryRowxContext(ctx, q, scope, subject, since).Scan(&n, &oldest); err != nil {
		return 0, time.Time{}, identityErr("count attempts", err)
	}
	if oldest == nil {
		return n, time.Time{}, nil
	}
	return n, oldest.UTC(), nil
}

// ClearAttempts forgets every attempt for scope and subject.
func (s *IdentityStore) ClearAttempts(ctx context.Context, scope, subject string) error {
	const q = `DELETE FROM attempts WHERE scope = $1 AND subject = $2`
	if _, err := s.db.ExecContext(ctx, q, scope, subject); err != nil {
		return identityErr("clear attempts", err)
	}
	return nil
}
