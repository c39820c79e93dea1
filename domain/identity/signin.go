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

// loginFailed counts a failed sign-in and audits it through the stores of a
// unit of work.
func (s *Service) loginFailed(ctx context.Context, st Stores, email string, c Client, how string) error {
	if err := s.addFailure(ctx, st, email, c); err != nil {
		return err
	}
	return s.audit(ctx, st, "login_failed", 0, email, c, how)
}

// refuseLogin records a failed sign-in in a unit of work of its own and
// returns the generic failure.
func (s *Service) refuseLogin(ctx context.Context, email string, c Client, how string) error {
	if err := s.d.Tx.InTx(ctx, func(st Stores) error { return s.loginFailed(ctx, st, email, c, how) }); err != nil {
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
		return "", Account{}, s.refuseLogin(ctx, email, c, "password")
	}
	held, err := s.sessionHeld(ctx, c)
	if err != nil {
		return "", Account{}, err
	}
	defer held.forget(s)
	var token string
	err = s.d.Tx.InTx(ctx, func(st Stores) error {
		token, err = s.signIn(ctx, st, a, c, "password", held)
		return err
	})
	if err != nil {
		return "", Account{}, err
	}
	return token, a, nil
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
		return "", Account{}, s.refuseLogin(ctx, email, c, "code")
	}
	held, err := s.sessionHeld(ctx, c)
	if err != nil {
		return "", Account{}, err
	}
	defer held.forget(s)
	var token string
	err = s.inTxRefusing(ctx, func(st Stores) (error, error) {
		if err := s.useCode(ctx, st.Codes, email, PurposeLogin, code); err != nil {
			if domain.KindOf(err) == domain.Invalid {
				return errLoginFailed, s.loginFailed(ctx, st, email, c, "code")
			}
			return nil, err
		}
		token, err = s.signIn(ctx, st, a, c, "code", held)
		return nil, err
	})
	if err != nil {
		return "", Account{}, err
	}
	return token, a, nil
}

// signIn clears the account's failed attempts, ends the session the browser
// held, opens a new one and audits the sign-in, through the stores of one
// unit of work; it returns the new session's token.
func (s *Service) signIn(ctx context.Context, st Stores, a Account, c Client, how string, held *priorSession) (string, error) {
	if err := st.Attempts.ClearAttempts(ctx, scopeLoginAccount, a.Email); err != nil {
		return "", fmt.Errorf("identity: clear attempts: %w", err)
	}
	token, err := s.openSession(ctx, st, a.ID, c, held)
	if err != nil {
		return "", err
	}
	if err := s.audit(ctx, st, "login", a.ID, a.Email, c, how); err != nil {
		return "", err
	}
	return token, nil
}

// priorSession is the session a browser held when it signed in again, to
// be ended by the new sign-in.
type priorSession struct {
	account Account
	hash    []byte
}

// sessionHeld returns the valid session the browser of c holds, or nil.
func (s *Service) sessionHeld(ctx context.Context, c Client) (*priorSession, error) {
	if c.Session == "" {
		return nil, nil
	}
	a, _, err := s.Authenticate(ctx, c.Session)
	if domain.KindOf(err) == domain.Unauthenticated {
		return nil, nil // expired or unknown: nothing to end
	}
	if err != nil {
		return nil, err
	}
	return &priorSession{account: a, hash: HashToken(c.Session)}, nil
}

// forget drops the held session from Authenticate's cache, whether or not
// the unit of work that ended it was kept.
func (h *priorSession) forget(s *Service) {
	if h != nil {
		s.sessions.Delete(string(h.hash))
	}
}

// openSession ends the session the browser held (the account it belonged
// to gets a logout event), so that the old token stops working at once, and
// starts a new one for the account, through the stores of a unit of work.
// It returns the new token.
func (s *Service) openSession(ctx context.Context, st Stores, accountID int64, c Client, h *priorSession) (string, error) {
	if h != nil {
		if err := st.Sessions.DeleteSession(ctx, h.hash); err != nil {
			return "", err
		}
		if err := s.audit(ctx, st, "logout", h.account.ID, h.account.Email, c, "replaced"); err != nil {
			return "", err
		}
	}
	token, hash, err := NewToken()
	if err != nil {
		return "", err
	}
	now := s.now()
	sess := Session{TokenHash: hash, AccountID: accountID, CreatedAt: now, LastSeenAt: now, IP: c.IP, UserAgent: clipUserAgent(c.UserAgent)}
	if err := st.Sessions.CreateSession(ctx, sess); err != nil {
		return "", err
	}
	return token, nil
}

// clipUserAgent bounds the stored User-Agent.
func clipUserAgent(ua string) string {
	if len(ua) > 500 {
		return ua[:500]
	}
	return ua
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

// Logout ends the session of token at once.
func (s *Service) Logout(ctx context.Context, token string, c Client) error {
	a, _, err := s.Authenticate(ctx, token)
	if err != nil {
		return nil // nothing to end
	}
	hash := HashToken(token)
	defer s.sessions.Delete(string(hash))
	return s.d.Tx.InTx(ctx, func(st Stores) error {
		if err := st.Sessions.DeleteSession(ctx, hash); err != nil {
			return err
		}
		return s.audit(ctx, st, "logout", a.ID, a.Email, c, "")
	})
}
