package identity

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"supportal/domain"
	"supportal/domain/memo"
)

// Throttling limits (SPEC §1.2): failures per account and per address within
// the window, and how many codes one address or IP may request.
const (
	ThrottleWindow     = 15 * time.Minute
	MaxAccountFailures = 5
	MaxIPFailures      = 20
	codesPerEmailHour  = 5
	codesPerIPHour     = 20
)

// Attempt scopes.
const (
	scopeLoginAccount = "login_account"
	scopeLoginIP      = "login_ip"
	scopeCodeEmail    = "code_email"
	scopeCodeIP       = "code_ip"
)

// Deps are the driven ports the identity service uses.
type Deps struct {
	Accounts  Accounts
	Companies Companies
	Codes     Codes
	Sessions  Sessions
	Attempts  Attempts
	Drafts    Drafts
	Audit     Audit
	Hasher    Hasher
	Notifier  Notifier
	// Locks, when set, keeps the name of a verified company from changing.
	Locks Locks
	// Tokens stores service tokens; only the token use cases need it.
	Tokens Tokens
	// SecondFactors and OTP serve the staff second factor.
	SecondFactors SecondFactors
	OTP           OTP
	// Secret keys the code hashes.
	Secret []byte
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// OnAsyncError receives errors of emails sent in the background.
	OnAsyncError func(error)
	// CacheFor is how long Authenticate may reuse a session and its account
	// read from the stores (0: never). Sign-out, password and profile
	// changes made through this service take effect at once; a change made
	// by another server instance takes up to CacheFor.
	CacheFor time.Duration
}

// Service holds the identity use cases.
type Service struct {
	d         Deps
	pending   sync.WaitGroup
	dummyOnce sync.Once
	dummy     string
	sessions  *memo.Cache[string, signedIn] // by token hash
}

// signedIn is a session and its account as Authenticate last read them.
type signedIn struct {
	a    Account
	sess Session
}

// maxCachedSessions bounds the sessions Authenticate keeps in memory.
const maxCachedSessions = 10000

// NewService returns the identity service over its ports.
func NewService(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.OnAsyncError == nil {
		d.OnAsyncError = func(error) {}
	}
	return &Service{d: d, sessions: memo.New[string, signedIn](d.CacheFor, maxCachedSessions)}
}

// forgetAccount drops the account's cached sessions after a change to it.
func (s *Service) forgetAccount(id int64) {
	s.sessions.DeleteFunc(func(_ string, e signedIn) bool { return e.a.ID == id })
}

// Close waits for emails still being sent in the background.
func (s *Service) Close() { s.pending.Wait() }

func (s *Service) now() time.Time { return s.d.Now().UTC() }

// notifyAsync sends an email without making the caller wait, so that a request
// takes as long whether or not the address has an account.
func (s *Service) notifyAsync(to, lang, template string, data map[string]any) {
	s.pending.Add(1)
	go func() {
		defer s.pending.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.d.Notifier.Notify(ctx, to, lang, template, data); err != nil {
			s.d.OnAsyncError(fmt.Errorf("identity: notify %s: %w", template, err))
		}
	}()
}

func (s *Service) audit(ctx context.Context, typ string, accountID int64, email string, c Client, detail string) error {
	err := s.d.Audit.Record(ctx, Event{At: s.now(), Type: typ, AccountID: accountID, Email: email, IP: c.IP, UserAgent: c.UserAgent, Detail: detail})
	if err != nil {
		return fmt.Errorf("identity: audit %s: %w", typ, err)
	}
	return nil
}

// throttled returns TooMany when scope/subject had limit attempts within window.
func (s *Service) throttled(ctx context.Context, scope, subject string, limit int, window time.Duration) error {
	if subject == "" {
		return nil
	}
	now := s.now()
	n, oldest, err := s.d.Attempts.CountAttempts(ctx, scope, subject, now.Add(-window))
	if err != nil {
		return fmt.Errorf("identity: count attempts: %w", err)
	}
	if n < limit {
		return nil
	}
	wait := oldest.Add(window).Sub(now)
	return domain.E(domain.TooMany, "error.throttled").With("Count", int(math.Max(1, math.Ceil(wait.Minutes()))))
}

// dummyHash returns a hash to verify against when an account does not exist,
// so that a wrong email takes as long as a wrong password.
func (s *Service) dummyHash(ctx context.Context) string {
	s.dummyOnce.Do(func() {
		if h, err := s.d.Hasher.Hash(ctx, "not a real password, only for timing"); err == nil {
			s.dummy = h
		}
	})
	return s.dummy
}

// Warm prepares the timing-equaliser hash; call it once at start-up.
func (s *Service) Warm(ctx context.Context) { s.dummyHash(ctx) }

func isNotFound(err error) bool { return domain.KindOf(err) == domain.NotFound }

// Account returns the account with the given id.
func (s *Service) Account(ctx context.Context, id int64) (Account, error) {
	return s.d.Accounts.AccountByID(ctx, id)
}

