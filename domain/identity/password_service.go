package identity

import (
	"context"
	"fmt"

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
	if err := s.useCode(ctx, email, PurposeReset, code); err != nil {
		return err
	}
	if err := s.setPassword(ctx, a, password, nil, c, "password_reset"); err != nil {
		return err
	}
	return s.d.Attempts.ClearAttempts(ctx, scopeLoginAccount, email)
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
	return s.setPassword(ctx, a, password, keep, c, "password_change")
}

func (s *Service) setPassword(ctx context.Context, a Account, password string, keep []byte, c Client, event string) error {
	h, err := s.d.Hasher.Hash(ctx, password)
	if err != nil {
		return fmt.Errorf("identity: hash: %w", err)
	}
	defer s.forgetAccount(a.ID)
	if err := s.d.Accounts.SetPassword(ctx, a.ID, h, s.now()); err != nil {
		return err
	}
	if err := s.d.Sessions.DeleteAccountSessions(ctx, a.ID, keep); err != nil {
		return err
	}
	lang := c.Lang
	if lang == "" {
		lang = a.Lang
	}
	s.notifyAsync(a.Email, lang, "password_changed", map[string]any{"Name": a.Name})
	return s.audit(ctx, event, a.ID, a.Email, c, "")
}
