package identity

import (
	"context"
	"fmt"
	"time"

	"supportal/domain"
)

// ResetPassword sets a new password with an emailed reset code, ends every
// session of the account and tells the owner by email. An unknown address and
// a wrong code give the same error.
func (s *Service) ResetPassword(ctx context.Context, email, code, password, confirm string, c Client) error {
	email = NormalizeEmail(email)
	if err := CheckPassword(password, confirm, email); err != nil {
		return err
	}
	a, err := s.d.Accounts.AccountByEmail(ctx, email)
	if err != nil {
		if isNotFound(err) {
			return errCodeInvalid
		}
		return err
	}
	// The code is checked first on its own: hashing the new password is
	// slow, so it runs neither for a wrong code (a known address would then
	// answer slower than an unknown one) nor inside the unit of work. The
	// code is used up in the unit of work that sets the password, so that
	// it stays valid when that fails.
	if err := s.checkCode(ctx, s.d.Codes, email, PurposeReset, code); err != nil {
		return err
	}
	h, err := s.d.Hasher.Hash(ctx, password)
	if err != nil {
		return fmt.Errorf("identity: hash: %w", err)
	}
	defer s.forgetAccount(a.ID)
	return s.d.Tx.InTx(ctx, func(st Stores) error {
		if err := s.useCode(ctx, st.Codes, email, PurposeReset, code); err != nil {
			return err
		}
		if err := s.setPassword(ctx, st, a, h, nil, c, "password_reset"); err != nil {
			return err
		}
		return st.Attempts.ClearAttempts(ctx, scopeLoginAccount, email)
	})
}

// ChangePassword sets a new password after checking the current one, ends the
// account's other sessions (keeping keep) and tells the owner by email.
func (s *Service) ChangePassword(ctx context.Context, a Account, current, password, confirm string, keep []byte, c Client) error {
	if err := s.throttled(ctx, scopeLoginAccount, a.Email, MaxAccountFailures, ThrottleWindow); err != nil {
		return err
	}
	ok, err := s.d.Hasher.Verify(ctx, a.PasswordHash, current)
	if err != nil {
		return fmt.Errorf("identity: verify: %w", err)
	}
	if !ok {
		if err := s.d.Attempts.AddAttempt(ctx, scopeLoginAccount, a.Email, s.now()); err != nil {
			return fmt.Errorf("identity: add attempt: %w", err)
		}
		return domain.FieldError("current_password", "error.password.current_wrong")
	}
	if err := CheckPassword(password, confirm, a.Email); err != nil {
		return err
	}
	h, err := s.d.Hasher.Hash(ctx, password)
	if err != nil {
		return fmt.Errorf("identity: hash: %w", err)
	}
	defer s.forgetAccount(a.ID)
	return s.d.Tx.InTx(ctx, func(st Stores) error { return s.setPassword(ctx, st, a, h, keep, c, "password_change") })
}

// setPassword stores the new hash, ends the account's sessions but keep,
// enqueues the notice to the owner and audits event, through the stores of
// one unit of work.
func (s *Service) setPassword(ctx context.Context, st Stores, a Account, hash string, keep []byte, c Client, event string) error {
	if err := st.Accounts.SetPassword(ctx, a.ID, hash, s.now()); err != nil {
		return err
	}
	if err := st.Sessions.DeleteAccountSessions(ctx, a.ID, keep); err != nil {
		return err
	}
	lang := c.Lang
	if lang == "" {
		lang = a.Lang
	}
	if err := s.notify(ctx, st, a.Email, lang, "password_changed", map[string]any{"Name": a.Name,
		"At": s.now().Format(time.RFC3339), "TimeZone": a.Location().String()}); err != nil {
		return err
	}
	return s.audit(ctx, st, event, a.ID, a.Email, c, "")
}
