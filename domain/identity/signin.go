package identity

import (
	"context"
	"fmt"

	"supportal/domain"
)

var errLoginFailed = domain.E(domain.Unauthenticated, "error.login.failed")

// checkLoginThrottle refuses a sign-in once the account or the address has too
// many recent failures.
func (s *Service) checkLoginThrottle(ctx context.Context, email string, c Client) error {
	if err := s.throttled(ctx, scopeLoginAccount, email, MaxAccountFailures, ThrottleWindow); err != nil {
		return err
	}
	return s.throttled(ctx, scopeLoginIP, c.IP, MaxIPFailures, ThrottleWindow)
}

// errUseCustomerTab tells an enterprise customer who gave the right password
// on the partner tab to sign in as 企业客户.
var errUseCustomerTab = domain.E(domain.Unauthenticated, "error.login.use_customer")

func (s *Service) loginFailed(ctx context.Context, email string, c Client, how string) error {
	now := s.now()
	if err := s.d.Attempts.AddAttempt(ctx, scopeLoginAccount, email, now); err != nil {
		return fmt.Errorf("identity: add attempt: %w", err)
	}
	if c.IP != "" {
		if err := s.d.Attempts.AddAttempt(ctx, scopeLoginIP, c.IP, now); err != nil {
			return fmt.Errorf("identity: add attempt: %w", err)
		}
	}
	if err := s.audit(ctx, "login_failed", 0, email, c, how); err != nil {
		return err
	}
	return errLoginFailed
}

// Login signs in with email and password through the door of the given kind.
// Every failure returns the same Unauthenticated error; too many return TooMany.
func (s *Service) Login(ctx context.Context, kind Kind, email, password string, c Client) (string, Account, error) {
	email = NormalizeEmail(email)
	if err := s.checkLoginThrottle(ctx, email, c); err != nil {
		return "", Account{}, err
	}
	a, err := s.d.Accounts.AccountByEmail(ctx, email)
	hash := a.PasswordHash
	if err != nil {
		if !isNotFound(err) {
			return "", Account{}, err
		}
		hash = s.dummyHash(ctx)
	}
	ok, verr := s.d.Hasher.Verify(ctx, hash, password)
	if verr != nil && err == nil {
		return "", Account{}, fmt.Errorf("identity: verify: %w", verr)
	}
	if err == nil && ok && kind == KindPartner && a.Kind == KindCustomer {
		// The right password on the wrong tab is no failed attempt.
		return "", Account{}, errUseCustomerTab
	}
	if err != nil || !ok || a.Kind != kind {
		return "", Account{}, s.loginFailed(ctx, email, c, "password")
	}
	return s.startSession(ctx, a, c, "password")
}

// LoginWithCode signs in with an emailed code (purpose login).
func (s *Service) LoginWithCode(ctx context.Context, kind Kind, email, code string, c Client) (string, Account, error) {
	email = NormalizeEmail(email)
	if err := s.checkLoginThrottle(ctx, email, c); err != nil {
		return "", Account{}, err
	}
	a, err := s.d.Accounts.AccountByEmail(ctx, email)
	if err != nil && !isNotFound(err) {
		return "", Account{}, err
	}
	if err != nil || a.Kind != kind {
		return "", Account{}, s.loginFailed(ctx, email, c, "code")
	}
	if err := s.useCode(ctx, email, PurposeLogin, code); err != nil {
		if domain.KindOf(err) == domain.Invalid {
			return "", Account{}, s.loginFailed(ctx, email, c, "code")
		}
		return "", Account{}, err
	}
	return s.startSession(ctx, a, c, "code")
}

func (s *Service) startSession(ctx context.Context, a Account, c Client, how string) (string, Account, error) {
	if err := s.d.Attempts.ClearAttempts(ctx, scopeLoginAccount, a.Email); err != nil {
		return "", Account{}, fmt.Errorf("identity: clear attempts: %w", err)
	}
	token, err := s.newSession(ctx, a.ID, c)
	if err != nil {
		return "", Account{}, err
	}
	if err := s.audit(ctx, "login", a.ID, a.Email, c, how); err != nil {
		return "", Account{}, err
	}
	return token, a, nil
}

