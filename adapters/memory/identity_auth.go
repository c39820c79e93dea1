package memory

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"supportal/domain/identity"
)

// copyCode returns c with its slices and pointers copied.
func copyCode(c identity.Code) identity.Code {
	c.Hash = bytes.Clone(c.Hash)
	if c.UsedAt != nil {
		t := *c.UsedAt
		c.UsedAt = &t
	}
	return c
}

// AddCode stores a new emailed code; the address is stored lower-case.
func (s *IdentityStore) AddCode(_ context.Context, c identity.Code) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c = copyCode(c)
	c.ID = s.nextID()
	c.Email = strings.ToLower(c.Email)
	c.CreatedAt, c.ExpiresAt = dbTime(c.CreatedAt), dbTime(c.ExpiresAt)
	if c.UsedAt != nil {
		*c.UsedAt = dbTime(*c.UsedAt)
	}
	s.codes = append(s.codes, c)
	return nil
}

// UpdateLatestCode calls fn with the newest code for email and purpose, stores
// the code's Tries and UsedAt whatever fn returns, and returns fn's error. It
// returns NotFound (error.code.invalid) when there is no code. The store is
// locked while fn runs, so fn must not use it.
func (s *IdentityStore) UpdateLatestCode(_ context.Context, email string, p identity.Purpose, fn func(*identity.Code) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	email = strings.ToLower(email)
	latest := -1
	for i, c := range s.codes {
		if c.Email == email && c.Purpose == p && (latest < 0 || c.ID > s.codes[latest].ID) {
			latest = i
		}
	}
	if latest < 0 {
		return errCodeInvalid
	}
	c := copyCode(s.codes[latest])
	err := fn(&c)
	c = copyCode(c)
	if c.UsedAt != nil {
		*c.UsedAt = dbTime(*c.UsedAt)
	}
	s.codes[latest].Tries, s.codes[latest].UsedAt = c.Tries, c.UsedAt
	return err
}

// errDuplicateSession mimics the primary key of sessions.token_hash.
var errDuplicateSession = errors.New("memory identity store: create session: duplicate token hash")

// errNoAccount mimics the foreign key of sessions.account_id.
func errNoAccount(id int64) error {
	return fmt.Errorf("memory identity store: create session: no account %d", id)
}

// copySession returns sess with its token hash and times copied.
func copySession(sess identity.Session) identity.Session {
	sess.TokenHash = bytes.Clone(sess.TokenHash)
	sess.SecondFactorAt = copyTime(sess.SecondFactorAt)
	return sess
}

// CreateSession stores a new session. The account must exist.
func (s *IdentityStore) CreateSession(_ context.Context, sess identity.Session) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[sess.AccountID]; !ok {
		return errNoAccount(sess.AccountID)
	}
	if _, ok := s.sessions[string(sess.TokenHash)]; ok {
		return errDuplicateSession
	}
	sess = copySession(sess)
	sess.CreatedAt, sess.LastSeenAt = dbTime(sess.CreatedAt), dbTime(sess.LastSeenAt)
	if sess.SecondFactorAt != nil {
		*sess.SecondFactorAt = dbTime(*sess.SecondFactorAt)
	}
	s.sessions[string(sess.TokenHash)] = sess
	return nil
}

// SessionByHash returns the session whose token has the given hash, whether
// or not it is still valid. It returns NotFound (error.session.expired).
func (s *IdentityStore) SessionByHash(_ context.Context, hash []byte) (identity.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[string(hash)]
	if !ok {
		return identity.Session{}, errSessionExpired
	}
	return copySession(sess), nil
}

// TouchSession records that the session was seen at at. An unknown hash is
// not an error.
func (s *IdentityStore) TouchSession(_ context.Context, hash []byte, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sess, ok := s.sessions[string(hash)]; ok {
		sess.LastSeenAt = dbTime(at)
		s.sessions[string(hash)] = sess
	}
	return nil
}

// DeleteSession ends the session. An unknown hash is not an error.
func (s *IdentityStore) DeleteSession(_ context.Context, hash []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, string(hash))
	return nil
}

// DeleteAccountSessions ends every session of the account except the one
// whose hash is except; an empty except ends all.
func (s *IdentityStore) DeleteAccountSessions(_ context.Context, accountID int64, except []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, sess := range s.sessions {
		if sess.AccountID == accountID && (len(except) == 0 || k != string(except)) {
			delete(s.sessions, k)
		}
	}
	return nil
}

// AddAttempt records one throttled event for scope and subject at at.
func (s *IdentityStore) AddAttempt(_ context.Context, scope, subject string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts = append(s.attempts, attempt{scope: scope, subject: subject, at: dbTime(at)})
	return nil
}

// CountAttempts returns how many attempts for scope and subject happened at or
// after since, and the time of the oldest of them (zero when there are none).
func (s *IdentityStore) CountAttempts(_ context.Context, scope, subject string, since time.Time) (int, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	since = dbTime(since)
	var (
		n      int
		oldest time.Time
	)
	for _, a := range s.attempts {
		if a.scope != scope || a.subject != subject || a.at.Before(since) {
			continue
		}
		if n == 0 || a.at.Before(oldest) {
			oldest = a.at
		}
		n++
	}
	return n, oldest, nil
}

// ClearAttempts forgets every attempt for scope and subject.
func (s *IdentityStore) ClearAttempts(_ context.Context, scope, subject string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts = slices.DeleteFunc(s.attempts, func(a attempt) bool { return a.scope == scope && a.subject == subject })
	return nil
}

// copyDraft returns d with its token hash copied.
func copyDraft(d identity.Draft) identity.Draft {
	d.TokenHash = bytes.Clone(d.TokenHash)
	return d
}

// SaveDraft inserts the draft or replaces the one with the same token hash.
func (s *IdentityStore) SaveDraft(_ context.Context, d identity.Draft) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d = copyDraft(d)
	d.ExpiresAt = dbTime(d.ExpiresAt)
	s.drafts[string(d.TokenHash)] = d
	return nil
}

// DraftByHash returns the draft with the given token hash, whether or not it
// has expired. It returns NotFound (error.register.expired).
func (s *IdentityStore) DraftByHash(_ context.Context, hash []byte) (identity.Draft, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.drafts[string(hash)]
	if !ok {
		return identity.Draft{}, errDraftExpired
	}
	return copyDraft(d), nil
}

// DeleteDraft removes the draft. An unknown hash is not an error.
func (s *IdentityStore) DeleteDraft(_ context.Context, hash []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.drafts, string(hash))
	return nil
}