// Company returns the company of a customer account.
func (s *Service) Company(ctx context.Context, a Account) (Company, error) {
	if a.CompanyID == 0 {
		return Company{}, domain.E(domain.NotFound, "error.company.not_found")
	}
	return s.d.Companies.CompanyByID(ctx, a.CompanyID)
}

// UpdateProfile edits name, job title and mobile of the account.
func (s *Service) UpdateProfile(ctx context.Context, a Account, p Profile) error {
	p = p.Normalize()
	if err := p.Validate(a.Country); err != nil {
		return err
	}
	defer s.forgetAccount(a.ID)
	return s.d.Accounts.UpdateProfile(ctx, a.ID, p)
}

// UpdateCompany edits the company fields of a customer's company.
func (s *Service) UpdateCompany(ctx context.Context, a Account, c Company) error {
	if a.CompanyID == 0 {
		return domain.E(domain.Forbidden, "error.forbidden")
	}
	c = c.Normalize()
	c.ID = a.CompanyID
	var errs domain.Errors
	if err := c.Validate(); err != nil {
		errs = err.(domain.Errors)
	}
	locked, err := s.CompanyNameLocked(ctx, a)
	if err != nil {
		return err
	}
	if locked {
		cur, err := s.d.Companies.CompanyByID(ctx, a.CompanyID)
		if err != nil {
			return err
		}
		if cur.Name != c.Name {
			errs = append(domain.Errors{domain.FieldError("company_name", "error.company_name.locked")}, errs...)
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return s.d.Companies.UpdateCompany(ctx, c)
}

// CompanyNameLocked reports whether the name of the account's company may not
// be changed because the company is verified.
func (s *Service) CompanyNameLocked(ctx context.Context, a Account) (bool, error) {
	if s.d.Locks == nil || a.CompanyID == 0 {
		return false, nil
	}
	locked, err := s.d.Locks.CompanyLocked(ctx, a.CompanyID)
	if err != nil {
		return false, fmt.Errorf("identity: company lock: %w", err)
	}
	return locked, nil
}

// SetVerifiedName sets the company name to the one verification approved;
// unlike UpdateCompany it ignores the lock, which protects exactly this name.
func (s *Service) SetVerifiedName(ctx context.Context, companyID int64, name string) error {
	c, err := s.d.Companies.CompanyByID(ctx, companyID)
	if err != nil {
		return err
	}
	if c.Name == name {
		return nil
	}
	c.Name = name
	return s.d.Companies.UpdateCompany(ctx, c)
}

// CreateStaff creates a staff account with the given role (for the CLI).
func (s *Service) CreateStaff(ctx context.Context, email, name string, role Role, password string) (Account, error) {
	email = NormalizeEmail(email)
	if e := ValidateEmail(email); e != nil {
		return Account{}, e
	}
	if name == "" {
		name = email
	}
	if e := validateName(name); e != nil {
		return Account{}, e
	}
	if err := CheckPassword(password, password, email); err != nil {
		return Account{}, err
	}
	h, err := s.d.Hasher.Hash(ctx, password)
	if err != nil {
		return Account{}, fmt.Errorf("identity: hash: %w", err)
	}
	now := s.now()
	a := Account{Email: email, Kind: KindStaff, Role: role, Name: name, PasswordHash: h, Lang: "zh-CN", CreatedAt: now, PasswordChangedAt: now}
	if err := s.d.Accounts.CreateStaff(ctx, &a); err != nil {
		return Account{}, err
	}
	return a, nil
}

// CreateCustomer creates a customer account and its company directly, without
// the emailed code (for the demo seed and tests).
func (s *Service) CreateCustomer(ctx context.Context, in AccountInfo, c Company, password string) (Account, error) {
	in, c = in.Normalize(), c.Normalize()
	var errs domain.Errors
	for _, err := range []error{in.Validate(), c.Validate(), CheckPassword(password, password, in.Email)} {
		var es domain.Errors
		if errors.As(err, &es) {
			errs = append(errs, es...)
		} else if err != nil {
			errs = append(errs, domain.As(err))
		}
	}
	if err := errs.Err(); err != nil {
		return Account{}, err
	}
	h, err := s.d.Hasher.Hash(ctx, password)
	if err != nil {
		return Account{}, fmt.Errorf("identity: hash: %w", err)
	}
	return s.createCustomer(ctx, in, c, h, "")
}

func (s *Service) createCustomer(ctx context.Context, in AccountInfo, c Company, hash, lang string) (Account, error) {
	now := s.now()
	if lang == "" {
		lang = "zh-CN"
	}
	a := Account{Email: in.Email, Kind: KindCustomer, Role: RoleCustomer, Name: in.Name, JobTitle: in.JobTitle,
		Country: in.Country, Mobile: in.Mobile, PasswordHash: hash, Lang: lang, CreatedAt: now, PasswordChangedAt: now}
	if err := s.d.Accounts.CreateCustomer(ctx, &a, &c); err != nil {
		return Account{}, err
	}
	return a, nil
}