// newSession ends the session the browser held, then starts a new one for
// the account and returns its token.
func (s *Service) newSession(ctx context.Context, accountID int64, c Client) (string, error) {
	if err := s.endReplaced(ctx, c); err != nil {
		return "", err
	}
	token, hash, err := NewToken()
	if err != nil {
		return "", err
	}
	now := s.now()
	ua := c.UserAgent
	if len(ua) > 500 {
		ua = ua[:500]
	}
	if err := s.d.Sessions.CreateSession(ctx, Session{TokenHash: hash, AccountID: accountID, CreatedAt: now, LastSeenAt: now, IP: c.IP, UserAgent: ua}); err != nil {
		return "", err
	}
	return token, nil
}

// Authenticate returns the account and session of a session token. An unknown,
// tampered or expired token returns Unauthenticated.
func (s *Service) Authenticate(ctx context.Context, token string) (Account, Session, error) {
	if token == "" || len(token) > 100 {
		return Account{}, Session{}, domain.E(domain.Unauthenticated, "error.session.expired")
	}
	hash := HashToken(token)
	now := s.now()
	if e, ok := s.sessions.Get(string(hash), now); ok && e.sess.Valid(now) && !e.sess.NeedsTouch(now) {
		return e.a, e.sess, nil
	}
	gen := s.sessions.Gen()
	sess, err := s.d.Sessions.SessionByHash(ctx, hash)
	if isNotFound(err) {
		return Account{}, Session{}, domain.E(domain.Unauthenticated, "error.session.expired")
	}
	if err != nil {
		return Account{}, Session{}, err
	}
	if !sess.Valid(now) {
		if err := s.endSession(ctx, hash); err != nil {
			return Account{}, Session{}, err
		}
		return Account{}, Session{}, domain.E(domain.Unauthenticated, "error.session.expired")
	}
	if sess.NeedsTouch(now) {
		if err := s.d.Sessions.TouchSession(ctx, hash, now); err != nil {
			return Account{}, Session{}, err
		}
		sess.LastSeenAt = now
	}
	a, err := s.d.Accounts.AccountByID(ctx, sess.AccountID)
	if isNotFound(err) {
		return Account{}, Session{}, domain.E(domain.Unauthenticated, "error.session.expired")
	}
	if err != nil {
		return Account{}, Session{}, err
	}
	s.sessions.PutIf(string(hash), signedIn{a: a, sess: sess}, now, gen)
	return a, sess, nil
}

// endSession deletes the session with the given token hash and forgets it.
func (s *Service) endSession(ctx context.Context, hash []byte) error {
	defer s.sessions.Delete(string(hash))
	return s.d.Sessions.DeleteSession(ctx, hash)
}

// endReplaced ends the session the browser held before it signed in again
// (as the same account or another), so that the old token stops working at
// once; the account it belonged to gets a logout event.
func (s *Service) endReplaced(ctx context.Context, c Client) error {
	if c.Session == "" {
		return nil
	}
	a, _, err := s.Authenticate(ctx, c.Session)
	if domain.KindOf(err) == domain.Unauthenticated {
		return nil // expired or unknown: nothing to end
	}
	if err != nil {
		return err
	}
	if err := s.endSession(ctx, HashToken(c.Session)); err != nil {
		return err
	}
	return s.audit(ctx, "logout", a.ID, a.Email, c, "replaced")
}

// Logout ends the session of token at once.
func (s *Service) Logout(ctx context.Context, token string, c Client) error {
	a, _, err := s.Authenticate(ctx, token)
	if err != nil {
		return nil // nothing to end
	}
	if err := s.endSession(ctx, HashToken(token)); err != nil {
		return err
	}
	return s.audit(ctx, "logout", a.ID, a.Email, c, "")
}
