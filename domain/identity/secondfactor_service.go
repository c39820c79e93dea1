package identity

import (
	"context"
	"fmt"
	"strings"

	"supportal/domain"
)

// Enrolment is what a staff member types or scans into an authenticator app.
type Enrolment struct {
	// Secret is the TOTP secret in base32.
	Secret string
	// URI is the otpauth:// address the QR code carries.
	URI string
}

// SecondFactorStatus describes a staff account's second factor.
type SecondFactorStatus struct {
	Enrolled     bool
	RecoveryLeft int
}

// Verified is the outcome of a completed second factor.
type Verified struct {
	// Token is the new session token: the session is rotated once the second
	// factor is given.
	Token string
	// Recovery is true when a recovery code was used; RecoveryLeft says how
	// many remain.
	Recovery     bool
	RecoveryLeft int
}

// SecondFactorState returns whether the staff account a has a confirmed
// second factor and how many recovery codes it has left.
func (s *Service) SecondFactorState(ctx context.Context, a Account) (SecondFactorStatus, error) {
	f, err := s.d.SecondFactors.SecondFactor(ctx, a.ID)
	if isNotFound(err) {
		return SecondFactorStatus{}, nil
	}
	if err != nil {
		return SecondFactorStatus{}, err
	}
	return SecondFactorStatus{Enrolled: f.Confirmed(), RecoveryLeft: f.RecoveryLeft()}, nil
}

// BeginEnrolment returns the secret the staff account a is to enrol: the one
// of an unconfirmed enrolment in progress, else a fresh one, stored sealed.
// It returns Conflict when the account already has a confirmed second factor.
// Until the enrolment is confirmed, whoever holds the password may see the
// secret; from then on it is never shown again.
func (s *Service) BeginEnrolment(ctx context.Context, a Account) (Enrolment, error) {
	if !a.IsStaff() {
		return Enrolment{}, domain.E(domain.Forbidden, "error.forbidden")
	}
	var secret string
	f, err := s.d.SecondFactors.SecondFactor(ctx, a.ID)
	switch {
	case err == nil && f.Confirmed():
		return Enrolment{}, errSecondFactorEnrolled
	case err == nil:
		// A secret sealed under a former server secret no longer opens;
		// a fresh one replaces it.
		secret, _ = OpenSecret(s.d.Secret, a.ID, f.Sealed)
	case !isNotFound(err):
		return Enrolment{}, err
	}
	if secret == "" {
		if secret, err = newTOTPSecret(); err != nil {
			return Enrolment{}, err
		}
		sealed, err := SealSecret(s.d.Secret, a.ID, secret)
		if err != nil {
			return Enrolment{}, err
		}
		if err := s.d.SecondFactors.BeginSecondFactor(ctx, SecondFactor{AccountID: a.ID, Sealed: sealed, CreatedAt: s.now()}); err != nil {
			return Enrolment{}, err
		}
	}
	uri, err := s.d.OTP.URI(TOTPIssuer, a.Email, secret)
	if err != nil {
		return Enrolment{}, fmt.Errorf("identity: totp uri: %w", err)
	}
	return Enrolment{Secret: secret, URI: uri}, nil
}

// ConfirmEnrolment completes the enrolment of the signed-in staff member of
// token with the first code from the app. It returns the new session token
// and the recovery codes, which are shown this once and stored only hashed.
// A wrong code returns Invalid (error.second_factor.invalid) and counts
// toward the sign-in throttling; too many return TooMany.
func (s *Service) ConfirmEnrolment(ctx context.Context, token, code string, c Client) (string, []string, error) {
	a, sess, err := s.pendingSession(ctx, token)
	if err != nil {
		return "", nil, err
	}
	if err := s.checkLoginThrottle(ctx, a.Email, c); err != nil {
		return "", nil, err
	}
	codes, err := newRecoveryCodes()
	if err != nil {
		return "", nil, err
	}
	now := s.now()
	recovery := make([]RecoveryCode, len(codes))
	for i, rc := range codes {
		recovery[i] = RecoveryCode{Hash: HashRecoveryCode(s.d.Secret, a.ID, normalizeRecoveryCode(rc))}
	}
	code = strings.TrimSpace(code)
	var next string
	err = s.inTxRefusing(ctx, func(st Stores) (error, error) {
		err := st.SecondFactors.UpdateSecondFactor(ctx, a.ID, func(f *SecondFactor) error {
			if f.Confirmed() {
				return errSecondFactorEnrolled
			}
			if err := s.checkTOTP(f, code); err != nil {
				return err
			}
			f.ConfirmedAt, f.Recovery = &now, recovery
			return nil
		})
		if domain.KindOf(err) == domain.Invalid {
			return errSecondFactorInvalid, s.secondFactorFailed(ctx, st, a, c, "enrol")
		}
		if err != nil {
			return nil, err
		}
		next, err = s.secondFactorDone(ctx, st, a, sess, c, "second_factor_enrolled", "totp")
		return nil, err
	})
	s.sessions.Delete(string(sess.TokenHash))
	if err != nil {
		return "", nil, err
	}
	return next, codes, nil
}

