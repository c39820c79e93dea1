package identity

import (
	"context"
	"fmt"
	"math"
	"strings"

	"supportal/domain"
)

// RequestCode emails a code for purpose to email. The answer is the same
// whether or not an account exists: for sign-in and reset an unknown address
// simply gets nothing; for registration a known address gets a mail saying it
// is already registered instead of a code. Requests are limited to one per
// minute and five per hour per address and purpose, and twenty per hour per IP.
func (s *Service) RequestCode(ctx context.Context, email string, p Purpose, c Client) error {
	email = NormalizeEmail(email)
	if e := ValidateEmail(email); e != nil {
		return e
	}
	if err := s.checkCodeThrottle(ctx, email, p, c); err != nil {
		return err
	}
	return s.d.Tx.InTx(ctx, func(st Stores) error { return s.sendCode(ctx, st, email, p, c) })
}

// sendCode counts the request and enqueues the email for it through the
// stores of a unit of work: a code for an address that may use one, the
// already-registered notice for a registration of a known address. Either
// way the request takes the same few writes, so its timing does not tell
// whether the address has an account.
func (s *Service) sendCode(ctx context.Context, st Stores, email string, p Purpose, c Client) error {
	a, err := st.Accounts.AccountByEmail(ctx, email)
	exists := err == nil
	if err != nil && !isNotFound(err) {
		return err
	}
	now := s.now()
	key := string(p) + ":" + email
	if err := st.Attempts.AddAttempt(ctx, scopeCodeEmail, key, now); err != nil {
		return fmt.Errorf("identity: add attempt: %w", err)
	}
	if c.IP != "" {
		if err := st.Attempts.AddAttempt(ctx, scopeCodeIP, c.IP, now); err != nil {
			return fmt.Errorf("identity: add attempt: %w", err)
		}
	}
	lang := c.Lang
	if exists && a.Lang != "" && lang == "" {
		lang = a.Lang
	}
	switch {
	case p == PurposeRegister && exists:
		if err := s.notify(ctx, st, email, lang, "already_registered", nil); err != nil {
			return err
		}
		return s.audit(ctx, st, "code_refused_registered", a.ID, email, c, string(p))
	case p != PurposeRegister && !exists:
		return s.audit(ctx, st, "code_unknown_email", 0, email, c, string(p))
	}
	value, err := NewCodeValue()
	if err != nil {
		return err
	}
	code := Code{Email: email, Purpose: p, Hash: HashCode(s.d.Secret, email, p, value), CreatedAt: now, ExpiresAt: now.Add(CodeTTL)}
	if err := st.Codes.AddCode(ctx, code); err != nil {
		return fmt.Errorf("identity: add code: %w", err)
	}
	if err := s.notify(ctx, st, email, lang, "code_"+string(p), map[string]any{"Code": value, "Count": int(CodeTTL.Minutes())}); err != nil {
		return err
	}
	return s.audit(ctx, st, "code_sent", a.ID, email, c, string(p))
}

func (s *Service) checkCodeThrottle(ctx context.Context, email string, p Purpose, c Client) error {
	key := string(p) + ":" + email
	now := s.now()
	n, oldest, err := s.d.Attempts.CountAttempts(ctx, scopeCodeEmail, key, now.Add(-CodeCooldown))
	if err != nil {
		return fmt.Errorf("identity: count attempts: %w", err)
	}
	if n > 0 {
		wait := oldest.Add(CodeCooldown).Sub(now)
		return domain.E(domain.TooMany, "error.code.cooldown").With("Count", int(math.Max(1, math.Ceil(wait.Seconds()))))
	}
	if err := s.throttled(ctx, scopeCodeEmail, key, codesPerEmailHour, 60*CodeCooldown); err != nil {
		return err
	}
	return s.throttled(ctx, scopeCodeIP, c.IP, codesPerIPHour, 60*CodeCooldown)
}

// useCode checks a typed code against the newest code for email and purpose
// and consumes it on success. Every failure is the same Invalid error; the
// try it counts is written whatever the result, so a caller that runs it in
// a unit of work keeps that unit of work on Invalid (see inTxRefusing).
func (s *Service) useCode(ctx context.Context, codes Codes, email string, p Purpose, value string) error {
	return s.matchCode(ctx, codes, email, p, value, true)
}

// checkCode is useCode without using the code up: a wrong value counts a
// try, a right one leaves the code as it was, for a unit of work to use.
func (s *Service) checkCode(ctx context.Context, codes Codes, email string, p Purpose, value string) error {
	return s.matchCode(ctx, codes, email, p, value, false)
}

// matchCode checks value against the latest code of email for p, using
// the code up on a match when use is set.
func (s *Service) matchCode(ctx context.Context, codes Codes, email string, p Purpose, value string, use bool) error {
	value = strings.TrimSpace(value)
	if !validCodeFormat(value) {
		return errCodeInvalid
	}
	hash := HashCode(s.d.Secret, email, p, value)
	now := s.now()
	err := codes.UpdateLatestCode(ctx, email, p, func(c *Code) error {
		if err := c.Check(hash, now); err != nil {
			return err
		}
		if !use {
			c.UsedAt = nil
		}
		return nil
	})
	if isNotFound(err) {
		return errCodeInvalid
	}
	return err
}

// inTxRefusing runs fn as one unit of work whose refusal is kept: fn
// returns either the use case's answer to a wrong code or second factor
// (refused), after which what fn wrote (the counted try, the failed attempt
// and its audit event) is committed and refused returned; or err, which
// rolls everything back.
func (s *Service) inTxRefusing(ctx context.Context, fn func(Stores) (refused, err error)) error {
	var refused error
	if err := s.d.Tx.InTx(ctx, func(st Stores) error {
		var err error
		refused, err = fn(st)
		return err
	}); err != nil {
		return err
	}
	return refused
}
