// Package memory holds in-memory fakes of the driven ports, with the same
// behaviour as the PostgreSQL stores, for fast service tests.
package memory

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"supportal/domain"
	"supportal/domain/identity"
)

// IdentityStore keeps the identity module's data in maps. It is safe for
// concurrent use and never hands out pointers into its own state. Its audit
// events and notices go to the memory Audit and Outbox that NewIdentityTx
// joins to it.
type IdentityStore struct {
	mu        sync.Mutex
	lastID    int64 // one sequence for every table, like distinct bigserials
	accounts  map[int64]identity.Account
	companies map[int64]identity.Company
	codes     []identity.Code
	sessions  map[string]identity.Session
	attempts  []attempt
	drafts    map[string]identity.Draft
	tokens    []identity.ServiceToken
	factors   map[int64]identity.SecondFactor
}

type attempt struct {
	scope, subject string
	at             time.Time
}

var (
	_ identity.Accounts      = (*IdentityStore)(nil)
	_ identity.Companies     = (*IdentityStore)(nil)
	_ identity.Codes         = (*IdentityStore)(nil)
	_ identity.Sessions      = (*IdentityStore)(nil)
	_ identity.Attempts      = (*IdentityStore)(nil)
	_ identity.Drafts        = (*IdentityStore)(nil)
	_ identity.SecondFactors = (*IdentityStore)(nil)
)

// NewIdentityStore returns an empty store.
func NewIdentityStore() *IdentityStore {
	return &IdentityStore{
		accounts:  make(map[int64]identity.Account),
		companies: make(map[int64]identity.Company),
		sessions:  make(map[string]identity.Session),
		drafts:    make(map[string]identity.Draft),
		factors:   make(map[int64]identity.SecondFactor),
	}
}

// The errors the store returns, as the PostgreSQL store does.
var (
	errAccountNotFound = domain.E(domain.NotFound, "error.account.not_found")
	errCompanyNotFound = domain.E(domain.NotFound, "error.company.not_found")
	errEmailTaken      = domain.E(domain.Conflict, "error.email.taken")
	errSessionExpired  = domain.E(domain.NotFound, "error.session.expired")
	errDraftExpired    = domain.E(domain.NotFound, "error.register.expired")
	errCodeInvalid     = domain.E(domain.NotFound, "error.code.invalid")
)

// dbTime returns t as PostgreSQL gives it back: in UTC, to the microsecond,
// without a monotonic clock reading.
func dbTime(t time.Time) time.Time { return t.Round(time.Microsecond).UTC() }

func (s *IdentityStore) nextID() int64 {
	s.lastID++
	return s.lastID
}

func (s *IdentityStore) emailTaken(email string) bool {
	for _, a := range s.accounts {
		if a.Email == email {
			return true
		}
	}
	return false
}

func (s *IdentityStore) insertAccount(a *identity.Account) error {
	a.Email = strings.ToLower(a.Email)
	if s.emailTaken(a.Email) {
		return errEmailTaken
	}
	a.ID = s.nextID()
	if a.TimeZone == "" {
		a.TimeZone = identity.DefaultTimeZone
	}
	a.CreatedAt, a.PasswordChangedAt = dbTime(a.CreatedAt), dbTime(a.PasswordChangedAt)
	s.accounts[a.ID] = *a
	return nil
}

// CreateCustomer stores the company c and the customer account a, linking
// them, and fills a.ID, a.CompanyID and c.ID. The email is stored lower-case.
// A duplicate email returns Conflict (error.email.taken) and stores nothing.
func (s *IdentityStore) CreateCustomer(_ context.Context, a *identity.Account, c *identity.Company) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.emailTaken(strings.ToLower(a.Email)) {
		return errEmailTaken
	}
	c.ID = s.nextID()
	s.companies[c.ID] = *c
	a.CompanyID = c.ID
	return s.insertAccount(a)
}

// CreateStaff stores the account a, which belongs to no company, and fills
// a.ID. The email is stored lower-case. A duplicate email returns Conflict
// (error.email.taken).
func (s *IdentityStore) CreateStaff(_ context.Context, a *identity.Account) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a.CompanyID = 0
	return s.insertAccount(a)
}

// AccountByEmail returns the account with the given email, compared without
// regard to case. It returns NotFound (error.account.not_found).
func (s *IdentityStore) AccountByEmail(_ context.Context, email string) (identity.Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	email = strings.ToLower(email)
	for _, a := range s.accounts {
		if a.Email == email {
			return a, nil
		}
	}
	return identity.Account{}, errAccountNotFound
}

// AccountByID returns the account with the given id. It returns NotFound
// (error.account.not_found).
func (s *IdentityStore) AccountByID(_ context.Context, id int64) (identity.Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[id]
	if !ok {
		return identity.Account{}, errAccountNotFound
	}
	return a, nil
}

// StaffWithRoles returns the staff accounts having one of roles, by id.
func (s *IdentityStore) StaffWithRoles(_ context.Context, roles []identity.Role) ([]identity.Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []identity.Account
	for _, a := range s.accounts {
		if a.IsStaff() && slices.Contains(roles, a.Role) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b identity.Account) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// UpdateProfile sets the name, job title, mobile and (when given) time zone
// of the account. It
// returns NotFound (error.account.not_found).
func (s *IdentityStore) UpdateProfile(_ context.Context, id int64, p identity.Profile) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[id]
	if !ok {
		return errAccountNotFound
	}
	a.Name, a.JobTitle, a.Mobile = p.Name, p.JobTitle, p.Mobile
	if p.TimeZone != "" {
		a.TimeZone = p.TimeZone
	}
	s.accounts[id] = a
	return nil
}

// SetPassword replaces the account's password hash and records when it
// changed. It returns NotFound (error.account.not_found).
func (s *IdentityStore) SetPassword(_ context.Context, id int64, hash string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[id]
	if !ok {
		return errAccountNotFound
	}
	a.PasswordHash, a.PasswordChangedAt = hash, dbTime(at)
	s.accounts[id] = a
	return nil
}

// CompanyByID returns the company with the given id. It returns NotFound
// (error.company.not_found).
func (s *IdentityStore) CompanyByID(_ context.Context, id int64) (identity.Company, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.companies[id]
	if !ok {
		return identity.Company{}, errCompanyNotFound
	}
	return c, nil
}

// UpdateCompany stores every field of c in the company with c.ID. It returns
// NotFound (error.company.not_found).
func (s *IdentityStore) UpdateCompany(_ context.Context, c identity.Company) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.companies[c.ID]; !ok {
		return errCompanyNotFound
	}
	s.companies[c.ID] = c
	return nil
}

// Purge deletes what is of no more use at now, like the PostgreSQL store:
// codes that expired more than a day ago, attempts older than a day, expired
// registration drafts and sessions past their idle or absolute limit.
func (s *IdentityStore) Purge(_ context.Context, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	keep := now.Add(-24 * time.Hour)
	s.codes = slices.DeleteFunc(s.codes, func(c identity.Code) bool { return c.ExpiresAt.Before(keep) })
	s.attempts = slices.DeleteFunc(s.attempts, func(a attempt) bool { return a.at.Before(keep) })
	for k, d := range s.drafts {
		if d.ExpiresAt.Before(now) {
			delete(s.drafts, k)
		}
	}
	for k, sess := range s.sessions {
		if sess.LastSeenAt.Before(now.Add(-identity.SessionIdle)) || sess.CreatedAt.Before(now.Add(-identity.SessionAbsolute)) {
			delete(s.sessions, k)
		}
	}
	return nil
}