// VerifySecondFactor completes the sign-in of the staff member of token with
// a six-digit code from the app or a recovery code. A code of a time step
// already used (a replay) or older is refused like a wrong one; a recovery
// code works once. Failures return Invalid (error.second_factor.invalid),
// count toward the sign-in throttling and are audited; NotFound means the
// account has not enrolled yet.
func (s *Service) VerifySecondFactor(ctx context.Context, token, code string, c Client) (Verified, error) {
	a, sess, err := s.pendingSession(ctx, token)
	if err != nil {
		return Verified{}, err
	}
	if err := s.checkLoginThrottle(ctx, a.Email, c); err != nil {
		return Verified{}, err
	}
	code = strings.TrimSpace(code)
	now := s.now()
	var v Verified
	err = s.inTxRefusing(ctx, func(st Stores) (error, error) {
		err := st.SecondFactors.UpdateSecondFactor(ctx, a.ID, func(f *SecondFactor) error {
			if !f.Confirmed() {
				return errSecondFactorNone
			}
			if validCodeFormat(code) {
				return s.checkTOTP(f, code)
			}
			rc := normalizeRecoveryCode(code)
			if rc == "" {
				return errSecondFactorInvalid
			}
			if err := f.useRecovery(HashRecoveryCode(s.d.Secret, a.ID, rc), now); err != nil {
				return err
			}
			v.Recovery, v.RecoveryLeft = true, f.RecoveryLeft()
			return nil
		})
		if domain.KindOf(err) == domain.Invalid {
			return errSecondFactorInvalid, s.secondFactorFailed(ctx, st, a, c, "second_factor")
		}
		if err != nil {
			return nil, err
		}
		how := "totp"
		if v.Recovery {
			how = fmt.Sprintf("recovery code, %d left", v.RecoveryLeft)
		}
		v.Token, err = s.secondFactorDone(ctx, st, a, sess, c, "second_factor", how)
		return nil, err
	})
	s.sessions.Delete(string(sess.TokenHash))
	if err != nil {
		return Verified{}, err
	}
	return v, nil
}

// ResetSecondFactor removes the second factor of the staff account with the
// given email and ends its sessions, so that its next sign-in enrols again
// (for an admin, through the CLI, when a staff member lost the app and the
// recovery codes).
func (s *Service) ResetSecondFactor(ctx context.Context, email string, c Client) (Account, error) {
	a, err := s.d.Accounts.AccountByEmail(ctx, NormalizeEmail(email))
	if err != nil {
		return Account{}, err
	}
	if !a.IsStaff() {
		return Account{}, domain.E(domain.Invalid, "error.second_factor.not_staff")
	}
	defer s.forgetAccount(a.ID)
	err = s.d.Tx.InTx(ctx, func(st Stores) error {
		if err := st.SecondFactors.DeleteSecondFactor(ctx, a.ID); err != nil {
			return err
		}
		if err := st.Sessions.DeleteAccountSessions(ctx, a.ID, nil); err != nil {
			return err
		}
		return s.audit(ctx, st, "second_factor_reset", a.ID, a.Email, c, "")
	})
	if err != nil {
		return Account{}, err
	}
	return a, nil
}

// pendingSession returns the staff account and session of token.
func (s *Service) pendingSession(ctx context.Context, token string) (Account, Session, error) {
	a, sess, err := s.Authenticate(ctx, token)
	if err != nil {
		return Account{}, Session{}, err
	}
	if !a.IsStaff() {
		return Account{}, Session{}, domain.E(domain.Forbidden, "error.forbidden")
	}
	return a, sess, nil
}

// checkTOTP accepts a six-digit code of a time step newer than the last one
// used and records its step.
func (s *Service) checkTOTP(f *SecondFactor, code string) error {
	if !validCodeFormat(code) {
		return errSecondFactorInvalid
	}
	secret, err := OpenSecret(s.d.Secret, f.AccountID, f.Sealed)
	if err != nil {
		return err
	}
	step, ok := s.d.OTP.Step(secret, code, s.now())
	if !ok {
		return errSecondFactorInvalid
	}
	return f.acceptStep(step)
}

// secondFactorFailed counts a wrong code like a failed sign-in and audits
// it, through the stores of a unit of work.
func (s *Service) secondFactorFailed(ctx context.Context, st Stores, a Account, c Client, how string) error {
	if err := s.addFailure(ctx, st, a.Email, c); err != nil {
		return err
	}
	return s.audit(ctx, st, "second_factor_failed", a.ID, a.Email, c, how)
}

// secondFactorDone replaces the password-only session by a new one that
// carries the second factor (keeping the original sign-in time for the
// absolute limit) and audits the event, through the stores of a unit of
// work.
func (s *Service) secondFactorDone(ctx context.Context, st Stores, a Account, old Session, c Client, event, how string) (string, error) {
	if err := st.Attempts.ClearAttempts(ctx, scopeLoginAccount, a.Email); err != nil {
		return "", fmt.Errorf("identity: clear attempts: %w", err)
	}
	token, hash, err := NewToken()
	if err != nil {
		return "", err
	}
	now := s.now()
	sess := Session{TokenHash: hash, AccountID: a.ID, CreatedAt: old.CreatedAt, LastSeenAt: now, IP: c.IP, UserAgent: clipUserAgent(c.UserAgent), SecondFactorAt: &now}
	if err := st.Sessions.CreateSession(ctx, sess); err != nil {
		return "", err
	}
	if err := st.Sessions.DeleteSession(ctx, old.TokenHash); err != nil {
		return "", err
	}
	if err := s.audit(ctx, st, event, a.ID, a.Email, c, how); err != nil {
		return "", err
	}
	return token, nil
}
