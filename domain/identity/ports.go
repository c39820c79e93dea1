package identity

import (
	"context"
	"time"

	"supportal/ports"
)

// Accounts stores accounts. Methods return NotFound (error.account.not_found)
// when no account matches and Conflict (error.email.taken) on a duplicate email.
type Accounts interface {
	CreateCustomer(ctx context.Context, a *Account, c *Company) error
	CreateStaff(ctx context.Context, a *Account) error
	AccountByEmail(ctx context.Context, email string) (Account, error)
	AccountByID(ctx context.Context, id int64) (Account, error)
	UpdateProfile(ctx context.Context, id int64, p Profile) error
	SetPassword(ctx context.Context, id int64, hash string, at time.Time) error
	// StaffWithRoles returns the staff accounts having one of roles, by id.
	StaffWithRoles(ctx context.Context, roles []Role) ([]Account, error)
}

// Companies stores customer companies. CompanyByID returns NotFound.
type Companies interface {
	CompanyByID(ctx context.Context, id int64) (Company, error)
	UpdateCompany(ctx context.Context, c Company) error
}

// Locks tells whether a company's name is locked because the company is
// verified (SPEC §1.4); the verification module satisfies it, main wires it.
type Locks interface {
	CompanyLocked(ctx context.Context, companyID int64) (bool, error)
}

// Codes stores emailed codes.
type Codes interface {
	AddCode(ctx context.Context, c Code) error
	// UpdateLatestCode locks the newest code for email and purpose, calls fn,
	// stores the code's Tries and UsedAt whatever fn returns, and returns fn's
	// error. It returns NotFound when there is no code.
	UpdateLatestCode(ctx context.Context, email string, p Purpose, fn func(*Code) error) error
}

// Sessions stores signed-in sessions by the hash of their token. SessionByHash
// returns NotFound.
type Sessions interface {
	CreateSession(ctx context.Context, s Session) error
	SessionByHash(ctx context.Context, hash []byte) (Session, error)
	TouchSession(ctx context.Context, hash []byte, at time.Time) error
	DeleteSession(ctx context.Context, hash []byte) error
	// DeleteAccountSessions ends every session of the account except the one
	// whose hash is except (nil ends all).
	DeleteAccountSessions(ctx context.Context, accountID int64, except []byte) error
}

// SecondFactors stores the second-factor enrolments of staff accounts, one
// per account. SecondFactor and UpdateSecondFactor return NotFound
// (error.second_factor.not_enrolled) when the account has none.
type SecondFactors interface {
	SecondFactor(ctx context.Context, accountID int64) (SecondFactor, error)
	// BeginSecondFactor stores f as the account's unconfirmed enrolment,
	// replacing an unconfirmed one; it returns Conflict
	// (error.second_factor.enrolled) when a confirmed one exists.
	BeginSecondFactor(ctx context.Context, f SecondFactor) error
	// UpdateSecondFactor locks the account's enrolment, calls fn with it
	// and, when fn returns nil, stores its ConfirmedAt, LastStep and
	// recovery codes; it returns fn's error. fn must not use the store.
	UpdateSecondFactor(ctx context.Context, accountID int64, fn func(*SecondFactor) error) error
	// DeleteSecondFactor removes the enrolment and its recovery codes; an
	// account without one is not an error.
	DeleteSecondFactor(ctx context.Context, accountID int64) error
}

// OTP computes the time-based one-time passwords of RFC 6238 as
// authenticator apps do (six digits, 30-second steps, HMAC-SHA-1). A
// maintained library implements it; the domain decides what a code proves.
type OTP interface {
	// URI returns the otpauth:// address that enrols the base32 secret for
	// account in an authenticator app.
	URI(issuer, account, secret string) (string, error)
	// Step returns the newest time step, within one step either side of t,
	// whose code is code; ok is false when none is.
	Step(secret, code string, t time.Time) (step int64, ok bool)
}

// Tokens stores service tokens by the hash of their secret. CreateToken fills
// t.ID and returns Conflict (error.token.name_taken) when an active token has
// the same name (compared without regard to case). RevokeToken and
// TokenByHash return NotFound (error.token.not_found): RevokeToken when the
// token is absent or already revoked; TokenByHash returns revoked tokens too.
type Tokens interface {
	CreateToken(ctx context.Context, t *ServiceToken) error
	ListTokens(ctx context.Context) ([]ServiceToken, error)
	RevokeToken(ctx context.Context, id int64, at time.Time) error
	TokenByHash(ctx context.Context, hash []byte) (ServiceToken, error)
	// TouchToken records that the token was used at at; an unknown id is
	// not an error.
	TouchToken(ctx context.Context, id int64, at time.Time) error
}

// Attempts counts throttled events (failed sign-ins, sent codes) per scope and
// subject, so that limits hold across several server instances.
type Attempts interface {
	AddAttempt(ctx context.Context, scope, subject string, at time.Time) error
	// CountAttempts returns how many attempts happened at or after since, and
	// the time of the oldest of them.
	CountAttempts(ctx context.Context, scope, subject string, since time.Time) (int, time.Time, error)
	ClearAttempts(ctx context.Context, scope, subject string) error
}

// Drafts keeps registration wizards in progress. DraftByHash returns NotFound.
type Drafts interface {
	SaveDraft(ctx context.Context, d Draft) error
	DraftByHash(ctx context.Context, hash []byte) (Draft, error)
	DeleteDraft(ctx context.Context, hash []byte) error
}

// Hasher hashes and verifies passwords (argon2id in production).
type Hasher interface {
	Hash(ctx context.Context, password string) (string, error)
	Verify(ctx context.Context, hash, password string) (bool, error)
}

// Stores are the identity module's stores as one unit of work sees them:
// what a use case writes through them, its notices and its audit events
// included, is kept together or not at all.
type Stores struct {
	Accounts      Accounts
	Companies     Companies
	Codes         Codes
	Sessions      Sessions
	Attempts      Attempts
	Drafts        Drafts
	SecondFactors SecondFactors
	Tokens        Tokens
	Outbox        ports.Outbox
	Audit         ports.Audit
}

// TxRunner runs units of work over the identity stores. InTx calls fn with
// the stores of one unit of work and keeps what fn wrote when fn returns nil,
// nothing of it otherwise; it returns fn's error, or the error of keeping
// the work (a failed commit).
type TxRunner interface {
	InTx(ctx context.Context, fn func(Stores) error) error
}

// Client describes who is calling: their address, browser and language, and
// the session token the browser already holds ("" when none): a new sign-in
// from that browser ends that session.
type Client struct {
	IP        string
	UserAgent string
	Lang      string
	Session   string
}
