package identity

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"supportal/domain"
	"supportal/domain/memo"
	"supportal/ports"
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

// Deps are the driven ports the identity service uses. Tx, the stores but
// Tokens, Hasher, OTP and Secret are required; NewService panics without one.
type Deps struct {
	// Tx runs every use case that writes several things (or writes one and
	// audits it) as one unit of work; its stores also carry the notices to
	// send and the audit events.
	Tx TxRunner
	// The stores below serve reads and single writes outside a unit of work.
	Accounts  Accounts
	Companies Companies
	Codes     Codes
	Sessions  Sessions
	Attempts  Attempts
	Drafts    Drafts
	Hasher    Hasher
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
	// CacheFor is how long Authenticate may reuse a session and its account
	// read from the stores (0: never). Sign-out, password and profile
	// changes made through this service take effect at once; a change made
	// by another server instance takes up to CacheFor. Agents keeps the
	// list of agents and admins as long; creating a staff account or
	// changing an account through this service drops it.
	CacheFor time.Duration
}

// Service holds the identity use cases.
type Service struct {
	d         Deps
	dummyOnce sync.Once
	dummy     string
	sessions  *memo.Cache[string, signedIn] // by token hash
	agents    *memo.Cache[struct{}, []Account]
}

// signedIn is a session and its account as Authenticate last read them.
type signedIn struct {
	a    Account
	sess Session
}

// maxCachedSessions bounds the sessions Authenticate keeps in memory.
const maxCachedSessions = 10000

// NewService returns the identity service over its ports. It panics when a
// required port is missing, naming it: that is a mistake of the wiring.
func NewService(d Deps) *Service {
	for _, p := range []struct {
		name    string
		missing bool
	}{
		{"Tx", d.Tx == nil},
		{"Accounts", d.Accounts == nil},
		{"Companies", d.Companies == nil},
		{"Codes", d.Codes == nil},
		{"Sessions", d.Sessions == nil},
		{"Attempts", d.Attempts == nil},
		{"Drafts", d.Drafts == nil},
		{"SecondFactors", d.SecondFactors == nil},
		{"Hasher", d.Hasher == nil},
		{"OTP", d.OTP == nil},
		{"Secret", len(d.Secret) == 0},
	} {
		if p.missing {
			panic("identity: NewService: no " + p.name)
		}
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{d: d, sessions: memo.New[string, signedIn](d.CacheFor, maxCachedSessions),
		agents: memo.New[struct{}, []Account](d.CacheFor, 1)}
}

// forgetAccount drops the account's cached sessions, and the cached list of
// agents, after a change to it.
func (s *Service) forgetAccount(id int64) {
	s.sessions.DeleteFunc(func(_ string, e signedIn) bool { return e.a.ID == id })
	s.agents.Clear()
}

func (s *Service) now() time.Time { return s.d.Now().UTC() }

// audit records a security event through the stores of a unit of work.
func (s *Service) audit(ctx context.Context, st Stores, typ string, accountID int64, email string, c Client, detail string) error {
	err := st.Audit.Record(ctx, ports.AuditEvent{At: s.now(), Type: typ, ActorID: accountID, Email: email, IP: c.IP, UserAgent: c.UserAgent, Detail: detail})
	if err != nil {
		return fmt.Errorf("identity: audit %s: %w", typ, err)
	}
	return nil
}

// notify enqueues an email through the outbox of a unit of work; it is sent
// once the unit of work is kept.
func (s *Service) notify(ctx context.Context, st Stores, to, lang, template string, data map[string]any) error {
	if err := st.Outbox.Enqueue(ctx, ports.Notice{To: to, Lang: lang, Template: template, Data: data}); err != nil {
		return fmt.Errorf("identity: notify %s: %w", template, err)
	}
	return nil
}

// addFailure counts a failed attempt against the account's address and the
// caller's IP, as the sign-in throttling reads them.
func (s *Service) addFailure(ctx context.Context, st Stores, email string, c Client) error {
	now := s.now()
	if err := st.Attempts.AddAttempt(ctx, scopeLoginAccount, email, now); err != nil {
		return fmt.Errorf("identity: add attempt: %w", err)
	}
	if c.IP != "" {
		if err := st.Attempts.AddAttempt(ctx, scopeLoginIP, c.IP, now); err != nil {
			return fmt.Errorf("identity: add attempt: %w", err)
		}
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
