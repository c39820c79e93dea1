package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"supportal/domain"
	"supportal/domain/identity"
)

// IdentityStore keeps the identity module's accounts, companies, codes,
// sessions, throttling attempts, registration drafts, second factors and
// service tokens, over the database or over the transaction of a unit of
// work (see NewIdentityTx).
type IdentityStore struct {
	db sqlx.ExtContext
}

var (
	_ identity.Accounts  = (*IdentityStore)(nil)
	_ identity.Companies = (*IdentityStore)(nil)
	_ identity.Codes     = (*IdentityStore)(nil)
	_ identity.Sessions  = (*IdentityStore)(nil)
	_ identity.Attempts  = (*IdentityStore)(nil)
	_ identity.Drafts    = (*IdentityStore)(nil)
)

// NewIdentityStore returns the identity store over db: a *sqlx.DB, or the
// *sqlx.Tx of a unit of work.
func NewIdentityStore(db sqlx.ExtContext) *IdentityStore { return &IdentityStore{db: db} }

// NewIdentityTx returns the runner of the identity module's units of work:
// the identity stores, the outbox and the audit log over one transaction.
func NewIdentityTx(db *sqlx.DB) *TxRunner[identity.Stores] {
	return NewTxRunner(db, func(tx *sqlx.Tx) identity.Stores {
		s := NewIdentityStore(tx)
		return identity.Stores{Accounts: s, Companies: s, Codes: s, Sessions: s, Attempts: s, Drafts: s,
			SecondFactors: s, Tokens: s, Outbox: NewOutbox(tx), Audit: NewAudit(tx)}
	})
}

var _ identity.TxRunner = (*TxRunner[identity.Stores])(nil)

// The message ids of the errors the identity store returns.
const (
	keyAccountNotFound = "error.account.not_found"
	keyCompanyNotFound = "error.company.not_found"
	keyEmailTaken      = "error.email.taken"
	keySessionExpired  = "error.session.expired"
	keyDraftExpired    = "error.register.expired"
	keyCodeInvalid     = "error.code.invalid"
)

// purgeKeep is how long expired codes and old attempts are kept before Purge
// removes them.
const purgeKeep = 24 * time.Hour

// identityErr returns a *domain.Error unchanged and wraps anything else with
// the operation's name.
func identityErr(op string, err error) error {
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	return fmt.Errorf("identity store: %s: %w", op, err)
}

// Purge deletes what is of no more use at now: codes that expired more than a
// day ago, attempts older than a day, expired registration drafts and
// sessions past their idle or absolute limit. Run it periodically.
func (s *IdentityStore) Purge(ctx context.Context, now time.Time) error {
	const q = `
WITH codes_gone AS (
	DELETE FROM codes WHERE expires_at < $1
), attempts_gone AS (
	DELETE FROM attempts WHERE at < $1
), drafts_gone AS (
	DELETE FROM registration_drafts WHERE expires_at < $2
)
DELETE FROM sessions WHERE last_seen_at < $3 OR created_at < $4`
	keep := now.Add(-purgeKeep)
	_, err := s.db.ExecContext(ctx, q, keep, now, now.Add(-identity.SessionIdle), now.Add(-identity.SessionAbsolute))
	if err != nil {
		return identityErr("purge", err)
	}
	return nil
}
