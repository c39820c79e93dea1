package memory

import (
	"bytes"
	"context"
	"fmt"

	"supportal/domain"
	"supportal/domain/identity"
)

var (
	errSecondFactorNone     = domain.E(domain.NotFound, "error.second_factor.not_enrolled")
	errSecondFactorEnrolled = domain.E(domain.Conflict, "error.second_factor.enrolled")
)

// copyFactor returns f with its slices and pointers copied.
func copyFactor(f identity.SecondFactor) identity.SecondFactor {
	f.Sealed = bytes.Clone(f.Sealed)
	f.CreatedAt = dbTime(f.CreatedAt)
	f.ConfirmedAt = copyTime(f.ConfirmedAt)
	if f.Recovery != nil {
		rs := make([]identity.RecoveryCode, len(f.Recovery))
		for i, r := range f.Recovery {
			rs[i] = identity.RecoveryCode{Hash: bytes.Clone(r.Hash), UsedAt: copyTime(r.UsedAt)}
		}
		f.Recovery = rs
	}
	return f
}

// SecondFactor returns the account's enrolment with its recovery codes. It
// returns NotFound (error.second_factor.not_enrolled).
func (s *IdentityStore) SecondFactor(_ context.Context, accountID int64) (identity.SecondFactor, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.factors[accountID]
	if !ok {
		return identity.SecondFactor{}, errSecondFactorNone
	}
	return copyFactor(f), nil
}

// BeginSecondFactor stores f as the account's unconfirmed enrolment, without
// recovery codes, replacing an unconfirmed one. It returns Conflict
// (error.second_factor.enrolled) when a confirmed one exists. The account
// must exist.
func (s *IdentityStore) BeginSecondFactor(_ context.Context, f identity.SecondFactor) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[f.AccountID]; !ok {
		return fmt.Errorf("memory identity store: begin second factor: no account %d", f.AccountID)
	}
	if cur, ok := s.factors[f.AccountID]; ok && cur.ConfirmedAt != nil {
		return errSecondFactorEnrolled
	}
	f = copyFactor(f)
	f.ConfirmedAt, f.LastStep, f.Recovery = nil, 0, nil
	s.factors[f.AccountID] = f
	return nil
}

// UpdateSecondFactor calls fn with the account's enrolment and, when fn
// returns nil, stores its ConfirmedAt, LastStep and recovery codes. It
// returns NotFound (error.second_factor.not_enrolled) when there is none. The
// store is locked while fn runs, so fn must not use it.
func (s *IdentityStore) UpdateSecondFactor(_ context.Context, accountID int64, fn func(*identity.SecondFactor) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.factors[accountID]
	if !ok {
		return errSecondFactorNone
	}
	f := copyFactor(cur)
	if err := fn(&f); err != nil {
		return err
	}
	f = copyFactor(f)
	cur.ConfirmedAt, cur.LastStep, cur.Recovery = f.ConfirmedAt, f.LastStep, f.Recovery
	s.factors[accountID] = cur
	return nil
}

// DeleteSecondFactor removes the account's enrolment; none is not an error.
func (s *IdentityStore) DeleteSecondFactor(_ context.Context, accountID int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.factors, accountID)
	return nil
}
