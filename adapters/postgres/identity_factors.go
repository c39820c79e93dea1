package postgres

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jmoiron/sqlx"

	"supportal/domain"
	"supportal/domain/identity"
)

// The message ids of the second factor's store errors.
const (
	keySecondFactorNone     = "error.second_factor.not_enrolled"
	keySecondFactorEnrolled = "error.second_factor.enrolled"
)

var _ identity.SecondFactors = (*IdentityStore)(nil)

// SecondFactor returns the account's enrolment with its recovery codes. It
// returns NotFound (error.second_factor.not_enrolled).
func (s *IdentityStore) SecondFactor(ctx context.Context, accountID int64) (identity.SecondFactor, error) {
	const q = `
SELECT account_id, secret, created_at, confirmed_at, last_step
FROM staff_second_factors
WHERE account_id = $1`
	f, err := scanFactor(s.db.QueryRowxContext(ctx, q, accountID))
	if err != nil {
		return identity.SecondFactor{}, identityErr("second factor", notFound(err, keySecondFactorNone))
	}
	if f.Recovery, err = recoveryCodes(ctx, s.db, accountID); err != nil {
		return identity.SecondFactor{}, err
	}
	return f, nil
}

func scanFactor(row *sqlx.Row) (identity.SecondFactor, error) {
	var f identity.SecondFactor
	if err := row.Scan(&f.AccountID, &f.Sealed, &f.CreatedAt, &f.ConfirmedAt, &f.LastStep); err != nil {
		return identity.SecondFactor{}, err
	}
	f.CreatedAt, f.ConfirmedAt = f.CreatedAt.UTC(), utcTimePtr(f.ConfirmedAt)
	return f, nil
}

func recoveryCodes(ctx context.Context, db sqlx.QueryerContext, accountID int64) ([]identity.RecoveryCode, error) {
	const q = `SELECT hash, used_at FROM staff_recovery_codes WHERE account_id = $1 ORDER BY hash`
	rows, err := db.QueryxContext(ctx, q, accountID)
	if err != nil {
		return nil, identityErr("recovery codes", err)
	}
	defer rows.Close()
	var out []identity.RecoveryCode
	for rows.Next() {
		var r identity.RecoveryCode
		if err := rows.Scan(&r.Hash, &r.UsedAt); err != nil {
			return nil, identityErr("recovery codes", err)
		}
		r.UsedAt = utcTimePtr(r.UsedAt)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, identityErr("recovery codes", err)
	}
	return out, nil
}

// BeginSecondFactor stores f as the account's unconfirmed enrolment, without
// recovery codes, replacing an unconfirmed one. It returns Conflict
// (error.second_factor.enrolled) when a confirmed one exists.
func (s *IdentityStore) BeginSecondFactor(ctx context.Context, f identity.SecondFactor) error {
	const q = `
INSERT INTO staff_second_factors (account_id, secret, created_at, confirmed_at, last_step)
VALUES ($1, $2, $3, NULL, 0)
ON CONFLICT (account_id) DO UPDATE
SET secret = EXCLUDED.secret, created_at = EXCLUDED.created_at, last_step = 0
WHERE staff_second_factors.confirmed_at IS NULL
RETURNING account_id`
	var id int64
	err := s.db.QueryRowxContext(ctx, q, f.AccountID, f.Sealed, f.CreatedAt).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		// The row exists and is confirmed, so the upsert changed nothing.
		return domain.E(domain.Conflict, keySecondFactorEnrolled)
	}
	if err != nil {
		return identityErr("begin second factor", err)
	}
	return nil
}

// UpdateSecondFactor locks the account's enrolment, calls fn with it and,
// when fn returns nil, stores its ConfirmedAt, LastStep and recovery codes;
// it returns fn's error, or the store's own. It runs in a transaction of its
// own, or in the unit of work the store was built over. It returns NotFound
// (error.second_factor.not_enrolled) when there is none. fn must not use the
// store.
func (s *IdentityStore) UpdateSecondFactor(ctx context.Context, accountID int64, fn func(*identity.SecondFactor) error) error {
	var fnErr error
	err := withTx(ctx, s.db, func(tx sqlx.ExtContext) error {
		const q = `
SELECT account_id, secret, created_at, confirmed_at, last_step
FROM staff_second_factors
WHERE account_id = $1
FOR UPDATE`
		f, err := scanFactor(tx.QueryRowxContext(ctx, q, accountID))
		if err != nil {
			return identityErr("update second factor: lock", notFound(err, keySecondFactorNone))
		}
		if f.Recovery, err = recoveryCodes(ctx, tx, accountID); err != nil {
			return err
		}
		if fnErr = fn(&f); fnErr != nil {
			return nil
		}

		const u = `UPDATE staff_second_factors SET confirmed_at = $2, last_step = $3 WHERE account_id = $1`
		if _, err := tx.ExecContext(ctx, u, accountID, nullTime(f.ConfirmedAt), f.LastStep); err != nil {
			return identityErr("update second factor", err)
		}
		const d = `DELETE FROM staff_recovery_codes WHERE account_id = $1`
		if _, err := tx.ExecContext(ctx, d, accountID); err != nil {
			return identityErr("update second factor: recovery codes", err)
		}
		const i = `INSERT INTO staff_recovery_codes (account_id, hash, used_at) VALUES ($1, $2, $3)`
		for _, r := range f.Recovery {
			if _, err := tx.ExecContext(ctx, i, accountID, r.Hash, nullTime(r.UsedAt)); err != nil {
				return identityErr("update second factor: recovery codes", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return fnErr
}

// DeleteSecondFactor removes the account's enrolment and, by the cascade, its
// recovery codes; none is not an error.
func (s *IdentityStore) DeleteSecondFactor(ctx context.Context, accountID int64) error {
	const q = `DELETE FROM staff_second_factors WHERE account_id = $1`
	if _, err := s.db.ExecContext(ctx, q, accountID); err != nil {
		return identityErr("delete second factor", err)
	}
	return nil
}
